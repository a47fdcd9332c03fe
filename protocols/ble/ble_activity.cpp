#include "protocols/ble/ble_activity.hpp"

#include <algorithm>
#include <cctype>

namespace kagami::protocols::ble {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

void ble_activity::note(const std::string& address, clock::time_point at) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto key = lower(address);
  if (last_.size() >= max_devices_ && last_.count(key) == 0) {
    auto oldest = std::min_element(last_.begin(), last_.end(), [](auto& a, auto& b) {
      return a.second < b.second;
    });
    if (oldest != last_.end())
      last_.erase(oldest);
  }
  auto& t = last_[key];
  t = std::max(t, at);
}

std::optional<ble_activity::clock::time_point>
ble_activity::last(const std::string& address) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = last_.find(lower(address));
  if (i == last_.end())
    return std::nullopt;
  return i->second;
}

} // namespace kagami::protocols::ble
