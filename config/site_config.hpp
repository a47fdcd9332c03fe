#pragma once

// The site config: the gateway's listener, data directory, device models and
// devices. Loaded and validated once at start-up; a bad config is fatal with a
// message that names the file, the field and the reason.

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <caf/expected.hpp>

#include "config/device_model.hpp"

namespace kagami::config {

/// One real device on the site.
struct device_config {
  /// The thing id apps see: [A-Za-z0-9._-]{1,64}.
  std::string id;
  /// Human title for the TD; defaults to `id`.
  std::string title;
  /// The id of a device model in site_config::models.
  std::string model;
  /// Where the device is: "host:port" for Modbus/TCP, "http://host:port" for
  /// HTTP/JSON. Never leaves the gateway.
  std::string address;
  /// Modbus unit id (slave id); ignored for other protocols.
  int unit_id = 1;
  std::vector<std::string> tags;

  friend bool operator==(const device_config&, const device_config&) = default;
};

/// Timeouts of the gateway, all in milliseconds.
struct timeout_config {
  /// One device operation (connect + request + reply).
  uint32_t device_ms = 1000;
  /// An HTTP request through the actor system, device round trip included.
  uint32_t request_ms = 3000;
  /// A client that sends its request head or body slower than this is cut.
  uint32_t http_read_ms = 10000;
};

struct http_limits_config {
  uint32_t header_limit = 8 * 1024;
  uint32_t body_limit = 64 * 1024;
  uint32_t max_connections = 1024;
};

struct site_config {
  std::string site_name = "kagami";
  /// "HOST:PORT" of the WoT listener.
  std::string listen = "127.0.0.1:8080";
  /// RocksDB data directory.
  std::string data_dir = "kagami-data";
  /// The base URL put into TD forms; derived from `listen` when empty.
  std::string public_base_url;
  timeout_config timeouts;
  http_limits_config http;
  std::map<std::string, device_model> models;
  std::vector<device_config> devices;

  /// Returns the model of `dev`, or nullptr.
  const device_model* model_of(const device_config& dev) const;
};

/// Why a config was rejected: `file`, then the JSON pointer of the `field`,
/// then the `reason`. to_string() gives "FILE: FIELD: REASON".
struct config_error {
  std::string file;
  std::string field;
  std::string reason;
  std::string to_string() const;
};

/// Parses and validates a device model from JSON text. `file` only names the
/// source in errors. Never throws.
std::variant<device_model, config_error>
parse_device_model(const std::string& text, const std::string& file);

/// Parses and validates a site config from JSON text. Relative model paths in
/// `models` resolve against `base_dir`. Never throws.
std::variant<site_config, config_error>
parse_site_config(const std::string& text, const std::string& file,
                  const std::string& base_dir);

/// Reads `path` and calls parse_site_config.
std::variant<site_config, config_error> load_site_config(const std::string& path);

/// The embedded demo site (config/demo/), with device addresses filled in by
/// the caller once the simulators listen.
std::variant<site_config, config_error> demo_site_config();

} // namespace kagami::config
