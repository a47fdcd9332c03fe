#include "protocols/modbus/register_codec.hpp"

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "actors/core/error.hpp"

namespace kagami::protocols::modbus {

using config::modbus_binding;
using config::modbus_datatype;
using config::word_order;

namespace {

/// Shortest decimal text of `x` that reads back as `x`.
std::string fmt(double x) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, res.ptr);
}

/// Rounds `x` to `digits` significant decimal digits (finite `x` only).
double round_significant(double x, int digits) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x,
                           std::chars_format::general, digits);
  double out = x;
  std::from_chars(buf, res.ptr, out);
  return out;
}

/// The value of `f` as the double with the shortest decimal text that reads
/// back as `f`: 23.4f becomes 23.4, not 23.399999618530273.
double widen_float(float f) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), f);
  double out = f;
  std::from_chars(buf, res.ptr, out);
  return out;
}

bool identity(const modbus_binding& b) {
  return b.scale == 1.0 && b.offset == 0.0;
}

uint32_t join(std::span<const uint16_t> w, word_order order) {
  uint32_t hi = order == word_order::big ? w[0] : w[1];
  uint32_t lo = order == word_order::big ? w[1] : w[0];
  return (hi << 16) | lo;
}

register_words split(uint32_t v, word_order order) {
  auto hi = static_cast<uint16_t>(v >> 16);
  auto lo = static_cast<uint16_t>(v & 0xFFFF);
  register_words out;
  out.size = 2;
  out.words = order == word_order::big ? std::array<uint16_t, 2>{hi, lo}
                                       : std::array<uint16_t, 2>{lo, hi};
  return out;
}

register_words one(uint16_t v) {
  register_words out;
  out.size = 1;
  out.words[0] = v;
  return out;
}

caf::error out_of_range(double value, double raw, modbus_datatype t) {
  return make_error(ec::invalid_value,
                    "value " + fmt(value) + " encodes to raw " + fmt(raw)
                      + ", outside the " + to_string(t) + " range ["
                      + fmt(raw_min(t)) + ", " + fmt(raw_max(t)) + "]");
}

} // namespace

const char* to_string(modbus_datatype t) {
  switch (t) {
    case modbus_datatype::boolean: return "boolean";
    case modbus_datatype::uint16: return "uint16";
    case modbus_datatype::int16: return "int16";
    case modbus_datatype::uint32: return "uint32";
    case modbus_datatype::int32: return "int32";
    case modbus_datatype::float32: return "float32";
  }
  return "unknown";
}

double raw_min(modbus_datatype t) {
  switch (t) {
    case modbus_datatype::boolean: return 0;
    case modbus_datatype::uint16: return 0;
    case modbus_datatype::int16: return std::numeric_limits<int16_t>::min();
    case modbus_datatype::uint32: return 0;
    case modbus_datatype::int32: return std::numeric_limits<int32_t>::min();
    case modbus_datatype::float32: return -FLT_MAX;
  }
  return 0;
}

double raw_max(modbus_datatype t) {
  switch (t) {
    case modbus_datatype::boolean: return 1;
    case modbus_datatype::uint16: return std::numeric_limits<uint16_t>::max();
    case modbus_datatype::int16: return std::numeric_limits<int16_t>::max();
    case modbus_datatype::uint32: return std::numeric_limits<uint32_t>::max();
    case modbus_datatype::int32: return std::numeric_limits<int32_t>::max();
    case modbus_datatype::float32: return FLT_MAX;
  }
  return 0;
}

caf::error check_binding(const modbus_binding& b) {
  if (!std::isfinite(b.scale) || b.scale == 0.0)
    return make_error(ec::config_invalid,
                      "scale must be finite and non-zero, got " + fmt(b.scale));
  if (!std::isfinite(b.offset))
    return make_error(ec::config_invalid, "offset must be finite");
  switch (b.datatype) {
    case modbus_datatype::boolean:
    case modbus_datatype::uint16:
    case modbus_datatype::int16:
    case modbus_datatype::uint32:
    case modbus_datatype::int32:
    case modbus_datatype::float32:
      break;
    default:
      return make_error(ec::config_invalid, "unknown datatype");
  }
  if (b.order != word_order::big && b.order != word_order::little)
    return make_error(ec::config_invalid, "unknown word order");
  return {};
}

