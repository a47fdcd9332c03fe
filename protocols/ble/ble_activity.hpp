#pragma once

// When the gateway itself last talked to each BLE device (a GATT read or
// write, a DIS fetch): BlueZ connects on such an access, so a link that
// comes up without one was not the gateway's doing. Mechanism only; the
// judgement is actors/isolation/ble_link_judge.hpp.
//
// Thread-safe: GATT adapters note from their actors' threads, the judge
// reads from the discovery thread. Bounded: at most max_devices addresses;
// the least recently noted one is forgotten first.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace kagami::protocols::ble {

class ble_activity {
public:
  using clock = std::chrono::steady_clock;

  explicit ble_activity(std::size_t max_devices = 4096) : max_devices_(max_devices) {
  }

  /// The gateway is about to talk to `address` (any case) at `at`.
  void note(const std::string& address, clock::time_point at = clock::now());

  /// When the gateway last talked to `address` (any case), if it did.
  std::optional<clock::time_point> last(const std::string& address) const;

private:
  std::size_t max_devices_;
  mutable std::mutex mtx_;
  std::map<std::string, clock::time_point> last_;
};

} // namespace kagami::protocols::ble
