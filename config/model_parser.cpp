#include "config/model_parser.hpp"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <utility>

#include "config/model_names.hpp"
#include "config/syntax.hpp"

namespace kagami::config {

namespace {

// -- predicates ---------------------------------------------------------------

bool is_numeric(value_type t) {
  return t == value_type::integer || t == value_type::number;
}

bool is_whole(double x) {
  return std::trunc(x) == x;
}

bool is_bit_table(modbus_table t) {
  return t == modbus_table::coil || t == modbus_table::discrete_input;
}

bool is_read_only_table(modbus_table t) {
  return t == modbus_table::discrete_input
         || t == modbus_table::input_register;
}

struct value_range {
  double lo;
  double hi;
};

value_range raw_range(modbus_datatype t) {
  switch (t) {
    case modbus_datatype::boolean: return {0, 1};
    case modbus_datatype::uint16: return {0, 65535};
    case modbus_datatype::int16: return {-32768, 32767};
    case modbus_datatype::uint32: return {0, 4294967295.0};
    case modbus_datatype::int32: return {-2147483648.0, 2147483647.0};
    case modbus_datatype::float32: return {-FLT_MAX, FLT_MAX};
  }
  return {0, 0};
}

/// The engineering values `b` can hold: raw range * scale + offset.
value_range engineering_range(const modbus_binding& b) {
  auto raw = raw_range(b.datatype);
  auto x = raw.lo * b.scale + b.offset;
  auto y = raw.hi * b.scale + b.offset;
  return {std::min(x, y), std::max(x, y)};
}

/// "uint16 with scale 0.1 and offset 0", for messages.
std::string describe(const modbus_binding& b) {
  auto result = name_of(datatype_names, b.datatype);
  if (b.scale != 1.0 || b.offset != 0.0)
    result += " with scale " + format_number(b.scale) + " and offset "
              + format_number(b.offset);
  return result;
}

/// "holding 10-11" or "coil 3", for messages.
std::string describe_span(const modbus_binding& b) {
  auto last = b.address + register_count(b.datatype) - 1;
  auto result = name_of(table_names, b.table) + " "
                + std::to_string(b.address);
  if (last != b.address)
    result += "-" + std::to_string(last);
  return result;
}

/// Fails if `x` lies outside what `b` can hold.
bool check_representable(error_sink& sink, const std::string& field,
                         std::string_view what, double x,
                         const modbus_binding& b) {
  auto r = engineering_range(b);
  if (x < r.lo)
    return sink.fail(field, std::string{what} + " " + format_number(x)
                              + " is below " + format_number(r.lo)
                              + ", the lowest value of " + describe(b));
  if (x > r.hi)
    return sink.fail(field, std::string{what} + " " + format_number(x)
                              + " is above " + format_number(r.hi)
                              + ", the highest value of " + describe(b));
  return true;
}

// -- data schemas -------------------------------------------------------------

bool fits_type(const json_value& v, value_type t) {
  switch (t) {
    case value_type::boolean: return v.is_boolean();
    case value_type::integer: return v.is_number_integer();
    case value_type::number: return v.is_number();
    case value_type::string: return v.is_string();
  }
  return false;
}

void read_enumeration(const object_reader& r, const json_value& values,
                      data_schema& s) {
  auto& sink = r.sink();
  auto base = r.path("enum");
  if (values.empty()) {
    sink.fail(base, "must not be empty");
    return;
  }
  for (size_t i = 0; i < values.size() && sink.ok(); ++i) {
    auto& v = values[i];
    auto field = base + "/" + std::to_string(i);
    if (!fits_type(v, s.type)) {
      sink.fail(field, "must be of type " + name_of(type_names, s.type)
                         + ", like the property");
      return;
    }
    if (v.is_number()) {
      auto x = v.get<double>();
      if (!std::isfinite(x))
        sink.fail(field, "must be a finite number");
      else if (s.minimum && x < *s.minimum)
        sink.fail(field, "is below minimum " + format_number(*s.minimum));
      else if (s.maximum && x > *s.maximum)
        sink.fail(field, "is above maximum " + format_number(*s.maximum));
    }
    for (size_t j = 0; j < i; ++j)
      if (values[j] == v)
        sink.fail(field, "duplicates " + base + "/" + std::to_string(j));
    s.enumeration.emplace_back(v);
  }
}

/// Reads type, unit, description, readOnly, minimum, maximum and enum. The
/// caller's known_keys() decides which of them are allowed.
void read_schema(const object_reader& r, data_schema& s) {
  auto& sink = r.sink();
  r.read_enum("type", s.type, type_names, need::required);
  r.read("unit", s.unit);
  r.read("description", s.description);
  r.read("readOnly", s.read_only);
  if (!sink.ok())
    return;
  for (auto key : {"minimum", "maximum"})
    if (r.has(key) && !is_numeric(s.type)) {
      r.fail(key, "applies only to types integer and number");
      return;
    }
  r.read("minimum", s.minimum);
  r.read("maximum", s.maximum);
  if (!sink.ok())
    return;
  if (s.type == value_type::integer) {
    if (s.minimum && !is_whole(*s.minimum))
      r.fail("minimum", "must be a whole number for type integer");
    if (s.maximum && !is_whole(*s.maximum))
      r.fail("maximum", "must be a whole number for type integer");
  }
  if (s.minimum && s.maximum && *s.minimum > *s.maximum)
    r.fail("maximum", "maximum " + format_number(*s.maximum)
                        + " is below minimum " + format_number(*s.minimum));
  if (!sink.ok())
    return;
  if (auto values = r.get_array("enum"))
    read_enumeration(r, *values, s);
}

// -- Modbus bindings ----------------------------------------------------------

/// Reads table, address, datatype, wordOrder, scale and offset.
void read_modbus_target(const object_reader& r, modbus_binding& b) {
  auto& sink = r.sink();
  r.read_enum("table", b.table, table_names, need::required);
  r.read_int("address", b.address, 0, 65535, need::required);
  if (!sink.ok())
    return;
  auto bit = is_bit_table(b.table);
  if (!r.read_enum("datatype", b.datatype, datatype_names,
                   bit ? need::optional : need::required)) {
    if (!sink.ok())
      return;
    b.datatype = modbus_datatype::boolean;
  }
  auto table = name_of(table_names, b.table);
  auto datatype = name_of(datatype_names, b.datatype);
  if (bit && b.datatype != modbus_datatype::boolean) {
    r.fail("datatype", "table " + table + " holds single bits; use bool");
    return;
  }
  if (!bit && b.datatype == modbus_datatype::boolean) {
    r.fail("datatype", "bool needs table coil or discrete; registers hold "
                       "numbers");
    return;
  }
  if (b.datatype == modbus_datatype::boolean) {
    for (auto key : {"wordOrder", "scale", "offset"})
      if (r.has(key)) {
        r.fail(key, "does not apply to datatype bool");
        return;
      }
  } else {
    if (r.has("wordOrder") && register_count(b.datatype) == 1) {
      r.fail("wordOrder", "applies only to 32-bit datatypes, not " + datatype);
      return;
    }
    r.read_enum("wordOrder", b.order, order_names);
    if (r.read("scale", b.scale) && b.scale == 0.0)
      r.fail("scale", "must not be 0");
    r.read("offset", b.offset);
  }
  auto count = register_count(b.datatype);
  if (b.address + count > 65536)
    r.fail("address", datatype + " at " + std::to_string(b.address)
                        + " needs " + std::to_string(count)
                        + " registers and runs past the last address 65535");
}

/// A numeric schema without minimum or maximum gets the limits of its
/// register, so the schema check (and the TD) states what the device can
/// hold and no out-of-range value ever reaches the register codec.
void bound_by_register(data_schema& s, const modbus_binding& b) {
  if (!is_numeric(s.type) || b.datatype == modbus_datatype::float32)
    return;
  auto r = engineering_range(b);
  // A huge scale overflows the range to infinity, which JSON cannot carry.
  if (!s.minimum && std::isfinite(r.lo))
    s.minimum = r.lo;
  if (!s.maximum && std::isfinite(r.hi))
    s.maximum = r.hi;
}

/// Checks that the schema of a property fits its Modbus binding.
void check_modbus_property(const object_reader& prop,
                           const object_reader& bind, const data_schema& s,
                           const modbus_binding& b) {
  auto& sink = prop.sink();
  auto datatype = name_of(datatype_names, b.datatype);
  if (b.datatype == modbus_datatype::boolean) {
    if (s.type != value_type::boolean) {
      prop.fail("type", "must be boolean for datatype bool");
      return;
    }
  } else if (!is_numeric(s.type)) {
    prop.fail("type", "must be integer or number for datatype " + datatype);
    return;
  } else if (s.type == value_type::integer) {
    if (b.datatype == modbus_datatype::float32) {
      prop.fail("type", "must be number for datatype float32");
      return;
    }
    if (!is_whole(b.scale) || !is_whole(b.offset)) {
      bind.fail(is_whole(b.scale) ? "offset" : "scale",
                "gives values that are not whole numbers; use type number");
      return;
    }
  }
  if (is_read_only_table(b.table) && !s.read_only) {
    prop.fail("readOnly", "table " + name_of(table_names, b.table)
                            + " is read-only; set \"readOnly\": true");
    return;
  }
  if (s.minimum)
    check_representable(sink, prop.path("minimum"), "minimum", *s.minimum, b);
  if (s.maximum && sink.ok())
    check_representable(sink, prop.path("maximum"), "maximum", *s.maximum, b);
  for (size_t i = 0; i < s.enumeration.size() && sink.ok(); ++i)
    if (s.enumeration[i].is_number())
      check_representable(sink, prop.path("enum") + "/" + std::to_string(i),
                          "value", s.enumeration[i].get<double>(), b);
}

void read_modbus_action(const object_reader& r, modbus_action_binding& a) {
  auto& sink = r.sink();
  if (!r.known_keys({"table", "address", "datatype", "wordOrder", "scale",
                     "offset", "value"}))
    return;
  read_modbus_target(r, a.target);
  if (!sink.ok())
    return;
  if (is_read_only_table(a.target.table)) {
    r.fail("table", "table " + name_of(table_names, a.target.table)
                      + " is read-only; actions write to holding or coil");
    return;
  }
  auto v = r.get("value", need::required);
  if (!v)
    return;
  if (a.target.datatype == modbus_datatype::boolean) {
    if (v->is_boolean())
      a.value = v->get<bool>() ? 1.0 : 0.0;
    else if (v->is_number() && (*v == 0 || *v == 1))
      a.value = v->get<double>();
    else
      r.fail("value", "must be true, false, 0 or 1 for datatype bool");
    return;
  }
  if (r.read("value", a.value))
    check_representable(sink, r.path("value"), "value", a.value, a.target);
}

void check_overlaps(error_sink& sink, const std::vector<property_model>& ps,
                    const std::string& base) {
  for (size_t i = 0; i < ps.size(); ++i) {
    auto x = std::get_if<modbus_binding>(&ps[i].binding);
    if (!x)
      continue;
    auto x_end = x->address + register_count(x->datatype);
    for (size_t j = 0; j < i; ++j) {
      auto y = std::get_if<modbus_binding>(&ps[j].binding);
      if (!y || y->table != x->table)
        continue;
      auto y_end = y->address + register_count(y->datatype);
      if (x->address < y_end && y->address < x_end) {
        sink.fail(base + "/" + pointer_token(ps[i].name) + "/modbus/address",
                  describe_span(*x) + " overlaps property \"" + ps[j].name
                    + "\" (" + describe_span(*y) + ")");
        return;
      }
    }
  }
}

// -- HTTP bindings ------------------------------------------------------------

bool read_path(const object_reader& r, std::string_view key, std::string& out,
               need n) {
  if (!r.read(key, out, n))
    return false;
  if (auto why = http_path_error(out); !why.empty())
    return r.fail(key, why);
  return true;
}

void read_http_property(const object_reader& r, property_model& p) {
  auto& sink = r.sink();
  if (!r.known_keys({"path", "pointer", "writePath"}))
    return;
  auto& b = p.binding.emplace<http_binding>();
  read_path(r, "path", b.path, need::required);
  if (r.read("pointer", b.pointer) && !is_json_pointer(b.pointer))
    r.fail("pointer", "\"" + b.pointer + "\" is not a JSON pointer "
                        "(\"\" or \"/a/0\", with \"~\" escaped as \"~0\")");
  read_path(r, "writePath", b.write_path, need::optional);
  if (!sink.ok())
    return;
  if (p.schema.read_only && r.has("writePath"))
    r.fail("writePath", "a readOnly property takes no writePath");
  else if (!p.schema.read_only && b.write_path.empty())
    r.fail("writePath", "a writable property needs a writePath; or set "
                        "\"readOnly\": true");
}

void read_http_action(const object_reader& r, http_action_binding& b) {
  if (!r.known_keys({"method", "path"}))
    return;
  std::string_view method = b.method;
  if (r.read_enum("method", method, method_names))
    b.method = std::string{method};
  read_path(r, "path", b.path, need::required);
}

// -- BLE GATT bindings --------------------------------------------------------

/// A 128-bit UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lower case, or ""
/// when `text` is not one.
std::string lower_uuid128(std::string_view text) {
  static constexpr std::string_view pattern
    = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (text.size() != pattern.size())
    return {};
  std::string out{text};
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (pattern[i] == '-') {
      if (c != '-')
        return {};
    } else if (c >= 'A' && c <= 'F') {
      out[i] = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return {};
    }
  }
  return out;
}

void read_ble_property(const object_reader& r, property_model& p) {
  auto& sink = r.sink();
  if (!r.known_keys({"characteristic", "encoding", "scale"}))
    return;
  auto& b = p.binding.emplace<ble_gatt_binding>();
  std::string uuid;
  if (r.read("characteristic", uuid, need::required)) {
    b.characteristic = lower_uuid128(uuid);
    if (b.characteristic.empty())
      r.fail("characteristic", "\"" + uuid + "\" is not a 128-bit UUID "
                               "(0000xxxx-0000-1000-8000-00805f9b34fb)");
  }
  r.read_enum("encoding", b.encoding, gatt_encoding_names, need::required);
  if (!sink.ok())
    return;
  auto text = b.encoding == gatt_encoding::utf8;
  if (text && r.has("scale")) {
    r.fail("scale", "does not apply to encoding utf8");
    return;
  }
  if (r.read("scale", b.scale) && (b.scale == 0.0 || !std::isfinite(b.scale)))
    r.fail("scale", "must be a finite number other than 0");
  if (text && p.schema.type != value_type::string)
    r.fail("encoding", "utf8 carries a string; the property's type is "
                         + std::string{to_string(p.schema.type)});
  else if (!text && !is_numeric(p.schema.type))
    r.fail("encoding", name_of(gatt_encoding_names, b.encoding)
                         + " carries a number; the property's type is "
                         + std::string{to_string(p.schema.type)});
}

// -- affordances --------------------------------------------------------------

/// The key of the binding object of `proto` in an affordance.
std::string binding_key(device_protocol proto) {
  switch (proto) {
    case device_protocol::modbus_tcp: return "modbus";
    case device_protocol::http_json: return "http";
    case device_protocol::ble_gatt: return "ble";
  }
  return "";
}

/// The binding object of an affordance; fails if it is missing or if the
/// binding of another protocol is there.
const json_value* binding_of(const object_reader& r, device_protocol proto) {
  std::string mine = binding_key(proto);
  for (auto other : {device_protocol::modbus_tcp, device_protocol::http_json,
                     device_protocol::ble_gatt}) {
    auto key = binding_key(other);
    if (other != proto && r.has(key)) {
      r.fail(key, "does not fit protocol " + name_of(protocol_names, proto)
                    + "; use \"" + mine + "\"");
      return nullptr;
    }
  }
  return r.get_object(mine, need::required);
}

property_model read_property(error_sink& sink, device_protocol proto,
                             const std::string& name, const json_value& v,
                             const std::string& pointer) {
  property_model p;
  p.name = name;
  object_reader r{sink, v, pointer};
  if (!r.known_keys({"type", "unit", "minimum", "maximum", "enum", "readOnly",
                     "description", "modbus", "http", "ble"}))
    return p;
  read_schema(r, p.schema);
  if (!sink.ok())
    return p;
  auto b = binding_of(r, proto);
  if (!b)
    return p;
  if (proto == device_protocol::modbus_tcp) {
    object_reader br{sink, *b, r.path("modbus")};
    if (!br.known_keys({"table", "address", "datatype", "wordOrder", "scale",
                        "offset"}))
      return p;
    auto& mb = p.binding.emplace<modbus_binding>();
    read_modbus_target(br, mb);
    if (sink.ok())
      check_modbus_property(r, br, p.schema, mb);
    if (sink.ok())
      bound_by_register(p.schema, mb);
  } else if (proto == device_protocol::ble_gatt) {
    read_ble_property(object_reader{sink, *b, r.path("ble")}, p);
  } else {
    read_http_property(object_reader{sink, *b, r.path("http")}, p);
  }
  return p;
}

action_model read_action(error_sink& sink, device_protocol proto,
                         const std::string& name, const json_value& v,
                         const std::string& pointer) {
  action_model a;
  a.name = name;
  object_reader r{sink, v, pointer};
  if (!r.known_keys({"description", "input", "idempotent", "modbus", "http",
                     "ble"}))
    return a;
  if (proto == device_protocol::ble_gatt) {
    sink.fail(r.pointer(),
              "ble-gatt models have no actions; map values to properties");
    return a;
  }
  r.read("description", a.description);
  r.read("idempotent", a.idempotent);
  if (auto input = r.get_object("input")) {
    if (proto == device_protocol::modbus_tcp) {
      r.fail("input", "modbus actions write a fixed value and take no input");
      return a;
    }
    object_reader ir{sink, *input, r.path("input")};
    if (!ir.known_keys({"type", "unit", "minimum", "maximum", "enum",
                        "description"}))
      return a;
    read_schema(ir, a.input.emplace());
  }
  if (!sink.ok())
    return a;
  auto b = binding_of(r, proto);
  if (!b)
    return a;
  if (proto == device_protocol::modbus_tcp)
    read_modbus_action(object_reader{sink, *b, r.path("modbus")},
                       a.binding.emplace<modbus_action_binding>());
  else
    read_http_action(object_reader{sink, *b, r.path("http")},
                     a.binding.emplace<http_action_binding>());
  return a;
}

event_model read_event(error_sink& sink, const device_model& m,
                       const std::string& name, const json_value& v,
                       const std::string& pointer) {
  event_model e;
  e.name = name;
  object_reader r{sink, v, pointer};
  if (!r.known_keys({"description", "property", "above", "below"}))
    return e;
  r.read("description", e.description);
  if (r.read("property", e.property, need::required)) {
    auto p = m.find_property(e.property);
    if (!p)
      r.fail("property", "unknown property \"" + e.property + "\"");
    else if (!is_numeric(p->schema.type))
      r.fail("property", "property \"" + e.property + "\" has type "
                           + name_of(type_names, p->schema.type)
                           + "; events need an integer or number property");
  }
  r.read("above", e.above);
  r.read("below", e.below);
  if (sink.ok() && !e.above && !e.below)
    sink.fail(pointer, "an event needs \"above\" or \"below\"");
  return e;
}

/// Calls fn(name, value, pointer) for each member of the object at `key`,
/// after checking the name.
template <class F>
void for_each_affordance(const object_reader& r, std::string_view key, F fn) {
  auto& sink = r.sink();
  auto obj = r.get_object(key);
  if (!obj)
    return;
  for (auto& [name, value] : obj->items()) {
    if (!sink.ok())
      return;
    auto pointer = r.path(key) + "/" + pointer_token(name);
    if (!is_affordance_name(name)) {
      sink.fail(pointer, "invalid name \"" + name
                           + "\": names match [A-Za-z][A-Za-z0-9_]{0,63}");
      return;
    }
    fn(name, value, pointer);
  }
}

} // namespace

