#include "protocols/wifi_ap/sim_ap_model.hpp"

#include <string>
#include <utility>

#include "actors/core/error.hpp"
#include "protocols/wifi_ap/ap_json.hpp"

namespace kagami::protocols::wifi_ap {

namespace {

using nlohmann::json;

caf::error bad(const std::string& pointer, const std::string& reason) {
  return make_error(ec::device_bad_reply, pointer + ": " + reason);
}

/// Reads the string member `key` of `object` (at `at`) into `out`.
caf::error read_string(const json& object, const char* key,
                       const std::string& at, std::size_t max_length,
                       std::string& out) {
  auto i = object.find(key);
  if (i == object.end())
    return bad(at + "/" + key, "missing");
  if (!i->is_string())
    return bad(at + "/" + key, "not a string");
  auto& text = i->get_ref<const std::string&>();
  if (text.size() > max_length)
    return bad(at + "/" + key, "longer than " + std::to_string(max_length) + " bytes");
  out = text;
  return caf::none;
}

caf::error read_bool(const json& object, const char* key, const std::string& at,
                     bool& out) {
  auto i = object.find(key);
  if (i == object.end())
    return bad(at + "/" + key, "missing");
  if (!i->is_boolean())
    return bad(at + "/" + key, "not a boolean");
  out = i->get<bool>();
  return caf::none;
}

/// The array member `key` of the top-level object, or an error.
caf::expected<const json*> read_array(const json& top, const char* key,
                                      std::size_t max_size) {
  auto at = std::string{"/"} + key;
  auto i = top.find(key);
  if (i == top.end())
    return bad(at, "missing");
  if (!i->is_array())
    return bad(at, "not an array");
  if (i->size() > max_size)
    return bad(at, "more than " + std::to_string(max_size) + " entries");
  return &*i;
}

caf::expected<ap_status> decode_status(const json& top, const ap_limits& limits) {
  if (!top.is_object())
    return bad("", "not an object");
  ap_status result;
  auto radios = read_array(top, "radios", limits.max_radios);
  if (!radios)
    return radios.error();
  for (std::size_t i = 0; i < (*radios)->size(); ++i) {
    auto& item = (**radios)[i];
    auto at = "/radios/" + std::to_string(i);
    if (!item.is_object())
      return bad(at, "not an object");
    ap_radio r;
    std::string band;
    if (auto err = read_string(item, "id", at, limits.max_string_length, r.id))
      return err;
    if (auto err = read_string(item, "band", at, limits.max_string_length, band))
      return err;
    auto parsed = band_from_string(band);
    if (!parsed)
      return bad(at + "/band", "not 2.4GHz, 5GHz or 6GHz");
    r.band = *parsed;
    if (auto err = read_bool(item, "enabled", at, r.enabled))
      return err;
    result.radios.push_back(std::move(r));
  }
  auto ssids = read_array(top, "ssids", limits.max_ssids);
  if (!ssids)
    return ssids.error();
  for (std::size_t i = 0; i < (*ssids)->size(); ++i) {
    auto& item = (**ssids)[i];
    auto at = "/ssids/" + std::to_string(i);
    if (!item.is_object())
      return bad(at, "not an object");
    ap_ssid s;
    if (auto err = read_string(item, "name", at, max_ssid_length, s.name))
      return err;
    if (auto err = read_string(item, "radio", at, limits.max_string_length, s.radio))
      return err;
    if (auto err = read_bool(item, "enabled", at, s.enabled))
      return err;
    result.ssids.push_back(std::move(s));
  }
  auto clients = read_array(top, "clients", limits.max_clients);
  if (!clients)
    return clients.error();
  for (std::size_t i = 0; i < (*clients)->size(); ++i) {
    auto& item = (**clients)[i];
    auto at = "/clients/" + std::to_string(i);
    if (!item.is_object())
      return bad(at, "not an object");
    ap_client c;
    std::string mac;
    if (auto err = read_string(item, "mac", at, limits.max_string_length, mac))
      return err;
    auto normalized = normalize_mac(mac);
    if (!normalized)
      return bad(at + "/mac", "not a MAC address");
    c.mac = std::move(*normalized);
    if (auto err = read_string(item, "ssid", at, max_ssid_length, c.ssid))
      return err;
    if (auto err = read_string(item, "radio", at, limits.max_string_length, c.radio))
      return err;
    if (auto i_rssi = item.find("rssi"); i_rssi != item.end()) {
      if (!i_rssi->is_number_integer())
        return bad(at + "/rssi", "not an integer");
      auto v = i_rssi->get<std::int64_t>();
      if (v < -127 || v > 0)
        return bad(at + "/rssi", "RSSI out of -127..0 dBm");
      c.rssi = static_cast<std::int32_t>(v);
    }
    result.clients.push_back(std::move(c));
  }
  if (auto err = check_ap_status(result, limits))
    return err;
  return result;
}

class sim_ap_model : public ap_api_model {
public:
  std::string_view name() const override {
    return sim_ap_model_name;
  }

  bool supports(ap_cut) const override {
    return true;
  }

  ap_http_request status_request() const override {
    return {"GET", "/api/v1/status", "", ""};
  }

  caf::expected<ap_http_request>
  cut_request(const ap_cut_order& order) const override {
    switch (order.kind) {
      case ap_cut::disable_ssid:
        if (order.target.empty() || order.target.size() > max_ssid_length)
          return make_error(ec::invalid_value, "SSID must have 1..32 bytes");
        return ap_http_request{"POST",
                               "/api/v1/ssids/" + encode_path_segment(order.target)
                                 + "/disable",
                               "", ""};
      case ap_cut::deauth_client: {
        auto mac = normalize_mac(order.target);
        if (!mac)
          return make_error(ec::invalid_value, "not a MAC address: " + order.target);
        return ap_http_request{"POST", "/api/v1/clients/" + *mac + "/deauth", "", ""};
      }
      case ap_cut::radio_off:
        if (!valid_radio_id(order.target, ap_limits{}))
          return make_error(ec::invalid_value, "not a radio id: " + order.target);
        return ap_http_request{"POST", "/api/v1/radios/" + order.target + "/off", "", ""};
    }
    return make_error(ec::not_writable, "unknown cut");
  }

  caf::expected<ap_status> parse_status(unsigned http_status, std::string_view body,
                                        const ap_limits& limits) const override {
    if (auto err = check_http_status(http_status))
      return err;
    auto top = parse_bounded_json(body, limits);
    if (!top)
      return top.error();
    return decode_status(*top, limits);
  }

  caf::expected<cut_result> parse_cut(const ap_cut_order&, unsigned http_status,
                                      std::string_view body,
                                      const ap_limits& limits) const override {
    if (auto err = check_http_status(http_status))
      return err;
    auto top = parse_bounded_json(body, limits);
    if (!top)
      return top.error();
    if (!top->is_object())
      return bad("", "not an object");
    cut_result result;
    if (auto err = read_bool(*top, "applied", "", result.applied))
      return err;
    if (top->contains("message")) {
      if (auto err = read_string(*top, "message", "", limits.max_string_length,
                                 result.message))
        return err;
    }
    return result;
  }
};

class sim_ap_model_factory : public ap_model_factory {
public:
  std::string_view name() const override {
    return sim_ap_model_name;
  }
  std::unique_ptr<ap_api_model> create() const override {
    return std::make_unique<sim_ap_model>();
  }
};

} // namespace

std::unique_ptr<ap_model_factory> make_sim_ap_model_factory() {
  return std::make_unique<sim_ap_model_factory>();
}

} // namespace kagami::protocols::wifi_ap
