#pragma once

// The config of log validation (issue 4): which attack patterns the audit
// analyzer looks for in the audit stream, their thresholds and sliding
// windows, and the bounds of its state. Decoding and validation only; the
// patterns themselves are described in audit_analyzer.hpp.
//
// Section (JSON object, usually at /security/logValidation; every key
// optional, shown with its default):
//   {"learningEvents": 200,          // per subject, before the profile
//                                    // patterns judge it (1..1000000000)
//    "maxAlertsPerMinute": 60,       // all kinds together (1..100000)
//    "bruteForce":       {"enabled": true, "failures": 10, "windowS": 60,
//                         "cooldownS": 600, "severity": "critical"},
//    "passwordSpraying": {"enabled": true, "accounts": 5, "windowS": 600,
//                         "cooldownS": 600, "severity": "critical"},
//    "manyThings":       {"enabled": true, "things": 10, "factor": 3,
//                         "windowS": 60, "cooldownS": 600,
//                         "severity": "warning"},
//    "newAffordance":    {"enabled": true, "cooldownS": 600,
//                         "severity": "warning"},
//    "offHours":         {"workingHours": {"days": ["mon", ...],
//                                          "from": "06:00", "to": "22:00",
//                                          "utcOffset": "+09:00"},
//                         "ops": ["writeproperty", "invokeaction"],
//                         "exemptSubjects": ["app:night-batch"],
//                         "cooldownS": 3600, "severity": "warning"},
//    "repeatedForbidden": {"enabled": true, "count": 10, "windowS": 60,
//                          "cooldownS": 600, "severity": "warning"},
//    "limits": {"maxAccounts": 10000, "maxSources": 10000,
//               "maxSubjects": 1024, "maxThingsPerSubject": 256,
//               "maxTriplesPerSubject": 512, "maxCooldowns": 10000}}
//
// offHours is off unless "workingHours" is given (there is no sensible
// default for a factory's shifts); its window has the days/from/to format of
// the ACL time windows (acl_policy.hpp), with the offset key "utcOffset".
// Ranges (checked by validate()):
//   failures 1..1000, accounts 2..100, count 1..1000, things 1..maxThings-
//   PerSubject, factor 1..1000, windowS 1..86400, cooldownS 1..604800,
//   limits 1..1000000 (maxThingsPerSubject and maxTriplesPerSubject
//   1..65536), ops: 1..4 distinct WoT ops, exemptSubjects at most 1000 names
//   of 1..256 bytes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/authz/acl_policy.hpp"

namespace kagami::security::logcheck {

enum class alert_severity : uint8_t { warning, critical };

/// "warning" or "critical".
const char* to_string(alert_severity x) noexcept;

/// A pattern with a sliding window: fires when `threshold` qualifying events
/// fall within `window` (see audit_analyzer.hpp for what qualifies).
struct windowed_pattern {
  bool enabled = true;
  uint32_t threshold = 10;
  std::chrono::seconds window{60};
  /// After an alert, the same pattern and key stay silent this long.
  std::chrono::seconds cooldown{600};
  alert_severity severity = alert_severity::warning;
};

struct many_things_pattern {
  bool enabled = true;
  /// Fires at >= things distinct things within `window` ...
  uint32_t things = 10;
  /// ... when that is also more than factor x the learned maximum.
  uint32_t factor = 3;
  std::chrono::seconds window{60};
  std::chrono::seconds cooldown{600};
  alert_severity severity = alert_severity::warning;
};

struct new_affordance_pattern {
  bool enabled = true;
  std::chrono::seconds cooldown{600};
  alert_severity severity = alert_severity::warning;
};

struct off_hours_pattern {
  /// Writes outside this window raise alerts; std::nullopt turns the
  /// pattern off.
  std::optional<authz::time_window> working_hours;
  /// The ops that count as writes.
  std::vector<std::string> ops{"writeproperty", "invokeaction"};
  /// Subjects that may write at any hour (a night batch job).
  std::vector<std::string> exempt_subjects;
  std::chrono::seconds cooldown{3600};
  alert_severity severity = alert_severity::warning;
};

/// The bounds of the analyzer's state. Worst-case memory with the defaults
/// and 128-byte keys: about 8 MB for failures, 10 MB for spraying, 10 MB for
/// subject profiles and 403 counts, 3 MB for cool-downs.
struct log_validation_limits {
  /// Accounts tracked for brute force.
  size_t max_accounts = 10000;
  /// Source addresses tracked for password spraying.
  size_t max_sources = 10000;
  /// Subjects with a profile (many things, new affordance) and keys of
  /// repeated 403s.
  size_t max_subjects = 1024;
  /// Distinct things remembered per subject within the manyThings window.
  size_t max_things_per_subject = 256;
  /// (thing, affordance, op) triples remembered per subject.
  size_t max_triples_per_subject = 512;
  /// (pattern, key) pairs in cool-down.
  size_t max_cooldowns = 10000;

  friend bool operator==(const log_validation_limits&,
                         const log_validation_limits&) = default;
};

struct log_validation_config {
  /// Events of a subject that only teach its profile.
  uint64_t learning_events = 200;
  uint32_t max_alerts_per_minute = 60;
  windowed_pattern brute_force{true, 10, std::chrono::seconds{60},
                               std::chrono::seconds{600},
                               alert_severity::critical};
  /// threshold = distinct accounts.
  windowed_pattern password_spraying{true, 5, std::chrono::seconds{600},
                                     std::chrono::seconds{600},
                                     alert_severity::critical};
  many_things_pattern many_things;
  new_affordance_pattern new_affordance;
  off_hours_pattern off_hours;
  /// threshold = 403 responses.
  windowed_pattern repeated_forbidden;
  log_validation_limits limits;

  /// Checks every range listed at the top of this file. Fails with
  /// ec::config_invalid whose detail is "POINTER/KEY: REASON", `pointer`
  /// being the section's JSON pointer, e.g.
  /// "/security/logValidation/bruteForce/failures: must be an integer from 1
  /// to 1000".
  caf::error validate(std::string_view pointer = default_pointer) const;

  static constexpr std::string_view default_pointer = "/security/logValidation";
};

/// Decodes the section (types, unknown keys), then validate()s it. Errors are
/// ec::config_invalid with the detail "POINTER: REASON", where POINTER starts
/// with `pointer`. Never throws; untrusted input is fine.
caf::expected<log_validation_config>
parse_log_validation_config(const nlohmann::json& section,
                            std::string_view pointer
                            = log_validation_config::default_pointer);

/// The same for the order-preserving JSON of the site config parser.
caf::expected<log_validation_config>
parse_log_validation_config(const nlohmann::ordered_json& section,
                            std::string_view pointer
                            = log_validation_config::default_pointer);

} // namespace kagami::security::logcheck
