// libFuzzer target for the ble-gatt value codec (protocols/ble/gatt_codec.hpp).
//
// Input layout: byte 0 picks the encoding (mod 5) and whether a scale of 0.01
// applies; the rest is the characteristic value. Invariants: decoding never
// crashes or throws; a decoded number re-encodes, and a decoded string is
// valid UTF-8 that re-encodes.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "protocols/ble/ble_values.hpp"
#include "protocols/ble/gatt_codec.hpp"

using namespace kagami::protocols::ble;
using kagami::config::gatt_encoding;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  kagami::config::ble_gatt_binding b;
  b.encoding = static_cast<gatt_encoding>(data[0] % 5);
  if (b.encoding != gatt_encoding::utf8 && (data[0] & 0x80))
    b.scale = 0.01;
  auto v = decode_gatt_value(std::span<const uint8_t>{data + 1, size - 1}, b);
  if (!v)
    return 0;
  if (v->is_string() && !is_valid_utf8(v->get<std::string>()))
    std::abort();
  if (v->is_number() && !std::isfinite(v->get<double>()))
    std::abort();
  if (!encode_gatt_value(*v, b))
    std::abort();
  return 0;
}
