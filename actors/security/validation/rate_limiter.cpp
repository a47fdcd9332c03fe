#include "actors/security/validation/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace kagami::security {

rate_limiter::rate_limiter(rate_limit_config config) : config_(config) {
  if (config_.max_subjects < 1)
    config_.max_subjects = 1;
}

double rate_limiter::refilled(const bucket& b,
                              clock::time_point now) const noexcept {
  auto elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed < 0)
    elapsed = 0;
  return std::min(config_.burst, b.tokens + elapsed * config_.requests_per_second);
}

void rate_limiter::make_room(clock::time_point now) {
  for (auto i = buckets_.begin(); i != buckets_.end();) {
    if (refilled(i->second, now) >= config_.burst)
      i = buckets_.erase(i);
    else
      ++i;
  }
  if (buckets_.size() < config_.max_subjects)
    return;
  auto oldest = std::min_element(buckets_.begin(), buckets_.end(),
                                 [](const auto& x, const auto& y) {
                                   return x.second.updated < y.second.updated;
                                 });
  buckets_.erase(oldest);
}

throttle_decision rate_limiter::acquire(std::string_view subject,
                                        clock::time_point now) {
  // unordered_map without heterogeneous lookup in C++20 libstdc++: one
  // allocation per call for long subjects; fine at request rates.
  std::string key{subject};
  auto i = buckets_.find(key);
  if (i == buckets_.end()) {
    if (buckets_.size() >= config_.max_subjects)
      make_room(now);
    i = buckets_.emplace(std::move(key), bucket{config_.burst, now}).first;
  }
  auto& b = i->second;
  b.tokens = refilled(b, now);
  if (now > b.updated)
    b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {true, std::chrono::milliseconds{0}};
  }
  auto seconds = (1 - b.tokens) / config_.requests_per_second;
  auto wait = std::chrono::milliseconds{
    static_cast<int64_t>(std::ceil(seconds * 1000))};
  return {false, std::max(wait, std::chrono::milliseconds{1})};
}

} // namespace kagami::security
