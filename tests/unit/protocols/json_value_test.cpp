#include "protocols/modbus/json_value.hpp"

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::modbus;
using config::data_schema;
using config::modbus_binding;
using config::modbus_datatype;
using config::modbus_table;
using config::value_type;
using nlohmann::json;

namespace {

data_schema schema(value_type t) {
  data_schema s;
  s.type = t;
  return s;
}

} // namespace

TEST(json_value, numbers_stay_numbers) {
  modbus_binding b;
  EXPECT_EQ(to_json_value(23.5, b, schema(value_type::number)), json(23.5));
  EXPECT_TRUE(to_json_value(3, b, schema(value_type::number)).is_number_float());
}

TEST(json_value, integer_schemas_get_integers) {
  modbus_binding b;
  auto v = to_json_value(3, b, schema(value_type::integer));
  EXPECT_TRUE(v.is_number_integer());
  EXPECT_EQ(v, json(3));
  EXPECT_EQ(to_json_value(4294967295.0, b, schema(value_type::integer)),
            json(4294967295LL));
  // A fraction is not silently truncated.
  EXPECT_TRUE(to_json_value(2.5, b, schema(value_type::integer)).is_number_float());
}

TEST(json_value, bits_and_booleans) {
  modbus_binding coil;
  coil.table = modbus_table::coil;
  EXPECT_EQ(to_json_value(1, coil, schema(value_type::number)), json(true));
  modbus_binding flag;
  flag.datatype = modbus_datatype::boolean;
  EXPECT_EQ(to_json_value(0, flag, schema(value_type::number)), json(false));
  modbus_binding reg;
  EXPECT_EQ(to_json_value(7, reg, schema(value_type::boolean)), json(true));
}

TEST(json_value, from_json) {
  EXPECT_EQ(*from_json_value(json(2.5)), 2.5);
  EXPECT_EQ(*from_json_value(json(-7)), -7.0);
  EXPECT_EQ(*from_json_value(json(4294967295u)), 4294967295.0);
  EXPECT_EQ(*from_json_value(json(true)), 1.0);
  EXPECT_EQ(*from_json_value(json(false)), 0.0);
  for (auto bad : {json("1"), json(nullptr), json::array({1}), json::object()}) {
    auto x = from_json_value(bad);
    ASSERT_FALSE(x);
    EXPECT_EQ(code_of(x.error()), ec::invalid_value);
  }
}
