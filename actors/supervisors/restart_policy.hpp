#pragma once

// When to restart a crashed child: exponential back-off, and at most
// `max_restarts` within `window`. Plain C++; the supervisor actor asks it.

#include <chrono>
#include <deque>
#include <optional>

namespace kagami {

struct restart_policy_config {
  std::chrono::milliseconds initial_delay{100};
  std::chrono::milliseconds max_delay{10000};
  /// Restarts allowed within `window` before the child is given up.
  unsigned max_restarts = 5;
  std::chrono::milliseconds window{60000};
};

/// The restart history of one child. Not thread-safe; one per child.
class restart_tracker {
public:
  using clock = std::chrono::steady_clock;

  explicit restart_tracker(restart_policy_config cfg = {}) : cfg_(cfg) {}

  /// Records a crash at `now`. Returns the delay before the restart, or
  /// nullopt when the child crashed too often and must stay down.
  std::optional<std::chrono::milliseconds> on_crash(clock::time_point now);

  /// Crashes counted inside the current window.
  size_t recent_crashes() const { return crashes_.size(); }

  /// Every restart granted since creation.
  size_t total_restarts() const { return total_; }

private:
  restart_policy_config cfg_;
  std::deque<clock::time_point> crashes_;
  size_t total_ = 0;
};

} // namespace kagami
