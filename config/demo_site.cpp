// The demo site, read from the files embedded in the binary.

#include <string>

#include "config/embedded_files.hpp"
#include "config/site_config.hpp"

namespace kagami::config {

std::variant<site_config, config_error> demo_site_config() {
  static constexpr const char* site_file = "config/demo/site.json";
  auto text = find_embedded_file(site_file);
  if (!text)
    return config_error{site_file, "", "not embedded in this binary"};
  auto read = [](const std::string& path,
                 std::string& why) -> std::optional<std::string> {
    if (auto f = find_embedded_file(path))
      return std::string{*f};
    why = "not embedded in this binary";
    return std::nullopt;
  };
  auto site = parse_site_config(std::string{*text}, site_file, "config/demo", read);
  if (auto* parsed = std::get_if<site_config>(&site))
    parsed->embedded = true;
  return site;
}

} // namespace kagami::config
