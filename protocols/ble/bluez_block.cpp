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
                        std::chrono::milliseconds timeout, bool blocked) {
  if (!is_object_path(path, 255))
    return make_error(ec::invalid_value, "not a D-Bus object path: " + bounded_for_log(path));
  auto conn = open_bus(bus_address);
  if (!conn)
    return conn.error();
  try {
    auto proxy = sdbus::createProxy(**conn, std::string{bluez_service}, path);
    auto call = proxy->createMethodCall("org.freedesktop.DBus.Properties", "Set");
    call << std::string{"org.bluez.Device1"} << std::string{"Blocked"}
         << sdbus::Variant{blocked};
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout);
    proxy->callMethod(call, us);
    // Read it back: the caller reports the cut as verified.
    auto get = proxy->createMethodCall("org.freedesktop.DBus.Properties", "Get");
    get << std::string{"org.bluez.Device1"} << std::string{"Blocked"};
    auto reply = proxy->callMethod(get, us);
    sdbus::Variant value;
    reply >> value;
    if (!value.containsValueOfType<bool>() || value.get<bool>() != blocked)
      return make_error(ec::device_error, "BlueZ did not keep Blocked="
                                            + std::string{blocked ? "true" : "false"} + " on "
                                            + path);
  } catch (const sdbus::Error& e) {
    return make_error(ec::device_error, std::string{"BlueZ refused to "}
                                          + (blocked ? "block " : "unblock ") + path + ": "
                                          + e.getName() + ": " + e.getMessage());
  }
  return caf::none;
}

} // namespace kagami::protocols::ble
