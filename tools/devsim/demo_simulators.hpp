#pragma once

// The simulators behind the embedded demo site (config/demo/site.json):
// config/demo/devsim-plc.json simulates model "line-plc" (Modbus/TCP) and
// config/demo/devsim-sensor.json model "env-sensor" (HTTP/JSON). Both files
// are embedded in the binary by config/CMakeLists.txt (config/demo/*.json).
//
// kagamid --demo starts one simulator per demo device in its own process:
//
//   auto site = std::get<config::site_config>(config::demo_site_config());
//   auto sims = devsim::start_demo_simulators(site);   // rewrites addresses
//   if (!sims) ... detail_of(sims.error())
//   // keep *sims alive while the gateway runs; destroying it stops them.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "config/site_config.hpp"
#include "tools/devsim/http_simulator.hpp"
#include "tools/devsim/modbus_simulator.hpp"

namespace kagami::devsim {

/// The embedded simulator config (JSON text) for the demo model `model_id`,
/// or nullopt when the demo has no simulator for it.
std::optional<std::string_view> demo_simulator_config(const std::string& model_id);

/// One running simulator of either kind.
struct running_simulator {
  std::string device_id;
  std::unique_ptr<modbus_simulator> modbus;
  std::unique_ptr<http_simulator> http;

  /// The address to put into the device's config.
  std::string device_address() const;
};

/// Starts one simulator on `host` with an ephemeral port for each device of
/// `site` whose model has an embedded demo simulator config, and sets each
/// such device's address to its simulator. Fails with ec::config_invalid (an
/// embedded config does not parse) or ec::unavailable (a socket cannot be
/// bound); then no simulator keeps running.
caf::expected<std::vector<running_simulator>>
start_demo_simulators(config::site_config& site, const std::string& host = "127.0.0.1");

} // namespace kagami::devsim
