#pragma once

// What the topology supervisor feeds the merge besides the elements' own
// reports: the devices the gateway manages, and the routers that
// TTL-stepped probes found on the way to devices the graph does not connect.
// Plain C++, no actors, no I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/network/topology_graph.hpp"

namespace kagami::topology {

/// A device the gateway manages (from the device registry).
struct managed_device {
  std::string thing_id;
  std::string mac; ///< Any case; empty when the gateway never saw it.
  std::string ip;  ///< IPv4 literal; empty when unknown.
  criticality level = criticality::normal;
};

/// The identity the graph uses for `d`: its MAC in lower case, else
/// "ip:" + its IP, else "" (the device cannot be placed).
std::string identity_of(const managed_device& d);

/// The known devices for the merge (those with an identity).
std::vector<device> known_devices(const std::vector<managed_device>& devices);

/// One TTL-stepped probe towards `destination`.
struct probed_path {
  std::string destination;
  /// The responder of TTL 1, 2, ...; nothing where no hop answered. When
  /// `reached`, the last entry is the destination itself.
  std::vector<std::optional<std::string>> hops;
  bool reached = false;
};

/// The element id of the router at `ip` ("router-10.99.1.254").
std::string router_id(const std::string& ip);

/// Reports of the routers on the reached `paths`, keyed by the identity of
/// the device each path leads to. The routers of a path are the answering
/// hops before the destination; a hop that did not answer is skipped (its
/// neighbours are linked directly). A router's chassis is its MAC from
/// `mac_by_ip` (the gateway's neighbour table: only the first hop is on the
/// link) or "ip:" + its address. Each router reports port 1 "next hops",
/// where the next routers' chassis are learned, and port 2 "routed hosts",
/// where the devices behind it are learned; so the merge links each router
/// at the port that learned its chassis (topology_graph rule 6: the first
/// router at the switch port that learned its MAC). Paths without a router (the
/// device is on the link) add nothing. Deterministic.
std::vector<neighbour_report>
router_reports(const std::map<std::string, probed_path>& paths_by_identity,
               const std::map<std::string, std::string>& mac_by_ip, std::int64_t now_ms);

/// Whether two graphs differ in anything but the times of the reports:
/// elements (with their ports and flags), links, devices, the gateway
/// attachment and conflicts.
bool topology_changed(const topology_graph& before, const topology_graph& after);

/// Which destinations to probe: a path is reused for `reprobe_ms` after it
/// was taken (also when it did not reach), so a refresh does not probe the
/// same silent device again and again. Bounded: at most `max_entries`
/// destinations are remembered (the oldest are forgotten first).
class probe_cache {
public:
  probe_cache(std::int64_t reprobe_ms, std::size_t max_entries = 4096);

  /// Of `destinations`, those without a fresh path at `now_ms`.
  std::vector<std::string> due(const std::vector<std::string>& destinations,
                               std::int64_t now_ms) const;

  void put(probed_path path, std::int64_t now_ms);

  /// The cached path to `destination`, fresh or not.
  const probed_path* find(const std::string& destination) const;

private:
  struct entry {
    probed_path path;
    std::int64_t taken_at_ms = 0;
  };
  std::int64_t reprobe_ms_;
  std::size_t max_entries_;
  std::map<std::string, entry> entries_;
};

} // namespace kagami::topology
