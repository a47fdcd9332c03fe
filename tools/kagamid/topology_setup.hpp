#pragma once

// The composition of the topology for kagamid: one network_element actor per
// element of the site config's "network" section (with its adapter), the
// path prober, the Graphviz renderer and the topology supervisor, fed with
// the device registry and the rogue records. The actors live in
// actors/network/; this file only wires them.

#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/core/interfaces.hpp"
#include "actors/network/topology_supervisor.hpp"
#include "config/site_config.hpp"
#include "protocols/lldp_htip/lldp_frame.hpp"
#include "storage/kv_store.hpp"

namespace kagami {

/// The topology as kagamid runs it: nothing unless the site config has a
/// "network" section with elements, probing or HTIP agents.
class topology_service {
public:
  /// Builds every element adapter (no I/O yet) and finds the gateway's OT
  /// MAC (network.gatewayMac, else the MAC of discovery.interface). Errors:
  /// ec::config_invalid naming the element or the missing MAC. `store`
  /// must outlive the service.
  static caf::expected<std::unique_ptr<topology_service>>
  prepare(std::shared_ptr<const config::site_config> site, storage::kv_store& store);

  ~topology_service();

  /// Whether there is a topology to run.
  bool enabled() const;

  /// Spawns the actors and registers them with `directory`. The first
  /// refresh starts at once.
  void start(caf::actor_system& sys, directory_actor directory);

  /// A refresh now, recorded with `cause` (e.g. "device onboarded").
  void refresh(const std::string& cause);

  /// Feeds one captured HTIP frame with link information (an L2 agent's MAC
  /// table) to the agent table; ignored unless network.htipAgents is on.
  /// Thread-safe (called on the HTIP capture thread).
  void hear_htip_agent(const protocols::lldp_htip::lldp_frame& frame);

  /// Stops every actor it spawned. Idempotent.
  void stop();

  /// The supervisor (null before start or when not enabled).
  caf::actor supervisor() const;

  /// The gateway's OT-side MAC (lower case; "" when not enabled).
  const std::string& gateway_mac() const;

  /// The element actors with who they are (empty before start).
  std::vector<std::pair<topology::element, network::network_element_actor>>
  element_actors() const;

private:
  struct impl;
  explicit topology_service(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagami
