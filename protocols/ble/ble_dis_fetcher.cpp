#include "protocols/ble/ble_dis_fetcher.hpp"

#include <array>
#include <map>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include "actors/core/error.hpp"
#include "protocols/ble/bluez_objects.hpp"
#include "protocols/ble/bus_connection.hpp"

namespace kagami::protocols::ble {

namespace {

using clock = std::chrono::steady_clock;

/// One DIS characteristic and the profile field it fills.
struct dis_field {
  std::string_view uuid;
  const char* name;
  std::string device_profile::*field;
};

const std::array<dis_field, 5> dis_fields{{
  {dis_manufacturer_uuid, "manufacturer name (2a29)", &device_profile::vendor},
  {dis_model_uuid, "model number (2a24)", &device_profile::product},
  {dis_serial_uuid, "serial number (2a25)", &device_profile::serial},
  {dis_firmware_uuid, "firmware revision (2a26)", &device_profile::firmware},
  {dis_hardware_uuid, "hardware revision (2a27)", &device_profile::hardware},
}};

bool is_timeout(const sdbus::Error& e) {
  return e.getName() == "org.freedesktop.DBus.Error.Timeout"
         || e.getName() == "org.freedesktop.DBus.Error.NoReply"
         || e.getName() == "org.freedesktop.DBus.Error.TimedOut";
}

/// Maps a failed call to the fetcher's error codes.
caf::error call_failed(const std::string& what, const sdbus::Error& e) {
  auto detail = what + ": " + e.getName() + ": "
                + bounded_for_log(e.getMessage());
  return make_error(is_timeout(e) ? ec::device_timeout : ec::device_error,
                    std::move(detail));
}

/// The time left until `deadline` as a D-Bus call timeout; nullopt when none.
std::optional<std::chrono::microseconds> remaining(clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(
    deadline - clock::now());
  if (left.count() <= 0)
    return std::nullopt;
  return left;
}

caf::expected<device_profile>
fetch_on(sdbus::IConnection& conn, const device_sighting& s,
         clock::time_point deadline, const ble_limits& limits) {
  const auto& device_path = s.locator;
  auto timed_out = [&](const std::string& what) {
    return make_error(ec::device_timeout,
                      what + ": no answer within the fetch timeout");
  };
  // 1. The object tree.
  auto root = sdbus::createProxy(conn, bluez_service, "/");
  auto left = remaining(deadline);
  if (!left)
    return timed_out("GetManagedObjects");
  sdbus::MethodReply reply;
  try {
    auto call = root->createMethodCall(object_manager_interface,
                                       "GetManagedObjects");
    reply = root->callMethod(call, *left);
  } catch (const sdbus::Error& e) {
    return call_failed("GetManagedObjects", e);
  }
  auto objects = read_managed_objects(reply, limits);
  if (!objects)
    return std::move(objects.error());
  // 2. The device itself, and that it is the one the sighting named.
  auto dev_obj = objects->find(sdbus::ObjectPath{device_path});
  const interface_map* dev_ifaces = dev_obj != objects->end()
                                      ? &dev_obj->second
                                      : nullptr;
  auto dev_props = dev_ifaces ? dev_ifaces->find(device_interface)
                              : interface_map::const_iterator{};
  if (!dev_ifaces || dev_props == dev_ifaces->end())
    return make_error(ec::not_found,
                      "no org.bluez.Device1 at " + bounded_for_log(device_path));
  auto dev = read_device(device_path, dev_props->second, limits);
  if (!dev)
    return make_error(ec::device_bad_reply, "device "
                                              + bounded_for_log(device_path)
                                              + ": " + detail_of(dev.error()));
  if (!s.mac.empty() && dev->address != s.mac)
    return make_error(ec::device_bad_reply,
                      "device " + bounded_for_log(device_path) + " has Address "
                        + dev->address + ", the sighting said "
                        + bounded_for_log(s.mac, 40));
  // 3. Its one DIS service. Malformed services of other devices are not
  //    this device's business; a malformed DIS candidate is.
  std::string service_path;
  for (auto& [path, ifaces] : *objects) {
    auto i = ifaces.find(gatt_service_interface);
    if (i == ifaces.end())
      continue;
    auto svc = read_gatt_service(path, i->second, limits);
    if (!svc) {
      if (std::string_view{path}.starts_with(device_path + "/"))
        return make_error(ec::device_bad_reply,
                          "GATT service " + bounded_for_log(path) + ": "
                            + detail_of(svc.error()));
      continue;
    }
    if (svc->device != device_path || svc->uuid != dis_service_uuid)
      continue;
    if (!service_path.empty())
      return make_error(ec::device_bad_reply,
                        "more than one Device Information Service");
    service_path = path;
  }
  if (service_path.empty())
    return make_error(ec::device_bad_reply, "no Device Information Service");
  // 4. Its characteristics, then one ReadValue each.
  std::map<std::string_view, std::string> char_paths; // uuid -> path
  for (auto& [path, ifaces] : *objects) {
    auto i = ifaces.find(gatt_characteristic_interface);
    if (i == ifaces.end())
      continue;
    if (!std::string_view{path}.starts_with(service_path + "/"))
      continue;
    auto chr = read_gatt_characteristic(path, i->second, limits);
    if (!chr)
      return make_error(ec::device_bad_reply,
                        "GATT characteristic " + bounded_for_log(path) + ": "
                          + detail_of(chr.error()));
    if (chr->service != service_path)
      continue;
    for (auto& f : dis_fields) {
      if (chr->uuid != f.uuid)
        continue;
      if (char_paths.count(f.uuid) > 0)
        return make_error(ec::device_bad_reply,
                          std::string{"two "} + f.name + " characteristics");
      char_paths.emplace(f.uuid, path);
    }
  }
  device_profile profile;
  for (auto& f : dis_fields) {
    auto i = char_paths.find(f.uuid);
    if (i == char_paths.end())
      continue;
    auto chr = sdbus::createProxy(conn, bluez_service, i->second);
    auto left = remaining(deadline);
    if (!left)
      return timed_out(std::string{"ReadValue of "} + f.name);
    sdbus::MethodReply value_reply;
    try {
      auto call = chr->createMethodCall(gatt_characteristic_interface,
                                        "ReadValue");
      call << std::map<std::string, sdbus::Variant>{};
      value_reply = chr->callMethod(call, *left);
    } catch (const sdbus::Error& e) {
      return call_failed(std::string{"ReadValue of "} + f.name, e);
    }
    std::vector<uint8_t> bytes;
    try {
      value_reply >> bytes;
    } catch (const sdbus::Error& e) {
      return make_error(ec::device_bad_reply,
                        std::string{f.name} + ": ReadValue reply is not ay: "
                          + bounded_for_log(e.getMessage()));
    }
    auto text = decode_dis_value(bytes);
    if (!text)
      return make_error(ec::device_bad_reply,
                        std::string{f.name} + ": " + detail_of(text.error()));
    profile.*f.field = std::move(*text);
  }
  return profile;
}

} // namespace

ble_dis_fetcher::ble_dis_fetcher(ble_config cfg) : cfg_(std::move(cfg)) {
  // nop
}

caf::expected<device_profile>
ble_dis_fetcher::fetch(const device_sighting& s,
                       std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  if (s.source != discovery_kind::ble)
    return make_error(ec::invalid_value, std::string{"not a ble sighting: "}
                                           + to_string(s.source));
  if (!is_object_path(s.locator, cfg_.limits.max_path) || s.locator == "/")
    return make_error(ec::invalid_value,
                      "locator is not a device object path: \""
                        + bounded_for_log(s.locator) + "\"");
  auto conn = open_bus(cfg_.bus_address);
  if (!conn)
    return std::move(conn.error());
  if (cfg_.activity)
    cfg_.activity->note(s.mac);
  try {
    return fetch_on(**conn, s, deadline, cfg_.limits);
  } catch (const sdbus::Error& e) {
    return call_failed("BlueZ", e);
  } catch (const std::exception& e) {
    return make_error(ec::device_error, std::string{"BlueZ: "} + e.what());
  }
}

} // namespace kagami::protocols::ble
