#pragma once

// The maximum write frequency to a device: a minimum interval between two
// writes to one device, across all subjects.

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/security/validation/expected_use_config.hpp"
#include "actors/security/validation/throttle_decision.hpp"

namespace kagami::security {

/// Admits a write to `device` only when the device's minimum interval has
/// passed since the last admitted write to it, whoever sent either. An
/// admitted write is recorded at admission (before it reaches the device),
/// so two concurrent writes cannot both pass. Refused writes are not
/// recorded and do not push the next slot back.
///
/// Memory is bounded by `max_devices` entries. Entries whose interval has
/// passed are equivalent to absent ones and are dropped when room is needed.
/// When every tracked device is still inside its interval and the table is
/// full, a write to an untracked device is refused (wait: the shortest time
/// until an entry expires): the devices' protection is never given up to
/// make room.
///
/// The clock is injected: every call passes `now` (steady). Not thread-safe;
/// one actor owns it.
class write_interval_gate {
public:
  using clock = std::chrono::steady_clock;

  explicit write_interval_gate(write_interval_config config);

  /// The minimum interval of `device` (its own, else the default).
  std::chrono::milliseconds interval_of(std::string_view device) const;

  /// Admits and records a write to `device` at `now`, or refuses it.
  throttle_decision try_write(std::string_view device, clock::time_point now);

  size_t tracked_devices() const noexcept {
    return last_write_.size();
  }

private:
  write_interval_config config_;
  /// Device -> time of the last admitted write and its interval then.
  struct entry {
    clock::time_point at;
    std::chrono::milliseconds interval;
  };
  std::unordered_map<std::string, entry> last_write_;
};

} // namespace kagami::security
