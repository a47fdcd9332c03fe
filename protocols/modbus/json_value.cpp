#include "protocols/modbus/json_value.hpp"

#include <cmath>
#include <cstdint>

#include "actors/core/error.hpp"
#include "protocols/modbus/register_codec.hpp"

namespace kagami::protocols::modbus {

using config::value_type;

nlohmann::json to_json_value(double value, const config::modbus_binding& b,
                             const config::data_schema& schema) {
  if (is_bit_table(b.table) || b.datatype == config::modbus_datatype::boolean
      || schema.type == value_type::boolean)
    return value != 0.0;
  constexpr double exact = 9007199254740992.0; // 2^53
  if (schema.type == value_type::integer && std::trunc(value) == value
      && std::fabs(value) <= exact)
    return static_cast<int64_t>(value);
  return value;
}

caf::expected<double> from_json_value(const nlohmann::json& value) {
  if (value.is_boolean())
    return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_number_integer() && !value.is_number_unsigned())
    return static_cast<double>(value.get<int64_t>());
  if (value.is_number_unsigned())
    return static_cast<double>(value.get<uint64_t>());
  if (value.is_number_float())
    return value.get<double>();
  return make_error(ec::invalid_value,
                    std::string{"expected a number or boolean, got "}
                      + value.type_name());
}

} // namespace kagami::protocols::modbus
