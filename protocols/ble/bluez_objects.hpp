#pragma once

// BlueZ's object tree as validated values: org.bluez.Device1,
// org.bluez.GattService1 and org.bluez.GattCharacteristic1 read from the
// property maps of GetManagedObjects, InterfacesAdded and PropertiesChanged.
// Every property we use is checked for its exact D-Bus type and its size; a
// wrong one fails with ec::device_bad_reply naming the property. Never throws.

#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <sdbus-c++/Message.h>
#include <sdbus-c++/Types.h>

#include "protocols/ble/ble_values.hpp"

namespace kagami::protocols::ble {

inline constexpr const char* bluez_service = "org.bluez";
inline constexpr const char* device_interface = "org.bluez.Device1";
inline constexpr const char* gatt_service_interface = "org.bluez.GattService1";
inline constexpr const char* gatt_characteristic_interface
  = "org.bluez.GattCharacteristic1";
inline constexpr const char* object_manager_interface
  = "org.freedesktop.DBus.ObjectManager";
inline constexpr const char* properties_interface
  = "org.freedesktop.DBus.Properties";

using property_map = std::map<std::string, sdbus::Variant>;
using interface_map = std::map<std::string, property_map>;
using object_map = std::map<sdbus::ObjectPath, interface_map>;

/// A checked org.bluez.Device1.
struct bluez_device {
  std::string path;
  std::string address;            ///< Lower case, validated.
  bool services_resolved = false; ///< Absent means false.
  bool connected = false;         ///< Connected (b); absent means false.
  std::vector<std::string> uuids; ///< Lower case, validated; absent means none.
};

/// A checked org.bluez.GattService1.
struct bluez_gatt_service {
  std::string path;
  std::string uuid;   ///< Lower case.
  std::string device; ///< The Device1 object path it belongs to.
};

/// A checked org.bluez.GattCharacteristic1.
struct bluez_gatt_characteristic {
  std::string path;
  std::string uuid;    ///< Lower case.
  std::string service; ///< The GattService1 object path it belongs to.
};

/// Reads a Device1 from its properties: Address (s, a BD address) is
/// required; ServicesResolved (b), Connected (b) and UUIDs (as, at most
/// limits.max_uuids) are optional. Other properties are ignored.
caf::expected<bluez_device> read_device(const std::string& path,
                                        const property_map& props,
                                        const ble_limits& limits);

/// Reads a GattService1: UUID (s) and Device (o) are required.
caf::expected<bluez_gatt_service>
read_gatt_service(const std::string& path, const property_map& props,
                  const ble_limits& limits);

/// Reads a GattCharacteristic1: UUID (s) and Service (o) are required.
caf::expected<bluez_gatt_characteristic>
read_gatt_characteristic(const std::string& path, const property_map& props,
                         const ble_limits& limits);

/// Deserializes a GetManagedObjects reply (a{oa{sa{sv}}}). Fails with
/// ec::device_bad_reply when the reply has another type or holds more than
/// limits.max_objects objects.
caf::expected<object_map> read_managed_objects(sdbus::Message& reply,
                                               const ble_limits& limits);

} // namespace kagami::protocols::ble
