// ble-gatt models: the GATT value codec and the model's "ble" binding.

#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/model_writer.hpp"
#include "config/site_config.hpp"
#include "protocols/ble/gatt_codec.hpp"

using namespace kagami::protocols::ble;
using kagami::code_of;
using kagami::ec;
using kagami::config::ble_gatt_binding;
using kagami::config::gatt_encoding;

namespace {

ble_gatt_binding binding(gatt_encoding e, double scale = 1.0) {
  ble_gatt_binding b;
  b.characteristic = "00002a6e-0000-1000-8000-00805f9b34fb";
  b.encoding = e;
  b.scale = scale;
  return b;
}

caf::expected<nlohmann::json> decode(std::vector<uint8_t> bytes,
                                     const ble_gatt_binding& b) {
  return decode_gatt_value(bytes, b);
}

} // namespace

TEST(ble_gatt_codec, decodes_little_endian_with_scale) {
  EXPECT_EQ(*decode({0x2a}, binding(gatt_encoding::uint8)), 42);
  EXPECT_EQ(*decode({0x34, 0x12}, binding(gatt_encoding::uint16le)), 0x1234);
  EXPECT_EQ(*decode({0xff, 0xff}, binding(gatt_encoding::int16le)), -1);
  EXPECT_DOUBLE_EQ(decode({0x0a, 0x09}, binding(gatt_encoding::int16le, 0.01))
                     ->get<double>(),
                   23.14);
  float f = 1.5f;
  std::vector<uint8_t> fb(4);
  std::memcpy(fb.data(), &f, 4); // x86_64 is little-endian
  EXPECT_DOUBLE_EQ(decode(fb, binding(gatt_encoding::float32le))->get<double>(),
                   1.5);
  EXPECT_EQ(*decode({'o', 'k', 0, 0}, binding(gatt_encoding::utf8)), "ok");
}

TEST(ble_gatt_codec, rejects_wrong_sizes_and_bad_values) {
  for (auto& [bytes, enc] :
       std::vector<std::pair<std::vector<uint8_t>, gatt_encoding>>{
         {{}, gatt_encoding::uint8},
         {{1, 2}, gatt_encoding::uint8},
         {{1}, gatt_encoding::int16le},
         {{1, 2, 3}, gatt_encoding::uint16le},
         {{0, 0, 0xc0, 0x7f}, gatt_encoding::float32le}, // NaN
         {{0, 0, 0x80, 0x7f}, gatt_encoding::float32le}, // +inf
         {{0xff, 0xfe}, gatt_encoding::utf8},
         {std::vector<uint8_t>(513, 'a'), gatt_encoding::utf8},
       }) {
    auto r = decode(bytes, binding(enc));
    ASSERT_FALSE(r) << bytes.size() << " bytes";
    EXPECT_EQ(code_of(r.error()), ec::device_bad_reply);
  }
}

TEST(ble_gatt_codec, encodes_and_range_checks) {
  EXPECT_EQ(*encode_gatt_value(23.14, binding(gatt_encoding::int16le, 0.01)),
            (std::vector<uint8_t>{0x0a, 0x09}));
  EXPECT_EQ(*encode_gatt_value(-1, binding(gatt_encoding::int16le)),
            (std::vector<uint8_t>{0xff, 0xff}));
  EXPECT_EQ(*encode_gatt_value(255, binding(gatt_encoding::uint8)),
            (std::vector<uint8_t>{0xff}));
  EXPECT_EQ(*encode_gatt_value("on", binding(gatt_encoding::utf8)),
            (std::vector<uint8_t>{'o', 'n'}));
  for (auto& [v, enc] : std::vector<std::pair<nlohmann::json, gatt_encoding>>{
         {256, gatt_encoding::uint8},
         {-1, gatt_encoding::uint16le},
         {40000, gatt_encoding::int16le},
         {1e39, gatt_encoding::float32le},
         {"x", gatt_encoding::uint8},
         {1, gatt_encoding::utf8},
       }) {
    auto r = encode_gatt_value(v, binding(enc));
    ASSERT_FALSE(r) << v.dump();
    EXPECT_EQ(code_of(r.error()), ec::invalid_value);
  }
}

TEST(ble_gatt_model, parses_writes_back_and_checks_the_binding) {
  auto text = R"({
    "id": "ks-ble1",
    "protocol": "ble-gatt",
    "properties": {
      "temperature": {"type": "number", "readOnly": true, "unit": "Cel",
        "ble": {"characteristic": "00002A6E-0000-1000-8000-00805F9B34FB",
                "encoding": "int16le", "scale": 0.01}},
      "label": {"type": "string",
        "ble": {"characteristic": "12345678-0000-1000-8000-00805f9b34fb",
                "encoding": "utf8"}}
    }
  })";
  auto parsed = kagami::config::parse_device_model(text, "ks-ble1.json");
  auto* m = std::get_if<kagami::config::device_model>(&parsed);
  ASSERT_TRUE(m) << std::get<kagami::config::config_error>(parsed).to_string();
  auto* b = std::get_if<ble_gatt_binding>(&m->properties.at(0).binding);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->characteristic, "00002a6e-0000-1000-8000-00805f9b34fb");
  EXPECT_EQ(b->encoding, gatt_encoding::int16le);
  EXPECT_DOUBLE_EQ(b->scale, 0.01);
  auto again = kagami::config::parse_device_model(
    kagami::config::model_to_json(*m).dump(), "again.json");
  ASSERT_TRUE(std::holds_alternative<kagami::config::device_model>(again));
  EXPECT_EQ(std::get<kagami::config::device_model>(again), *m);
  auto reason_of = [](const char* model) {
    auto r = kagami::config::parse_device_model(model, "bad.json");
    auto* e = std::get_if<kagami::config::config_error>(&r);
    return e ? e->field + ": " + e->reason : std::string{"accepted"};
  };
  EXPECT_NE(reason_of(R"({"id": "m", "protocol": "ble-gatt", "properties": {
      "t": {"type": "number", "ble": {"characteristic": "2a6e", "encoding": "int16le"}}}})")
              .find("128-bit UUID"),
            std::string::npos);
  EXPECT_NE(reason_of(R"({"id": "m", "protocol": "ble-gatt", "properties": {
      "t": {"type": "string", "ble": {"characteristic": "00002a6e-0000-1000-8000-00805f9b34fb",
                                      "encoding": "int16le"}}}})")
              .find("carries a number"),
            std::string::npos);
  EXPECT_NE(reason_of(R"({"id": "m", "protocol": "ble-gatt", "properties": {
      "t": {"type": "number", "modbus": {"table": "holding", "address": 1}}}})")
              .find("does not fit protocol ble-gatt"),
            std::string::npos);
  EXPECT_NE(reason_of(R"({"id": "m", "protocol": "ble-gatt", "properties": {
      "t": {"type": "number", "ble": {"characteristic": "00002a6e-0000-1000-8000-00805f9b34fb",
                                      "encoding": "uint8"}}},
      "actions": {"go": {"ble": {}}}})")
              .find("no actions"),
            std::string::npos);
}
