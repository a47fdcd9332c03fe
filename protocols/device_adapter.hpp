#pragma once

// An adapter is transport + protocol + data model for one real device. It turns
// affordance operations into device I/O and device replies into JSON values in
// engineering units.
//
// Contract:
// - Every call blocks until the device answers or the device timeout passes.
//   Callers run adapters only on a dedicated thread (a detached actor), never
//   on a CAF scheduler thread.
// - One adapter instance is used by one thread at a time.
// - Errors are values: ec::device_timeout when the device is unreachable or
//   silent, ec::device_error when it answers with an error, ec::invalid_value
//   when a value cannot be encoded for the device, ec::device_bad_reply when
//   the reply does not fit the model. Untrusted device bytes never throw.
// - Writes receive values that already passed schema validation; the adapter
//   still range-checks the raw encoding.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "config/device_model.hpp"
#include "config/network_address.hpp"
#include "config/site_config.hpp"

namespace kagami::protocols {

class device_adapter {
public:
  virtual ~device_adapter() = default;

  virtual caf::expected<nlohmann::json> read(const config::property_model& p) = 0;

  /// Reads every property of `ps`, in order, as one snapshot where the
  /// protocol allows it (an HTTP device's document is fetched once per
  /// path). Fails as a whole on the first error. The default calls read()
  /// for each.
  virtual caf::expected<std::vector<nlohmann::json>>
  read_many(const std::vector<const config::property_model*>& ps);

  virtual caf::error write(const config::property_model& p,
                           const nlohmann::json& value) = 0;

  /// Runs an action; returns its output (null when it has none).
  virtual caf::expected<nlohmann::json> invoke(const config::action_model& a,
                                               const nlohmann::json& input) = 0;
};

struct adapter_options {
  std::chrono::milliseconds timeout{1000};
};

/// Checks what every adapter factory needs before it can talk to `dev`: its
/// parsed address (from config::parse_host_port or parse_http_address) has a
/// port, and the timeout is positive. Errors are ec::config_invalid naming
/// the device.
caf::expected<config::host_port>
checked_endpoint(const config::device_config& dev,
                 caf::expected<config::host_port> parsed,
                 const adapter_options& opts);

/// Creates an adapter for `dev` of model `model`. Does no I/O: connections are
/// opened lazily on first use and re-opened after failures.
using adapter_factory = std::function<caf::expected<std::unique_ptr<device_adapter>>(
  const config::device_config& dev, const config::device_model& model,
  const adapter_options& opts)>;

/// Maps a device protocol to the factory of its adapter.
class adapter_registry {
public:
  void add(config::device_protocol protocol, adapter_factory factory);

  caf::expected<std::unique_ptr<device_adapter>>
  make(const config::device_config& dev, const config::device_model& model,
       const adapter_options& opts) const;

private:
  std::map<config::device_protocol, adapter_factory> factories_;
};

/// Registers the Modbus/TCP and HTTP/JSON adapters. Explicit, called once by
/// kagamid; there is no static self-registration.
void register_builtin_adapters(adapter_registry& registry);

} // namespace kagami::protocols
