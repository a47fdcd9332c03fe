#pragma once

// isolation_supervisor: decides, makes, verifies, persists and releases the
// cuts that separate suspicious devices from the plant.
//
// Inputs:
// - (suspect_atom, mac, ip, cause, evidence JSON) from the flow monitor
//   ("flow"), the gateway's own checks ("gateway");
// - (port_alarm_atom, element, port, evidence JSON) from a traffic monitor:
//   the device attached at that access port is the suspect ("traffic");
// - (isolate_atom, identity, mac, address, reason) from onboarding: a rogue.
// A suspect seen at the gateway itself (cause "gateway": a BLE device) is
// not on the switched network: it is cut by the gateway (cfg.gateway_cut,
// BlueZ's Blocked), re-applied at every re-verification, and unblocked on
// release.
// - (topology_atom, event JSON) from the topology supervisor: a new version.
//
// For a suspect without an active isolation it creates a record
// (storage::isolation_registry, synced), locates the suspect in the newest
// topology and asks plan_cut (cut_planner.hpp) for the least-impact option:
// - cut: the order goes to the element's actor; an outcome that is not
//   applied and verified, or no answer within verify_timeout, is retried up
//   to `retries` times with a new order id, then the record is `failed`
//   (and retried at every re-verify: fail closed);
// - ask_human / no_option: the record says so and an alert goes out;
// - not located (or no topology yet): `pending`, a topology refresh is
//   asked (at most every 10 s per suspect), and the plan is made again when
//   the next version arrives;
// - a MAC that an admitted device owns and that two ports claim, or a
//   rogue whose MAC an admitted device owns (a spoofer):
//   `awaiting_operator`, never cut by attachment.
// More evidence about a suspect with an active isolation updates its record
// and never makes a second cut. Evidence of packets seen after a verified
// cut is noted in the trail ("still seen on the mirror").
//
// Re-verification (at start, then every reverify period): every cut in
// force is read back (a port's ifAdminStatus through the element's
// counters; an AP client's presence through its neighbours; SSID and radio
// cuts are re-issued, the AP verifies them). A cut found undone is applied
// again and an alert goes out. On each new topology version a suspect with
// a cut whose path crosses none of its cuts (it moved: a Wi-Fi handover, a
// new port) is cut again where it is now.
//
// Release: (release_atom, id, operator) restores every cut (a deauth has
// nothing to restore), marks the record released with who and when, and
// replies the record's JSON; the admin API's audit records the request.
// Evidence dated before the release does not isolate the device again.
//
// Detached: it reads and writes the store and the topology history.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/atoms.hpp"
#include "actors/isolation/cut_planner.hpp"
#include "actors/network/network_element.hpp"
#include "storage/isolation_registry.hpp"
#include "storage/kv_store.hpp"

namespace kagami::isolation {

using isolation_supervisor_actor = caf::typed_actor<
  caf::reacts_to<suspect_atom, std::string /*mac*/, std::string /*ip*/,
                 std::string /*cause*/, std::string /*evidence JSON*/>,
  caf::reacts_to<port_alarm_atom, std::string /*element*/, std::uint32_t /*port*/,
                 std::string /*evidence JSON*/>,
  caf::reacts_to<isolate_atom, std::string /*identity*/, std::string /*mac*/,
                 std::string /*address*/, std::string /*reason*/>,
  caf::reacts_to<topology_atom, std::string /*event JSON*/>,
  /// Internal: the periodic re-verification (re-arms itself).
  caf::reacts_to<reverify_atom>,
  /// Every isolation record, newest first, as a JSON array.
  caf::replies_to<list_atom>::with<std::string>,
  /// Releases an active isolation; ec::not_found for an unknown id,
  /// ec::invalid_value for one released already.
  caf::replies_to<release_atom, std::string /*id*/, std::string /*operator*/>::with<std::string>,
  /// Counters for the console.
  caf::replies_to<inspect_atom>::with<std::string>>;

/// One element the supervisor can cut through.
struct cut_element {
  std::string id;
  network::network_element_actor handle;
};

struct isolation_supervisor_config {
  std::vector<cut_element> elements;
  cut_policy policy;
  /// How long one cut (SET and read-back) may take before it is retried.
  std::chrono::milliseconds verify_timeout{1'000};
  /// Further attempts after the first.
  std::size_t retries = 2;
  std::chrono::milliseconds reverify_period{10'000};
  /// Isolate rogues reported by onboarding.
  bool isolate_rogues = true;
  /// The store (outlives the actor): isolation records, topology history.
  storage::kv_store* store = nullptr;
  /// Asked to refresh when a suspect cannot be located (may be null).
  caf::actor topology;
  /// MACs that are not healthy besides the isolated ones (rogues), read per
  /// plan. May be empty.
  std::function<std::set<std::string>()> rogue_macs;
  /// Receives alerts: {"kind", "severity", "summary", "evidence"}; called
  /// on the supervisor's thread. May be empty.
  std::function<void(const nlohmann::json&)> alert;
  /// The gateway's own cut for a suspect seen at the gateway (cause
  /// "gateway": a BLE device that connected on its own): block (true) or
  /// unblock (false) it, from the record's evidence ("locator": the BlueZ
  /// object path). Called on the supervisor's thread; may block briefly.
  /// Empty: such suspects get no_option.
  std::function<caf::expected<network::cut_outcome>(const storage::isolation_record&,
                                                    bool block)>
    gateway_cut;
  /// Receives a line for the operator's log. May be empty.
  std::function<void(const std::string&)> log;
};

/// Spawns the supervisor (detached). It loads the records, then
/// re-verifies every cut in force at once.
isolation_supervisor_actor spawn_isolation_supervisor(caf::actor_system& sys,
                                                      isolation_supervisor_config cfg);

} // namespace kagami::isolation
