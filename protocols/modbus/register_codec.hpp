#pragma once

// Pure conversion between engineering values and raw Modbus data: 16-bit
// registers and single bits. No I/O, no allocation on the decode path.
//
// Register contents are untrusted device bytes: decode() accepts any words and
// never crashes; it fails with an error value when the words do not form a
// finite value (a float32 NaN or infinity, or a scaled value that overflows).
//
// The engineering value is `raw * scale + offset`. encode() inverts that,
// rounds to the nearest raw value (ties away from zero) for integer types, and
// rejects values the raw type cannot hold.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <caf/expected.hpp>

#include "config/device_model.hpp"

namespace kagami::protocols::modbus {

/// The limits of the codec.
struct codec_limits {
  /// The most registers one value occupies (32-bit types).
  static constexpr size_t max_words = 2;
  /// Decoded values are rounded to this many significant decimal digits when
  /// a scale or offset applies, which hides binary artefacts such as
  /// 3 * 0.1 = 0.30000000000000004 without losing any raw resolution.
  static constexpr int significant_digits = 15;
};

/// The raw words of one value, in wire order (words[0] is sent first).
struct register_words {
  std::array<uint16_t, codec_limits::max_words> words{};
  size_t size = 0;

  std::span<const uint16_t> view() const { return {words.data(), size}; }
  friend bool operator==(const register_words&, const register_words&) = default;
};

/// Number of 16-bit registers `t` occupies: 2 for 32-bit types, else 1.
constexpr size_t register_span(config::modbus_datatype t) {
  switch (t) {
    case config::modbus_datatype::uint32:
    case config::modbus_datatype::int32:
    case config::modbus_datatype::float32:
      return 2;
    default:
      return 1;
  }
}

/// True if `b` is a bit (coil or discrete input) rather than a register.
constexpr bool is_bit_table(config::modbus_table t) {
  return t == config::modbus_table::coil
         || t == config::modbus_table::discrete_input;
}

/// Checks scale (finite, non-zero) and offset (finite).
/// Fails with ec::config_invalid.
caf::error check_binding(const config::modbus_binding& b);

/// Decodes `words` (exactly register_span(b.datatype) words in wire order)
/// into the engineering value. A `boolean` datatype in a register yields 0 or
/// 1. Fails with ec::device_bad_reply for a wrong word count or a non-finite
/// result, ec::config_invalid for a bad binding.
caf::expected<double> decode(const config::modbus_binding& b,
                             std::span<const uint16_t> words);

/// Encodes the engineering `value` into raw words for `b`. Fails with
/// ec::invalid_value (and a reason naming the limit) when `value` is not
/// finite or the raw value falls outside the datatype's range; with
/// ec::config_invalid for a bad binding.
caf::expected<register_words> encode(const config::modbus_binding& b,
                                     double value);

/// Bits: any non-zero byte is true.
inline bool decode_bit(uint8_t raw) { return raw != 0; }
inline uint8_t encode_bit(bool value) { return value ? 1 : 0; }

/// The smallest and largest raw value of an integer datatype (float32 and
/// boolean report their own limits: +-FLT_MAX and 0..1).
double raw_min(config::modbus_datatype t);
double raw_max(config::modbus_datatype t);

const char* to_string(config::modbus_datatype t);

} // namespace kagami::protocols::modbus
