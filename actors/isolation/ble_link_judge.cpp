#include "actors/isolation/ble_link_judge.hpp"

namespace kagami::isolation {

std::optional<std::string>
unexpected_ble_link(const protocols::ble::ble_activity& activity, const std::string& address,
                    protocols::ble::ble_activity::clock::time_point at,
                    std::chrono::milliseconds grace) {
  auto last = activity.last(address);
  if (!last)
    return "the link came up with no access by the gateway";
  if (*last <= at && at - *last <= grace)
    return std::nullopt;
  if (*last > at)
    return std::nullopt; // the gateway's access raced the link report
  auto ago = std::chrono::duration_cast<std::chrono::milliseconds>(at - *last).count();
  return "the link came up " + std::to_string(ago) + " ms after the gateway's last access (grace "
         + std::to_string(grace.count()) + " ms)";
}

} // namespace kagami::isolation
