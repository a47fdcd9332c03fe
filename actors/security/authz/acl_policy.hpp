#pragma once

// Authorization (issue 4): deny-by-default access control lists over
// subject x thing x affordance x op, with optional time windows. Plain C++;
// the authorization check wraps it and maps a deny to 403 with `reason`.
//
// Rules file (or the "rules" config section), JSON:
//
//   { "rules": [
//       { "subject": "role:operator",          // app:NAME, user:NAME, role:NAME
//         "thing": "model:press",              // id:ID, model:MODEL, tag:TAG, *
//         "affordance": "setpoint",            // a name or "*" (default "*")
//         "op": ["readproperty", "writeproperty"],  // one op, a list, or "*"
//         "effect": "allow",                   // allow (default) or deny
//         "window": { "days": ["mon", "tue", "wed", "thu", "fri"],
//                     "from": "06:00", "to": "18:00",
//                     "utc_offset": "+09:00" } } ] }   // window optional
//
// A bare array of rules is accepted too (a section of a larger config).
// Rules are numbered from 0 in file order; "rule 3" in a reason is the rule at
// JSON pointer /rules/3.
//
// Precedence, evaluated over all rules that match the request's subject,
// thing, affordance and op:
//   1. deny wins: a matching "deny" rule whose window (if any) contains the
//      request time denies, whatever any allow rule says;
//   2. else the first matching "allow" rule whose window contains the time
//      allows, and the verdict names it;
//   3. else deny (deny by default). The reason names the first allow rule
//      that matched except for its window ("rule 3 allows it only Mon-Fri
//      06:00-18:00 UTC"), or says that no rule allows it.
// The order of rules therefore only picks which rule a verdict names.
//
// Time windows: `days` is a set of weekdays (default: every day) of the
// window's start, `from` and `to` are "HH:MM" (to may be "24:00"), local to
// the fixed `utc_offset` ("Z", "+HH:MM" or "-HH:MM", default UTC; no daylight
// saving). from < to is the half-open [from, to) on each listed day; from > to
// spans midnight: from `from` on a listed day until `to` on the next day.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace kagami::security::authz {

/// The four WoT operations an ACL rule names.
enum class operation : uint8_t {
  readproperty,
  writeproperty,
  invokeaction,
  subscribeevent,
};

/// "readproperty", ...
const char* to_string(operation x);

/// Parses a WoT op name; nullopt for anything else.
std::optional<operation> parse_operation(std::string_view name);

/// Who an authenticated request comes from.
enum class subject_kind : uint8_t { app, user };

/// A recurring time window in a fixed UTC offset.
struct time_window {
  /// Bit d set: the window starts on weekday d, Monday = 0 ... Sunday = 6.
  uint8_t days = 0x7f;
  /// Minutes after local midnight, 0..1439.
  uint16_t from = 0;
  /// Minutes after local midnight, 1..1440; from != to.
  uint16_t to = 1440;
  /// Local time = UTC + offset_minutes (-1439..1439).
  int16_t offset_minutes = 0;

  /// True when `t` lies inside the window.
  bool contains(std::chrono::system_clock::time_point t) const noexcept;

  friend bool operator==(const time_window&, const time_window&) = default;
};

/// "Mon-Fri 06:00-18:00 UTC", "daily 22:00-02:00 UTC+09:00", ...
std::string to_string(const time_window& x);

/// Parses a window object {"days": [...], "from": "HH:MM", "to": "HH:MM",
/// OFFSET_KEY: "+HH:MM"} as described above; `offset_key` is "utc_offset" in
/// ACL rules and "utcOffset" in camelCase config sections. `pointer` is the
/// JSON pointer of `v`. Fails with ec::config_invalid whose detail is
/// "POINTER: REASON" (e.g. "/rules/0/window/from: expected \"HH:MM\"").
/// Never throws.
caf::expected<time_window> parse_time_window(const nlohmann::json& v,
                                            const std::string& pointer,
                                            std::string_view offset_key
                                            = "utc_offset");

/// One ACL rule as parsed.
struct acl_rule {
  enum class subject_type : uint8_t { app, user, role };
  enum class thing_type : uint8_t { any, id, model, tag };

  subject_type subject = subject_type::role;
  std::string subject_name;
  thing_type thing = thing_type::any;
  /// Empty when thing == any.
  std::string thing_value;
  /// An affordance name or "*".
  std::string affordance = "*";
  /// Bit (1 << operation) per op the rule covers; never 0.
  uint8_t ops = 0;
  bool deny = false;
  std::optional<time_window> window;

  friend bool operator==(const acl_rule&, const acl_rule&) = default;
};

/// The limits of one rules document. Exceeding any of them fails the parse.
struct acl_limits {
  /// Largest rules file in bytes.
  size_t max_bytes = 1024 * 1024;
  /// Deepest JSON nesting of arrays and objects (checked before parsing).
  size_t max_depth = 8;
  /// Most rules.
  size_t max_rules = 10000;
  /// Longest subject name, thing value or affordance name.
  size_t max_name = 256;
};

/// Parses a rules file (text). Fails with ec::config_invalid, whose detail
/// starts with the JSON pointer of the offending value, for example
/// "/rules/3/op/1: unknown op \"delete\"". Never throws on any input.
caf::expected<std::vector<acl_rule>>
parse_acl_rules(std::string_view text, const acl_limits& limits = {});

/// Parses an already parsed config section: an object with "rules" or an
/// array of rules. `pointer` prefixes the pointers in error details (for
/// example "/authorization"). Checks every limit except max_bytes and
/// max_depth (the caller's parser has applied its own).
caf::expected<std::vector<acl_rule>>
parse_acl_section(const nlohmann::json& section, const acl_limits& limits = {},
                  std::string_view pointer = "");

/// One request to decide. The views must outlive the call only.
struct access_request {
  std::string_view subject;
  subject_kind kind = subject_kind::app;
  std::span<const std::string> roles;
  std::string_view thing_id;
  std::string_view model;
  std::span<const std::string> tags;
  std::string_view affordance;
  operation op = operation::readproperty;
  std::chrono::system_clock::time_point time;
};

/// The outcome of one decision.
struct verdict {
  bool allowed = false;
  /// The index of the rule that allowed (allowed) or denied explicitly;
  /// nullopt for a default deny.
  std::optional<size_t> rule;
  /// One sentence fit for a 403 body or an audit record, e.g. "no rule allows
  /// role operator to writeproperty setpoint of press-1". Names only what
  /// the request and the rules already contain.
  std::string reason;
};

/// An immutable rule set. decide() is const and thread-safe; never throws
/// except std::bad_alloc.
class acl_policy {
public:
  acl_policy() = default;
  explicit acl_policy(std::vector<acl_rule> rules);

  /// Decides `req` by the precedence above. O(number of rules).
  verdict decide(const access_request& req) const;

  const std::vector<acl_rule>& rules() const noexcept {
    return rules_;
  }

private:
  std::vector<acl_rule> rules_;
};

} // namespace kagami::security::authz
