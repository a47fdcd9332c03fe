#pragma once

// onboarding_supervisor: turns discovery sightings into virtual devices or
// rogue records.
//
// - Discovery sources (their own threads) send (seen_atom, sighting) and
//   (rejected_atom, source, from, reason).
// - For a sighting that is due (onboarding_ledger::begin), it spawns one
//   short-lived, detached onboarding actor that gathers the profile and
//   matches it (profile_gathering.hpp), then reports back.
// - The ledger decides; this actor executes: on admit it persists the record
//   (durable before the thing is served) and asks the gateway supervisor to
//   serve it; on withdraw it withdraws the thing (apps get 503 with the
//   reason); on refuse and withdraw it persists the rogue evidence, refuses
//   the device in the gateway's own firewall and sends an isolation request.
// - Bad input never admits: a failed gathering is logged with its source and
//   retried only after a back-off.
// - One announcement never withdraws a thing: a profile that stops matching
//   is read again after the ledger's confirm_change, and only then withdrawn
//   (apps get 503 with a reason that names no device detail).
// - Every rematch interval it re-reads the admitted devices whose profile
//   can be fetched (UPnP, BLE), which may have stopped announcing.
// - At most max_in_flight onboardings run at once: a flood of forged
//   sightings costs counted drops, not threads.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/core/interfaces.hpp"
#include "actors/onboarding/onboarding_ledger.hpp"
#include "actors/onboarding/profile_gathering.hpp"
#include "config/site_config.hpp"

namespace kagami::onboarding {

/// What the supervisor records about a refused device.
struct rogue_evidence {
  std::string identity;
  std::string mac;
  std::string address;
  protocols::discovery_kind source = protocols::discovery_kind::htip;
  std::string seen_on;
  protocols::device_profile profile;
  std::string reason;
  /// The thing it was served as before it stopped matching, or "".
  std::string withdrawn_thing;
};

/// Where onboarding keeps its records (storage/ behind it). Every call is
/// durable when it returns without error. Called from the supervisor only.
class onboarding_records {
public:
  virtual ~onboarding_records() = default;
  virtual caf::error save_admitted(const admitted_device& dev,
                                   const config::device_config& served) = 0;
  virtual caf::error remove_admitted(const admitted_device& dev) = 0;
  virtual caf::error save_rogue(const rogue_evidence& ev) = 0;
};

struct onboarding_supervisor_config {
  onboarding_ledger_config ledger;
  std::shared_ptr<const gathering_tools> tools;
  std::shared_ptr<onboarding_records> records;
  /// The device to serve for an admitted device (model, address, title,
  /// tags from its design entry), or why it cannot be served.
  std::function<caf::expected<config::device_config>(const admitted_device&)>
    device_for;
  /// Refuses all traffic between the gateway and the device of `seen`: its
  /// MAC (only when `by_mac`), its address (only when `by_address`), or for
  /// BLE the device itself. The ledger clears a flag when a legitimate
  /// device owns that MAC or address.
  std::function<caf::error(const protocols::device_sighting& seen, bool by_mac,
                           bool by_address)>
    refuse;
  /// At most this many onboardings run at once (each is a thread); sightings
  /// beyond it are dropped, counted, and retried after the back-off.
  size_t max_in_flight = 32;
  /// Devices admitted before a restart, already checked against the design.
  std::vector<admitted_device> restored;
  /// Rogue identities recorded before a restart.
  std::vector<std::string> restored_rogues;
  /// Thing ids of configured devices: never allocated to discovered ones.
  std::vector<std::string> reserved_ids;
  /// Receives (isolate_atom, identity, mac, address, reason) for each
  /// refused device; may be null until the isolation supervisor exists.
  caf::actor isolation;
};

struct onboarding_supervisor_state {
  static inline const char* name = "onboarding_supervisor";
  onboarding_supervisor_config cfg;
  onboarding_ledger ledger;
  gateway_supervisor_actor gateway;
  directory_actor directory;
  // Counters for the console.
  uint64_t sightings = 0;
  uint64_t gatherings = 0;
  uint64_t gather_failures = 0;
  uint64_t rejected_inputs = 0;
  uint64_t refusals = 0;
  uint64_t dropped = 0;
  uint64_t conflicts = 0;
  size_t in_flight = 0;
  std::string last_rejection;
};

onboarding_supervisor_actor::behavior_type onboarding_supervisor(
  onboarding_supervisor_actor::stateful_pointer<onboarding_supervisor_state> self,
  onboarding_supervisor_config cfg, gateway_supervisor_actor gateway,
  directory_actor directory);

} // namespace kagami::onboarding

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::onboarding::gathered)
