#pragma once

// traffic_monitor: one per switch. Every period it asks the element's actor
// for its IF-MIB 64-bit counters and feeds them to traffic_rates
// (traffic_rates.hpp), which judges the per-port rates against their
// thresholds. An inbound alarm (the attached side sends above its limit: a
// DoS suspicion) goes to the sink as (port_alarm_atom, element, port, alarm
// JSON); the sink (the isolation supervisor) knows which device is there.
// Outbound alarms are only logged: the switch sends them, towards whoever
// is attached. A reading that fails is logged and the next period tries
// again.

#include <chrono>
#include <functional>
#include <string>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "actors/isolation/traffic_rates.hpp"
#include "actors/network/network_element.hpp"

namespace kagami::isolation {

using traffic_monitor_actor = caf::typed_actor<
  /// Internal: the periodic poll (re-arms itself).
  caf::reacts_to<poll_atom>,
  /// Rates, thresholds and counters as JSON.
  caf::replies_to<inspect_atom>::with<std::string>>;

struct traffic_monitor_config {
  std::string element_id;
  network::network_element_actor element;
  traffic_rates_config rates;
  std::chrono::milliseconds period{5'000};
  /// Receives the inbound alarms (the isolation supervisor).
  caf::actor sink;
  std::function<void(const std::string&)> log;
};

/// Spawns the monitor; it polls at once, then every period.
/// ec::config_invalid when cfg.rates does not validate or the period is
/// below 100 ms.
caf::expected<traffic_monitor_actor> spawn_traffic_monitor(caf::actor_system& sys,
                                                           traffic_monitor_config cfg);

} // namespace kagami::isolation
