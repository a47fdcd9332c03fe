// The simulator config parsers: accepted formats and errors that name the
// field.

#include <variant>

#include <gtest/gtest.h>

#include "tools/devsim/http_sim_config.hpp"
#include "tools/devsim/modbus_sim_config.hpp"

using namespace kagami;
using namespace kagami::devsim;
using config::modbus_table;

namespace {

sim_config_error modbus_error(const std::string& text) {
  auto x = parse_modbus_sim_config(text, "sim.json");
  if (auto* e = std::get_if<sim_config_error>(&x))
    return *e;
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

sim_config_error http_error(const std::string& text) {
  auto x = parse_http_sim_config(text, "sim.json");
  if (auto* e = std::get_if<sim_config_error>(&x))
    return *e;
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

} // namespace

TEST(modbus_sim_config, parses_blocks_faults_and_dynamics) {
  auto x = parse_modbus_sim_config(R"({
    "comment": "a test device",
    "holding": [{"address": 0, "values": [1, 2, 3]},
                {"address": 10, "type": "float32", "order": "little", "value": 1.5}],
    "input": [{"address": 4, "type": "int16", "value": -2}],
    "coils": [{"address": 2, "values": [true, false, 1]}],
    "discrete": [{"address": 0, "value": true}],
    "sizes": {"holding": 100},
    "faults": [{"table": "input", "address": 50, "count": 5, "kind": "busy"}],
    "dynamics": [{"table": "holding", "address": 20, "type": "uint32",
                  "counter": {"everyMs": 100}},
                 {"table": "coils", "address": 9, "toggle": {"everyMs": 50}}]
  })", "sim.json");
  ASSERT_TRUE(std::holds_alternative<modbus_sim_config>(x))
    << std::get<sim_config_error>(x).to_string();
  const auto& cfg = std::get<modbus_sim_config>(x);
  EXPECT_EQ(cfg.sizes[table_index(modbus_table::holding_register)], 100u);
  EXPECT_EQ(cfg.sizes[table_index(modbus_table::input_register)], 5u);
  EXPECT_EQ(cfg.sizes[table_index(modbus_table::coil)], 10u);
  EXPECT_EQ(cfg.sizes[table_index(modbus_table::discrete_input)], 1u);
  ASSERT_EQ(cfg.blocks.size(), 5u);
  auto block = [&](modbus_table t, uint16_t address) {
    for (const auto& b : cfg.blocks)
      if (b.table == t && b.address == address)
        return b.values;
    ADD_FAILURE() << "no block at " << address;
    return std::vector<uint16_t>{};
  };
  EXPECT_EQ(block(modbus_table::holding_register, 0), (std::vector<uint16_t>{1, 2, 3}));
  EXPECT_EQ(block(modbus_table::holding_register, 10), (std::vector<uint16_t>{0x0000, 0x3FC0}));
  EXPECT_EQ(block(modbus_table::input_register, 4), (std::vector<uint16_t>{0xFFFE}));
  EXPECT_EQ(block(modbus_table::coil, 2), (std::vector<uint16_t>{1, 0, 1}));
  ASSERT_EQ(cfg.dynamics.size(), 2u);
  EXPECT_EQ(cfg.dynamics[0].kind, dynamic_kind::counter);
  EXPECT_EQ(cfg.dynamics[0].max, 4294967295.0);
  EXPECT_EQ(cfg.dynamics[1].kind, dynamic_kind::toggle);
}

TEST(modbus_sim_config, errors_name_the_field) {
  struct bad_case {
    const char* text;
    const char* field;
  };
  const bad_case cases[] = {
    {R"({"holding": [{"address": 70000, "values": [1]}]})", "/holding/0/address"},
    {R"({"holding": [{"address": 0, "values": [70000]}]})", "/holding/0/values/0"},
    {R"({"holding": [{"address": 65535, "values": [1, 2]}]})", "/holding/0"},
    {R"({"holding": [{"address": 0, "type": "int16", "value": 40000}]})", "/holding/0/value"},
    {R"({"holding": [{"address": 0, "type": "int64", "value": 1}]})", "/holding/0/type"},
    {R"({"holding": [{"address": 0, "values": [1], "type": "int16"}]})", "/holding/0"},
    {R"({"holding": [{"adress": 0, "values": [1]}]})", "/holding/0/adress"},
    {R"({"coils": [{"address": 0, "values": [2]}]})", "/coils/0/values/0"},
    {R"({"holdings": []})", "/holdings"},
    {R"({"faults": [{"table": "holding", "address": 0, "kind": "explode"}]})", "/faults/0/kind"},
    {R"({"dynamics": [{"table": "holding", "address": 0, "ramp": {"step": 1, "everyMs": 1}}]})",
     "/dynamics/0/ramp/everyMs"},
    {R"({"dynamics": [{"table": "holding", "address": 0,
                       "ramp": {"step": 1, "everyMs": 100, "min": 5, "max": 1}}]})",
     "/dynamics/0"},
    {R"({"dynamics": [{"table": "holding", "address": 0, "type": "uint16",
                       "ramp": {"step": 1, "everyMs": 100, "min": -5, "max": 1}}]})",
     "/dynamics/0"},
    {R"({"dynamics": [{"table": "coils", "address": 0, "ramp": {}}]})", "/dynamics/0"},
    {R"({"sizes": {"holding": 70000}})", "/sizes/holding"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto e = modbus_error(c.text);
    EXPECT_EQ(e.file, "sim.json");
    EXPECT_EQ(e.field, c.field) << e.to_string();
    EXPECT_FALSE(e.reason.empty());
  }
  auto syntax = modbus_error("{\"holding\": [");
  EXPECT_NE(syntax.reason.find("parse"), std::string::npos) << syntax.to_string();
  EXPECT_EQ(modbus_error("[]").field, "");
}

