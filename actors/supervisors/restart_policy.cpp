#include "actors/supervisors/restart_policy.hpp"

#include <algorithm>

namespace kagami {

std::optional<std::chrono::milliseconds>
restart_tracker::on_crash(clock::time_point now) {
  while (!crashes_.empty() && now - crashes_.front() > cfg_.window)
    crashes_.pop_front();
  crashes_.push_back(now);
  if (crashes_.size() > cfg_.max_restarts)
    return std::nullopt;
  // Delay doubles with each crash inside the window: 1x, 2x, 4x, ...
  auto delay = cfg_.initial_delay;
  for (size_t i = 1; i < crashes_.size() && delay < cfg_.max_delay; ++i)
    delay *= 2;
  ++total_;
  return std::min(delay, cfg_.max_delay);
}

} // namespace kagami
