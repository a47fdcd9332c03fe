// Table-driven tests of the Modbus register codec: every datatype x word
// order x scale/offset, and the rejections.

#include "protocols/modbus/register_codec.hpp"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::modbus;
using config::modbus_binding;
using config::modbus_datatype;
using config::word_order;

namespace {

modbus_binding binding(modbus_datatype t, word_order o = word_order::big,
                       double scale = 1.0, double offset = 0.0) {
  modbus_binding b;
  b.datatype = t;
  b.order = o;
  b.scale = scale;
  b.offset = offset;
  return b;
}

struct decode_case {
  const char* name;
  modbus_datatype type;
  word_order order;
  double scale;
  double offset;
  std::vector<uint16_t> words;
  double value;
};

uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

uint16_t hi(uint32_t u) { return static_cast<uint16_t>(u >> 16); }
uint16_t lo(uint32_t u) { return static_cast<uint16_t>(u & 0xFFFF); }

const std::vector<decode_case>& decode_cases() {
  using enum modbus_datatype;
  static const auto f125 = float_bits(1.25f);
  static const auto f234 = float_bits(23.4f);
  static const auto fneg = float_bits(-1013.25f);
  static const std::vector<decode_case> cases{
    // name, type, order, scale, offset, words, value
    {"u16 zero", uint16, word_order::big, 1, 0, {0}, 0},
    {"u16 max", uint16, word_order::big, 1, 0, {0xFFFF}, 65535},
    {"u16 order ignored", uint16, word_order::little, 1, 0, {1234}, 1234},
    {"u16 scale", uint16, word_order::big, 0.1, 0, {453}, 45.3},
    {"u16 scale offset", uint16, word_order::big, 0.5, -10, {30}, 5},
    {"i16 negative", int16, word_order::big, 1, 0, {0xFFFF}, -1},
    {"i16 min", int16, word_order::big, 1, 0, {0x8000}, -32768},
    {"i16 max", int16, word_order::big, 1, 0, {0x7FFF}, 32767},
    {"i16 scale", int16, word_order::big, 0.1, 0, {235}, 23.5},
    {"i16 negative scale", int16, word_order::big, 0.1, 0, {static_cast<uint16_t>(-55)}, -5.5},
    {"i16 offset", int16, word_order::little, 0.01, 273.15, {0}, 273.15},
    {"u32 big", uint32, word_order::big, 1, 0, {0x0001, 0x0002}, 65538},
    {"u32 little", uint32, word_order::little, 1, 0, {0x0002, 0x0001}, 65538},
    {"u32 max", uint32, word_order::big, 1, 0, {0xFFFF, 0xFFFF}, 4294967295.0},
    {"u32 scale", uint32, word_order::little, 0.001, 0, {1234, 0}, 1.234},
    {"i32 big negative", int32, word_order::big, 1, 0, {0xFFFF, 0xFFFE}, -2},
    {"i32 little negative", int32, word_order::little, 1, 0, {0xFFFE, 0xFFFF}, -2},
    {"i32 min", int32, word_order::big, 1, 0, {0x8000, 0x0000}, -2147483648.0},
    {"i32 max little", int32, word_order::little, 1, 0, {0xFFFF, 0x7FFF}, 2147483647.0},
    {"i32 scale offset", int32, word_order::big, 0.1, 100, {0xFFFF, 0xFF9C}, 90},
    {"f32 big", float32, word_order::big, 1, 0, {hi(f125), lo(f125)}, 1.25},
    {"f32 little", float32, word_order::little, 1, 0, {lo(f125), hi(f125)}, 1.25},
    {"f32 shortest decimal", float32, word_order::big, 1, 0, {hi(f234), lo(f234)}, 23.4},
    {"f32 negative", float32, word_order::little, 1, 0, {lo(fneg), hi(fneg)}, -1013.25},
    {"f32 scale offset", float32, word_order::big, 2, 1, {hi(f125), lo(f125)}, 3.5},
    {"f32 zero", float32, word_order::big, 1, 0, {0, 0}, 0},
    {"bool register off", boolean, word_order::big, 1, 0, {0}, 0},
    {"bool register on", boolean, word_order::big, 1, 0, {0x0100}, 1},
    {"bool ignores scale", boolean, word_order::big, 10, 5, {1}, 1},
  };
  return cases;
}

} // namespace

TEST(register_codec, decodes_every_datatype_and_order) {
  for (const auto& c : decode_cases()) {
    SCOPED_TRACE(c.name);
    auto b = binding(c.type, c.order, c.scale, c.offset);
    auto v = decode(b, c.words);
    ASSERT_TRUE(v) << detail_of(v.error());
    EXPECT_EQ(*v, c.value);
  }
}

