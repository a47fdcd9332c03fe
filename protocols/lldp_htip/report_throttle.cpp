#include "protocols/lldp_htip/report_throttle.hpp"

namespace kagami::protocols::lldp_htip {

sighting_throttle::sighting_throttle(throttle_clock::duration min_repeat, size_t max_tracked)
  : min_repeat_(min_repeat), max_tracked_(max_tracked == 0 ? 1 : max_tracked) {
}

bool sighting_throttle::admit(const std::string& sender, const std::string& fingerprint,
                              throttle_clock::time_point now) {
  auto i = by_sender_.find(sender);
  if (i != by_sender_.end()) {
    auto& e = i->second;
    lru_.splice(lru_.begin(), lru_, e.lru);
    if (e.fingerprint == fingerprint && now - e.last_report < min_repeat_)
      return false;
    e.fingerprint = fingerprint;
    e.last_report = now;
    return true;
  }
  if (by_sender_.size() >= max_tracked_) {
    by_sender_.erase(lru_.back());
    lru_.pop_back();
    ++evicted_;
  }
  lru_.push_front(sender);
  by_sender_.emplace(sender, entry{fingerprint, now, lru_.begin()});
  return true;
}

report_limiter::report_limiter(size_t burst, throttle_clock::duration window)
  : burst_(burst), window_(window) {
}

bool report_limiter::admit(throttle_clock::time_point now, uint64_t& suppressed_before) {
  if (in_window_ == 0 || now - window_start_ >= window_) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ >= burst_) {
    ++suppressed_since_report_;
    ++suppressed_total_;
    return false;
  }
  ++in_window_;
  suppressed_before = suppressed_since_report_;
  suppressed_since_report_ = 0;
  return true;
}

} // namespace kagami::protocols::lldp_htip
