#include "actors/devices/affordance_checks.hpp"

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;

namespace {

config::device_model model() {
  config::device_model m;
  m.id = "test-model";
  config::property_model temp;
  temp.name = "temperature";
  temp.schema.type = config::value_type::number;
  temp.schema.read_only = true;
  config::property_model setpoint;
  setpoint.name = "setpoint";
  setpoint.schema.type = config::value_type::number;
  setpoint.schema.minimum = 0;
  setpoint.schema.maximum = 120;
  m.properties = {temp, setpoint};
  config::action_model reset;
  reset.name = "resetCounter";
  config::action_model ramp;
  ramp.name = "ramp";
  ramp.input = config::data_schema{};
  ramp.input->type = config::value_type::integer;
  ramp.input->minimum = 1;
  m.actions = {reset, ramp};
  return m;
}

struct write_case {
  std::string property;
  std::string body;
  ec expected;
};

} // namespace

TEST(affordance_checks, writes) {
  auto m = model();
  std::vector<write_case> cases{
    {"setpoint", "42.5", ec::none},
    {"setpoint", "0", ec::none},
    {"setpoint", "120", ec::none},
    {"setpoint", "120.5", ec::invalid_value},
    {"setpoint", "-1", ec::invalid_value},
    {"setpoint", "\"hot\"", ec::invalid_value},
    {"setpoint", "{not json", ec::invalid_value},
    {"setpoint", "", ec::invalid_value},
    {"temperature", "20", ec::not_writable},
    {"nope", "1", ec::not_found},
  };
  for (auto& c : cases) {
    auto r = checked_write(m, c.property, c.body);
    if (c.expected == ec::none)
      EXPECT_TRUE(r) << c.property << " <- " << c.body;
    else
      EXPECT_EQ(code_of(r.error()), c.expected) << c.property << " <- " << c.body;
  }
}

TEST(affordance_checks, read_of_unknown_property_is_not_found) {
  auto m = model();
  EXPECT_TRUE(readable_property(m, "temperature"));
  EXPECT_EQ(code_of(readable_property(m, "pressure").error()), ec::not_found);
}

TEST(affordance_checks, invokes) {
  auto m = model();
  EXPECT_TRUE(checked_invoke(m, "resetCounter", ""));
  EXPECT_TRUE(checked_invoke(m, "resetCounter", "null"));
  EXPECT_EQ(code_of(checked_invoke(m, "resetCounter", "5").error()), ec::invalid_value);
  EXPECT_TRUE(checked_invoke(m, "ramp", "3"));
  EXPECT_EQ(code_of(checked_invoke(m, "ramp", "").error()), ec::invalid_value);
  EXPECT_EQ(code_of(checked_invoke(m, "ramp", "0").error()), ec::invalid_value);
  EXPECT_EQ(code_of(checked_invoke(m, "fly", "").error()), ec::not_found);
}