TEST(register_codec, encode_inverts_decode) {
  for (const auto& c : decode_cases()) {
    if (c.type == modbus_datatype::boolean && c.words[0] > 1)
      continue; // any non-zero word reads as true, but writes as 1
    SCOPED_TRACE(c.name);
    auto b = binding(c.type, c.order, c.scale, c.offset);
    auto w = encode(b, c.value);
    ASSERT_TRUE(w) << detail_of(w.error());
    ASSERT_EQ(w->size, c.words.size());
    for (size_t i = 0; i < c.words.size(); ++i)
      EXPECT_EQ(w->words[i], c.words[i]) << "word " << i;
  }
}

TEST(register_codec, register_span) {
  EXPECT_EQ(register_span(modbus_datatype::boolean), 1u);
  EXPECT_EQ(register_span(modbus_datatype::uint16), 1u);
  EXPECT_EQ(register_span(modbus_datatype::int16), 1u);
  EXPECT_EQ(register_span(modbus_datatype::uint32), 2u);
  EXPECT_EQ(register_span(modbus_datatype::int32), 2u);
  EXPECT_EQ(register_span(modbus_datatype::float32), 2u);
}

TEST(register_codec, encode_rounds_to_nearest) {
  struct rounding_case {
    modbus_datatype type;
    double scale;
    double value;
    uint16_t word;
  };
  using enum modbus_datatype;
  const std::vector<rounding_case> cases{
    {uint16, 1, 1.4, 1},      {uint16, 1, 1.5, 2},   {uint16, 1, 1.6, 2},
    {int16, 1, -1.5, 0xFFFE}, {int16, 1, -1.4, 0xFFFF},
    {uint16, 0.1, 45.3, 453}, {uint16, 0.1, 45.34, 453}, {uint16, 0.1, 45.35, 454},
    {int16, 0.1, 23.45, 235}, {uint16, 0.01, 1.005, 101},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    auto w = encode(binding(c.type, word_order::big, c.scale), c.value);
    ASSERT_TRUE(w) << detail_of(w.error());
    EXPECT_EQ(w->words[0], c.word);
  }
}

