#pragma once

// Log validation (issue 4): reads the audit stream event by event and raises
// an alert when it sees an attack pattern. Plain C++: no actors, no I/O, no
// clock. Time is taken from the events (time_ms): the analyzer's clock is the
// newest time seen, so it never runs backwards, and an event older than that
// counts as happening at the newest time.
//
// What the analyzer reads from an audit_event:
//  - op "alert" (alert_op): an alert record of its own. Ignored entirely, so
//    alerts never feed back into the analysis.
//  - An authentication failure: http_status 401, or 429 with check
//    "authn.bruteforce" (an attempt refused because of earlier failures).
//    Its subject is the account the client claimed ("" when none; such
//    failures count for no account).
//  - Authenticated activity: any other event with a non-empty subject,
//    except denied events whose check starts with "authn." (their subject
//    is a claim nobody proved).
//
// The patterns (thresholds, windows: log_validation_config). A window is the
// last W seconds up to the clock, (now - W, now].
//  - brute_force (per account): >= `failures` authentication failures of one
//    account within the window, from any number of sources.
//  - password_spraying (per source address): authentication failures for
//    >= `accounts` distinct accounts within the window from one source
//    address. The address is the source without its port, IPv6 cut to its
//    /64 (brute_force_guard::source_key). One account failing many times is
//    brute force, not spraying; many accounts failing a few times each is
//    spraying, not brute force.
//  - Profiles (per subject): the first `learningEvents` activity events of a
//    subject only teach its profile:
//    - many_things: the most distinct things the subject touched within one
//      window while learning is its learned maximum M. After learning, the
//      subject touching n distinct things within the window fires when
//      n >= `things` and n > `factor` x M. M is frozen after learning, so a
//      patient attacker cannot raise it step by step.
//    - new_affordance: every (thing, affordance, op) the subject used with
//      outcome "allowed" while learning is known. After learning, an allowed
//      use of an unknown triple fires once and the triple becomes known.
//  - off_hours_write (per subject): an allowed activity event whose op is one
//    of `ops`, outside `workingHours`, by a subject not in `exemptSubjects`.
//  - repeated_forbidden (per subject, or per source address when the subject
//    is ""): >= `count` events with http_status 403 within the window.
//
// Once per episode: after an alert for (pattern, key), further alerts for it
// are suppressed for the pattern's `cooldownS`; the next alert after that
// carries evidence "suppressed": N. On top, at most `maxAlertsPerMinute`
// alerts of all kinds pass (a token bucket on the event clock); alerts over
// it are dropped, without starting a cool-down, and the next alert that
// passes carries evidence "dropped": N. An attacker with many keys thus
// cannot flood the alert stream.
//
// Bounded state (log_validation_limits; each table evicts its least
// recently touched key when full):
//  - failures per account: max_accounts keys x (`failures` times of 8 bytes +
//    up to 8 source addresses);
//  - spraying per source address: max_sources keys x up to `accounts`
//    account names;
//  - profiles: max_subjects keys x (max_things_per_subject x 16 bytes +
//    max_triples_per_subject x 8 bytes); 403s: max_subjects keys x `count`
//    times;
//  - cool-downs: max_cooldowns keys.
//  Every key is cut to max_key_bytes. An evicted subject learns again from
//  scratch (no profile alerts while it does). A subject whose triples exceed
//  max_triples_per_subject is too broad for new_affordance: it raises no
//  more of them. Things and triples are remembered as 64-bit hashes.
//
// Alerts are built from event fields and fixed words only (security_alert);
// each quoted field is cut to 128 bytes with control characters replaced.
//
// Not thread-safe: one owner (the log_validator actor) calls observe().
// Never throws except std::bad_alloc.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "actors/security/logcheck/log_validation_config.hpp"
#include "actors/security/logcheck/lru_table.hpp"
#include "actors/security/logcheck/security_alert.hpp"
#include "storage/audit_record.hpp"

namespace kagami::security::logcheck {

class audit_analyzer {
public:
  /// The longest key (account, subject, source address) the tables store.
  static constexpr size_t max_key_bytes = 128;

  /// Distinct source addresses remembered per account for brute force.
  static constexpr size_t max_sources_per_account = 8;

  /// Validates `cfg` (log_validation_config::validate).
  static caf::expected<audit_analyzer> make(log_validation_config cfg);

  /// Analyzes one event; returns the alerts it raises (usually none).
  std::vector<security_alert> observe(const storage::audit_event& ev);

  struct statistics {
    uint64_t events = 0;
    uint64_t alerts = 0;
    /// Alerts not raised because their key was in cool-down.
    uint64_t suppressed = 0;
    /// Alerts not raised because of maxAlertsPerMinute.
    uint64_t dropped = 0;
    size_t accounts = 0;
    size_t sources = 0;
    size_t subjects = 0;
    size_t forbidden_keys = 0;
    size_t cooldowns = 0;
  };

  statistics stats() const;

  const log_validation_config& config() const noexcept {
    return cfg_;
  }

private:
  struct failure_window {
    std::vector<int64_t> times;
    /// (source address, last failure) within the window.
    std::vector<std::pair<std::string, int64_t>> sources;
  };

  struct spray_window {
    /// (account, last failure) within the window; at most `accounts`.
    std::vector<std::pair<std::string, int64_t>> accounts;
  };

  struct subject_profile {
    uint64_t events = 0;
    uint32_t learned_max_things = 0;
    /// (hash of thing, last touched) within the manyThings window.
    std::vector<std::pair<uint64_t, int64_t>> things;
    /// Hashes of known (thing, affordance, op) triples, sorted.
    std::vector<uint64_t> triples;
    bool too_broad = false;
  };

  struct cooldown {
    int64_t until_ms = 0;
    uint64_t suppressed = 0;
  };

  explicit audit_analyzer(log_validation_config cfg);

  void on_auth_failure(const storage::audit_event& ev,
                       std::vector<security_alert>& out);
  void on_activity(const storage::audit_event& ev,
                   std::vector<security_alert>& out);
  void on_forbidden(const storage::audit_event& ev,
                    std::vector<security_alert>& out);
  void check_off_hours(const storage::audit_event& ev,
                       std::vector<security_alert>& out);

  /// Applies cool-down and budget to a candidate; appends it if it passes.
  void raise(security_alert alert, std::chrono::seconds cooldown_for,
             const std::string& key, std::vector<security_alert>& out);

  log_validation_config cfg_;
  int64_t now_ms_ = 0;
  bool started_ = false;
  /// Budget in 1/60000 alerts: an alert costs 60000, one ms refills
  /// max_alerts_per_minute.
  int64_t budget_ = 0;
  int64_t budget_time_ms_ = 0;
  uint64_t dropped_since_last_ = 0;
  statistics stats_;
  lru_table<failure_window> failures_;
  lru_table<spray_window> sprays_;
  lru_table<subject_profile> profiles_;
  lru_table<std::vector<int64_t>> forbidden_;
  lru_table<cooldown> cooldowns_;
};

} // namespace kagami::security::logcheck
