// libFuzzer target for the config parsers (site_config.hpp): the site config
// and the device model, both operator-supplied JSON.
//
// Input layout: byte 0 selects what to parse, the rest is the JSON text.
//   'm'            parse_device_model(text, "model.json")
//   anything else  parse_site_config(text, "site.json", BASE, read) with
//                  BASE = base_dirs[byte 0 % 4] ('0' -> "", '1' -> "/etc/kagami",
//                  '2' -> "config/demo", '3' -> "../site")
// The model reader never touches the disk: a path ending in "plc.json" or
// "sensor.json" reads a fixed valid model, "bad.json" reads broken JSON,
// "invalid.json" a model that fails validation, anything else is "not found".
//
// Invariants: neither parser crashes or throws; a parse is deterministic; an
// error names a file and a reason; a parsed model passes the documented
// checks (names, bindings that fit the protocol, Modbus spans inside the
// address space, finite limits, events on numeric properties) and survives
// the round trip parse_device_model(model_to_json(m).dump()) == m; in a
// parsed site every device's model exists, ids are unique and the addresses
// fit the protocol.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "config/model_writer.hpp"
#include "config/network_address.hpp"
#include "config/site_config.hpp"
#include "config/syntax.hpp"

using namespace kagami::config;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

constexpr const char* base_dirs[] = {"", "/etc/kagami", "config/demo",
                                     "../site"};

constexpr std::string_view plc_model = R"({
  "id": "line-plc", "protocol": "modbus-tcp", "description": "PLC",
  "properties": {
    "temperature": {"type": "number", "readOnly": true,
      "modbus": {"table": "holding", "address": 0, "datatype": "int16", "scale": 0.1}},
    "running": {"type": "boolean",
      "modbus": {"table": "coil", "address": 0}}
  },
  "actions": {
    "reset": {"modbus": {"table": "holding", "address": 3, "datatype": "uint32", "value": 0}}
  },
  "events": {"hot": {"property": "temperature", "above": 80}}
})";

constexpr std::string_view sensor_model = R"({
  "id": "env-sensor", "protocol": "http-json",
  "properties": {
    "humidity": {"type": "number", "minimum": 0, "maximum": 100, "readOnly": true,
      "http": {"path": "/state", "pointer": "/humidity"}}
  },
  "actions": {"calibrate": {"input": {"type": "number"},
    "http": {"method": "POST", "path": "/calibrate"}}}
})";

constexpr std::string_view invalid_model
  = R"({"id": "broken", "protocol": "modbus-tcp", "properties": {}})";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size()
         && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<std::string> fake_read(const std::string& path,
                                     std::string& why) {
  check(!path.empty());
  if (ends_with(path, "plc.json"))
    return std::string{plc_model};
  if (ends_with(path, "sensor.json"))
    return std::string{sensor_model};
  if (ends_with(path, "invalid.json"))
    return std::string{invalid_model};
  if (ends_with(path, "bad.json"))
    return std::string{"{\"id\": "};
  why = "No such file or directory";
  return std::nullopt;
}

bool is_numeric(value_type t) {
  return t == value_type::integer || t == value_type::number;
}

void check_schema(const data_schema& s) {
  // JSON has no infinity: the TD and the model writer could not carry it.
  check(!s.minimum || std::isfinite(*s.minimum));
  check(!s.maximum || std::isfinite(*s.maximum));
  if (s.minimum || s.maximum)
    check(is_numeric(s.type));
  if (s.minimum && s.maximum)
    check(*s.minimum <= *s.maximum);
  for (auto& v : s.enumeration) {
    switch (s.type) {
      case value_type::boolean: check(v.is_boolean()); break;
      case value_type::integer: check(v.is_number_integer()); break;
      case value_type::number: check(v.is_number()); break;
      case value_type::string: check(v.is_string()); break;
    }
  }
}

void check_modbus(const modbus_binding& b) {
  check(b.address + register_count(b.datatype) <= 65536);
  bool bit = b.table == modbus_table::coil
             || b.table == modbus_table::discrete_input;
  check(bit == (b.datatype == modbus_datatype::boolean));
  check(b.scale != 0.0);
}

