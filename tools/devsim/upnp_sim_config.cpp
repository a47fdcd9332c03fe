#include "tools/devsim/upnp_sim_config.hpp"

#include <array>

#include "tools/devsim/sim_json.hpp"

namespace kagami::devsim {

using detail::node;
using nlohmann::json;

namespace {

struct info_field {
  const char* key;
  std::string upnp_device_info::*member;
};

constexpr std::array<info_field, 8> info_fields{{
  {"manufacturer", &upnp_device_info::manufacturer},
  {"modelName", &upnp_device_info::model_name},
  {"modelNumber", &upnp_device_info::model_number},
  {"serialNumber", &upnp_device_info::serial_number},
  {"firmwareVersion", &upnp_device_info::firmware_version},
  {"udn", &upnp_device_info::udn},
  {"friendlyName", &upnp_device_info::friendly_name},
  {"deviceType", &upnp_device_info::device_type},
}};

/// Why `value` cannot be the field `key`, or "".
std::string check_field(const std::string& key, const std::string& value) {
  if (value.size() > upnp_sim_limits::max_field)
    return "longer than " + std::to_string(upnp_sim_limits::max_field) + " bytes";
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7F)
      return "holds a control character";
  if (key == "udn" && value.substr(0, 5) != "uuid:")
    return "must start with \"uuid:\"";
  if ((key == "udn" || key == "deviceType") && value.find(' ') != std::string::npos)
    return "holds a space";
  if ((key == "manufacturer" || key == "modelName" || key == "udn"
       || key == "deviceType")
      && value.empty())
    return "must not be empty";
  return {};
}

upnp_sim_config parse_upnp(const json& doc, const std::string& file) {
  node root{doc, ""};
  root.require_object();
  auto u = root.at("upnp");
  u.require_object();
  u.allow_only({"manufacturer", "modelName", "modelNumber", "serialNumber",
                "firmwareVersion", "udn", "friendlyName", "deviceType",
                "notifyIntervalS"});
  upnp_sim_config cfg;
  for (const auto& f : info_fields) {
    auto n = u.get(f.key);
    if (!n) {
      auto why = check_field(f.key, cfg.device.*(f.member));
      if (!why.empty())
        u.fail("missing required field \"" + std::string{f.key} + "\"");
      continue;
    }
    auto value = n->string();
    if (auto why = check_field(f.key, value); !why.empty())
      n->fail(why);
    cfg.device.*(f.member) = std::move(value);
  }
  if (auto n = u.get("notifyIntervalS"))
    cfg.notify_interval_s = static_cast<uint32_t>(
      n->integer(1, upnp_sim_limits::max_notify_interval_s));
  json rest = doc;
  rest.erase("upnp");
  auto http = parse_http_sim_config(rest.dump(), file);
  if (auto* err = std::get_if<sim_config_error>(&http))
    throw detail::sim_json_failure{err->field, err->reason};
  cfg.http = std::move(std::get<http_sim_config>(http));
  return cfg;
}

} // namespace

std::variant<upnp_sim_config, sim_config_error>
parse_upnp_sim_config(std::string_view text, const std::string& file) {
  return detail::config_or_error<upnp_sim_config>(file, [&] {
    auto doc = detail::parse_json_limited(text, http_sim_limits::max_depth);
    return parse_upnp(doc, file);
  });
}

std::string merge_upnp_device_info(upnp_device_info& info, const json& patch) {
  if (!patch.is_object())
    return "the body must be a JSON object";
  auto merged = info;
  for (const auto& [key, value] : patch.items()) {
    const info_field* field = nullptr;
    for (const auto& f : info_fields)
      if (key == f.key)
        field = &f;
    if (field == nullptr)
      return "unknown field \"" + key + "\"";
    if (!value.is_string())
      return "\"" + key + "\" must be a string";
    auto text = value.get<std::string>();
    if (auto why = check_field(key, text); !why.empty())
      return "\"" + key + "\" " + why;
    merged.*(field->member) = std::move(text);
  }
  info = std::move(merged);
  return {};
}

json to_json(const upnp_device_info& info) {
  json out = json::object();
  for (const auto& f : info_fields)
    out[f.key] = info.*(f.member);
  return out;
}

} // namespace kagami::devsim
