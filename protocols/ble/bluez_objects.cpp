#include "protocols/ble/bluez_objects.hpp"

#include <sdbus-c++/Error.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::ble {

namespace {

caf::error bad(std::string detail) {
  return make_error(ec::device_bad_reply, std::move(detail));
}

/// The value of `name` in `props` if it has D-Bus type T; an error naming the
/// property otherwise. `found` tells a missing property from a bad one.
template <class T>
caf::expected<T> typed_property(const property_map& props,
                                const std::string& name, const char* want,
                                bool& found) {
  auto i = props.find(name);
  found = i != props.end();
  if (!found)
    return bad("property " + name + " is missing");
  try {
    if (!i->second.containsValueOfType<T>())
      return bad("property " + name + " has D-Bus type \""
                 + bounded_for_log(i->second.peekValueType(), 40)
                 + "\", want \"" + want + "\"");
    return i->second.get<T>();
  } catch (const sdbus::Error& e) {
    return bad("property " + name + " does not decode: " + e.getMessage());
  }
}

caf::expected<std::string> required_path(const property_map& props,
                                         const std::string& name,
                                         const ble_limits& limits) {
  bool found = false;
  auto p = typed_property<sdbus::ObjectPath>(props, name, "o", found);
  if (!p)
    return std::move(p.error());
  std::string s = *p;
  if (!is_object_path(s, limits.max_path))
    return bad("property " + name + " is not an object path of at most "
               + std::to_string(limits.max_path) + " bytes");
  return s;
}

caf::expected<std::string> required_uuid(const property_map& props) {
  bool found = false;
  auto s = typed_property<std::string>(props, "UUID", "s", found);
  if (!s)
    return std::move(s.error());
  return parse_uuid128(*s);
}

} // namespace

caf::expected<bluez_device> read_device(const std::string& path,
                                        const property_map& props,
                                        const ble_limits& limits) {
  bluez_device dev;
  dev.path = path;
  bool found = false;
  auto address = typed_property<std::string>(props, "Address", "s", found);
  if (!address)
    return std::move(address.error());
  auto parsed = parse_bd_address(*address);
  if (!parsed)
    return bad("property Address: " + detail_of(parsed.error()));
  dev.address = std::move(*parsed);
  auto resolved = typed_property<bool>(props, "ServicesResolved", "b", found);
  if (resolved)
    dev.services_resolved = *resolved;
  else if (found)
    return std::move(resolved.error());
  auto connected = typed_property<bool>(props, "Connected", "b", found);
  if (connected)
    dev.connected = *connected;
  else if (found)
    return std::move(connected.error());
  auto uuids = typed_property<std::vector<std::string>>(props, "UUIDs", "as",
                                                         found);
  if (uuids) {
    if (uuids->size() > limits.max_uuids)
      return bad("property UUIDs holds " + std::to_string(uuids->size())
                 + " UUIDs, limit " + std::to_string(limits.max_uuids));
    for (auto& u : *uuids) {
      auto p = parse_uuid128(u);
      if (!p)
        return bad("property UUIDs: " + detail_of(p.error()));
      dev.uuids.push_back(std::move(*p));
    }
  } else if (found) {
    return std::move(uuids.error());
  }
  return dev;
}

caf::expected<bluez_gatt_service>
read_gatt_service(const std::string& path, const property_map& props,
                  const ble_limits& limits) {
  auto uuid = required_uuid(props);
  if (!uuid)
    return std::move(uuid.error());
  auto device = required_path(props, "Device", limits);
  if (!device)
    return std::move(device.error());
  return bluez_gatt_service{path, std::move(*uuid), std::move(*device)};
}

caf::expected<bluez_gatt_characteristic>
read_gatt_characteristic(const std::string& path, const property_map& props,
                         const ble_limits& limits) {
  auto uuid = required_uuid(props);
  if (!uuid)
    return std::move(uuid.error());
  auto service = required_path(props, "Service", limits);
  if (!service)
    return std::move(service.error());
  return bluez_gatt_characteristic{path, std::move(*uuid), std::move(*service)};
}

caf::expected<object_map> read_managed_objects(sdbus::Message& reply,
                                               const ble_limits& limits) {
  object_map objects;
  try {
    reply >> objects;
  } catch (const sdbus::Error& e) {
    return bad("GetManagedObjects reply is not a{oa{sa{sv}}}: "
               + e.getMessage());
  }
  if (objects.size() > limits.max_objects)
    return bad("GetManagedObjects reply holds "
               + std::to_string(objects.size()) + " objects, limit "
               + std::to_string(limits.max_objects));
  return objects;
}

} // namespace kagami::protocols::ble
