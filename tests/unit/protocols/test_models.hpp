#pragma once

// Builders of device models and configs for the adapter tests, so that the
// tests do not depend on the config parser.

#include <string>

#include "config/device_model.hpp"
#include "config/site_config.hpp"

namespace kagami::test {

inline config::property_model
modbus_property(std::string name, config::modbus_table table, uint16_t address,
                config::modbus_datatype type,
                config::word_order order = config::word_order::big,
                double scale = 1.0, double offset = 0.0,
                config::value_type json_type = config::value_type::number) {
  config::property_model p;
  p.name = std::move(name);
  p.schema.type = json_type;
  config::modbus_binding b;
  b.table = table;
  b.address = address;
  b.datatype = type;
  b.order = order;
  b.scale = scale;
  b.offset = offset;
  p.binding = b;
  return p;
}

inline config::property_model http_property(std::string name, std::string path,
                                            std::string pointer,
                                            std::string write_path = "") {
  config::property_model p;
  p.name = std::move(name);
  p.binding = config::http_binding{std::move(path), std::move(pointer),
                                   std::move(write_path)};
  return p;
}

inline config::action_model http_action(std::string name, std::string method,
                                        std::string path) {
  config::action_model a;
  a.name = std::move(name);
  a.binding = config::http_action_binding{std::move(method), std::move(path)};
  return a;
}

inline config::device_config device(std::string address, int unit_id = 1) {
  config::device_config d;
  d.id = "dev-1";
  d.model = "test-model";
  d.address = std::move(address);
  d.unit_id = unit_id;
  return d;
}

} // namespace kagami::test
