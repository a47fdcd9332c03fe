#pragma once

// A BLE device talks only to the gateway, and only when the gateway asks:
// BlueZ connects when the gateway reads or writes a characteristic (or
// fetches the DIS profile), and the adapters note that first
// (protocols/ble/ble_activity.hpp). A link that comes up with no such
// access shortly before was not the gateway's doing: a device connecting
// on its own (or someone else making BlueZ connect it) is a violation seen
// at the gateway itself. Plain C++, no I/O.

#include <chrono>
#include <optional>
#include <string>

#include "protocols/ble/ble_activity.hpp"

namespace kagami::isolation {

/// How long after the gateway's own access a link coming up is its doing.
inline constexpr std::chrono::milliseconds ble_connect_grace{10'000};

/// Nothing when the link of `address` that came up at `at` follows the
/// gateway's own access within `grace`; else why it is unexpected ("no
/// access by the gateway" or "the gateway's last access was N ms before").
std::optional<std::string>
unexpected_ble_link(const protocols::ble::ble_activity& activity, const std::string& address,
                    protocols::ble::ble_activity::clock::time_point at,
                    std::chrono::milliseconds grace = ble_connect_grace);

} // namespace kagami::isolation
