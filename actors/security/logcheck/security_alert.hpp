#pragma once

// An alert of log validation (issue 4) and its two representations: JSON
// for the admin API's server-sent events, and the audit record that makes the
// alert part of the tamper-evident trail.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/audit_record.hpp"

namespace kagami::security::logcheck {

/// The kinds of alert, one per attack pattern (see audit_analyzer.hpp).
namespace alert_kind {
inline constexpr std::string_view brute_force = "brute_force";
inline constexpr std::string_view password_spraying = "password_spraying";
inline constexpr std::string_view many_things = "many_things";
inline constexpr std::string_view new_affordance = "new_affordance";
inline constexpr std::string_view off_hours_write = "off_hours_write";
inline constexpr std::string_view repeated_forbidden = "repeated_forbidden";
} // namespace alert_kind

/// One detected attack pattern. Every text is built from audit event fields
/// (subject, source, thing, affordance, op, time) and fixed words: never
/// from an event's `reason`, which may quote client input.
struct security_alert {
  /// One of alert_kind.
  std::string kind;
  /// "warning" or "critical".
  std::string severity;
  /// The account or subject concerned; "" when the pattern is about a source
  /// (password spraying).
  std::string subject;
  /// The source ("IP:PORT") of the event that raised the alert.
  std::string source;
  /// One sentence for operators, e.g. "10 failed authentications for
  /// user:alice within 60 s from 1 source address".
  std::string summary;
  /// When (milliseconds since the Unix epoch, the analyzer's clock).
  int64_t time_ms = 0;
  /// The numbers behind the alert (counts, windows, thresholds, the
  /// triggering request id), a JSON object with camelCase keys.
  nlohmann::json evidence = nlohmann::json::object();

  friend bool operator==(const security_alert&, const security_alert&)
    = default;
};

/// {"kind": S, "severity": S, "subject": S, "source": S, "summary": S,
///  "timeMs": I, "evidence": {...}}. Enables `nlohmann::json j = alert;`.
void to_json(nlohmann::json& out, const security_alert& alert);

/// The JSON above as compact text. Bytes that are not valid UTF-8 become
/// U+FFFD; never throws except std::bad_alloc.
std::string to_json_text(const security_alert& alert);

/// The audit record of `alert`, raised by the event `trigger`: op "alert",
/// check "logcheck.KIND", reason the summary, subject and source of the
/// alert, and thing, affordance, outcome, http_status and request_id of the
/// trigger (so the record says what the request that raised it got).
storage::audit_event to_audit_event(const security_alert& alert,
                                    const storage::audit_event& trigger);

/// The op of alert records. The analyzer ignores events with this op, so
/// that alerts never feed back into the analysis.
inline constexpr std::string_view alert_op = "alert";

} // namespace kagami::security::logcheck
