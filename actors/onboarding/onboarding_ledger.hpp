#pragma once

// onboarding_ledger: what the onboarding supervisor knows about every device
// it has seen, and the decision that follows a new observation. Plain C++,
// no actors, no I/O: the supervisor persists and executes what it returns.
//
// Identity: a device is its MAC (or BD address) together with the address it
// answers on ("02:99:00:00:00:11@10.99.1.11"); a device without a known MAC
// (behind a router) is "ip:ADDRESS". An admitted MAC seen at a second
// address is a spoofing claim (OT devices keep their addresses), never a
// move of the admitted device.
//
// Announcements can be forged, so one sighting never takes a thing away:
// - a profile that stops matching must stay so for `confirm_change` (the
//   supervisor re-reads it then); the admitted profile seen again in the
//   meantime is a conflict, and the thing stays;
// - a source other than the one that admitted the device (which may know
//   fewer fields) cannot withdraw it;
// - nothing is refused that an admitted device owns (its MAC, its address).
//
// Not thread-safe; owned by one actor.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocols/discovery/discovery.hpp"

namespace kagami::onboarding {

using clock = std::chrono::steady_clock;

/// The identity of the device behind a sighting whose MAC is known (or not).
std::string identity_of(const protocols::device_sighting& s);

/// What the design matcher said, reduced to what the ledger needs.
struct match_summary {
  bool admitted = false;
  /// The name of the matching design entry.
  std::string entry;
  /// The entry's fixed thing id, if it has one.
  std::string fixed_thing_id;
  /// Why it did not match (or nothing).
  std::string reason;
  /// The design pins the device's MAC to another device (a spoofing
  /// claim): refusing that MAC would cut the legitimate device off.
  bool mac_claimed = false;
};

/// A device that is served as a virtual device.
struct admitted_device {
  std::string identity;
  std::string thing_id;
  std::string entry;
  std::string mac;
  std::string address;
  protocols::discovery_kind source = protocols::discovery_kind::htip;
  /// Where it was last seen ("pcap:ot0").
  std::string seen_on;
  /// The locator of the sighting that admitted it (UPnP description URL,
  /// BLE object path), for re-reading its profile.
  std::string locator;
  protocols::device_profile profile;

  friend bool operator==(const admitted_device&, const admitted_device&) = default;
};

struct onboarding_decision {
  enum class kind {
    /// Nothing changes for apps (the same device, the same or an allowed
    /// new profile); `device` holds the record to persist when `changed`.
    keep,
    /// Start serving `device` (new), or restart it (its address changed).
    admit,
    /// Stop serving `device.thing_id` (apps get 503), record the device as
    /// rogue with `reason` and refuse it.
    withdraw,
    /// Never served: record as rogue and refuse it.
    refuse,
  };
  kind what = kind::keep;
  admitted_device device;
  bool changed = false;
  std::string identity;
  std::string reason;
  /// False when the MAC belongs to an admitted device (or the design pins
  /// it to one): refusing it would cut the legitimate device off.
  bool refuse_mac = true;
  /// False when an admitted device answers on the address.
  bool refuse_address = true;
  /// keep: the profile stopped matching; the supervisor re-reads the
  /// device after confirm_change and withdraws it if that still holds.
  bool pending = false;
  /// keep: the admitted profile and a refused one were both announced for
  /// this identity: someone spoofs it (`reason` says what was seen).
  bool conflict = false;
  /// admit: the thing id the device was served as before, now replaced
  /// (its design entry gives another fixed id): stop serving it.
  std::string replaced_thing_id;
};

struct onboarding_ledger_config {
  /// A failed profile fetch of the same sighting is retried after this.
  std::chrono::seconds retry_after{30};
  /// A device seen with an unchanged fingerprint is re-read after this.
  std::chrono::seconds rematch_interval{300};
  /// At most this many sightings are tracked; the oldest are forgotten.
  size_t max_tracked = 10000;
  /// How long a profile that stopped matching must stay so before the thing
  /// is withdrawn (0: at once).
  std::chrono::seconds confirm_change{65};
};

class onboarding_ledger {
public:
  explicit onboarding_ledger(onboarding_ledger_config cfg = {}) : cfg_(cfg) {
    // nop
  }

  /// True when `s` needs an onboarding now: nothing is in flight for it, and
  /// its fingerprint is new or changed, or it was last read longer than
  /// rematch_interval ago, or its last fetch failed longer than retry_after
  /// ago. Marks it in flight when true.
  /// With `force`, only an onboarding in flight stops it (a re-read the
  /// supervisor asked for).
  bool begin(const protocols::device_sighting& s, clock::time_point now,
             bool force = false);

  /// The onboarding of `s` ended without a profile.
  void failed(const protocols::device_sighting& s, clock::time_point now);

  /// The onboarding of `seen` (as passed to begin()) ended with `profile`,
  /// the device's MAC (`seen.mac`, or the one gathering found when the
  /// source could not see it) and the matcher's verdict. Updates the ledger
  /// and returns what the supervisor must do.
  onboarding_decision decide(const protocols::device_sighting& seen,
                             const std::string& mac,
                             const protocols::device_profile& profile,
                             const match_summary& match, clock::time_point now);

  /// Start-up: a device admitted before the restart.
  void restore(admitted_device d);

  /// Serving the device of `identity` failed after decide() admitted it:
  /// forgets it, so that a later sighting admits it again.
  void forget(const std::string& identity);

  /// Start-up and after refusals: an identity recorded as rogue.
  void restore_rogue(const std::string& identity);

  /// A thing id taken elsewhere (a configured device): never allocated.
  void reserve(const std::string& thing_id);

  const std::map<std::string, admitted_device>& admitted() const {
    return admitted_;
  }

  bool is_rogue(const std::string& identity) const {
    return rogues_.count(identity) > 0;
  }

private:
  struct tracked {
    std::string fingerprint;
    clock::time_point last;
    bool in_flight = false;
    bool failed = false;
  };

  static std::string key_of(const protocols::device_sighting& s);
  std::string allocate_thing_id(const std::string& entry) const;
  const admitted_device* by_thing_id(const std::string& id) const;
  void forget_oldest();

  onboarding_ledger_config cfg_;
  std::map<std::string, tracked> tracked_;
  std::map<std::string, admitted_device> admitted_;
  std::set<std::string> rogues_;
  std::set<std::string> reserved_;
  /// Admitted identities whose profile stopped matching, since when, why.
  struct pending_change {
    clock::time_point since;
    std::string reason;
  };
  std::map<std::string, pending_change> pending_;
};

} // namespace kagami::onboarding
