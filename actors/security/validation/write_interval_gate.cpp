#include "actors/security/validation/write_interval_gate.hpp"

#include <algorithm>

namespace kagami::security {

write_interval_gate::write_interval_gate(write_interval_config config)
  : config_(std::move(config)) {
  if (config_.max_devices < 1)
    config_.max_devices = 1;
}

std::chrono::milliseconds
write_interval_gate::interval_of(std::string_view device) const {
  if (auto i = config_.devices.find(device); i != config_.devices.end())
    return i->second;
  return config_.default_interval;
}

throttle_decision write_interval_gate::try_write(std::string_view device,
                                                 clock::time_point now) {
  using std::chrono::milliseconds;
  auto interval = interval_of(device);
  if (interval <= milliseconds{0})
    return {true, milliseconds{0}};
  std::string key{device};
  auto i = last_write_.find(key);
  if (i != last_write_.end()) {
    auto next = i->second.at + interval;
    if (now < next)
      return {false, std::chrono::ceil<milliseconds>(next - now)};
    i->second = entry{now, interval};
    return {true, milliseconds{0}};
  }
  if (last_write_.size() >= config_.max_devices) {
    auto shortest = clock::duration::max();
    for (auto j = last_write_.begin(); j != last_write_.end();) {
      auto next = j->second.at + j->second.interval;
      if (now >= next) {
        j = last_write_.erase(j);
      } else {
        shortest = std::min(shortest, next - now);
        ++j;
      }
    }
    if (last_write_.size() >= config_.max_devices)
      return {false, std::chrono::ceil<milliseconds>(shortest)};
  }
  last_write_.emplace(std::move(key), entry{now, interval});
  return {true, milliseconds{0}};
}

} // namespace kagami::security
