#pragma once

// The config of a simulated UPnP device: an HTTP simulator config (documents,
// writable, actions, raw, dynamics; see http_sim_config.hpp) plus an "upnp"
// object that describes the device in SSDP and its description XML. The
// format is documented in README.md.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "tools/devsim/http_sim_config.hpp"
#include "tools/devsim/sim_config_error.hpp"

namespace kagami::devsim {

/// What the device says about itself. Values are not limited to what the
/// gateway accepts, so that a test can present an over-long field.
struct upnp_device_info {
  std::string manufacturer;
  std::string model_name;
  std::string model_number;
  std::string serial_number;
  /// <firmwareVersion>: a vendor extension, not part of UDA.
  std::string firmware_version;
  std::string udn; ///< "uuid:..."
  std::string friendly_name;
  std::string device_type = "urn:schemas-upnp-org:device:Basic:1";

  friend bool operator==(const upnp_device_info&, const upnp_device_info&) = default;
};

struct upnp_sim_limits {
  /// The longest value of an "upnp" field (also for PUT /sim/profile).
  static constexpr size_t max_field = 1024;
  static constexpr int64_t max_notify_interval_s = 86400;
};

struct upnp_sim_config {
  http_sim_config http;
  upnp_device_info device;
  /// NOTIFY ssdp:alive every this many seconds.
  uint32_t notify_interval_s = 30;
};

/// Parses and validates a config; `file` only names the source in errors.
/// "upnp" is required, with "manufacturer", "modelName" and "udn" (starting
/// with "uuid:"); the other members of the document are an HTTP simulator
/// config. Never throws.
std::variant<upnp_sim_config, sim_config_error>
parse_upnp_sim_config(std::string_view text, const std::string& file);

/// Merges `patch` (a JSON object with the field names of the "upnp" config
/// object, without "notifyIntervalS") into `info`. Returns "" on success,
/// else the reason (nothing is changed then). Never throws.
std::string merge_upnp_device_info(upnp_device_info& info, const nlohmann::json& patch);

/// `info` as a JSON object with the config's field names.
nlohmann::json to_json(const upnp_device_info& info);

} // namespace kagami::devsim
