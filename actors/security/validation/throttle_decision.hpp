#pragma once

// The answer of a throttle (rate_limiter, write_interval_gate): go ahead, or
// wait this long. The HTTP layer turns a refusal into 429 with Retry-After.

#include <chrono>

namespace kagami::security {

struct throttle_decision {
  bool allowed = true;
  /// Zero when allowed; else the time until the request would be allowed.
  std::chrono::milliseconds wait{0};

  /// `wait` rounded up to whole seconds, at least 1: the Retry-After value
  /// of a refusal (RFC 9110 delay-seconds). 0 when allowed.
  std::chrono::seconds retry_after() const noexcept {
    if (allowed)
      return std::chrono::seconds{0};
    auto s = std::chrono::ceil<std::chrono::seconds>(wait);
    return s < std::chrono::seconds{1} ? std::chrono::seconds{1} : s;
  }
};

} // namespace kagami::security
