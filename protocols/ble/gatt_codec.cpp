#include "protocols/ble/gatt_codec.hpp"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>

#include "actors/core/error.hpp"
#include "protocols/ble/ble_values.hpp"

namespace kagami::protocols::ble {

namespace {

using config::gatt_encoding;

size_t width(gatt_encoding e) {
  switch (e) {
    case gatt_encoding::uint8: return 1;
    case gatt_encoding::int16le:
    case gatt_encoding::uint16le: return 2;
    case gatt_encoding::float32le: return 4;
    case gatt_encoding::utf8: return 0;
  }
  return 0;
}

const char* name(gatt_encoding e) {
  switch (e) {
    case gatt_encoding::utf8: return "utf8";
    case gatt_encoding::uint8: return "uint8";
    case gatt_encoding::int16le: return "int16le";
    case gatt_encoding::uint16le: return "uint16le";
    case gatt_encoding::float32le: return "float32le";
  }
  return "unknown";
}

} // namespace

caf::expected<nlohmann::json> decode_gatt_value(std::span<const uint8_t> bytes,
                                                const config::ble_gatt_binding& b) {
  if (bytes.size() > max_att_value)
    return make_error(ec::device_bad_reply,
                      "value of " + std::to_string(bytes.size())
                        + " bytes is longer than an ATT value (512)");
  if (b.encoding == gatt_encoding::utf8) {
    auto end = bytes.size();
    while (end > 0 && bytes[end - 1] == 0)
      --end;
    std::string text(reinterpret_cast<const char*>(bytes.data()), end);
    if (!is_valid_utf8(text))
      return make_error(ec::device_bad_reply, "utf8 value is not valid UTF-8");
    return nlohmann::json(std::move(text));
  }
  auto w = width(b.encoding);
  if (bytes.size() != w)
    return make_error(ec::device_bad_reply,
                      std::string{name(b.encoding)} + " needs " + std::to_string(w)
                        + " bytes, got " + std::to_string(bytes.size()));
  double raw = 0;
  bool integral = true;
  switch (b.encoding) {
    case gatt_encoding::uint8:
      raw = bytes[0];
      break;
    case gatt_encoding::uint16le:
      raw = static_cast<uint16_t>(bytes[0] | (bytes[1] << 8));
      break;
    case gatt_encoding::int16le:
      raw = static_cast<int16_t>(static_cast<uint16_t>(bytes[0] | (bytes[1] << 8)));
      break;
    case gatt_encoding::float32le: {
      uint32_t u = static_cast<uint32_t>(bytes[0]) | (static_cast<uint32_t>(bytes[1]) << 8)
                   | (static_cast<uint32_t>(bytes[2]) << 16)
                   | (static_cast<uint32_t>(bytes[3]) << 24);
      float f;
      std::memcpy(&f, &u, sizeof(f));
      if (!std::isfinite(f))
        return make_error(ec::device_bad_reply, "float32le value is not finite");
      raw = f;
      integral = false;
      break;
    }
    case gatt_encoding::utf8:
      break;
  }
  if (integral && b.scale == 1.0)
    return nlohmann::json(static_cast<int64_t>(raw));
  auto value = raw * b.scale;
  if (!std::isfinite(value))
    return make_error(ec::device_bad_reply, "scaled value is not finite");
  return nlohmann::json(value);
}

caf::expected<std::vector<uint8_t>>
encode_gatt_value(const nlohmann::json& value, const config::ble_gatt_binding& b) {
  if (b.encoding == gatt_encoding::utf8) {
    if (!value.is_string())
      return make_error(ec::invalid_value, "utf8 characteristic takes a string");
    auto& s = value.get_ref<const std::string&>();
    if (s.size() > max_att_value)
      return make_error(ec::invalid_value, "string longer than an ATT value (512)");
    return std::vector<uint8_t>(s.begin(), s.end());
  }
  if (!value.is_number())
    return make_error(ec::invalid_value,
                      std::string{name(b.encoding)} + " characteristic takes a number");
  if (b.scale == 0.0 || !std::isfinite(b.scale))
    return make_error(ec::invalid_value, "binding scale must be finite and not 0");
  auto raw = value.get<double>() / b.scale;
  if (!std::isfinite(raw))
    return make_error(ec::invalid_value, "value is not finite");
  if (b.encoding == gatt_encoding::float32le) {
    if (std::fabs(raw) > FLT_MAX)
      return make_error(ec::invalid_value, "value does not fit float32");
    auto f = static_cast<float>(raw);
    uint32_t u;
    std::memcpy(&u, &f, sizeof(u));
    return std::vector<uint8_t>{static_cast<uint8_t>(u), static_cast<uint8_t>(u >> 8),
                                static_cast<uint8_t>(u >> 16),
                                static_cast<uint8_t>(u >> 24)};
  }
  auto r = std::nearbyint(raw);
  double lo = 0, hi = 0;
  switch (b.encoding) {
    case gatt_encoding::uint8: hi = 255; break;
    case gatt_encoding::uint16le: hi = 65535; break;
    case gatt_encoding::int16le: lo = -32768; hi = 32767; break;
    default: break;
  }
  if (r < lo || r > hi)
    return make_error(ec::invalid_value,
                      "raw value " + std::to_string(r) + " does not fit "
                        + name(b.encoding));
  if (b.encoding == gatt_encoding::uint8)
    return std::vector<uint8_t>{static_cast<uint8_t>(r)};
  auto u = static_cast<uint16_t>(static_cast<int32_t>(r));
  return std::vector<uint8_t>{static_cast<uint8_t>(u), static_cast<uint8_t>(u >> 8)};
}

} // namespace kagami::protocols::ble
