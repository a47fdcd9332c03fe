#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/site_config.hpp"

namespace kagami::config {

namespace {

constexpr uintmax_t max_file_size = 16 * 1024 * 1024;

} // namespace

std::optional<std::string> read_file(const std::string& path,
                                     std::string& why) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    why = ec.message();
    return std::nullopt;
  }
  if (size > max_file_size) {
    why = "larger than 16 MiB";
    return std::nullopt;
  }
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::string text{std::istreambuf_iterator<char>{in},
                   std::istreambuf_iterator<char>{}};
  if (in.bad()) {
    why = "read error";
    return std::nullopt;
  }
  return text;
}

} // namespace kagami::config
