#include "protocols/ble/ble_gatt_adapter.hpp"

#include <map>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include "actors/core/error.hpp"
#include "protocols/ble/bluez_objects.hpp"
#include "protocols/ble/bus_connection.hpp"
#include "protocols/ble/gatt_codec.hpp"

namespace kagami::protocols::ble {

namespace {

bool is_timeout(const sdbus::Error& e) {
  return e.getName() == "org.freedesktop.DBus.Error.Timeout"
         || e.getName() == "org.freedesktop.DBus.Error.NoReply"
         || e.getName() == "org.freedesktop.DBus.Error.TimedOut";
}

class ble_gatt_adapter final : public device_adapter {
public:
  ble_gatt_adapter(std::string address, std::string device_id,
                   std::chrono::milliseconds timeout, ble_config cfg)
    : address_(std::move(address)),
      device_id_(std::move(device_id)),
      timeout_(timeout),
      cfg_(std::move(cfg)) {
    // nop
  }

  caf::expected<nlohmann::json> read(const config::property_model& p) override {
    auto b = std::get_if<config::ble_gatt_binding>(&p.binding);
    if (!b)
      return make_error(ec::internal, "property " + p.name + " has no ble binding");
    auto path = characteristic_path(*b);
    if (!path)
      return std::move(path.error());
    std::vector<uint8_t> bytes;
    auto err = call(*path, [&](sdbus::IProxy& chr) {
      auto call = chr.createMethodCall(gatt_characteristic_interface, "ReadValue");
      call << std::map<std::string, sdbus::Variant>{};
      auto reply = chr.callMethod(call, timeout_);
      try {
        reply >> bytes;
      } catch (const sdbus::Error& e) {
        return make_error(ec::device_bad_reply,
                          "ReadValue reply is not ay: " + bounded_for_log(e.getMessage()));
      }
      return caf::error{};
    });
    if (err)
      return err;
    auto value = decode_gatt_value(bytes, *b);
    if (!value)
      return make_error(ec::device_bad_reply,
                        p.name + ": " + detail_of(value.error()));
    return value;
  }

  caf::error write(const config::property_model& p,
                   const nlohmann::json& value) override {
    auto b = std::get_if<config::ble_gatt_binding>(&p.binding);
    if (!b)
      return make_error(ec::internal, "property " + p.name + " has no ble binding");
    auto bytes = encode_gatt_value(value, *b);
    if (!bytes)
      return make_error(ec::invalid_value, p.name + ": " + detail_of(bytes.error()));
    auto path = characteristic_path(*b);
    if (!path)
      return std::move(path.error());
    return call(*path, [&](sdbus::IProxy& chr) {
      auto call = chr.createMethodCall(gatt_characteristic_interface, "WriteValue");
      call << *bytes << std::map<std::string, sdbus::Variant>{};
      chr.callMethod(call, timeout_);
      return caf::error{};
    });
  }

  caf::expected<nlohmann::json> invoke(const config::action_model& a,
                                       const nlohmann::json&) override {
    return make_error(ec::not_found, "ble-gatt devices have no action " + a.name);
  }

private:
  /// Runs `fn` on a proxy of `path`; maps D-Bus failures to adapter errors
  /// and forgets the connection and the paths after one.
  template <class F>
  caf::error call(const std::string& path, F fn) {
    if (cfg_.activity)
      cfg_.activity->note(address_);
    try {
      auto proxy = sdbus::createProxy(*conn_, bluez_service, path);
      auto err = fn(*proxy);
      return err;
    } catch (const sdbus::Error& e) {
      reset();
      auto detail = "device '" + device_id_ + "': " + e.getName() + ": "
                    + bounded_for_log(e.getMessage());
      return make_error(is_timeout(e) ? ec::device_timeout : ec::device_error,
                        std::move(detail));
    }
  }

  void reset() {
    paths_.clear();
    conn_.reset();
  }

  /// The object path of the characteristic of `b` on this device.
  caf::expected<std::string> characteristic_path(const config::ble_gatt_binding& b) {
    if (auto i = paths_.find(b.characteristic); i != paths_.end())
      return i->second;
    if (!conn_) {
      auto c = open_bus(cfg_.bus_address);
      if (!c)
        return make_error(ec::device_timeout, "device '" + device_id_
                                                + "': " + detail_of(c.error()));
      conn_ = std::move(*c);
    }
    object_map objects;
    try {
      auto root = sdbus::createProxy(*conn_, bluez_service, "/");
      auto call = root->createMethodCall(object_manager_interface, "GetManagedObjects");
      auto reply = root->callMethod(call, timeout_);
      auto parsed = read_managed_objects(reply, cfg_.limits);
      if (!parsed)
        return std::move(parsed.error());
      objects = std::move(*parsed);
    } catch (const sdbus::Error& e) {
      reset();
      return make_error(is_timeout(e) ? ec::device_timeout : ec::device_error,
                        "device '" + device_id_ + "': GetManagedObjects: "
                          + e.getName());
    }
    std::string device_path;
    for (auto& [path, ifaces] : objects) {
      auto i = ifaces.find(device_interface);
      if (i == ifaces.end())
        continue;
      auto dev = read_device(path, i->second, cfg_.limits);
      if (dev && dev->address == address_) {
        device_path = path;
        break;
      }
    }
    if (device_path.empty())
      return make_error(ec::device_timeout,
                        "device '" + device_id_ + "': BlueZ does not know " + address_);
    for (auto& [path, ifaces] : objects) {
      auto i = ifaces.find(gatt_characteristic_interface);
      if (i == ifaces.end()
          || !std::string_view{path}.starts_with(device_path + "/"))
        continue;
      auto chr = read_gatt_characteristic(path, i->second, cfg_.limits);
      if (chr && chr->uuid == b.characteristic) {
        paths_[b.characteristic] = path;
        return std::string{path};
      }
    }
    return make_error(ec::device_bad_reply, "device '" + device_id_
                                              + "' has no characteristic "
                                              + b.characteristic);
  }

  std::string address_;
  std::string device_id_;
  std::chrono::milliseconds timeout_;
  ble_config cfg_;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::map<std::string, std::string> paths_; // uuid -> object path
};

} // namespace

caf::expected<std::unique_ptr<device_adapter>>
make_ble_gatt_adapter(const config::device_config& dev,
                      const config::device_model& model,
                      const adapter_options& opts, const ble_config& cfg) {
  if (model.protocol != config::device_protocol::ble_gatt)
    return make_error(ec::config_invalid, "device '" + dev.id + "': model "
                                            + model.id + " is not ble-gatt");
  auto address = parse_bd_address(dev.address);
  if (!address)
    return make_error(ec::config_invalid, "device '" + dev.id + "': address: "
                                            + detail_of(address.error()));
  if (opts.timeout.count() <= 0)
    return make_error(ec::config_invalid, "the device timeout must be positive");
  return std::unique_ptr<device_adapter>{
    new ble_gatt_adapter(std::move(*address), dev.id, opts.timeout, cfg)};
}

void register_ble_adapter(adapter_registry& registry, ble_config cfg) {
  registry.add(config::device_protocol::ble_gatt,
               [cfg = std::move(cfg)](const config::device_config& dev,
                                      const config::device_model& model,
                                      const adapter_options& opts) {
                 return make_ble_gatt_adapter(dev, model, opts, cfg);
               });
}

} // namespace kagami::protocols::ble
