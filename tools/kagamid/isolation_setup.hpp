#pragma once

// The composition of detection and isolation for kagamid: the isolation
// supervisor over the topology's element actors, the flow monitor on the
// mirror port, and one traffic monitor per SNMP switch, from the site
// config's "isolation" section. The actors live in actors/isolation/; this
// file only wires them.

#include <functional>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/interfaces.hpp"
#include "config/site_config.hpp"
#include "protocols/ble/ble_activity.hpp"
#include "storage/kv_store.hpp"
#include "tools/kagamid/topology_setup.hpp"

namespace kagami {

class isolation_service {
public:
  /// Nothing runs unless isolation.enabled. `store` and `topology` must
  /// outlive the service.
  /// `ble_activity`: where the BLE adapters note the gateway's own
  /// accesses (may be null: every BLE link that comes up is unexpected).
  isolation_service(std::shared_ptr<const config::site_config> site, storage::kv_store& store,
                    topology_service& topology,
                    std::shared_ptr<protocols::ble::ble_activity> ble_activity = nullptr);
  ~isolation_service();

  bool enabled() const;

  /// Spawns the actors (after topology.start()); alerts go to `alert` as
  /// (kind, severity, summary, evidence JSON). The flow monitor's capture
  /// errors (no such interface, no permission, a filter that does not
  /// compile) are returned naming /isolation/mirror.
  caf::error start(caf::actor_system& sys, directory_actor directory,
                   std::function<void(const nlohmann::json&)> alert);

  /// A device link a discovery source saw come up or go down (BLE:
  /// Device1.Connected). A BLE link that came up without the gateway's own
  /// access (ble_link_judge.hpp) makes the device a suspect seen at the
  /// gateway, which the gateway blocks (BlueZ's Blocked). Thread-safe.
  void device_link(const std::string& mac, const std::string& seen_on, bool up);

  /// The supervisor (null before start or when not enabled).
  caf::actor supervisor() const;

  /// Stops every actor it spawned. Idempotent.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace kagami
