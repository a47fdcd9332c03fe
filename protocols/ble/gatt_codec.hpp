#pragma once

// Pure encoding and decoding of BLE GATT characteristic values for the
// ble-gatt device adapter. No I/O; never throws; fuzzed as ble_gatt_value.

#include <cstdint>
#include <span>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "config/device_model.hpp"

namespace kagami::protocols::ble {

/// Decodes the bytes of a characteristic as `b` says:
/// - utf8: at most max_att_value bytes of valid UTF-8, trailing NULs
///   stripped → a JSON string;
/// - uint8 / int16le / uint16le / float32le: exactly 1 / 2 / 2 / 4 bytes,
///   little-endian, a finite float → raw * scale (an integer when the scale
///   is 1 and the encoding is integral).
/// Anything else fails with ec::device_bad_reply and the reason.
caf::expected<nlohmann::json> decode_gatt_value(std::span<const uint8_t> bytes,
                                                const config::ble_gatt_binding& b);

/// Encodes a (schema-validated) value for WriteValue: a string for utf8 (at
/// most max_att_value bytes), else a number divided by the scale and, for
/// integral encodings, rounded to the nearest raw value. Fails with
/// ec::invalid_value when the value has the wrong JSON type or does not fit
/// the raw type.
caf::expected<std::vector<uint8_t>>
encode_gatt_value(const nlohmann::json& value, const config::ble_gatt_binding& b);

} // namespace kagami::protocols::ble
