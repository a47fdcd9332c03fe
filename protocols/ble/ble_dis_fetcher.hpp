#pragma once

// Reads a BLE device's Device Information Service (0x180A) through BlueZ.

#include <chrono>

#include "protocols/ble/bluez_discovery.hpp"
#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols::ble {

/// A profile_fetcher for sightings from bluez_discovery. For the Device1
/// object path in `sighting.locator` it finds the one org.bluez.GattService1
/// with UUID 0000180a-... whose Device is that path, reads its
/// GattCharacteristic1 children 2a29 (vendor), 2a24 (product), 2a25 (serial),
/// 2a26 (firmware) and 2a27 (hardware) with ReadValue({}), and decodes each
/// with decode_dis_value. A characteristic the service lacks leaves its field
/// empty (unknown).
///
/// Each fetch opens its own D-Bus connection, so fetch() may run on any
/// thread and concurrently. The whole fetch, connection included, is bounded
/// by `timeout`: each call gets what remains of it.
///
/// Errors: ec::invalid_value for a sighting that is not ble or whose locator
/// is not an object path; ec::unavailable when the bus cannot be reached;
/// ec::not_found when BlueZ has no Device1 at the locator (any more);
/// ec::device_timeout when BlueZ or the device does not answer in time;
/// ec::device_error when BlueZ answers a call with an error (naming it);
/// ec::device_bad_reply for "no Device Information Service", a device whose
/// Address differs from sighting.mac, two DIS services or two copies of a
/// characteristic, and any value that fails decode_dis_value (naming the
/// characteristic and the reason). Never throws.
class ble_dis_fetcher final : public profile_fetcher {
public:
  explicit ble_dis_fetcher(ble_config cfg);

  caf::expected<device_profile>
  fetch(const device_sighting& s, std::chrono::milliseconds timeout) override;

private:
  ble_config cfg_;
};

} // namespace kagami::protocols::ble
