#pragma once

// path_prober: runs TTL-stepped ICMP probes for the topology supervisor.
// Detached: a probe blocks on a raw socket for up to max_hops x the hop
// timeout. Knows nothing of the graph; the supervisor decides whom to probe
// (probe_cache) and what a path means (router_reports).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "actors/network/topology_sources.hpp"

namespace kagami::network {

/// The paths to the asked destinations (one per destination, in order) and
/// the gateway's neighbour table at the end of the run (IPv4 -> MAC), which
/// names the MAC of the first hop.
struct probe_results {
  std::vector<topology::probed_path> paths;
  std::map<std::string, std::string> mac_by_ip;
};

} // namespace kagami::network

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::network::probe_results)

namespace kagami::network {

using path_prober_actor = caf::typed_actor<
  caf::replies_to<probe_atom, std::vector<std::string>>::with<probe_results>>;

/// The I/O the prober runs: one probe (never throws; a destination that
/// cannot be probed gives a path that did not reach), and one read of the
/// neighbour table (empty on failure).
struct path_prober_io {
  std::function<topology::probed_path(const std::string& destination)> probe;
  std::function<std::map<std::string, std::string>()> neighbour_table;
};

path_prober_actor spawn_path_prober(caf::actor_system& sys, path_prober_io io);

} // namespace kagami::network
