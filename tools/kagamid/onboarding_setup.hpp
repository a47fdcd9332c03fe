#pragma once

// The composition of onboarding for kagamid: the discovery sources the site
// config enables, their fetchers, the design matcher, the records over the
// store, and the gateway's own firewall. The actors themselves live in
// actors/onboarding/; this file only wires them.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/core/interfaces.hpp"
#include "actors/onboarding/onboarding_supervisor.hpp"
#include "config/site_config.hpp"
#include "protocols/ble/ble_activity.hpp"
#include "protocols/discovery/discovery.hpp"
#include "protocols/lldp_htip/lldp_frame.hpp"
#include "storage/kv_store.hpp"

namespace kagami {

/// Onboarding as kagamid runs it. start() after the gateway supervisor
/// exists; stop() before the actor system goes.
class onboarding_service {
public:
  /// Reads the persisted onboarded and rogue records, re-checks the
  /// onboarded ones against the current design, and re-installs the
  /// refusals of every rogue in the gateway firewall (when discovery is on).
  /// `store` must outlive the service. Errors: a corrupt record
  /// (ec::storage_failure).
  /// `ble_activity`: where the BLE DIS fetcher notes the gateway's own
  /// accesses (may be null).
  static caf::expected<std::unique_ptr<onboarding_service>>
  prepare(std::shared_ptr<const config::site_config> site, storage::kv_store& store,
          std::shared_ptr<protocols::ble::ble_activity> ble_activity = nullptr);

  ~onboarding_service();

  /// The onboarded devices still admitted by the design: the gateway
  /// supervisor serves them from the start, before they are seen again.
  const std::vector<config::device_config>& restored_devices() const {
    return restored_devices_;
  }

  /// `fn` learns of every change onboarding stores (cause: "device
  /// onboarded", "device withdrawn", "rogue device"), on the supervisor's
  /// thread, after the change is durable. Call before start().
  void on_records_changed(std::function<void(const std::string&)> fn);

  /// `fn` receives every HTIP frame with link information (an L2 agent's
  /// MAC table) that the HTIP source captures, on its capture thread. Call
  /// before start().
  void on_htip_link_information(std::function<void(const protocols::lldp_htip::lldp_frame&)> fn);

  /// `fn` learns of every device link the discovery sources see come up or
  /// go down (BLE: Device1.Connected), on the source's thread. Call before
  /// start().
  void on_device_link(std::function<void(std::string mac, std::string seen_on, bool up)> fn);

  /// Refused devices are handed to `isolation` (isolate_atom). Call before
  /// start(); without it the gateway's own refusal is the only cut.
  void set_isolation(caf::actor isolation);

  /// Spawns the onboarding supervisor and starts every enabled discovery
  /// source. A source that cannot start (no permission, no interface) is
  /// an error naming it: kagamid does not run with half its discovery.
  caf::error start(caf::actor_system& sys, gateway_supervisor_actor gateway,
                   directory_actor directory);

  /// Stops and drops the sources (joins their threads; their sinks hold the
  /// supervisor) and stops the supervisor. Call before the actor system
  /// goes out of scope. Idempotent.
  void stop();

  onboarding_supervisor_actor supervisor() const {
    return supervisor_;
  }

private:
  struct impl;
  explicit onboarding_service(std::unique_ptr<impl> p);

  std::unique_ptr<impl> impl_;
  std::vector<config::device_config> restored_devices_;
  onboarding_supervisor_actor supervisor_;
};

} // namespace kagami
