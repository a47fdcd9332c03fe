#pragma once

// The device adapter of ble-gatt models: properties are GATT characteristics
// of a BLE device reached through BlueZ (sdbus-c++).

#include <memory>

#include "protocols/ble/bluez_discovery.hpp"
#include "protocols/device_adapter.hpp"

namespace kagami::protocols::ble {

/// Creates the adapter of `dev` (whose address is its BD address) of the
/// ble-gatt model `model`. Does no I/O. The adapter, on its caller's thread:
/// - opens its own D-Bus connection to cfg.bus_address lazily and drops it
///   after a failure, so the next call reconnects;
/// - finds the org.bluez.Device1 whose Address is the device's and, under it,
///   the GattCharacteristic1 whose UUID is the binding's characteristic
///   (looked up with GetManagedObjects and cached until a call fails);
/// - reads with ReadValue({}) and writes with WriteValue(bytes, {}), each
///   bounded by opts.timeout, and converts with decode_gatt_value /
///   encode_gatt_value.
/// Errors: ec::config_invalid (not a ble-gatt model, bad address or timeout),
/// ec::device_timeout (BlueZ or the device silent, or the device not known to
/// BlueZ), ec::device_error (a BlueZ error reply), ec::device_bad_reply
/// (undecodable value, or no such characteristic on the device),
/// ec::not_found for actions (ble-gatt models have none).
caf::expected<std::unique_ptr<device_adapter>>
make_ble_gatt_adapter(const config::device_config& dev,
                      const config::device_model& model,
                      const adapter_options& opts, const ble_config& cfg);

/// Registers make_ble_gatt_adapter for device_protocol::ble_gatt, reaching
/// BlueZ as `cfg` says. Explicit, like register_builtin_adapters().
void register_ble_adapter(adapter_registry& registry, ble_config cfg);

} // namespace kagami::protocols::ble
