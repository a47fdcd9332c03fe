#pragma once

// The expected-use check (type "expected_use"): is the request within what
// the site expects of its apps and devices?
// - a token-bucket rate limit per subject (429 with Retry-After);
// - a minimum interval between writes to one thing, across all subjects
//   (429 with Retry-After);
// - the operational envelope of numeric properties: bounds and a maximum
//   step from the device's last known value (403 with the reason).
//
// Section: the format of actors/security/validation/expected_use_config.hpp
// ({"envelopes": [...], "rate_limit": {...}, "write_interval": {...}}).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/security_check.hpp"
#include "actors/security/validation/expected_use_config.hpp"
#include "actors/security/validation/operational_envelope.hpp"
#include "actors/security/validation/rate_limiter.hpp"
#include "actors/security/validation/write_interval_gate.hpp"

namespace kagami::security {

/// decide() applies, in this order:
/// 1. the rate limit to every request, keyed by subject kind and name
///    ("app:hmi", "user:alice": an app and a user of one name do not share a
///    bucket); a refused request takes no token;
/// 2. for writeproperty of a property with an envelope: the body must be a
///    JSON number (else 400) inside the envelope (else 403);
/// 3. for writeproperty and invokeaction: the thing's minimum write
///    interval. An admitted write takes the thing's slot at once, so put this
///    check after the checks that may still refuse the request.
/// 4. one write at a time per enveloped property: the step is checked
///    against the last value the device confirmed, so a second write while
///    one is in flight (whose outcome decides the base of the next step)
///    gets 429 (Retry-After 1). The hold ends with observe() of that write,
///    with forget() (refused later, failed, not carried out), or after
///    `in_flight_hold` as a backstop. Concurrent writes can therefore not
///    add up to more than the operational step.
/// observe() records numeric values read or written (for "*", each numeric
/// member of the object read) as the envelope's last known values.
/// Uses check_request::mono_now as its clock.
class expected_use_check final : public security_check {
public:
  explicit expected_use_check(expected_use_config config);

  verdict decide(const check_request& req) override;

  void observe(const check_request& req, std::string_view value_json) override;

  /// Releases the in-flight reservation of `req` (see decide()).
  void forget(const check_request& req) override;

  /// Settings, table sizes and refusal counters.
  nlohmann::json inspect() const override;

  /// The envelope's state (the last known values), for tests and the
  /// console.
  const operational_envelope& envelope() const noexcept {
    return envelope_;
  }

private:
  size_t envelope_count_;
  operational_envelope envelope_;
  std::optional<rate_limiter> rate_;
  write_interval_gate writes_;
  /// Reused per request: the rate-limit key.
  std::string key_;
  /// Enveloped properties ("thing\0property") with a write in flight: the
  /// request that holds it and when the hold lapses (a backstop for a
  /// request whose outcome never reaches the check).
  struct in_flight {
    std::string request_id;
    std::chrono::steady_clock::time_point lapses;
  };
  std::map<std::string, in_flight, std::less<>> in_flight_;
  uint64_t in_flight_refusals_ = 0;
  uint64_t rate_refusals_ = 0;
  uint64_t envelope_refusals_ = 0;
  uint64_t interval_refusals_ = 0;
};

/// The factory of type "expected_use".
caf::expected<std::unique_ptr<security_check>>
make_expected_use_check(const nlohmann::json& section, const check_context& ctx);

} // namespace kagami::security
