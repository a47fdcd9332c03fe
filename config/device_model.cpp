#include "config/device_model.hpp"

#include <algorithm>

namespace kagami::config {

namespace {

template <class T>
const T* find_named(const std::vector<T>& xs, const std::string& name) {
  auto i = std::find_if(xs.begin(), xs.end(),
                        [&](const T& x) { return x.name == name; });
  return i == xs.end() ? nullptr : &*i;
}

} // namespace

int register_count(modbus_datatype t) {
  switch (t) {
    case modbus_datatype::uint32:
    case modbus_datatype::int32:
    case modbus_datatype::float32:
      return 2;
    case modbus_datatype::boolean:
    case modbus_datatype::uint16:
    case modbus_datatype::int16:
      return 1;
  }
  return 1;
}

const property_model*
device_model::find_property(const std::string& name) const {
  return find_named(properties, name);
}

const action_model* device_model::find_action(const std::string& name) const {
  return find_named(actions, name);
}

const event_model* device_model::find_event(const std::string& name) const {
  return find_named(events, name);
}

const char* to_string(value_type x) {
  switch (x) {
    case value_type::boolean: return "boolean";
    case value_type::integer: return "integer";
    case value_type::number: return "number";
    case value_type::string: return "string";
  }
  return "unknown";
}

const char* to_string(device_protocol x) {
  switch (x) {
    case device_protocol::modbus_tcp: return "modbus-tcp";
    case device_protocol::http_json: return "http-json";
    case device_protocol::ble_gatt: return "ble-gatt";
  }
  return "unknown";
}

} // namespace kagami::config
