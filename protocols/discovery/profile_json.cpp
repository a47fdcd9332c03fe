#include "protocols/discovery/profile_json.hpp"

#include <array>

#include "actors/core/error.hpp"

namespace kagami::protocols {

namespace {

using nlohmann::json;

struct profile_key {
  const char* name;
  std::string device_profile::*member;
};

constexpr std::array<profile_key, 8> profile_keys{{
  {"vendor", &device_profile::vendor},
  {"product", &device_profile::product},
  {"modelNumber", &device_profile::model_number},
  {"firmware", &device_profile::firmware},
  {"hardware", &device_profile::hardware},
  {"serial", &device_profile::serial},
  {"category", &device_profile::category},
  {"udn", &device_profile::udn},
}};

struct sighting_key {
  const char* name;
  std::string device_sighting::*member;
};

constexpr std::array<sighting_key, 5> sighting_keys{{
  {"mac", &device_sighting::mac},
  {"address", &device_sighting::address},
  {"seenOn", &device_sighting::seen_on},
  {"locator", &device_sighting::locator},
  {"fingerprint", &device_sighting::fingerprint},
}};

constexpr size_t max_sighting_field = 1024;

caf::error bad(std::string reason) {
  return make_error(ec::invalid_value, std::move(reason));
}

/// Reads the string field `name` of `j`, if present, into `out`.
caf::error read_string(const json& j, const char* name, size_t max,
                       std::string& out) {
  auto i = j.find(name);
  if (i == j.end())
    return {};
  if (!i->is_string())
    return bad(std::string{"field '"} + name + "' is not a string");
  auto& s = i->get_ref<const std::string&>();
  if (s.size() > max)
    return bad(std::string{"field '"} + name + "' is longer than "
               + std::to_string(max) + " bytes");
  out = s;
  return {};
}

template <class Keys>
caf::error reject_unknown(const json& j, const Keys& keys,
                          std::initializer_list<const char*> extra) {
  for (auto& [key, value] : j.items()) {
    bool known = false;
    for (auto& k : keys)
      known = known || key == k.name;
    for (auto k : extra)
      known = known || key == k;
    if (!known)
      return bad("unknown field '" + key + "'");
  }
  return {};
}

} // namespace

std::optional<discovery_kind> discovery_kind_from_string(std::string_view name) {
  for (auto k : {discovery_kind::htip, discovery_kind::upnp,
                 discovery_kind::ble, discovery_kind::vendor_db})
    if (name == to_string(k))
      return k;
  return std::nullopt;
}

json profile_to_json(const device_profile& p) {
  json j = json::object();
  for (auto& k : profile_keys)
    if (!(p.*k.member).empty())
      j[k.name] = p.*k.member;
  return j;
}

caf::expected<device_profile> profile_from_json(const json& j) {
  if (!j.is_object())
    return bad("a profile is not a JSON object");
  if (auto err = reject_unknown(j, profile_keys, {}))
    return err;
  device_profile p;
  for (auto& k : profile_keys)
    if (auto err = read_string(j, k.name, max_profile_field, p.*k.member))
      return err;
  return p;
}

json sighting_to_json(const device_sighting& s) {
  json j = json::object();
  j["source"] = to_string(s.source);
  for (auto& k : sighting_keys)
    if (!(s.*k.member).empty())
      j[k.name] = s.*k.member;
  if (s.profile)
    j["profile"] = profile_to_json(*s.profile);
  return j;
}

caf::expected<device_sighting> sighting_from_json(const json& j) {
  if (!j.is_object())
    return bad("a sighting is not a JSON object");
  if (auto err = reject_unknown(j, sighting_keys, {"source", "profile"}))
    return err;
  device_sighting s;
  std::string source;
  if (auto err = read_string(j, "source", 16, source))
    return err;
  auto kind = discovery_kind_from_string(source);
  if (!kind)
    return bad("field 'source' is not one of htip, upnp, ble, vendor_db");
  s.source = *kind;
  for (auto& k : sighting_keys)
    if (auto err = read_string(j, k.name, max_sighting_field, s.*k.member))
      return err;
  if (auto i = j.find("profile"); i != j.end()) {
    auto p = profile_from_json(*i);
    if (!p)
      return std::move(p.error());
    s.profile = std::move(*p);
  }
  return s;
}

std::string to_json_text(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace kagami::protocols
