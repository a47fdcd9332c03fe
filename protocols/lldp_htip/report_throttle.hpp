#pragma once

// Bounds what a passive discovery source reports, so that a chatty or
// hostile sender on the OT network cannot flood onboarding. Pure: time is
// passed in. Not thread-safe; one source thread owns each instance.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace kagami::protocols::lldp_htip {

using throttle_clock = std::chrono::steady_clock;

/// Per sender (a MAC): lets a sighting through when its fingerprint changed
/// or when `min_repeat` passed since that sender's last report. Tracks at
/// most `max_tracked` senders; beyond that the least recently seen one is
/// forgotten (its next sighting goes through as new).
class sighting_throttle {
public:
  sighting_throttle(throttle_clock::duration min_repeat, size_t max_tracked);

  /// True when the sighting should be reported now; records it if so.
  bool admit(const std::string& sender, const std::string& fingerprint,
             throttle_clock::time_point now);

  size_t tracked() const {
    return by_sender_.size();
  }

  /// Senders forgotten because the table was full.
  uint64_t evicted() const {
    return evicted_;
  }

private:
  struct entry {
    std::string fingerprint;
    throttle_clock::time_point last_report;
    std::list<std::string>::iterator lru;
  };

  throttle_clock::duration min_repeat_;
  size_t max_tracked_;
  /// Most recently seen first.
  std::list<std::string> lru_;
  std::unordered_map<std::string, entry> by_sender_;
  uint64_t evicted_ = 0;
};

/// At most `burst` reports per `window` (a fixed window); the rest are
/// counted as suppressed.
class report_limiter {
public:
  report_limiter(size_t burst, throttle_clock::duration window);

  /// True when a report may go out now. When it may and reports were
  /// suppressed since the last one that went out, `suppressed_before` tells
  /// how many.
  bool admit(throttle_clock::time_point now, uint64_t& suppressed_before);

  /// Every report suppressed so far.
  uint64_t suppressed_total() const {
    return suppressed_total_;
  }

private:
  size_t burst_;
  throttle_clock::duration window_;
  throttle_clock::time_point window_start_{};
  size_t in_window_ = 0;
  uint64_t suppressed_since_report_ = 0;
  uint64_t suppressed_total_ = 0;
};

} // namespace kagami::protocols::lldp_htip
