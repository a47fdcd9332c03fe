#pragma once

// The config of kagami's simulated Wi-Fi access point (`kagami-devsim ap`),
// which serves the "kagami-sim-ap" management API
// (protocols/wifi_ap/sim_ap_model.hpp). The format is documented in
// README.md ("AP simulator config"):
//
//   {"radios":  [{"id": "radio0", "band": "2.4GHz", "enabled": true}],
//    "ssids":   [{"name": "factory-iot", "radio": "radio0", "enabled": true}],
//    "clients": [{"mac": "02:99:00:00:00:31", "ssid": "factory-iot",
//                 "radio": "radio0", "rssi": -48, "link": "wl-1"}],
//    "fault": "garbage", "slowMs": 5000, "hugeBytes": 4194304}
//
// A client's `link` is a network interface in the simulator's own network
// namespace (the AP-side end of the client's veth); a cut that takes the
// client off the air sets it down.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/wifi_ap/ap_status.hpp"
#include "tools/devsim/sim_config_error.hpp"

namespace kagami::devsim {

/// How GET /api/v1/status misbehaves, for robustness tests of kagami.
enum class ap_fault {
  none,
  garbage,     ///< 200 with bytes that are not JSON (nor UTF-8).
  wrong_types, ///< 200 with valid JSON of the wrong shape.
  huge,        ///< 200 with a valid JSON body of huge_bytes (default 4 MiB).
  slow,        ///< Every reply (status and cuts) arrives after slow_ms.
};

/// "none", "garbage", "wrong-types", "huge" or "slow".
const char* to_string(ap_fault x);

struct ap_sim_limits {
  /// Deliberately more than kagami accepts (protocols/wifi_ap ap_limits), so
  /// a config can present an oversized AP.
  static constexpr std::size_t max_radios = 64;
  static constexpr std::size_t max_ssids = 1024;
  static constexpr std::size_t max_clients = 4096;
  /// Linux interface names: 1..15 bytes (IFNAMSIZ - 1).
  static constexpr std::size_t max_link_name = 15;
  static constexpr int64_t max_slow_ms = 600'000;
  static constexpr int64_t min_huge_bytes = 1024;
  static constexpr int64_t max_huge_bytes = 64 << 20;
  static constexpr int max_depth = 16;
};

struct ap_sim_client {
  std::string mac; ///< Normalized "aa:bb:cc:dd:ee:ff".
  std::string ssid;
  std::string radio;
  std::optional<int32_t> rssi;
  std::string link; ///< Interface to set down on a cut; "" for none.
  bool operator==(const ap_sim_client&) const = default;
};

struct ap_sim_config {
  std::vector<protocols::wifi_ap::ap_radio> radios;
  std::vector<protocols::wifi_ap::ap_ssid> ssids;
  std::vector<ap_sim_client> clients;
  ap_fault fault = ap_fault::none;
  uint32_t slow_ms = 5000;
  std::size_t huge_bytes = 4u << 20;
};

/// Whether `name` can be a Linux interface name: 1..15 bytes, no '/', ':',
/// whitespace or control characters, not "." or "..".
bool valid_link_name(std::string_view name);

/// Parses and validates a config; `file` only names the source in errors
/// ("FILE: /clients/1/ssid: not served on radio radio0"). Checks: radio ids
/// ([A-Za-z0-9_-], at most 64), bands, SSIDs of 1..32 bytes on a known
/// radio, unique radio ids, (ssid, radio) pairs, client MACs and links; a
/// client's ssid served on its radio (`radio` may be left out when the SSID
/// is served on exactly one radio); rssi -127..0; `enabled` defaults to
/// true. Unknown fields are errors ("comment" and "_..." are allowed).
/// Never throws.
std::variant<ap_sim_config, sim_config_error>
parse_ap_sim_config(std::string_view text, const std::string& file);

} // namespace kagami::devsim
