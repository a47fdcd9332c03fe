#pragma once

// A device model: how one kind of device maps onto WoT affordances. Many
// devices share one model; adding a device of a known model needs no code.
// Models are JSON files (see config/models/*.json and
// config/schema/device-model.schema.json) loaded by load_device_model().

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace kagami::config {

/// The JSON type of an affordance value, as in a WoT DataSchema.
enum class value_type { boolean, integer, number, string };

/// The subset of a WoT DataSchema that kagami enforces and publishes.
struct data_schema {
  value_type type = value_type::number;
  std::optional<double> minimum;
  std::optional<double> maximum;
  /// Allowed values; empty means any value of `type`.
  std::vector<nlohmann::json> enumeration;
  std::string unit;
  std::string description;
  bool read_only = false;

  friend bool operator==(const data_schema&, const data_schema&) = default;
};

// -- Modbus binding -----------------------------------------------------------

enum class modbus_table { coil, discrete_input, input_register, holding_register };
enum class modbus_datatype { boolean, uint16, int16, uint32, int32, float32 };
/// Word order of 32-bit values: `big` sends the high word first.
enum class word_order { big, little };

/// One value in a Modbus device. The engineering value is
/// `raw * scale + offset`; writes invert that and round to the raw type.
struct modbus_binding {
  modbus_table table = modbus_table::holding_register;
  uint16_t address = 0;
  modbus_datatype datatype = modbus_datatype::uint16;
  word_order order = word_order::big;
  double scale = 1.0;
  double offset = 0.0;

  friend bool operator==(const modbus_binding&, const modbus_binding&)
    = default;
};

/// Number of 16-bit registers a datatype occupies (1 for coils and bits).
int register_count(modbus_datatype t);

// -- HTTP/JSON binding --------------------------------------------------------

/// One value in an HTTP/JSON device: GET `path` and take the JSON pointer
/// `pointer` from the reply. A write sends PUT `write_path` with the value as
/// the JSON body; an empty `write_path` means not writable over HTTP.
struct http_binding {
  std::string path;
  std::string pointer;
  std::string write_path;

  friend bool operator==(const http_binding&, const http_binding&) = default;
};

/// An action over HTTP: `method` `path` with the action input as JSON body.
struct http_action_binding {
  std::string method = "POST";
  std::string path;

  friend bool operator==(const http_action_binding&, const http_action_binding&)
    = default;
};

/// An action over Modbus: writes the fixed `value` (engineering units) to
/// `target`.
struct modbus_action_binding {
  modbus_binding target;
  double value = 0.0;

  friend bool operator==(const modbus_action_binding&,
                         const modbus_action_binding&) = default;
};

// -- BLE GATT binding ---------------------------------------------------------

/// How the bytes of a GATT characteristic value encode a property value.
enum class gatt_encoding { utf8, uint8, int16le, uint16le, float32le };

/// One value in a BLE device: the characteristic with UUID `characteristic`
/// (128-bit, lower case) on the device, read with ReadValue and written with
/// WriteValue. Numeric encodings carry `raw * scale`; writes divide and round.
struct ble_gatt_binding {
  std::string characteristic;
  gatt_encoding encoding = gatt_encoding::utf8;
  double scale = 1.0;

  friend bool operator==(const ble_gatt_binding&, const ble_gatt_binding&)
    = default;
};

using property_binding
  = std::variant<std::monostate, modbus_binding, http_binding, ble_gatt_binding>;
using action_binding
  = std::variant<std::monostate, modbus_action_binding, http_action_binding>;

struct property_model {
  std::string name;
  data_schema schema;
  property_binding binding;

  friend bool operator==(const property_model&, const property_model&)
    = default;
};

struct action_model {
  std::string name;
  std::string description;
  /// The schema of the action input, if it takes one.
  std::optional<data_schema> input;
  action_binding binding;
  /// True if invoking the action twice has the same effect as invoking it
  /// once (published as the TD's `idempotent`).
  bool idempotent = false;

  friend bool operator==(const action_model&, const action_model&) = default;
};

/// An event the gateway raises itself by polling `property`: it fires when the
/// value crosses `above` upwards or `below` downwards.
struct event_model {
  std::string name;
  std::string description;
  std::string property;
  std::optional<double> above;
  std::optional<double> below;

  friend bool operator==(const event_model&, const event_model&) = default;
};

/// ble_gatt: BLE GATT through BlueZ; such models have no actions.
enum class device_protocol { modbus_tcp, http_json, ble_gatt };

struct device_model {
  /// Unique model id, referenced by site devices.
  std::string id;
  device_protocol protocol = device_protocol::modbus_tcp;
  /// Shown to apps as the TD description; must not name vendor or product.
  std::string description;
  std::vector<property_model> properties;
  std::vector<action_model> actions;
  std::vector<event_model> events;
  /// How often the gateway polls for events, in milliseconds.
  uint32_t poll_interval_ms = 1000;

  const property_model* find_property(const std::string& name) const;
  const action_model* find_action(const std::string& name) const;
  const event_model* find_event(const std::string& name) const;

  friend bool operator==(const device_model&, const device_model&) = default;
};

const char* to_string(value_type x);
const char* to_string(device_protocol x);

} // namespace kagami::config