TEST(register_codec, encode_rejects_out_of_range) {
  struct range_case {
    const char* name;
    modbus_datatype type;
    double scale;
    double offset;
    double value;
  };
  using enum modbus_datatype;
  const std::vector<range_case> cases{
    {"u16 negative", uint16, 1, 0, -1},
    {"u16 rounds negative", uint16, 1, 0, -0.5},
    {"u16 too big", uint16, 1, 0, 65536},
    {"u16 too big after scale", uint16, 0.1, 0, 6553.6},
    {"u16 below offset", uint16, 1, 10, 9},
    {"i16 too small", int16, 1, 0, -32769},
    {"i16 too big", int16, 1, 0, 32768},
    {"i16 scaled too big", int16, 0.1, 0, 3276.8},
    {"u32 negative", uint32, 1, 0, -1},
    {"u32 too big", uint32, 1, 0, 4294967296.0},
    {"i32 too small", int32, 1, 0, -2147483649.0},
    {"i32 too big", int32, 1, 0, 2147483648.0},
    {"f32 too big", float32, 1, 0, 1e39},
    {"f32 too small", float32, 1, 0, -1e39},
    {"f32 scaled too big", float32, 1e-10, 0, 1e30},
    {"bool not 0/1", boolean, 1, 0, 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto w = encode(binding(c.type, word_order::big, c.scale, c.offset), c.value);
    ASSERT_FALSE(w);
    EXPECT_EQ(code_of(w.error()), ec::invalid_value);
    EXPECT_FALSE(detail_of(w.error()).empty());
  }
}

TEST(register_codec, encode_rejects_non_finite) {
  const double bad[] = {std::numeric_limits<double>::quiet_NaN(),
                        std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()};
  for (auto t : {modbus_datatype::uint16, modbus_datatype::int16, modbus_datatype::uint32,
                 modbus_datatype::int32, modbus_datatype::float32,
                 modbus_datatype::boolean}) {
    for (double x : bad) {
      auto w = encode(binding(t), x);
      ASSERT_FALSE(w);
      EXPECT_EQ(code_of(w.error()), ec::invalid_value);
      EXPECT_NE(detail_of(w.error()).find("finite"), std::string::npos);
    }
  }
}

TEST(register_codec, reason_names_the_range) {
  auto w = encode(binding(modbus_datatype::uint16), -3);
  ASSERT_FALSE(w);
  EXPECT_EQ(detail_of(w.error()),
            "value -3 encodes to raw -3, outside the uint16 range [0, 65535]");
}

TEST(register_codec, float32_limits) {
  auto b = binding(modbus_datatype::float32);
  // FLT_MAX as read back from its shortest decimal text is accepted.
  uint32_t max_bits = float_bits(FLT_MAX);
  std::vector<uint16_t> words{hi(max_bits), lo(max_bits)};
  auto v = decode(b, words);
  ASSERT_TRUE(v);
  auto w = encode(b, *v);
  ASSERT_TRUE(w) << detail_of(w.error());
  EXPECT_EQ(w->words[0], words[0]);
  EXPECT_EQ(w->words[1], words[1]);
  // Subnormals survive.
  uint32_t tiny = 1;
  auto t = decode(b, std::vector<uint16_t>{hi(tiny), lo(tiny)});
  ASSERT_TRUE(t);
  EXPECT_GT(*t, 0.0);
}

TEST(register_codec, decode_rejects_nan_and_infinity) {
  auto b = binding(modbus_datatype::float32);
  const uint32_t bad[] = {0x7FC00000u, 0xFFC00001u, 0x7F800000u, 0xFF800000u};
  for (auto bits : bad) {
    for (auto o : {word_order::big, word_order::little}) {
      b.order = o;
      std::vector<uint16_t> words = o == word_order::big
                                      ? std::vector<uint16_t>{hi(bits), lo(bits)}
                                      : std::vector<uint16_t>{lo(bits), hi(bits)};
      auto v = decode(b, words);
      ASSERT_FALSE(v);
      EXPECT_EQ(code_of(v.error()), ec::device_bad_reply);
    }
  }
}

TEST(register_codec, decode_rejects_overflow_after_scale) {
  auto b = binding(modbus_datatype::float32, word_order::big, 1e300);
  uint32_t bits = float_bits(1e30f);
  auto v = decode(b, std::vector<uint16_t>{hi(bits), lo(bits)});
  ASSERT_FALSE(v);
  EXPECT_EQ(code_of(v.error()), ec::device_bad_reply);
}

TEST(register_codec, decode_rejects_wrong_word_count) {
  for (auto t : {modbus_datatype::uint16, modbus_datatype::uint32,
                 modbus_datatype::float32}) {
    std::vector<uint16_t> three{1, 2, 3};
    auto v = decode(binding(t), three);
    ASSERT_FALSE(v);
    EXPECT_EQ(code_of(v.error()), ec::device_bad_reply);
    auto e = decode(binding(t), std::span<const uint16_t>{});
    ASSERT_FALSE(e);
  }
}

TEST(register_codec, rejects_bad_bindings) {
  const double bad_scales[] = {0.0, std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity()};
  std::vector<uint16_t> one{1};
  for (double s : bad_scales) {
    auto b = binding(modbus_datatype::uint16, word_order::big, s);
    EXPECT_EQ(code_of(decode(b, one).error()), ec::config_invalid);
    EXPECT_EQ(code_of(encode(b, 1).error()), ec::config_invalid);
  }
  auto b = binding(modbus_datatype::uint16, word_order::big, 1,
                   std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(code_of(decode(b, one).error()), ec::config_invalid);
  b = binding(static_cast<modbus_datatype>(99));
  EXPECT_EQ(code_of(decode(b, one).error()), ec::config_invalid);
  b = binding(modbus_datatype::uint32, static_cast<word_order>(7));
  EXPECT_EQ(code_of(encode(b, 1).error()), ec::config_invalid);
}

TEST(register_codec, scaled_reads_have_no_binary_artefacts) {
  // 3 * 0.1 is 0.30000000000000004 in binary floating point.
  auto v = decode(binding(modbus_datatype::uint16, word_order::big, 0.1),
                  std::vector<uint16_t>{3});
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 0.3);
}

TEST(register_codec, every_int16_round_trips_with_scale) {
  auto b = binding(modbus_datatype::int16, word_order::big, 0.1, -40);
  for (int raw = -32768; raw <= 32767; ++raw) {
    std::vector<uint16_t> words{static_cast<uint16_t>(static_cast<int16_t>(raw))};
    auto v = decode(b, words);
    ASSERT_TRUE(v);
    auto w = encode(b, *v);
    ASSERT_TRUE(w) << raw;
    ASSERT_EQ(w->words[0], words[0]) << raw;
  }
}

TEST(register_codec, bits) {
  EXPECT_FALSE(decode_bit(0));
  EXPECT_TRUE(decode_bit(1));
  EXPECT_TRUE(decode_bit(0xFF));
  EXPECT_EQ(encode_bit(true), 1);
  EXPECT_EQ(encode_bit(false), 0);
}