caf::expected<double> decode(const modbus_binding& b,
                             std::span<const uint16_t> words) {
  if (auto err = check_binding(b))
    return err;
  auto want = register_span(b.datatype);
  if (words.size() != want)
    return make_error(ec::device_bad_reply,
                      "expected " + std::to_string(want) + " register(s) for "
                        + to_string(b.datatype) + ", got "
                        + std::to_string(words.size()));
  double raw = 0;
  switch (b.datatype) {
    case modbus_datatype::boolean:
      // A flag in a register: no scaling applies.
      return words[0] != 0 ? 1.0 : 0.0;
    case modbus_datatype::uint16:
      raw = words[0];
      break;
    case modbus_datatype::int16:
      raw = static_cast<int16_t>(words[0]);
      break;
    case modbus_datatype::uint32:
      raw = join(words, b.order);
      break;
    case modbus_datatype::int32:
      raw = static_cast<int32_t>(join(words, b.order));
      break;
    case modbus_datatype::float32: {
      auto bits = join(words, b.order);
      float f;
      static_assert(sizeof(f) == sizeof(bits));
      std::memcpy(&f, &bits, sizeof(f));
      if (!std::isfinite(f))
        return make_error(ec::device_bad_reply,
                          "float32 register value is NaN or infinite");
      raw = widen_float(f);
      break;
    }
  }
  if (identity(b))
    return raw;
  double value = raw * b.scale + b.offset;
  if (!std::isfinite(value))
    return make_error(ec::device_bad_reply,
                      "raw " + fmt(raw) + " scales to a non-finite value");
  return round_significant(value, codec_limits::significant_digits);
}

caf::expected<register_words> encode(const modbus_binding& b, double value) {
  if (auto err = check_binding(b))
    return err;
  if (!std::isfinite(value))
    return make_error(ec::invalid_value, "value is not a finite number");
  if (b.datatype == modbus_datatype::boolean) {
    if (value != 0.0 && value != 1.0)
      return make_error(ec::invalid_value,
                        "a boolean register takes 0 or 1, got " + fmt(value));
    return one(value != 0.0 ? 1 : 0);
  }
  double raw = (value - b.offset) / b.scale;
  if (!std::isfinite(raw))
    return make_error(ec::invalid_value,
                      "value " + fmt(value) + " scales to a non-finite raw value");
  if (!identity(b))
    raw = round_significant(raw, codec_limits::significant_digits);
  if (b.datatype == modbus_datatype::float32) {
    // Values that print as FLT_MAX read back slightly above it: accept them
    // within half a float ulp.
    constexpr double tolerance = 1.0 + 1.0 / (1 << 24);
    if (std::fabs(raw) > FLT_MAX * tolerance)
      return out_of_range(value, raw, b.datatype);
    float f = std::fabs(raw) > FLT_MAX ? std::copysign(FLT_MAX, raw)
                                       : static_cast<float>(raw);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof(bits));
    return split(bits, b.order);
  }
  double r = std::round(raw);
  if (r < raw_min(b.datatype) || r > raw_max(b.datatype))
    return out_of_range(value, r, b.datatype);
  switch (b.datatype) {
    case modbus_datatype::uint16:
      return one(static_cast<uint16_t>(r));
    case modbus_datatype::int16:
      return one(static_cast<uint16_t>(static_cast<int16_t>(r)));
    case modbus_datatype::uint32:
      return split(static_cast<uint32_t>(r), b.order);
    case modbus_datatype::int32:
      return split(static_cast<uint32_t>(static_cast<int32_t>(r)), b.order);
    default:
      break;
  }
  return make_error(ec::internal, "unhandled datatype");
}

} // namespace kagami::protocols::modbus
