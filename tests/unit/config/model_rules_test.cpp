// Every validation rule of a device model gives the right field and reason.
// Each row edits a valid model (the demo models) so that it breaks one rule.

#include <gtest/gtest.h>

#include "config/site_config.hpp"
#include "tests/unit/config/config_test_util.hpp"

using namespace kagami::config;
using namespace kagami::config::test;

namespace {

const char* plc_file = "config/models/line-plc.json";
const char* sensor_file = "config/models/env-sensor.json";

/// A valid property that sits on its own register.
const char* spare = R"({"type": "number", "readOnly": true,
  "modbus": {"table": "holding", "address": 100, "datatype": "int16"}})";

void expect_error(const std::string& base_file, const bad_case& c) {
  auto text = edited(embedded(base_file), c.edits);
  auto result = parse_device_model(text, "model.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr) << "accepted: " << text;
  EXPECT_EQ(err->file, "model.json");
  EXPECT_EQ(err->field, c.field) << err->to_string();
  EXPECT_EQ(err->reason.substr(0, c.reason.size()), c.reason)
    << err->to_string();
}

device_model expect_model(const std::string& base_file,
                          const std::vector<edit>& edits) {
  auto text = edited(embedded(base_file), edits);
  auto result = parse_device_model(text, "model.json");
  if (auto err = std::get_if<config_error>(&result)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<device_model>(result);
}

// -- Modbus/TCP models --------------------------------------------------------

class modbus_model_rule : public testing::TestWithParam<bad_case> {};

TEST_P(modbus_model_rule, names_field_and_reason) {
  expect_error(plc_file, GetParam());
}

const std::string pt = "/properties/temperature";
const std::string pp = "/properties/pressure";
const std::string pc = "/properties/cycleCount";
const std::string ps = "/properties/setpoint";
const std::string pm = "/properties/mode";
const std::string pr = "/properties/running";
const std::string areset = "/actions/resetCounter";
const std::string eover = "/events/overTemperature";

INSTANTIATE_TEST_SUITE_P(
  rules, modbus_model_rule,
  testing::Values(
    // Unknown keys, with a suggestion for near misses.
    bad_case{{{"/pollIntervallMs", "500"}},
             "/pollIntervallMs",
             R"(unknown key "pollIntervallMs" (did you mean "pollIntervalMs"?))"},
    bad_case{{{pt + "/readonly", "true"}},
             pt + "/readonly",
             R"(unknown key "readonly" (did you mean "readOnly"?))"},
    bad_case{{{pt + "/modbus/adress", "3"}},
             pt + "/modbus/adress",
             R"(unknown key "adress" (did you mean "address"?))"},
    bad_case{{{areset + "/safe", "true"}}, areset + "/safe",
             R"(unknown key "safe")"},
    bad_case{{{eover + "/threshold", "3"}}, eover + "/threshold",
             R"(unknown key "threshold")"},
    bad_case{{{"/$schema", "3"}}, "/$schema", "must be a string"},
    // Model fields.
    bad_case{{{"/id", "<delete>"}}, "/id", "missing required field"},
    bad_case{{{"/id", R"("line plc")"}}, "/id", R"(invalid id "line plc")"},
    bad_case{{{"/id", R"("")"}}, "/id", R"(invalid id "")"},
    bad_case{{{"/protocol", R"("modbus-rtu")"}}, "/protocol",
             R"(unknown value "modbus-rtu"; expected one of: modbus-tcp, http-json)"},
    bad_case{{{"/protocol", "<delete>"}}, "/protocol",
             "missing required field"},
    bad_case{{{"/pollIntervalMs", "0"}}, "/pollIntervalMs",
             "must be an integer from 10 to 3600000"},
    bad_case{{{"/pollIntervalMs", R"("1000")"}}, "/pollIntervalMs",
             "must be an integer from 10 to 3600000, not a string"},
    bad_case{{{"/pollIntervalMs", "1000.5"}}, "/pollIntervalMs",
             "must be an integer from 10 to 3600000, not 1000.5"},
    bad_case{{{"/description", "7"}}, "/description", "must be a string"},
    bad_case{{{"/properties", "[]"}}, "/properties",
             "must be an object, not an array"},
    bad_case{{{"/properties", "<delete>"},
              {"/actions", "<delete>"},
              {"/events", "<delete>"}},
             "/properties",
             "a model needs at least one property or action"},
    // Affordance names.
    bad_case{{{"/properties/2temp", spare}}, "/properties/2temp",
             R"(invalid name "2temp")"},
    bad_case{{{"/properties/set-point", spare}}, "/properties/set-point",
             R"(invalid name "set-point")"},
    bad_case{{{"/properties/" + std::string(65, 'a'), spare}},
             "/properties/" + std::string(65, 'a'), "invalid name"},
    bad_case{{{"/actions/re set", "{}"}}, "/actions/re set",
             R"(invalid name "re set")"},
    bad_case{{{"/events/_x", "{}"}}, "/events/_x", R"(invalid name "_x")"},
    bad_case{{{pt, "5"}}, pt, "must be an object, not 5"},
    // Data schemas.
    bad_case{{{pt + "/type", "<delete>"}}, pt + "/type",
             "missing required field"},
    bad_case{{{pt + "/type", R"("object")"}}, pt + "/type",
             R"(unknown value "object"; expected one of: boolean, integer, number, string)"},
    bad_case{{{pt + "/readOnly", R"("yes")"}}, pt + "/readOnly",
             "must be true or false, not a string"},
    bad_case{{{pt + "/unit", "null"}}, pt + "/unit",
             "must be a string, not null"},
    bad_case{{{ps + "/minimum", "130"}}, ps + "/maximum",
             "maximum 120 is below minimum 130"},
    bad_case{{{pr + "/minimum", "0"}}, pr + "/minimum",
             "applies only to types integer and number"},
    bad_case{{{pc + "/minimum", "0.5"}}, pc + "/minimum",
             "must be a whole number for type integer"},
    bad_case{{{pm + "/enum", "[]"}}, pm + "/enum", "must not be empty"},
    bad_case{{{pm + "/enum", "3"}}, pm + "/enum", "must be an array, not 3"},
    bad_case{{{pm + "/enum", R"([0, "1"])"}}, pm + "/enum/1",
             "must be of type integer"},
    bad_case{{{pm + "/enum", "[0, 1.5]"}}, pm + "/enum/1",
             "must be of type integer"},
    bad_case{{{pm + "/enum", "[0, 1, 1]"}}, pm + "/enum/2",
             "duplicates " + pm + "/enum/1"},
    bad_case{{{pm + "/maximum", "1"}}, pm + "/enum/2", "is above maximum 1"},
    bad_case{{{pm + "/minimum", "1"}}, pm + "/enum/0", "is below minimum 1"},
    // Bindings must fit the protocol.
    bad_case{{{pt + "/http", R"({"path": "/x"})"}}, pt + "/http",
             R"(does not fit protocol modbus-tcp; use "modbus")"},
    bad_case{{{pt + "/modbus", "<delete>"}}, pt + "/modbus",
             "missing required field"},
    bad_case{{{pt + "/modbus", "[]"}}, pt + "/modbus", "must be an object"},
    bad_case{{{areset + "/http", R"({"path": "/x"})"}}, areset + "/http",
             "does not fit protocol modbus-tcp"},
    // Tables and datatypes.
    bad_case{{{pt + "/modbus/table", R"("holdings")"}}, pt + "/modbus/table",
             R"(unknown value "holdings"; expected one of: holding, input, coil, discrete)"},
    bad_case{{{pt + "/modbus/table", "<delete>"}}, pt + "/modbus/table",
             "missing required field"},
    bad_case{{{pt + "/modbus/datatype", "<delete>"}}, pt + "/modbus/datatype",
             "missing required field"},
    bad_case{{{pt + "/modbus/datatype", R"("int64")"}}, pt + "/modbus/datatype",
             R"(unknown value "int64"; expected one of: bool, uint16, int16, uint32, int32, float32)"},
    bad_case{{{pr + "/modbus/datatype", R"("uint16")"}}, pr + "/modbus/datatype",
             "table coil holds single bits; use bool"},
    bad_case{{{pr + "/modbus/table", R"("discrete")"},
              {pr + "/modbus/datatype", R"("int16")"}},
             pr + "/modbus/datatype",
             "table discrete holds single bits; use bool"},
    bad_case{{{pr + "/modbus/table", R"("holding")"},
              {pr + "/modbus/address", "50"}},
             pr + "/modbus/datatype",
             "bool needs table coil or discrete"},
    bad_case{{{pr + "/type", R"("number")"}}, pr + "/type",
             "must be boolean for datatype bool"},
    bad_case{{{pt + "/type", R"("boolean")"}}, pt + "/type",
             "must be integer or number for datatype int16"},
    bad_case{{{pt + "/type", R"("string")"}}, pt + "/type",
             "must be integer or number for datatype int16"},
    bad_case{{{pc + "/modbus/datatype", R"("float32")"}}, pc + "/type",
             "must be number for datatype float32"},
    bad_case{{{pc + "/modbus/scale", "0.5"}}, pc + "/modbus/scale",
             "gives values that are not whole numbers; use type number"},
    bad_case{{{pc + "/modbus/offset", "0.5"}}, pc + "/modbus/offset",
             "gives values that are not whole numbers; use type number"},
    // Read-only tables.
    bad_case{{{ps + "/modbus/table", R"("input")"}}, ps + "/readOnly",
             R"(table input is read-only; set "readOnly": true)"},
    bad_case{{{pr + "/modbus/table", R"("discrete")"}}, pr + "/readOnly",
             R"(table discrete is read-only; set "readOnly": true)"},
    bad_case{{{ps + "/modbus/table", R"("input")"},
              {ps + "/readOnly", "false"}},
             ps + "/readOnly", "table input is read-only"},
    // Addresses, word order, scale.
    bad_case{{{pt + "/modbus/address", "65536"}}, pt + "/modbus/address",
             "must be an integer from 0 to 65535"},
    bad_case{{{pt + "/modbus/address", "-1"}}, pt + "/modbus/address",
             "must be an integer from 0 to 65535"},
    bad_case{{{pt + "/modbus/address", "1e3"}}, pt + "/modbus/address",
             "must be an integer from 0 to 65535"},
    bad_case{{{pp + "/modbus/address", "65535"}}, pp + "/modbus/address",
             "float32 at 65535 needs 2 registers and runs past the last "
             "address 65535"},
    bad_case{{{pt + "/modbus/wordOrder", R"("big")"}}, pt + "/modbus/wordOrder",
             "applies only to 32-bit datatypes, not int16"},
    bad_case{{{pp + "/modbus/wordOrder", R"("middle")"}},
             pp + "/modbus/wordOrder",
             R"(unknown value "middle"; expected one of: big, little)"},
    bad_case{{{pr + "/modbus/wordOrder", R"("big")"}}, pr + "/modbus/wordOrder",
             "does not apply to datatype bool"},
    bad_case{{{pr + "/modbus/scale", "2"}}, pr + "/modbus/scale",
             "does not apply to datatype bool"},
    bad_case{{{pr + "/modbus/offset", "2"}}, pr + "/modbus/offset",
             "does not apply to datatype bool"},
    bad_case{{{pt + "/modbus/scale", "0"}}, pt + "/modbus/scale",
             "must not be 0"},
    bad_case{{{pt + "/modbus/scale", "0.0"}}, pt + "/modbus/scale",
             "must not be 0"},
    bad_case{{{pt + "/modbus/scale", R"("0.1")"}}, pt + "/modbus/scale",
             "must be a number, not a string"},
    bad_case{{{pt + "/modbus/offset", "true"}}, pt + "/modbus/offset",
             "must be a number, not true"},
    // Limits and enums must be representable.
    bad_case{{{ps + "/minimum", "-1"}}, ps + "/minimum",
             "minimum -1 is below 0, the lowest value of uint16 with scale "
             "0.1 and offset 0"},
    bad_case{{{ps + "/maximum", "7000"}}, ps + "/maximum",
             "maximum 7000 is above 6553.5, the highest value of uint16 "
             "with scale 0.1 and offset 0"},
    bad_case{{{pm + "/enum", "[0, 1, 70000]"}}, pm + "/enum/2",
             "value 70000 is above 65535, the highest value of uint16"},
    // Overlapping registers.
    bad_case{{{ps + "/modbus/address", "4"}}, ps + "/modbus/address",
             R"(holding 4 overlaps property "cycleCount" (holding 3-4))"},
    bad_case{{{"/properties/stopped", R"({"type": "boolean",
               "modbus": {"table": "coil", "address": 0}})"}},
             "/properties/stopped/modbus/address",
             R"(coil 0 overlaps property "running" (coil 0))"},
    // Actions.
    bad_case{{{areset + "/modbus/table", R"("input")"}},
             areset + "/modbus/table",
             "table input is read-only; actions write to holding or coil"},
    bad_case{{{areset + "/modbus/value", "<delete>"}},
             areset + "/modbus/value", "missing required field"},
    bad_case{{{areset + "/modbus/value", "-1"}}, areset + "/modbus/value",
             "value -1 is below 0, the lowest value of uint32"},
    bad_case{{{areset + "/modbus/value", R"("0")"}}, areset + "/modbus/value",
             "must be a number, not a string"},
    bad_case{{{areset + "/input", R"({"type": "number"})"}}, areset + "/input",
             "modbus actions write a fixed value and take no input"},
    bad_case{{{areset + "/idempotent", "1"}}, areset + "/idempotent",
             "must be true or false, not 1"},
    bad_case{{{areset + "/modbus/oops", "1"}}, areset + "/modbus/oops",
             R"(unknown key "oops")"},
    bad_case{{{"/actions/stop", R"({"modbus": {"table": "coil",
               "address": 0, "value": 2}})"}},
             "/actions/stop/modbus/value",
             "must be true, false, 0 or 1 for datatype bool"},
    // Events.
    bad_case{{{eover + "/property", R"("temp")"}}, eover + "/property",
             R"(unknown property "temp")"},
    bad_case{{{eover + "/property", R"("running")"}}, eover + "/property",
             R"(property "running" has type boolean; events need an integer or number property)"},
    bad_case{{{eover + "/property", "<delete>"}}, eover + "/property",
             "missing required field"},
    bad_case{{{eover + "/above", "<delete>"}}, eover,
             R"(an event needs "above" or "below")"},
    bad_case{{{eover + "/above", R"("80")"}}, eover + "/above",
             "must be a number, not a string"},
    bad_case{{{eover + "/below", "null"}}, eover + "/below",
             "must be a number, not null"}));

// -- HTTP/JSON models ---------------------------------------------------------

class http_model_rule : public testing::TestWithParam<bad_case> {};

TEST_P(http_model_rule, names_field_and_reason) {
  expect_error(sensor_file, GetParam());
}

const std::string ph = "/properties/humidity";
const std::string pri = "/properties/reportIntervalS";
const std::string acal = "/actions/calibrate";

INSTANTIATE_TEST_SUITE_P(
  rules, http_model_rule,
  testing::Values(
    bad_case{{{ph + "/modbus", R"({"table": "holding", "address": 0})"}},
             ph + "/modbus", R"(does not fit protocol http-json; use "http")"},
    bad_case{{{ph + "/http", "<delete>"}}, ph + "/http",
             "missing required field"},
    bad_case{{{ph + "/http/method", R"("GET")"}}, ph + "/http/method",
             R"(unknown key "method")"},
    bad_case{{{ph + "/http/path", "<delete>"}}, ph + "/http/path",
             "missing required field"},
    bad_case{{{ph + "/http/path", R"("state")"}}, ph + "/http/path",
             R"(must start with "/")"},
    bad_case{{{ph + "/http/path", R"("")"}}, ph + "/http/path",
             R"(must start with "/")"},
    bad_case{{{ph + "/http/path", R"("/st ate")"}}, ph + "/http/path",
             R"(must not contain the character " ")"},
    bad_case{{{ph + "/http/path", R"("/state#x")"}}, ph + "/http/path",
             "must not contain a fragment"},
    bad_case{{{ph + "/http/path", R"("/a/../state")"}}, ph + "/http/path",
             R"(must not contain ".." segments)"},
    bad_case{{{ph + "/http/path", R"("/a%zz")"}}, ph + "/http/path",
             "has an invalid %-escape"},
    bad_case{{{ph + "/http/path", R"("/a\u0001")"}}, ph + "/http/path",
             "must not contain the character with code 1"},
    bad_case{{{ph + "/http/pointer", R"("humidity")"}}, ph + "/http/pointer",
             R"("humidity" is not a JSON pointer)"},
    bad_case{{{ph + "/http/pointer", R"("/a~2")"}}, ph + "/http/pointer",
             R"("/a~2" is not a JSON pointer)"},
    bad_case{{{ph + "/http/writePath", R"("/humidity")"}},
             ph + "/http/writePath", "a readOnly property takes no writePath"},
    bad_case{{{pri + "/http/writePath", "<delete>"}}, pri + "/http/writePath",
             "a writable property needs a writePath"},
    bad_case{{{pri + "/http/writePath", R"("config")"}},
             pri + "/http/writePath", R"(must start with "/")"},
    bad_case{{{pri + "/minimum", "0.5"}}, pri + "/minimum",
             "must be a whole number for type integer"},
    bad_case{{{pri + "/type", R"("string")"}}, pri + "/minimum",
             "applies only to types integer and number"},
    bad_case{{{acal + "/http/method", R"("GET")"}}, acal + "/http/method",
             R"(unknown value "GET"; expected one of: POST, PUT, PATCH, DELETE)"},
    bad_case{{{acal + "/http/path", "<delete>"}}, acal + "/http/path",
             "missing required field"},
    bad_case{{{acal + "/http/path", R"("calibrate")"}}, acal + "/http/path",
             R"(must start with "/")"},
    bad_case{{{acal + "/input/readOnly", "true"}}, acal + "/input/readOnly",
             R"(unknown key "readOnly")"},
    bad_case{{{acal + "/input/type", "<delete>"}}, acal + "/input/type",
             "missing required field"},
    bad_case{{{acal + "/input/minimum", "101"}}, acal + "/input/maximum",
             "maximum 100 is below minimum 101"},
    bad_case{{{acal + "/input", "[]"}}, acal + "/input",
             "must be an object, not an array"},
    bad_case{{{acal + "/modbus", R"({"table": "coil"})"}}, acal + "/modbus",
             "does not fit protocol http-json"}));

// -- Accepted variants --------------------------------------------------------

TEST(model_rules, coil_datatype_defaults_to_bool) {
  auto model = expect_model(plc_file,
                            {{pr + "/modbus/datatype", "<delete>"}});
  ASSERT_NE(model.find_property("running"), nullptr);
  auto b = std::get<modbus_binding>(model.find_property("running")->binding);
  EXPECT_EQ(b.datatype, modbus_datatype::boolean);
}

TEST(model_rules, read_only_tables_accept_read_only_properties) {
  auto model = expect_model(plc_file,
                            {{pt + "/modbus/table", R"("input")"},
                             {pr + "/modbus/table", R"("discrete")"},
                             {pr + "/readOnly", "true"}});
  ASSERT_NE(model.find_property("temperature"), nullptr);
  auto b
    = std::get<modbus_binding>(model.find_property("temperature")->binding);
  EXPECT_EQ(b.table, modbus_table::input_register);
}

TEST(model_rules, a_register_at_the_last_address_fits) {
  auto model = expect_model(plc_file, {{pt + "/modbus/address", "65533"},
                                       {pp + "/modbus/address", "65534"}});
  auto p = model.find_property("pressure");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::get<modbus_binding>(p->binding).address, 65534);
}

TEST(model_rules, the_same_address_in_other_tables_does_not_overlap) {
  auto model = expect_model(
    plc_file, {{"/properties/limit", R"({"type": "number", "readOnly": true,
                 "modbus": {"table": "input", "address": 0,
                            "datatype": "int16"}})"}});
  EXPECT_NE(model.find_property("limit"), nullptr);
}

TEST(model_rules, coil_actions_take_booleans) {
  auto model = expect_model(
    plc_file,
    {{"/actions/stop", R"({"modbus": {"table": "coil", "address": 0,
                                      "value": false}})"}});
  ASSERT_NE(model.find_action("stop"), nullptr);
  auto a = std::get<modbus_action_binding>(model.find_action("stop")->binding);
  EXPECT_EQ(a.value, 0.0);
  EXPECT_EQ(a.target.datatype, modbus_datatype::boolean);
}

TEST(model_rules, an_empty_pointer_takes_the_whole_reply) {
  auto model = expect_model(sensor_file,
                            {{ph + "/http/pointer", "<delete>"},
                             {ph + "/http/path", R"("/humidity?unit=pct")"}});
  ASSERT_NE(model.find_property("humidity"), nullptr);
  auto b = std::get<http_binding>(model.find_property("humidity")->binding);
  EXPECT_EQ(b.pointer, "");
  EXPECT_EQ(b.path, "/humidity?unit=pct");
}

TEST(model_rules, escaped_pointers_are_valid) {
  auto model = expect_model(sensor_file,
                            {{ph + "/http/pointer", R"("/a~1b/~0c/0")"}});
  ASSERT_NE(model.find_property("humidity"), nullptr);
  auto b = std::get<http_binding>(model.find_property("humidity")->binding);
  EXPECT_EQ(b.pointer, "/a~1b/~0c/0");
}

TEST(model_rules, http_method_defaults_to_post) {
  auto model = expect_model(sensor_file, {{acal + "/http/method", "<delete>"}});
  ASSERT_NE(model.find_action("calibrate"), nullptr);
  auto b
    = std::get<http_action_binding>(model.find_action("calibrate")->binding);
  EXPECT_EQ(b.method, "POST");
}

TEST(model_rules, affordances_keep_file_order) {
  auto model = expect_model(plc_file, {});
  std::vector<std::string> names;
  for (auto& x : model.properties)
    names.push_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"temperature", "pressure",
                                             "cycleCount", "setpoint", "mode",
                                             "running"}));
}

// -- JSON text errors ---------------------------------------------------------

TEST(model_rules, syntax_errors_give_line_and_column) {
  auto result = parse_device_model("{\n  \"id\": \"x\",\n  oops\n}", "m.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->file, "m.json");
  EXPECT_EQ(err->field, "");
  EXPECT_EQ(err->reason.rfind("invalid JSON at line 3, column 3", 0), 0u)
    << err->reason;
}

TEST(model_rules, duplicate_keys_are_rejected) {
  auto text = R"({"id": "x", "protocol": "modbus-tcp", "properties": {
    "a": {"type": "number", "readOnly": true, "readOnly": false,
          "modbus": {"table": "holding", "address": 0, "datatype": "int16"}}}})";
  auto result = parse_device_model(text, "m.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(), "m.json: /properties/a/readOnly: duplicate key");
}

TEST(model_rules, a_model_must_be_an_object) {
  auto result = parse_device_model("[1]", "m.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->to_string(), "m.json: must be an object, not an array");
}

TEST(model_rules, load_names_a_missing_file) {
  auto result = load_device_model("/nonexistent/model.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->file, "/nonexistent/model.json");
  EXPECT_EQ(err->reason.rfind("cannot read: ", 0), 0u) << err->reason;
}

} // namespace