void check_model(const device_model& m) {
  check(is_id(m.id));
  check(m.poll_interval_ms >= 10 && m.poll_interval_ms <= 3'600'000);
  check(!m.properties.empty() || !m.actions.empty());
  bool modbus = m.protocol == device_protocol::modbus_tcp;
  std::set<std::string> names;
  for (auto& p : m.properties) {
    check(is_affordance_name(p.name));
    check(names.insert(p.name).second);
    check_schema(p.schema);
    if (modbus) {
      auto b = std::get_if<modbus_binding>(&p.binding);
      check(b != nullptr);
      check_modbus(*b);
    } else {
      auto b = std::get_if<http_binding>(&p.binding);
      check(b != nullptr);
      check(http_path_error(b->path).empty());
      check(p.schema.read_only == b->write_path.empty());
      if (!b->write_path.empty())
        check(http_path_error(b->write_path).empty());
    }
  }
  names.clear();
  for (auto& a : m.actions) {
    check(is_affordance_name(a.name));
    check(names.insert(a.name).second);
    if (a.input)
      check_schema(*a.input);
    if (modbus) {
      auto b = std::get_if<modbus_action_binding>(&a.binding);
      check(b != nullptr);
      check(!a.input);
      check_modbus(b->target);
    } else {
      auto b = std::get_if<http_action_binding>(&a.binding);
      check(b != nullptr);
      check(http_path_error(b->path).empty());
    }
  }
  names.clear();
  for (auto& e : m.events) {
    check(is_affordance_name(e.name));
    check(names.insert(e.name).second);
    check(e.above || e.below);
    auto p = m.find_property(e.property);
    check(p != nullptr && is_numeric(p->schema.type));
  }
  // The writer's documented contract: a valid model survives a round trip.
  auto text = model_to_json(m).dump();
  auto again = parse_device_model(text, "roundtrip.json");
  auto back = std::get_if<device_model>(&again);
  check(back != nullptr);
  check(*back == m);
}

void check_error(const config_error& err) {
  check(!err.file.empty());
  check(!err.reason.empty());
  check(!err.to_string().empty());
}

void check_site(const site_config& site) {
  check(is_text(site.site_name, 128));
  check(static_cast<bool>(parse_host_port(site.listen)));
  check(site.timeouts.request_ms >= site.timeouts.device_ms);
  // An accepted network section holds every rule, also checked on its own.
  check(!site.network.validate());
  check(!site.network.htip_agents.enabled || site.discovery.htip.enabled);
  for (auto& [id, m] : site.models) {
    check(id == m.id);
    check_model(m);
  }
  std::set<std::string> ids;
  for (auto& d : site.devices) {
    check(is_id(d.id));
    check(ids.insert(d.id).second);
    check(!d.title.empty());
    auto m = site.model_of(d);
    check(m != nullptr);
    if (m->protocol == device_protocol::modbus_tcp) {
      check(static_cast<bool>(parse_host_port(d.address)));
      check(d.unit_id >= 0 && d.unit_id <= 247);
    } else {
      check(static_cast<bool>(parse_http_address(d.address)));
    }
    std::set<std::string> tags;
    for (auto& t : d.tags) {
      check(is_tag(t));
      check(tags.insert(t).second);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] == 'm') {
    auto result = parse_device_model(text, "model.json");
    auto again = parse_device_model(text, "model.json");
    check(result == again);
    if (auto err = std::get_if<config_error>(&result))
      check_error(*err);
    else
      check_model(std::get<device_model>(result));
    return 0;
  }
  read_file_fn read = fake_read;
  std::string base = base_dirs[data[0] % 4];
  auto result = parse_site_config(text, "site.json", base, read);
  auto again = parse_site_config(text, "site.json", base, read);
  check(result == again);
  if (auto err = std::get_if<config_error>(&result))
    check_error(*err);
  else
    check_site(std::get<site_config>(result));
  return 0;
}
