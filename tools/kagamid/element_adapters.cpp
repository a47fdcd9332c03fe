#include "tools/kagamid/element_adapters.hpp"

#include "actors/core/error.hpp"
#include "protocols/snmp/snmp_switch_adapter.hpp"
#include "protocols/wifi_ap/ap_adapter.hpp"

namespace kagami {

namespace {

caf::expected<std::shared_ptr<network::element_backend>>
make_snmp_switch(const config::network_element_config& e) {
  protocols::snmp::snmp_switch_config cfg;
  cfg.element_id = e.id;
  cfg.management_address = e.address + ":" + std::to_string(e.port);
  cfg.read_community = e.community;
  if (!e.write_community.empty())
    cfg.write_community = e.write_community;
  cfg.timeout = std::chrono::milliseconds(e.timeout_ms);
  cfg.retries = static_cast<int>(e.retries);
  auto adapter = protocols::snmp::snmp_switch_adapter::make(std::move(cfg));
  if (!adapter)
    return adapter.error();
  return std::shared_ptr<network::element_backend>{std::move(*adapter)};
}

/// The AP models kagami knows (explicit registration; a vendor's model is
/// one more line in register_builtin_ap_models).
const protocols::wifi_ap::ap_model_registry& ap_models() {
  static const auto registry = [] {
    protocols::wifi_ap::ap_model_registry r;
    (void) protocols::wifi_ap::register_builtin_ap_models(r);
    return r;
  }();
  return registry;
}

caf::expected<std::shared_ptr<network::element_backend>>
make_access_point(const config::network_element_config& e) {
  protocols::wifi_ap::ap_adapter_config cfg;
  cfg.element_id = e.id;
  cfg.management_address = e.address + ":" + std::to_string(e.port);
  cfg.model = e.model;
  cfg.timeout = std::chrono::milliseconds(e.timeout_ms);
  auto adapter = protocols::wifi_ap::ap_adapter::make(std::move(cfg), ap_models());
  if (!adapter) {
    if (code_of(adapter.error()) == ec::not_found)
      return make_error(ec::config_invalid,
                        "unknown AP model \"" + e.model + "\"; known: "
                          + [] {
                              std::string names;
                              for (const auto& n : ap_models().names())
                                names += (names.empty() ? "" : ", ") + n;
                              return names;
                            }());
    return adapter.error();
  }
  return std::shared_ptr<network::element_backend>{std::move(*adapter)};
}

} // namespace

caf::expected<std::shared_ptr<network::element_backend>>
make_element_adapter(const config::network_element_config& element) {
  switch (element.protocol) {
    case config::element_protocol::snmp_switch:
      return make_snmp_switch(element);
    case config::element_protocol::ap:
      return make_access_point(element);
  }
  return make_error(ec::config_invalid, "unknown element kind");
}

} // namespace kagami
