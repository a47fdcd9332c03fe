// libFuzzer target for the Modbus register codec (register_codec.hpp).
//
// Input layout: byte 0 selects datatype (bits 0-2, values 6 and 7 are
// invalid on purpose), word order (bit 3) and a scale/offset preset (bits
// 4-7); byte 1 selects how many words to decode (0-3); the rest are the words
// (big-endian pairs), and the last 8 bytes, if present, also form a double to
// encode. Invariants checked: decode never crashes; encode(decode(w)) gives
// back w for integer types with exact presets, and the same float (or its
// neighbour) for float32.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "protocols/modbus/register_codec.hpp"

using namespace kagami::protocols::modbus;
using kagami::config::modbus_binding;
using kagami::config::modbus_datatype;
using kagami::config::word_order;

namespace {

struct preset {
  double scale;
  double offset;
  bool exact; // encode(decode(w)) == w is guaranteed
};

constexpr preset presets[] = {
  {1, 0, true},     {0.1, 0, true},   {0.01, 0, true},  {10, 0, true},
  {0.5, -40, true}, {0.1, 273.15, true}, {-1, 0, true}, {0.001, 0, true},
  {1e-9, 1e9, false}, {1e300, 0, false}, {0, 0, false}, {NAN, 0, false},
  {INFINITY, 0, false}, {1, NAN, false}, {3, 1e308, false}, {1e-300, 0, false},
};

void check(bool ok) {
  if (!ok)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  modbus_binding b;
  b.datatype = static_cast<modbus_datatype>(data[0] & 0x07);
  b.order = (data[0] & 0x08) != 0 ? word_order::little : word_order::big;
  const auto& p = presets[data[0] >> 4];
  b.scale = p.scale;
  b.offset = p.offset;
  size_t count = data[1] & 0x03;
  std::vector<uint16_t> words;
  for (size_t i = 2; i + 1 < size && words.size() < count; i += 2)
    words.push_back(static_cast<uint16_t>((data[i] << 8) | data[i + 1]));
  auto value = decode(b, words);
  if (value) {
    check(std::isfinite(*value));
    auto back = encode(b, *value);
    bool is_integer = b.datatype == modbus_datatype::uint16
                      || b.datatype == modbus_datatype::int16
                      || b.datatype == modbus_datatype::uint32
                      || b.datatype == modbus_datatype::int32;
    if (is_integer && p.exact) {
      check(static_cast<bool>(back));
      check(back->size == words.size());
      for (size_t i = 0; i < words.size(); ++i)
        check(back->words[i] == words[i]);
    }
    if (b.datatype == modbus_datatype::float32 && p.scale == 1 && p.offset == 0) {
      check(static_cast<bool>(back));
      auto join = [&](std::span<const uint16_t> w) {
        uint32_t hi = b.order == word_order::big ? w[0] : w[1];
        uint32_t lo = b.order == word_order::big ? w[1] : w[0];
        return (hi << 16) | lo;
      };
      auto x = join(words);
      auto y = join(back->view());
      float fx, fy;
      std::memcpy(&fx, &x, 4);
      std::memcpy(&fy, &y, 4);
      check(fx == fy || std::nextafter(fx, fy) == fy);
    }
  }
  if (size >= 10) {
    double x;
    std::memcpy(&x, data + size - 8, sizeof(x));
    auto w = encode(b, x);
    if (w)
      check(w->size == register_span(b.datatype));
  }
  return 0;
}
