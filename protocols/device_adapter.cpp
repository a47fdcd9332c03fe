#include "protocols/device_adapter.hpp"

#include "actors/core/error.hpp"
#include "protocols/http_device/http_device_adapter.hpp"
#include "protocols/modbus/modbus_adapter.hpp"

namespace kagami::protocols {

caf::expected<std::vector<nlohmann::json>>
device_adapter::read_many(const std::vector<const config::property_model*>& ps) {
  std::vector<nlohmann::json> out;
  out.reserve(ps.size());
  for (auto* p : ps) {
    auto value = read(*p);
    if (!value)
      return value.error();
    out.push_back(std::move(*value));
  }
  return out;
}

caf::expected<config::host_port>
checked_endpoint(const config::device_config& dev,
                 caf::expected<config::host_port> parsed,
                 const adapter_options& opts) {
  if (!parsed)
    return make_error(ec::config_invalid, "device '" + dev.id + "': address: "
                                            + detail_of(parsed.error()));
  if (parsed->port == 0)
    return make_error(ec::config_invalid,
                      "device '" + dev.id + "': address has no port");
  if (opts.timeout.count() <= 0)
    return make_error(ec::config_invalid, "the device timeout must be positive");
  return parsed;
}

void adapter_registry::add(config::device_protocol protocol, adapter_factory factory) {
  factories_[protocol] = std::move(factory);
}

caf::expected<std::unique_ptr<device_adapter>>
adapter_registry::make(const config::device_config& dev,
                       const config::device_model& model,
                       const adapter_options& opts) const {
  auto i = factories_.find(model.protocol);
  if (i == factories_.end() || !i->second)
    return make_error(ec::config_invalid,
                      std::string{"no adapter for protocol "}
                        + config::to_string(model.protocol));
  return i->second(dev, model, opts);
}

void register_builtin_adapters(adapter_registry& registry) {
  registry.add(config::device_protocol::modbus_tcp, modbus::make_modbus_adapter);
  registry.add(config::device_protocol::http_json,
               http_device::make_http_device_adapter);
}

} // namespace kagami::protocols
