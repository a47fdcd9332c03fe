#pragma once

// flow_monitor: one per mirror port. libpcap captures on its own thread
// (protocols/pcap/live_capture.hpp, immediate mode, the configured BPF
// pre-filter) and hands each batch to the monitor's batch handler, which
// decodes every packet and judges it with the flow_tracker (flow_policy.hpp,
// flow_tracker.hpp) on that same thread: no message and no allocation per
// packet. After a batch, the new violations and the updated evidence go to
// the sink as (suspect_atom, mac, ip, "flow", violation JSON), at most one
// message per suspect per batch.
//
// The actor itself:
// - (topology_atom, event JSON): a new topology version; the exempt
//   (infrastructure) MACs are read again (cfg.infrastructure_macs) and the
//   policy is replaced between two batches;
// - (stats_atom), every stats_period: pcap_stats; capture drops that grew
//   raise an alert (a blind monitor must not look like a quiet plant);
// - a capture that fails (the interface went away) raises an alert and is
//   reopened every reopen_period until it works;
// - inspect: capture and tracker counters.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/atoms.hpp"
#include "actors/isolation/flow_policy.hpp"
#include "actors/isolation/flow_tracker.hpp"
#include "protocols/pcap/live_capture.hpp"

namespace kagami::isolation {

using flow_monitor_actor = caf::typed_actor<
  caf::reacts_to<topology_atom, std::string>,
  /// Internal: the periodic capture statistics (re-arms itself).
  caf::reacts_to<stats_atom>,
  /// Internal: reopen a failed capture.
  caf::reacts_to<refresh_atom>,
  /// Internal: the capture thread reports its failure.
  caf::reacts_to<alert_atom, std::string>,
  caf::replies_to<inspect_atom>::with<std::string>>;

struct flow_monitor_config {
  protocols::pcap::capture_options capture;
  /// The policy without the infrastructure MACs, which are added from
  /// infrastructure_macs() at start and on every topology version.
  flow_policy_config policy;
  flow_tracker_limits limits;
  classification_thresholds thresholds;
  /// Switch, AP and router MACs (chassis and ports). May be empty.
  std::function<std::vector<mac_address>()> infrastructure_macs;
  /// Receives the suspicions (the isolation supervisor).
  caf::actor sink;
  std::chrono::milliseconds stats_period{1'000};
  std::chrono::milliseconds reopen_period{5'000};
  /// Alerts and log lines, as for the isolation supervisor. May be empty.
  std::function<void(const nlohmann::json&)> alert;
  std::function<void(const std::string&)> log;
};

/// Opens the capture and starts the monitor. The capture's errors (no such
/// interface, no permission, a filter that does not compile) are returned.
caf::expected<flow_monitor_actor> spawn_flow_monitor(caf::actor_system& sys,
                                                     flow_monitor_config cfg);

} // namespace kagami::isolation
