#pragma once

// Refuses a BLE device at the gateway: BlueZ's Device1.Blocked = true makes
// bluetoothd reject every connection from it and drop the one it has. The
// BLE side of "the gateway refuses all traffic with a rogue device".

#include <chrono>
#include <string>

#include <caf/error.hpp>

namespace kagami::protocols::ble {

/// Sets org.bluez.Device1.Blocked to `blocked` on the device object `path`
/// (as in a sighting's locator) on bus `bus_address` (see open_bus), then
/// reads it back (ec::device_error when it does not hold). Blocks for at
/// most twice `timeout`. Errors: ec::invalid_value (not an object path),
/// ec::unavailable (no bus), ec::device_error (BlueZ refused, naming why).
/// Never throws.
caf::error block_device(const std::string& bus_address, const std::string& path,
                        std::chrono::milliseconds timeout = std::chrono::seconds(2),
                        bool blocked = true);

} // namespace kagami::protocols::ble
