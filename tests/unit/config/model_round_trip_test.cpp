// Every table and datatype parses into the right binding, and a model written
// by model_to_json parses back into the same model.

#include <gtest/gtest.h>

#include "config/model_writer.hpp"
#include "config/site_config.hpp"
#include "tests/unit/config/config_test_util.hpp"

using namespace kagami::config;
using namespace kagami::config::test;

namespace {

struct binding_case {
  std::string table;
  std::string datatype;
  std::string order; // "" for none
  modbus_table expected_table;
  modbus_datatype expected_datatype;
  word_order expected_order;
  int registers;
};

std::ostream& operator<<(std::ostream& os, const binding_case& x) {
  return os << x.table << "/" << x.datatype << "/" << x.order;
}

device_model parse_ok(const std::string& text) {
  auto result = parse_device_model(text, "model.json");
  if (auto err = std::get_if<config_error>(&result)) {
    ADD_FAILURE() << err->to_string() << "\n" << text;
    return {};
  }
  return std::get<device_model>(result);
}

void expect_round_trip(const device_model& m) {
  auto text = model_to_json(m).dump(2);
  auto again = parse_ok(text);
  EXPECT_EQ(again, m) << text;
}

class modbus_binding_round_trip
  : public testing::TestWithParam<binding_case> {};

TEST_P(modbus_binding_round_trip, parses_and_writes_back) {
  auto& c = GetParam();
  auto bit = c.expected_datatype == modbus_datatype::boolean;
  auto read_only = c.table == "input" || c.table == "discrete";
  json_value binding{{"table", c.table}, {"address", 1000},
                     {"datatype", c.datatype}};
  if (!c.order.empty())
    binding["wordOrder"] = c.order;
  if (!bit) {
    binding["scale"] = 0.5;
    binding["offset"] = -10;
  }
  json_value prop{{"type", bit ? "boolean" : "number"},
                  {"readOnly", read_only},
                  {"modbus", binding}};
  if (!bit) {
    prop["minimum"] = -10;
    prop["maximum"] = 20;
  }
  json_value model{{"id", "m"}, {"protocol", "modbus-tcp"},
                   {"properties", {{"x", prop}}}};
  auto m = parse_ok(model.dump());
  ASSERT_EQ(m.properties.size(), 1u);
  auto& p = m.properties[0];
  EXPECT_EQ(p.schema.read_only, read_only);
  auto b = std::get_if<modbus_binding>(&p.binding);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->table, c.expected_table);
  EXPECT_EQ(b->address, 1000);
  EXPECT_EQ(b->datatype, c.expected_datatype);
  EXPECT_EQ(b->order, c.expected_order);
  EXPECT_EQ(b->scale, bit ? 1.0 : 0.5);
  EXPECT_EQ(b->offset, bit ? 0.0 : -10.0);
  EXPECT_EQ(register_count(b->datatype), c.registers);
  expect_round_trip(m);
}

using mt = modbus_table;
using md = modbus_datatype;
using wo = word_order;

INSTANTIATE_TEST_SUITE_P(
  all, modbus_binding_round_trip,
  testing::Values(
    binding_case{"coil", "bool", "", mt::coil, md::boolean, wo::big, 1},
    binding_case{"discrete", "bool", "", mt::discrete_input, md::boolean,
                 wo::big, 1},
    binding_case{"holding", "uint16", "", mt::holding_register, md::uint16,
                 wo::big, 1},
    binding_case{"holding", "int16", "", mt::holding_register, md::int16,
                 wo::big, 1},
    binding_case{"holding", "uint32", "big", mt::holding_register, md::uint32,
                 wo::big, 2},
    binding_case{"holding", "uint32", "little", mt::holding_register,
                 md::uint32, wo::little, 2},
    binding_case{"holding", "int32", "big", mt::holding_register, md::int32,
                 wo::big, 2},
    binding_case{"holding", "int32", "little", mt::holding_register,
                 md::int32, wo::little, 2},
    binding_case{"holding", "float32", "big", mt::holding_register,
                 md::float32, wo::big, 2},
    binding_case{"holding", "float32", "little", mt::holding_register,
                 md::float32, wo::little, 2},
    binding_case{"holding", "float32", "", mt::holding_register, md::float32,
                 wo::big, 2},
    binding_case{"input", "uint16", "", mt::input_register, md::uint16,
                 wo::big, 1},
    binding_case{"input", "int16", "", mt::input_register, md::int16, wo::big,
                 1},
    binding_case{"input", "uint32", "little", mt::input_register, md::uint32,
                 wo::little, 2},
    binding_case{"input", "int32", "big", mt::input_register, md::int32,
                 wo::big, 2},
    binding_case{"input", "float32", "little", mt::input_register,
                 md::float32, wo::little, 2}));

TEST(model_round_trip, demo_models) {
  for (auto file : {"config/models/line-plc.json",
                    "config/models/env-sensor.json"}) {
    SCOPED_TRACE(file);
    expect_round_trip(parse_ok(embedded(file)));
  }
}

TEST(model_round_trip, all_schema_fields) {
  auto m = parse_ok(R"({
    "id": "every.field_1", "protocol": "http-json", "description": "d",
    "pollIntervalMs": 10,
    "properties": {
      "flag": {"type": "boolean", "enum": [true], "readOnly": true,
               "description": "f", "http": {"path": "/f"}},
      "name": {"type": "string", "enum": ["a", "b"], "unit": "u",
               "http": {"path": "/n", "pointer": "/x/0", "writePath": "/n"}},
      "level": {"type": "number", "minimum": -1.5, "maximum": 2.5,
                "http": {"path": "/l", "writePath": "/l"}}
    },
    "actions": {
      "go": {"idempotent": true, "http": {"method": "PUT", "path": "/go"}},
      "set": {"input": {"type": "integer", "minimum": 1, "maximum": 3,
                        "enum": [1, 3], "unit": "s", "description": "i"},
              "http": {"method": "DELETE", "path": "/set"}}
    },
    "events": {
      "low": {"property": "level", "below": -1},
      "band": {"property": "level", "above": 2, "below": -1,
               "description": "e"}
    }
  })");
  ASSERT_EQ(m.properties.size(), 3u);
  EXPECT_EQ(m.properties[1].schema.enumeration,
            (std::vector<nlohmann::json>{"a", "b"}));
  ASSERT_TRUE(m.actions[1].input.has_value());
  EXPECT_EQ(m.actions[1].input->type, value_type::integer);
  EXPECT_EQ(m.find_event("band")->above, 2.0);
  EXPECT_EQ(m.find_event("band")->below, -1.0);
  EXPECT_EQ(m.find_event("nope"), nullptr);
  EXPECT_EQ(m.find_action("go")->idempotent, true);
  expect_round_trip(m);
}

TEST(model_round_trip, to_string) {
  EXPECT_STREQ(to_string(value_type::boolean), "boolean");
  EXPECT_STREQ(to_string(value_type::integer), "integer");
  EXPECT_STREQ(to_string(value_type::number), "number");
  EXPECT_STREQ(to_string(value_type::string), "string");
  EXPECT_STREQ(to_string(device_protocol::modbus_tcp), "modbus-tcp");
  EXPECT_STREQ(to_string(device_protocol::http_json), "http-json");
}

} // namespace
