#pragma once

// Per-subject token-bucket rate limiting (429 with Retry-After).

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/security/validation/expected_use_config.hpp"
#include "actors/security/validation/throttle_decision.hpp"

namespace kagami::security {

/// One token bucket per subject: `burst` tokens, refilled at
/// `requests_per_second`; a request takes one token or is refused without
/// taking any. Subjects never share a bucket, so one subject's burst never
/// refuses another.
///
/// Memory is bounded by `max_subjects` buckets. When a new subject arrives
/// and the table is full, buckets that have refilled completely are dropped
/// (an absent bucket means a full one, so this loses nothing); if none has,
/// the least recently used bucket is dropped, which hands that subject a
/// fresh burst. That only happens with more than `max_subjects` subjects
/// active within burst / requests_per_second seconds.
///
/// The clock is injected: every call passes `now` (steady). Not thread-safe;
/// one actor owns it.
class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(rate_limit_config config);

  /// Takes one token from `subject`'s bucket at time `now`.
  throttle_decision acquire(std::string_view subject, clock::time_point now);

  /// Number of buckets held (for tests and metrics).
  size_t tracked_subjects() const noexcept {
    return buckets_.size();
  }

  const rate_limit_config& config() const noexcept {
    return config_;
  }

private:
  struct bucket {
    double tokens;
    clock::time_point updated;
  };

  double refilled(const bucket& b, clock::time_point now) const noexcept;
  void make_room(clock::time_point now);

  rate_limit_config config_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace kagami::security
