#pragma once

// The JSON names of the enums in a device model, shared by the model parser
// and the model writer.

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "config/device_model.hpp"

namespace kagami::config {

/// A JSON name and the value it stands for.
template <class E>
using named = std::pair<std::string_view, E>;

inline constexpr std::array<named<device_protocol>, 3> protocol_names{{
  {"modbus-tcp", device_protocol::modbus_tcp},
  {"http-json", device_protocol::http_json},
  {"ble-gatt", device_protocol::ble_gatt},
}};

inline constexpr std::array<named<gatt_encoding>, 5> gatt_encoding_names{{
  {"utf8", gatt_encoding::utf8},
  {"uint8", gatt_encoding::uint8},
  {"int16le", gatt_encoding::int16le},
  {"uint16le", gatt_encoding::uint16le},
  {"float32le", gatt_encoding::float32le},
}};

inline constexpr std::array<named<value_type>, 4> type_names{{
  {"boolean", value_type::boolean},
  {"integer", value_type::integer},
  {"number", value_type::number},
  {"string", value_type::string},
}};

inline constexpr std::array<named<modbus_table>, 4> table_names{{
  {"holding", modbus_table::holding_register},
  {"input", modbus_table::input_register},
  {"coil", modbus_table::coil},
  {"discrete", modbus_table::discrete_input},
}};

inline constexpr std::array<named<modbus_datatype>, 6> datatype_names{{
  {"bool", modbus_datatype::boolean},
  {"uint16", modbus_datatype::uint16},
  {"int16", modbus_datatype::int16},
  {"uint32", modbus_datatype::uint32},
  {"int32", modbus_datatype::int32},
  {"float32", modbus_datatype::float32},
}};

inline constexpr std::array<named<word_order>, 2> order_names{{
  {"big", word_order::big},
  {"little", word_order::little},
}};

inline constexpr std::array<named<std::string_view>, 4> method_names{{
  {"POST", "POST"},
  {"PUT", "PUT"},
  {"PATCH", "PATCH"},
  {"DELETE", "DELETE"},
}};

/// The JSON name of `x`.
template <class E, size_t N>
std::string name_of(const std::array<named<E>, N>& names, E x) {
  for (auto& [name, value] : names)
    if (value == x)
      return std::string{name};
  return "?";
}

} // namespace kagami::config
