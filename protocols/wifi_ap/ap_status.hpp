#pragma once

// What a Wi-Fi access point reports about itself, in a form common to every
// AP model (vendor API), and the checks every model's parser applies to it.
// Plain data and pure functions; no I/O.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace kagami::protocols::wifi_ap {

/// The frequency band of a radio.
enum class radio_band { ghz_2_4, ghz_5, ghz_6 };

/// "2.4GHz", "5GHz" or "6GHz".
const char* to_string(radio_band x);

/// Parses "2.4GHz", "5GHz" or "6GHz"; nullopt for anything else.
std::optional<radio_band> band_from_string(std::string_view text);

struct ap_radio {
  std::string id; ///< [A-Za-z0-9_-]{1,max_string_length} ("radio0").
  radio_band band = radio_band::ghz_2_4;
  bool enabled = false;
  bool operator==(const ap_radio&) const = default;
};

struct ap_ssid {
  std::string name;  ///< 1..32 bytes (IEEE 802.11 SSID length).
  std::string radio; ///< The ap_radio::id it is served on.
  bool enabled = false;
  bool operator==(const ap_ssid&) const = default;
};

struct ap_client {
  std::string mac;   ///< Normalized: "aa:bb:cc:dd:ee:ff".
  std::string ssid;  ///< An ap_ssid::name served on `radio`.
  std::string radio; ///< An ap_radio::id.
  std::optional<std::int32_t> rssi; ///< dBm, -127..0, when the AP tells.
  bool operator==(const ap_client&) const = default;
};

/// One answer to "what do you serve and who is associated?".
struct ap_status {
  std::vector<ap_radio> radios;
  std::vector<ap_ssid> ssids;
  std::vector<ap_client> clients;
  bool operator==(const ap_status&) const = default;
};

/// Bounds on an untrusted AP reply. A reply beyond any bound is rejected.
struct ap_limits {
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_depth = 16; ///< JSON nesting depth.
  std::size_t max_radios = 8;
  std::size_t max_ssids = 64;
  std::size_t max_clients = 1024;
  std::size_t max_string_length = 64; ///< Radio ids, messages (SSIDs: 32).
};

/// The longest SSID IEEE 802.11 allows.
inline constexpr std::size_t max_ssid_length = 32;

/// "AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff" or "aabb.ccdd.eeff" ->
/// "aa:bb:cc:dd:ee:ff"; nullopt for anything else.
std::optional<std::string> normalize_mac(std::string_view text);

/// Whether `id` is a valid radio id under `limits` (it is put in URL paths).
bool valid_radio_id(std::string_view id, const ap_limits& limits);

/// Checks a decoded status: list sizes, string lengths, normalized MACs, no
/// duplicate radio id / (ssid, radio) / client MAC, and every reference
/// (ssid -> radio, client -> radio and ssid on that radio) resolves. The
/// error is ec::device_bad_reply with the detail "<JSON pointer>: <reason>",
/// the pointer naming the offending element in ap_status's own layout
/// ("/clients/3/mac").
caf::error check_ap_status(const ap_status& status, const ap_limits& limits);

} // namespace kagami::protocols::wifi_ap