device_model read_device_model(error_sink& sink, const json_value& value,
                               const std::string& pointer) {
  device_model m;
  object_reader r{sink, value, pointer};
  if (!r.known_keys({"$schema", "id", "protocol", "description",
                     "pollIntervalMs", "properties", "actions", "events"}))
    return m;
  std::string schema;
  r.read("$schema", schema);
  if (r.read("id", m.id, need::required) && !is_id(m.id))
    r.fail("id", "invalid id \"" + m.id + "\": ids match [A-Za-z0-9._-]{1,64}");
  r.read_enum("protocol", m.protocol, protocol_names, need::required);
  r.read("description", m.description);
  r.read_int("pollIntervalMs", m.poll_interval_ms, 10, 3'600'000);
  if (!sink.ok())
    return m;
  for_each_affordance(r, "properties", [&](auto& name, auto& v, auto& ptr) {
    m.properties.push_back(read_property(sink, m.protocol, name, v, ptr));
  });
  if (sink.ok())
    check_overlaps(sink, m.properties, r.path("properties"));
  for_each_affordance(r, "actions", [&](auto& name, auto& v, auto& ptr) {
    m.actions.push_back(read_action(sink, m.protocol, name, v, ptr));
  });
  for_each_affordance(r, "events", [&](auto& name, auto& v, auto& ptr) {
    m.events.push_back(read_event(sink, m, name, v, ptr));
  });
  if (sink.ok() && m.properties.empty() && m.actions.empty())
    r.fail("properties", "a model needs at least one property or action");
  return m;
}

std::variant<device_model, config_error>
parse_device_model(const std::string& text, const std::string& file) {
  try {
    auto doc = parse_json(text, file);
    if (auto err = std::get_if<config_error>(&doc))
      return std::move(*err);
    error_sink sink{file};
    auto m = read_device_model(sink, std::get<json_value>(doc), "");
    if (!sink.ok())
      return sink.error();
    return m;
  } catch (const std::exception& e) {
    return config_error{file, "", std::string{"cannot load: "} + e.what()};
  }
}

std::variant<device_model, config_error>
load_device_model(const std::string& path) {
  std::string why;
  auto text = read_file(path, why);
  if (!text)
    return config_error{path, "", "cannot read: " + why};
  return parse_device_model(*text, path);
}

} // namespace kagami::config
