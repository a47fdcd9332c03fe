#include "config/model_writer.hpp"

#include "config/model_names.hpp"

namespace kagami::config {

namespace {

using json = nlohmann::ordered_json;

json schema_json(const data_schema& s) {
  json j;
  j["type"] = name_of(type_names, s.type);
  if (!s.unit.empty())
    j["unit"] = s.unit;
  if (s.minimum)
    j["minimum"] = *s.minimum;
  if (s.maximum)
    j["maximum"] = *s.maximum;
  if (!s.enumeration.empty()) {
    j["enum"] = json::array();
    for (auto& v : s.enumeration)
      j["enum"].push_back(json(v));
  }
  if (s.read_only)
    j["readOnly"] = true;
  if (!s.description.empty())
    j["description"] = s.description;
  return j;
}

json modbus_json(const modbus_binding& b) {
  json j;
  j["table"] = name_of(table_names, b.table);
  j["address"] = b.address;
  j["datatype"] = name_of(datatype_names, b.datatype);
  if (register_count(b.datatype) == 2)
    j["wordOrder"] = name_of(order_names, b.order);
  if (b.datatype != modbus_datatype::boolean) {
    if (b.scale != 1.0)
      j["scale"] = b.scale;
    if (b.offset != 0.0)
      j["offset"] = b.offset;
  }
  return j;
}

json property_json(const property_model& p) {
  auto j = schema_json(p.schema);
  if (auto b = std::get_if<modbus_binding>(&p.binding)) {
    j["modbus"] = modbus_json(*b);
  } else if (auto h = std::get_if<http_binding>(&p.binding)) {
    json hj;
    hj["path"] = h->path;
    if (!h->pointer.empty())
      hj["pointer"] = h->pointer;
    if (!h->write_path.empty())
      hj["writePath"] = h->write_path;
    j["http"] = std::move(hj);
  } else if (auto g = std::get_if<ble_gatt_binding>(&p.binding)) {
    json gj;
    gj["characteristic"] = g->characteristic;
    gj["encoding"] = name_of(gatt_encoding_names, g->encoding);
    if (g->scale != 1.0)
      gj["scale"] = g->scale;
    j["ble"] = std::move(gj);
  }
  return j;
}

json action_json(const action_model& a) {
  json j = json::object();
  if (!a.description.empty())
    j["description"] = a.description;
  if (a.input)
    j["input"] = schema_json(*a.input);
  if (a.idempotent)
    j["idempotent"] = true;
  if (auto b = std::get_if<modbus_action_binding>(&a.binding)) {
    auto mj = modbus_json(b->target);
    mj["value"] = b->value;
    j["modbus"] = std::move(mj);
  } else if (auto h = std::get_if<http_action_binding>(&a.binding)) {
    j["http"] = json{{"method", h->method}, {"path", h->path}};
  }
  return j;
}

json event_json(const event_model& e) {
  json j;
  if (!e.description.empty())
    j["description"] = e.description;
  j["property"] = e.property;
  if (e.above)
    j["above"] = *e.above;
  if (e.below)
    j["below"] = *e.below;
  return j;
}

} // namespace

nlohmann::ordered_json model_to_json(const device_model& m) {
  json j;
  j["id"] = m.id;
  j["protocol"] = name_of(protocol_names, m.protocol);
  if (!m.description.empty())
    j["description"] = m.description;
  j["pollIntervalMs"] = m.poll_interval_ms;
  auto section = [&](const char* key, auto& xs, auto fn) {
    if (xs.empty())
      return;
    json obj = json::object();
    for (auto& x : xs)
      obj[x.name] = fn(x);
    j[key] = std::move(obj);
  };
  section("properties", m.properties, property_json);
  section("actions", m.actions, action_json);
  section("events", m.events, event_json);
  return j;
}

} // namespace kagami::config
