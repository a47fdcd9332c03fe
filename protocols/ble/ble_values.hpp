#pragma once

// Pure checks of the values BlueZ hands over D-Bus: BD addresses, UUIDs,
// object paths and the bytes of Device Information Service characteristics.
// No I/O, no D-Bus; the fuzz target ble_dis_value links only this. Every
// function takes any bytes, never throws and never reads out of bounds.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols::ble {

/// What one BlueZ peer may send before it is rejected. The D-Bus message size
/// limit bounds memory already; these bound what we keep and log.
struct ble_limits {
  /// Objects in one GetManagedObjects reply.
  size_t max_objects = 4096;
  /// org.bluez.Device1 objects a discovery source tracks at once.
  size_t max_devices = 1024;
  /// UUIDs in one Device1.UUIDs property.
  size_t max_uuids = 64;
  /// Bytes of an object path we accept (a locator, a service's Device).
  size_t max_path = 255;
};

/// The longest raw ATT attribute value (Bluetooth Core, Vol 3 Part F 3.2.9).
inline constexpr size_t max_att_value = 512;

/// The Device Information Service and the characteristics a profile is read
/// from, as BlueZ spells them (lower case, 128-bit form).
inline constexpr std::string_view dis_service_uuid
  = "0000180a-0000-1000-8000-00805f9b34fb";
inline constexpr std::string_view dis_manufacturer_uuid
  = "00002a29-0000-1000-8000-00805f9b34fb";
inline constexpr std::string_view dis_model_uuid
  = "00002a24-0000-1000-8000-00805f9b34fb";
inline constexpr std::string_view dis_serial_uuid
  = "00002a25-0000-1000-8000-00805f9b34fb";
inline constexpr std::string_view dis_firmware_uuid
  = "00002a26-0000-1000-8000-00805f9b34fb";
inline constexpr std::string_view dis_hardware_uuid
  = "00002a27-0000-1000-8000-00805f9b34fb";

/// "AA:BB:CC:DD:EE:FF" (either case) → "aa:bb:cc:dd:ee:ff". Anything else
/// fails with ec::device_bad_reply naming the reason.
caf::expected<std::string> parse_bd_address(std::string_view text);

/// A 128-bit UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case) →
/// lower case. Anything else fails with ec::device_bad_reply.
caf::expected<std::string> parse_uuid128(std::string_view text);

/// True for a D-Bus object path ("/" or "/a/b_1", elements of [A-Za-z0-9_],
/// no empty element, no trailing slash) of at most `max_len` bytes.
bool is_object_path(std::string_view text, size_t max_len);

/// Decodes one DIS characteristic value (a UTF-8 string in the spec): strips
/// trailing NULs, then requires at most max_profile_field bytes, valid UTF-8
/// (no overlong forms, surrogates or code points above U+10FFFF) and no
/// control characters (C0, DEL, C1). Fails with ec::device_bad_reply and the
/// reason; raw values longer than max_att_value are rejected before decoding.
caf::expected<std::string> decode_dis_value(std::span<const uint8_t> bytes);

/// True when `text` is valid UTF-8 as decode_dis_value defines it.
bool is_valid_utf8(std::string_view text);

/// A stable digest of what a Device1 announces: the address, whether its
/// services are resolved, and its UUIDs in any order. 16 lower-case hex
/// digits (FNV-1a 64).
std::string device_fingerprint(std::string_view address, bool services_resolved,
                               std::vector<std::string> uuids);

/// `text` cut to at most `max_len` bytes (with "..." appended when cut), for
/// naming an untrusted source in a rejection.
std::string bounded_for_log(std::string_view text, size_t max_len = 160);

} // namespace kagami::protocols::ble
