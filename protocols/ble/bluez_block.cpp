#include "protocols/ble/bluez_block.hpp"

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>
#include <sdbus-c++/Types.h>

#include "actors/core/error.hpp"
#include "protocols/ble/ble_values.hpp"
#include "protocols/ble/bluez_objects.hpp"
#include "protocols/ble/bus_connection.hpp"

namespace kagami::protocols::ble {

caf::error block_device(const std::string& bus_address, const std::string& path,
                        std::chrono::milliseconds timeout) {
  if (!is_object_path(path, 255))
    return make_error(ec::invalid_value, "not a D-Bus object path: " + bounded_for_log(path));
  auto conn = open_bus(bus_address);
  if (!conn)
    return conn.error();
  try {
    auto proxy = sdbus::createProxy(**conn, std::string{bluez_service}, path);
    auto call = proxy->createMethodCall("org.freedesktop.DBus.Properties", "Set");
    call << std::string{"org.bluez.Device1"} << std::string{"Blocked"}
         << sdbus::Variant{true};
    proxy->callMethod(call, std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  } catch (const sdbus::Error& e) {
    return make_error(ec::device_error, "BlueZ refused to block " + path + ": "
                                          + e.getName() + ": " + e.getMessage());
  }
  return caf::none;
}

} // namespace kagami::protocols::ble
