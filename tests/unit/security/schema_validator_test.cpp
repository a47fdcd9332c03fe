// validate_value, table-driven: one row per schema, value and expected verdict.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/schema_validator.hpp"

namespace kagami::security {
namespace {

using nlohmann::json;
using config::data_schema;
using config::value_type;

data_schema schema(value_type t, std::optional<double> min = std::nullopt,
                   std::optional<double> max = std::nullopt,
                   std::vector<json> enumeration = {}) {
  data_schema s;
  s.type = t;
  s.minimum = min;
  s.maximum = max;
  s.enumeration = std::move(enumeration);
  return s;
}

struct row {
  const char* name;
  data_schema schema;
  json value;
  /// Empty: the value must pass. Else the exact error detail.
  std::string reason;
};

constexpr auto nan = std::numeric_limits<double>::quiet_NaN();
constexpr auto inf = std::numeric_limits<double>::infinity();

const auto integer = schema(value_type::integer);
const auto number = schema(value_type::number);
const auto boolean = schema(value_type::boolean);
const auto string = schema(value_type::string);
const auto percent = schema(value_type::integer, 0, 120);
const auto temperature = schema(value_type::number, -40.5, 85.25);
const auto mode = schema(value_type::string, std::nullopt, std::nullopt,
                         {"auto", "manual", "off"});
const auto speed = schema(value_type::integer, 0, 3000, {0, 1500, 3000});
const auto big = schema(value_type::integer, std::nullopt, 9007199254740992.0);

std::vector<row> rows() {
  return {
    // -- types ----------------------------------------------------------------
    {"integer ok", integer, 42, ""},
    {"integer negative ok", integer, -7, ""},
    {"integer unsigned ok", integer, json(uint64_t{18446744073709551615u}), ""},
    {"integer as 5.0 ok", integer, 5.0, ""},
    {"integer fractional", integer, 5.5, "expected integer, got number 5.5"},
    {"integer from string", integer, "42", "expected integer, got string"},
    {"integer from bool", integer, true, "expected integer, got boolean"},
    {"integer from null", integer, nullptr, "expected integer, got null"},
    {"integer from array", integer, json::array({1}),
     "expected integer, got array"},
    {"integer from object", integer, json::object(),
     "expected integer, got object"},
    {"integer from nan", integer, nan,
     "expected integer, got a non-finite number"},
    {"number ok", number, 3.25, ""},
    {"number from integer ok", number, 3, ""},
    {"number nan", number, nan, "expected number, got a non-finite number"},
    {"number inf", number, -inf, "expected number, got a non-finite number"},
    {"number from string", number, "3.25", "expected number, got string"},
    {"boolean ok", boolean, false, ""},
    {"boolean from int", boolean, 1, "expected boolean, got integer"},
    {"boolean from string", boolean, "true", "expected boolean, got string"},
    {"string ok", string, "hello", ""},
    {"string empty ok", string, "", ""},
    {"string from number", string, 1.5, "expected string, got number 1.5"},
    {"string from null", string, nullptr, "expected string, got null"},
    // -- range ----------------------------------------------------------------
    {"at minimum", percent, 0, ""},
    {"at maximum", percent, 120, ""},
    {"above maximum", percent, 130, "value 130 is above the maximum 120"},
    {"below minimum", percent, -1, "value -1 is below the minimum 0"},
    {"float limits ok", temperature, -40.5, ""},
    {"float below", temperature, -40.75,
     "value -40.75 is below the minimum -40.5"},
    {"float above", temperature, 85.5,
     "value 85.5 is above the maximum 85.25"},
    {"integer against float limit", temperature, 86,
     "value 86 is above the maximum 85.25"},
    {"huge unsigned", percent, json(uint64_t{18446744073709551615u}),
     "value 18446744073709551615 is above the maximum 120"},
    {"2^53 exactly ok", big, json(int64_t{9007199254740992}), ""},
    {"2^53 + 1 not rounded", big, json(int64_t{9007199254740993}),
     "value 9007199254740993 is above the maximum 9007199254740992"},
    {"type before range", percent, "130", "expected integer, got string"},
    // -- enum -----------------------------------------------------------------
    {"enum ok", mode, "manual", ""},
    {"enum miss", mode, "turbo",
     R"(value "turbo" is not one of ["auto","manual","off"])"},
    {"enum is case sensitive", mode, "AUTO",
     R"(value "AUTO" is not one of ["auto","manual","off"])"},
    {"enum number ok", speed, 1500, ""},
    {"enum number as float ok", speed, 1500.0, ""},
    {"enum number miss", speed, 1000,
     "value 1000 is not one of [0,1500,3000]"},
    {"range before enum", speed, 4500,
     "value 4500 is above the maximum 3000"},
    {"long value is cut", mode, std::string(200, 'x'),
     "value \"" + std::string(63, 'x')
       + "... is not one of [\"auto\",\"manual\",\"off\"]"},
    {"invalid utf-8 is replaced", mode, std::string{"\xff\xfe"},
     "value \"\xef\xbf\xbd\xef\xbf\xbd\" is not one of "
     "[\"auto\",\"manual\",\"off\"]"},
  };
}

TEST(validate_value, table) {
  for (const auto& r : rows()) {
    SCOPED_TRACE(r.name);
    auto err = validate_value(r.schema, r.value);
    if (r.reason.empty()) {
      EXPECT_FALSE(err) << detail_of(err);
    } else {
      ASSERT_TRUE(err);
      EXPECT_EQ(code_of(err), ec::invalid_value);
      EXPECT_EQ(detail_of(err), r.reason);
    }
  }
}

TEST(validate_value, read_only_is_not_checked_here) {
  auto s = percent;
  s.read_only = true;
  EXPECT_FALSE(validate_value(s, 10));
}

TEST(validate_value, unit_and_description_do_not_matter) {
  auto s = temperature;
  s.unit = "Cel";
  s.description = "oven";
  EXPECT_FALSE(validate_value(s, 20.5));
}

} // namespace
} // namespace kagami::security
