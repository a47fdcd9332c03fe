#include "protocols/wifi_ap/ap_status.hpp"

#include <set>
#include <utility>

#include "actors/core/error.hpp"

namespace kagami::protocols::wifi_ap {

namespace {

caf::error bad(const std::string& pointer, const std::string& reason) {
  return make_error(ec::device_bad_reply, pointer + ": " + reason);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

const char* to_string(radio_band x) {
  switch (x) {
    case radio_band::ghz_2_4: return "2.4GHz";
    case radio_band::ghz_5: return "5GHz";
    case radio_band::ghz_6: return "6GHz";
  }
  return "?";
}

std::optional<radio_band> band_from_string(std::string_view text) {
  if (text == "2.4GHz")
    return radio_band::ghz_2_4;
  if (text == "5GHz")
    return radio_band::ghz_5;
  if (text == "6GHz")
    return radio_band::ghz_6;
  return std::nullopt;
}

std::optional<std::string> normalize_mac(std::string_view text) {
  std::string digits;
  if (text.size() == 17) { // aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff
    char sep = text[2];
    if (sep != ':' && sep != '-')
      return std::nullopt;
    for (std::size_t i = 0; i < 17; ++i) {
      if (i % 3 == 2) {
        if (text[i] != sep)
          return std::nullopt;
      } else {
        digits += text[i];
      }
    }
  } else if (text.size() == 14) { // aabb.ccdd.eeff
    for (std::size_t i = 0; i < 14; ++i) {
      if (i % 5 == 4) {
        if (text[i] != '.')
          return std::nullopt;
      } else {
        digits += text[i];
      }
    }
  } else {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 0; i < 12; ++i) {
    int v = hex_value(digits[i]);
    if (v < 0)
      return std::nullopt;
    if (i > 0 && i % 2 == 0)
      out += ':';
    out += "0123456789abcdef"[v];
  }
  return out;
}

bool valid_radio_id(std::string_view id, const ap_limits& limits) {
  if (id.empty() || id.size() > limits.max_string_length)
    return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

caf::error check_ap_status(const ap_status& status, const ap_limits& limits) {
  if (status.radios.size() > limits.max_radios)
    return bad("/radios", "more than " + std::to_string(limits.max_radios) + " radios");
  if (status.ssids.size() > limits.max_ssids)
    return bad("/ssids", "more than " + std::to_string(limits.max_ssids) + " SSIDs");
  if (status.clients.size() > limits.max_clients)
    return bad("/clients", "more than " + std::to_string(limits.max_clients) + " clients");
  std::set<std::string> radios;
  for (std::size_t i = 0; i < status.radios.size(); ++i) {
    auto at = "/radios/" + std::to_string(i);
    auto& r = status.radios[i];
    if (!valid_radio_id(r.id, limits))
      return bad(at + "/id", "not a radio id");
    if (!radios.insert(r.id).second)
      return bad(at + "/id", "duplicate radio " + r.id);
  }
  std::set<std::pair<std::string, std::string>> ssids;
  for (std::size_t i = 0; i < status.ssids.size(); ++i) {
    auto at = "/ssids/" + std::to_string(i);
    auto& s = status.ssids[i];
    if (s.name.empty() || s.name.size() > max_ssid_length)
      return bad(at + "/name", "SSID must have 1..32 bytes");
    if (radios.count(s.radio) == 0)
      return bad(at + "/radio", "unknown radio");
    if (!ssids.emplace(s.name, s.radio).second)
      return bad(at + "/name", "duplicate SSID on radio " + s.radio);
  }
  std::set<std::string> macs;
  for (std::size_t i = 0; i < status.clients.size(); ++i) {
    auto at = "/clients/" + std::to_string(i);
    auto& c = status.clients[i];
    auto mac = normalize_mac(c.mac);
    if (!mac || *mac != c.mac)
      return bad(at + "/mac", "not a normalized MAC address");
    if (!macs.insert(c.mac).second)
      return bad(at + "/mac", "duplicate client " + c.mac);
    if (radios.count(c.radio) == 0)
      return bad(at + "/radio", "unknown radio");
    if (ssids.count({c.ssid, c.radio}) == 0)
      return bad(at + "/ssid", "SSID not served on radio " + c.radio);
    if (c.rssi && (*c.rssi < -127 || *c.rssi > 0))
      return bad(at + "/rssi", "RSSI out of -127..0 dBm");
  }
  return caf::none;
}

} // namespace kagami::protocols::wifi_ap
