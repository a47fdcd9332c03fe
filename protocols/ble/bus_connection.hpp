#pragma once

// Opens the D-Bus connection a BLE component talks to BlueZ over.

#include <memory>
#include <string>

#include <caf/expected.hpp>
#include <sdbus-c++/IConnection.h>

namespace kagami::protocols::ble {

/// Opens a new connection to `bus_address`: "system" (the system bus, where
/// bluetoothd lives), "session", or a D-Bus address such as
/// "unix:path=/tmp/x/bus" (a private bus in tests). The connection runs no
/// event loop of its own. Fails with ec::unavailable and the bus's reason
/// (no such socket, permission denied); never throws.
caf::expected<std::unique_ptr<sdbus::IConnection>>
open_bus(const std::string& bus_address);

} // namespace kagami::protocols::ble
