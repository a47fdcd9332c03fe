#pragma once

// The site config: the gateway's listener, data directory, device models and
// devices. Loaded and validated once at start-up; a bad config is fatal with a
// message that names the file, the field and the reason.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "config/config_error.hpp"
#include "config/design_info.hpp"
#include "config/device_model.hpp"
#include "config/discovery_config.hpp"
#include "config/isolation_config.hpp"
#include "config/network_config.hpp"
#include "config/vendor_db.hpp"

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

  friend bool operator==(const timeout_config&, const timeout_config&)
    = default;
};

struct http_limits_config {
  uint32_t header_limit = 8 * 1024;
  uint32_t body_limit = 64 * 1024;
  uint32_t max_connections = 1024;

  friend bool operator==(const http_limits_config&, const http_limits_config&)
    = default;
};

/// How the actor system schedules work (CAF's scheduler.policy).
enum class scheduler_policy {
  /// One shared queue; idle workers wait on a condition variable that new
  /// work signals at once. Lowest latency for a gateway (BENCHMARKS.md).
  sharing,
  /// Work stealing: idle workers poll, then sleep in short steps.
  stealing,
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
  scheduler_policy scheduler = scheduler_policy::sharing;
  std::map<std::string, device_model> models;
  std::vector<device_config> devices;
  /// The devices onboarding may admit and those it must refuse.
  design_info design;
  /// The "vendorDb" path as written (relative to the site file); empty:
  /// none.
  std::string vendor_db_file;
  /// The database read from `vendor_db_file`.
  config::vendor_db vendor_db;
  /// The discovery sources; all off by default.
  discovery_config discovery;
  /// The network elements and the topology refresh; empty by default.
  network_config network;
  /// Suspicious-device detection and isolation; disabled by default.
  isolation_config isolation;
  /// The "security" section as written (an object; null when absent). Its
  /// parts are decoded by the security components themselves at start-up
  /// (tools/kagamid/security_setup.cpp), which name the field on error.
  nlohmann::json security;
  /// The directory of the site file: relative paths in `security` resolve
  /// against it.
  std::string base_dir;
  /// The site and the files it names are embedded in the binary (the demo
  /// site): read them with find_embedded_file, not from disk.
  bool embedded = false;

  /// Returns the model of `dev`, or nullptr.
  const device_model* model_of(const device_config& dev) const;

  friend bool operator==(const site_config&, const site_config&) = default;
};

/// Returns the contents of the file at `path`, or nullopt with the reason in
/// `why`. Lets tests and the embedded demo site supply model files.
using read_file_fn = std::function<std::optional<std::string>(
  const std::string& path, std::string& why)>;

/// Reads a whole file from disk (at most 16 MiB).
std::optional<std::string> read_file(const std::string& path, std::string& why);

/// Parses and validates a device model from JSON text. `file` only names the
/// source in errors. Never throws.
std::variant<device_model, config_error>
parse_device_model(const std::string& text, const std::string& file);

/// Reads `path` and calls parse_device_model.
std::variant<device_model, config_error>
load_device_model(const std::string& path);

/// Parses and validates a site config from JSON text. Relative model paths in
/// `models` resolve against `base_dir` (lexically normalized) and are read
/// with `read` (from disk by default). An error in a model file names that
/// file. Never throws.
std::variant<site_config, config_error>
parse_site_config(const std::string& text, const std::string& file,
                  const std::string& base_dir);
std::variant<site_config, config_error>
parse_site_config(const std::string& text, const std::string& file,
                  const std::string& base_dir, const read_file_fn& read);

/// Reads `path` and calls parse_site_config.
std::variant<site_config, config_error> load_site_config(const std::string& path);

/// The embedded demo site (config/demo/site.json and the models it names),
/// read from the binary, not from disk. Its device addresses have port 0; the
/// caller fills in real ports once the simulators listen.
std::variant<site_config, config_error> demo_site_config();

} // namespace kagami::config
