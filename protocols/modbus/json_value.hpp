#pragma once

// Conversion between the JSON values of WoT affordances and the engineering
// values (doubles) of register_codec.hpp. Pure.

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "config/device_model.hpp"

namespace kagami::protocols::modbus {

/// The JSON form of a decoded value: a boolean for bit tables, boolean
/// datatypes and boolean schemas; an integer for integer schemas when the
/// value is whole (and within +-2^53); a number otherwise.
nlohmann::json to_json_value(double value, const config::modbus_binding& b,
                             const config::data_schema& schema);

/// The engineering value of a JSON write: numbers as they are, booleans as 1
/// and 0. Fails with ec::invalid_value for any other JSON type.
caf::expected<double> from_json_value(const nlohmann::json& value);

} // namespace kagami::protocols::modbus
