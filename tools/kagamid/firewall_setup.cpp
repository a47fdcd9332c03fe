#include "tools/kagamid/firewall_setup.hpp"

#include <algorithm>
#include <iostream>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "protocols/nft/gateway_ruleset_adapter.hpp"

namespace kagami {

namespace {

namespace nft = protocols::nft;

caf::error bad(const std::string& field, const std::string& reason) {
  return make_error(ec::config_invalid,
                    "--firewall: " + field + ": " + reason);
}

bool is_loopback(const nft::ip_address& a) {
  if (a.family == nft::ip_family::v4)
    return a.octets[0] == 127;
  return std::all_of(a.octets.begin(), a.octets.end() - 1, [](auto o) { return o == 0; })
         && a.octets.back() == 1;
}

/// The TCP endpoint of a configured device; nullopt for BLE devices and
/// devices on loopback.
caf::expected<std::optional<nft::service_endpoint>>
device_endpoint(const config::site_config& site, const config::device_config& dev) {
  auto field = "/devices/" + dev.id + "/address";
  auto model = site.model_of(dev);
  if (model == nullptr)
    return bad(field, "unknown model '" + dev.model + "'");
  caf::expected<config::host_port> hp{config::host_port{}};
  switch (model->protocol) {
    case config::device_protocol::ble_gatt:
      return std::optional<nft::service_endpoint>{};
    case config::device_protocol::modbus_tcp:
      hp = config::parse_host_port(dev.address);
      break;
    case config::device_protocol::http_json:
      hp = config::parse_http_address(dev.address);
      break;
  }
  if (!hp)
    return bad(field, detail_of(hp.error()));
  auto addr = nft::parse_listen_address(hp->host);
  if (!addr)
    return bad(field, "'" + hp->host
                        + "' is not an IP literal; the firewall filters by address");
  if (is_loopback(addr->address))
    return std::optional<nft::service_endpoint>{};
  if (addr->wildcard)
    return bad(field, "an unspecified address");
  if (hp->port == 0)
    return bad(field, "port 0");
  return std::optional<nft::service_endpoint>{nft::service_endpoint{addr->address, hp->port}};
}

} // namespace

std::optional<firewall_mode> parse_firewall_mode(std::string_view text) {
  if (text == "off")
    return firewall_mode::off;
  if (text == "print")
    return firewall_mode::print;
  if (text == "apply")
    return firewall_mode::apply;
  return std::nullopt;
}

caf::expected<nft::gateway_ruleset_input>
gateway_ruleset_input_of(const config::site_config& site) {
  nft::gateway_ruleset_input in;
  auto listen = config::parse_host_port(site.listen);
  if (!listen)
    return bad("/listen", detail_of(listen.error()));
  auto addr = nft::parse_listen_address(listen->host);
  if (!addr)
    return bad("/listen", "'" + listen->host
                            + "' is not an IP literal; the firewall filters by address");
  if (listen->port == 0)
    return bad("/listen", "port 0 (any free port) cannot be filtered: give a fixed port");
  in.wot_address = *addr;
  in.wot_port = listen->port;
  auto& disc = site.discovery;
  if (!disc.interface.empty())
    in.ot_interfaces.push_back(disc.interface);
  for (auto& dev : site.devices) {
    auto ep = device_endpoint(site, dev);
    if (!ep)
      return ep.error();
    if (*ep)
      in.tcp_devices.push_back(**ep);
  }
  for (auto& entry : site.design.allowed) {
    auto model = site.models.find(entry.model);
    if (model == site.models.end() || entry.port == 0
        || model->second.protocol == config::device_protocol::ble_gatt)
      continue;
    in.tcp_device_ports.push_back(entry.port);
  }
  // The network elements: SNMP agents (udp 161) and AP management APIs.
  for (size_t i = 0; i < site.network.elements.size(); ++i) {
    const auto& e = site.network.elements[i];
    auto ip = nft::parse_ip(e.address);
    if (!ip)
      return bad("/network/elements/" + std::to_string(i) + "/address",
                 detail_of(ip.error()));
    if (e.protocol == config::element_protocol::snmp_switch)
      in.snmp_elements.push_back(*ip);
    else
      in.tcp_devices.push_back({*ip, e.port});
  }
  in.ssdp.enabled = disc.upnp.enabled;
  for (size_t i = 0; i < disc.upnp.unicast_targets.size(); ++i) {
    auto ip = nft::parse_ip(disc.upnp.unicast_targets[i]);
    if (!ip)
      return bad("/discovery/upnp/unicastTargets/" + std::to_string(i),
                 detail_of(ip.error()));
    in.ssdp.unicast_targets.push_back(*ip);
  }
  in.ssdp.host_window_s = std::clamp<uint32_t>(3 * disc.upnp.search_interval_s, 300, 86400);
  return in;
}

caf::expected<std::string> gateway_ruleset_script_of(const config::site_config& site) {
  auto in = gateway_ruleset_input_of(site);
  if (!in)
    return in.error();
  return nft::gateway_ruleset_script(*in);
}

int print_gateway_ruleset(const config::site_config& site, std::ostream& out,
                          std::ostream& err) {
  auto script = gateway_ruleset_script_of(site);
  if (!script) {
    err << "kagamid: " << detail_of(script.error()) << "\n";
    return 2;
  }
  out << *script << std::flush;
  return 0;
}

struct gateway_firewall_setup::impl {
  std::string table;
  std::unique_ptr<nft::gateway_ruleset_adapter> adapter;
};

gateway_firewall_setup::gateway_firewall_setup(std::unique_ptr<impl> p)
  : impl_(std::move(p)) {
}

gateway_firewall_setup::~gateway_firewall_setup() = default;

caf::expected<std::unique_ptr<gateway_firewall_setup>>
gateway_firewall_setup::start(firewall_mode mode, const config::site_config& site) {
  auto p = std::make_unique<impl>();
  if (mode == firewall_mode::apply) {
    auto in = gateway_ruleset_input_of(site);
    if (!in)
      return in.error();
    auto script = nft::gateway_ruleset_script(*in);
    if (!script)
      return script.error();
    auto adapter = nft::gateway_ruleset_adapter::open();
    if (!adapter)
      return adapter.error();
    if (auto err = (*adapter)->apply(*script))
      return err;
    p->table = in->table;
    p->adapter = std::move(*adapter);
    std::cerr << "kagamid: firewall: table inet " << p->table << " installed ("
              << (in->ot_interfaces.empty() ? std::string{"no OT interface"}
                                            : "OT interface " + in->ot_interfaces.front())
              << ")" << std::endl;
  }
  return std::unique_ptr<gateway_firewall_setup>{new gateway_firewall_setup(std::move(p))};
}

int gateway_firewall_setup::finish(int exit_code) {
  if (!impl_->adapter || exit_code != 0)
    return exit_code;
  if (auto err = impl_->adapter->remove(impl_->table)) {
    std::cerr << "kagamid: firewall: cannot remove table inet " << impl_->table << ": "
              << detail_of(err) << std::endl;
    return 1;
  }
  impl_->adapter.reset();
  std::cerr << "kagamid: firewall: table inet " << impl_->table << " removed" << std::endl;
  return exit_code;
}

} // namespace kagami
