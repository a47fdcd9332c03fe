#pragma once

// The answer of a security check or a whole chain: go ahead, or refuse with
// an HTTP status and a reason for the client.

#include <chrono>
#include <optional>
#include <string>

namespace kagami::security {

struct verdict {
  bool allowed = true;
  /// When !allowed: 403 (denied), 429 (throttled) or 400 (a bad value or a
  /// body that does not fit the schema). 0 when allowed.
  unsigned status = 0;
  /// The name of the check instance that decided (its key in
  /// "security.checks", e.g. "acl"); set by check_chains::run. Empty when
  /// allowed.
  std::string check;
  /// One sentence for the client (a 403 reason, a rule id like "KG-1003").
  /// Names only what the request and the config already contain; never the
  /// real device's vendor, model, firmware, address or protocol.
  std::string reason;
  /// With 429: the Retry-After delay, whole seconds >= 1.
  std::optional<std::chrono::seconds> retry_after;

  static verdict allow() {
    return {};
  }

  static verdict deny(unsigned status, std::string reason,
                      std::optional<std::chrono::seconds> retry_after
                      = std::nullopt) {
    verdict v;
    v.allowed = false;
    v.status = status;
    v.reason = std::move(reason);
    v.retry_after = retry_after;
    return v;
  }
};

} // namespace kagami::security
