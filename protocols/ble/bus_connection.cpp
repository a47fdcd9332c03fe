#include "protocols/ble/bus_connection.hpp"

#include <sdbus-c++/Error.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::ble {

caf::expected<std::unique_ptr<sdbus::IConnection>>
open_bus(const std::string& bus_address) {
  try {
    std::unique_ptr<sdbus::IConnection> conn;
    if (bus_address == "system")
      conn = sdbus::createSystemBusConnection();
    else if (bus_address == "session")
      conn = sdbus::createSessionBusConnection();
    else if (bus_address.find(':') != std::string::npos)
      conn = sdbus::createSessionBusConnectionWithAddress(bus_address);
    else
      return make_error(ec::invalid_value,
                        "bus address \"" + bus_address
                          + "\" is not system, session or a D-Bus address");
    return conn;
  } catch (const sdbus::Error& e) {
    return make_error(ec::unavailable, "cannot connect to D-Bus bus \""
                                         + bus_address + "\": " + e.getName()
                                         + ": " + e.getMessage());
  } catch (const std::exception& e) {
    return make_error(ec::unavailable, "cannot connect to D-Bus bus \""
                                         + bus_address + "\": " + e.what());
  }
}

} // namespace kagami::protocols::ble