TEST(http_sim_config, parses_and_rejects) {
  auto x = parse_http_sim_config(R"({
    "documents": {"/state": {"a": 1, "sub": {}}},
    "writable": {"/a": {"document": "/state", "pointer": "/a", "type": "number"}},
    "actions": {"/go": {"method": "PUT", "status": 202, "reply": [1],
                        "storeInput": {"document": "/state", "pointer": "/sub/in"},
                        "set": [{"document": "/state", "pointer": "/done", "value": true}]}},
    "raw": {"/bad": {"status": 500, "body": "oops"}},
    "dynamics": [{"document": "/state", "pointer": "/a",
                  "ramp": {"step": 1, "everyMs": 100, "min": 0, "max": 5}}]
  })", "sim.json");
  ASSERT_TRUE(std::holds_alternative<http_sim_config>(x))
    << std::get<sim_config_error>(x).to_string();
  struct bad_case {
    const char* text;
    const char* field;
  };
  const bad_case cases[] = {
    {R"({"documents": {"state": {}}})", "/documents/state"},
    {R"({"documents": {"/s": {}}, "writable": {"/w": {"document": "/t", "pointer": "/a"}}})",
     "/writable/~1w/document"},
    {R"({"documents": {"/s": {}}, "writable": {"/w": {"document": "/s", "pointer": "/a"}}})",
     "/writable/~1w/pointer"},
    {R"({"documents": {"/s": {"a": 1}},
         "writable": {"/w": {"document": "/s", "pointer": "/a", "type": "float"}}})",
     "/writable/~1w/type"},
    {R"({"actions": {"/a": {"method": "FROB"}}})", "/actions/~1a/method"},
    {R"({"raw": {"/r": {"status": 200}}})", "/raw/~1r"},
    {R"({"documents": {"/s": {"a": "x"}},
         "dynamics": [{"document": "/s", "pointer": "/a",
                       "ramp": {"step": 1, "everyMs": 100, "min": 0, "max": 1}}]})",
     "/dynamics/0/pointer"},
    {R"({"extra": 1})", "/extra"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto e = http_error(c.text);
    EXPECT_EQ(e.field, c.field) << e.to_string();
  }
}
