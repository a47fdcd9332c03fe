#include "protocols/wifi_ap/ap_api_model.hpp"

#include <utility>

#include "actors/core/error.hpp"
#include "protocols/wifi_ap/sim_ap_model.hpp"

namespace kagami::protocols::wifi_ap {

const char* to_string(ap_cut x) {
  switch (x) {
    case ap_cut::disable_ssid: return "disable_ssid";
    case ap_cut::deauth_client: return "deauth_client";
    case ap_cut::radio_off: return "radio_off";
  }
  return "?";
}

caf::error ap_model_registry::add(std::unique_ptr<ap_model_factory> factory) {
  if (!factory)
    return make_error(ec::config_invalid, "null AP model factory");
  std::string name{factory->name()};
  if (name.empty())
    return make_error(ec::config_invalid, "AP model factory without a name");
  if (factories_.count(name) != 0)
    return make_error(ec::config_invalid, "AP model registered twice: " + name);
  factories_.emplace(std::move(name), std::move(factory));
  return caf::none;
}

caf::expected<std::unique_ptr<ap_api_model>>
ap_model_registry::create(std::string_view name) const {
  auto i = factories_.find(name);
  if (i == factories_.end())
    return make_error(ec::not_found, "unknown AP model: " + std::string{name});
  return i->second->create();
}

std::vector<std::string> ap_model_registry::names() const {
  std::vector<std::string> result;
  for (auto& [name, factory] : factories_)
    result.push_back(name);
  return result;
}

caf::error register_builtin_ap_models(ap_model_registry& registry) {
  return registry.add(make_sim_ap_model_factory());
}

std::string encode_path_segment(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                      || (c >= '0' && c <= '9') || c == '-' || c == '.'
                      || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += "0123456789ABCDEF"[c >> 4];
      out += "0123456789ABCDEF"[c & 0xf];
    }
  }
  return out;
}

} // namespace kagami::protocols::wifi_ap
