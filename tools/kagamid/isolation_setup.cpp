#include "tools/kagamid/isolation_setup.hpp"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include <caf/all.hpp>

#include "actors/core/error.hpp"
#include "actors/isolation/ble_link_judge.hpp"
#include "actors/isolation/flow_monitor.hpp"
#include "actors/isolation/isolation_supervisor.hpp"
#include "actors/isolation/traffic_monitor.hpp"
#include "actors/network/topology_history.hpp"
#include "protocols/ble/bluez_block.hpp"
#include "storage/rogue_registry.hpp"
#include "tools/kagamid/element_adapters.hpp"

namespace kagami {

namespace {

using nlohmann::json;

void say(const std::string& line) {
  std::cerr << "kagamid: " << line << std::endl;
}

/// The gateway's own MACs and IPv4 addresses, on every interface: traffic
/// to any of them is traffic to the gateway.
void add_own_addresses(isolation::flow_policy_config& policy) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return;
  for (auto* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_LOOPBACK) != 0)
      continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      char text[INET_ADDRSTRLEN] = {};
      auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
      if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)))
        if (auto ip = protocols::pcap::parse_ip(text))
          policy.gateway_ips.push_back(*ip);
    } else if (i->ifa_addr->sa_family == AF_PACKET) {
      auto* ll = reinterpret_cast<sockaddr_ll*>(i->ifa_addr);
      if (ll->sll_halen != 6)
        continue;
      isolation::mac_address mac{};
      std::copy(ll->sll_addr, ll->sll_addr + 6, mac.begin());
      if (mac != isolation::mac_address{})
        policy.gateway_macs.push_back(mac);
    }
  }
  freeifaddrs(list);
}

/// The chassis and port MACs of every element in the newest topology.
std::vector<isolation::mac_address> infrastructure_macs(storage::kv_store& store) {
  std::vector<isolation::mac_address> out;
  topology::topology_history history{store, 1'000'000};
  auto latest = history.latest();
  if (!latest || !*latest)
    return out;
  auto add = [&](const std::string& text) {
    if (auto mac = protocols::pcap::parse_mac(text))
      out.push_back(*mac);
  };
  for (const auto& r : (*latest)->inputs.reports) {
    add(r.reporter.chassis_mac);
    for (const auto& p : r.ports)
      add(p.mac);
  }
  return out;
}

std::set<std::string> rogue_macs(storage::kv_store& store) {
  std::set<std::string> out;
  storage::rogue_registry rogues{store};
  if (auto all = rogues.load_all())
    for (const auto& r : *all)
      if (!r.mac.empty()) {
        auto mac = r.mac;
        for (auto& c : mac)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.insert(mac);
      }
  return out;
}

} // namespace

struct isolation_service::impl {
  std::shared_ptr<const config::site_config> site;
  std::shared_ptr<protocols::ble::ble_activity> ble_activity;
  storage::kv_store* store = nullptr;
  topology_service* topology = nullptr;
  isolation::isolation_supervisor_actor supervisor;
  isolation::flow_monitor_actor flow;
  /// The element actors cuts go through: each with an adapter (a session)
  /// of its own, so that a cut never waits behind a topology walk.
  std::vector<network::network_element_actor> cut_elements;
  std::vector<isolation::traffic_monitor_actor> traffic;
};

isolation_service::isolation_service(std::shared_ptr<const config::site_config> site,
                                     storage::kv_store& store, topology_service& topology,
                                     std::shared_ptr<protocols::ble::ble_activity> ble_activity)
  : impl_(std::make_unique<impl>()) {
  impl_->site = std::move(site);
  impl_->ble_activity = ble_activity ? std::move(ble_activity)
                                     : std::make_shared<protocols::ble::ble_activity>();
  impl_->store = &store;
  impl_->topology = &topology;
}

isolation_service::~isolation_service() {
  stop();
}

bool isolation_service::enabled() const {
  return impl_->site->isolation.enabled && impl_->topology->enabled();
}

caf::error isolation_service::start(caf::actor_system& sys, directory_actor directory,
                                    std::function<void(const nlohmann::json&)> alert) {
  if (!enabled())
    return caf::none;
  const auto& iso = impl_->site->isolation;
  auto* store = impl_->store;
  auto elements = impl_->topology->element_actors();

  isolation::isolation_supervisor_config cfg;
  for (auto& [identity, handle] : elements) {
    auto conf = std::find_if(impl_->site->network.elements.begin(),
                             impl_->site->network.elements.end(),
                             [&](const auto& e) { return e.id == identity.id; });
    if (conf == impl_->site->network.elements.end())
      continue;
    auto backend = make_element_adapter(*conf);
    if (!backend)
      return make_error(ec::config_invalid,
                        "/network/elements: " + identity.id + ": " + detail_of(backend.error()));
    network::network_element_config ecfg;
    ecfg.identity = identity;
    auto h = network::spawn_network_element(sys, ecfg, std::move(*backend));
    caf::anon_send(directory, register_atom::value, std::string{"network_element (cuts)"},
                   identity.id, caf::actor_cast<caf::actor>(h));
    impl_->cut_elements.push_back(h);
    cfg.elements.push_back({identity.id, h});
  }
  cfg.policy.allow_uplink_cut = iso.cut.allow_uplink_cut;
  cfg.policy.act_on_critical = iso.cut.act_on_critical;
  cfg.verify_timeout = std::chrono::milliseconds(iso.cut.verify_timeout_ms);
  cfg.retries = iso.cut.retries;
  cfg.reverify_period = std::chrono::seconds(iso.cut.reverify_s);
  cfg.isolate_rogues = iso.rogues;
  cfg.store = store;
  cfg.topology = impl_->topology->supervisor();
  cfg.rogue_macs = [store] { return rogue_macs(*store); };
  cfg.alert = alert;
  cfg.log = [](const std::string& line) { say("isolation: " + line); };
  // The gateway's own cut: BlueZ refuses a blocked device and drops its link.
  cfg.gateway_cut = [bus = impl_->site->discovery.ble.bus](const storage::isolation_record& rec,
                                                            bool block)
    -> caf::expected<network::cut_outcome> {
    auto locator = rec.evidence.value("locator", std::string{});
    if (auto err = protocols::ble::block_device(bus, locator, std::chrono::seconds(2), block))
      return err;
    return network::cut_outcome{true, true,
                                std::string{"Blocked="} + (block ? "true" : "false") + " on "
                                  + locator,
                                0};
  };
  impl_->supervisor = isolation::spawn_isolation_supervisor(sys, std::move(cfg));
  auto sup = caf::actor_cast<caf::actor>(impl_->supervisor);
  caf::anon_send(directory, register_atom::value, std::string{"isolation_supervisor"},
                 std::string{"isolation"}, sup);
  if (auto topo = impl_->topology->supervisor())
    caf::anon_send(topo, subscribe_atom::value, sup);

  // One traffic monitor per SNMP switch.
  isolation::traffic_rates_config rates;
  rates.default_threshold = {iso.traffic.default_pps, iso.traffic.default_bps};
  for (const auto& p : iso.traffic.ports)
    rates.per_port[{p.element, p.port}] = {p.pps, p.bps};
  rates.learn_baseline = iso.traffic.learn_baseline;
  rates.baseline_samples = static_cast<int>(iso.traffic.baseline_samples);
  rates.baseline_factor = iso.traffic.baseline_factor;
  for (auto& [identity, handle] : elements) {
    if (identity.kind != topology::element_kind::switch_element)
      continue;
    isolation::traffic_monitor_config tm;
    tm.element_id = identity.id;
    tm.element = handle;
    tm.rates = rates;
    tm.period = std::chrono::milliseconds(iso.traffic.period_ms);
    tm.sink = sup;
    tm.log = [](const std::string& line) { say(line); };
    auto monitor = isolation::spawn_traffic_monitor(sys, std::move(tm));
    if (!monitor)
      return make_error(ec::config_invalid, "/isolation/traffic: " + detail_of(monitor.error()));
    caf::anon_send(directory, register_atom::value, "traffic_monitor " + identity.id,
                   std::string{"isolation"}, caf::actor_cast<caf::actor>(*monitor));
    impl_->traffic.push_back(*monitor);
  }

  if (iso.mirror) {
    isolation::flow_monitor_config fm;
    fm.capture.interface = iso.mirror->interface;
    fm.capture.snaplen = static_cast<int>(iso.mirror->snaplen);
    fm.capture.filter = iso.mirror->filter;
    fm.capture.promiscuous = true;
    fm.capture.max_batch = 256;
    fm.capture.poll_interval = std::chrono::milliseconds(100);
    add_own_addresses(fm.policy);
    if (auto mac = protocols::pcap::parse_mac(impl_->topology->gateway_mac()))
      fm.policy.gateway_macs.push_back(*mac);
    for (const auto& m : iso.policy.exempt_macs)
      if (auto mac = protocols::pcap::parse_mac(m))
        fm.policy.exempt_macs.push_back(*mac);
    for (const auto& s : iso.policy.dhcp_servers)
      if (auto ip = protocols::pcap::parse_ip(s))
        fm.policy.dhcp_servers.push_back(*ip);
    for (const auto& a : iso.policy.allow) {
      isolation::flow_allowance rule;
      rule.ip_protocol = a.protocol == config::flow_protocol::tcp ? 6 : 17;
      rule.destination = protocols::pcap::parse_ip(a.address);
      rule.destination_port = a.port;
      fm.policy.allowances.push_back(rule);
    }
    fm.infrastructure_macs = [store] { return infrastructure_macs(*store); };
    fm.sink = sup;
    fm.alert = alert;
    fm.log = [](const std::string& line) { say(line); };
    auto flow = isolation::spawn_flow_monitor(sys, std::move(fm));
    if (!flow)
      return make_error(code_of(flow.error()), "/isolation/mirror: " + detail_of(flow.error()));
    impl_->flow = *flow;
    auto handle = caf::actor_cast<caf::actor>(impl_->flow);
    caf::anon_send(directory, register_atom::value, "flow_monitor " + iso.mirror->interface,
                   std::string{"isolation"}, handle);
    if (auto topo = impl_->topology->supervisor())
      caf::anon_send(topo, subscribe_atom::value, handle);
  }
  say("isolation: supervisor, " + std::to_string(impl_->traffic.size())
      + " traffic monitor(s)" + (iso.mirror ? ", flow monitor on " + iso.mirror->interface : ""));
  return caf::none;
}

void isolation_service::device_link(const std::string& mac, const std::string& seen_on,
                                    bool up) {
  if (!up || !impl_->supervisor || seen_on.rfind("bluez:", 0) != 0)
    return;
  auto now = protocols::ble::ble_activity::clock::now();
  auto why = isolation::unexpected_ble_link(*impl_->ble_activity, mac, now);
  if (!why)
    return;
  auto at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  nlohmann::json evidence{{"kind", "unexpected_ble_connection"},
                          {"seen_on", seen_on},
                          {"locator", seen_on.substr(6)},
                          {"reason", *why},
                          {"first_seen_ms", at_ms},
                          {"last_seen_ms", at_ms}};
  caf::anon_send(impl_->supervisor, suspect_atom::value, mac, std::string{},
                 std::string{"gateway"}, evidence.dump());
}

caf::actor isolation_service::supervisor() const {
  return caf::actor_cast<caf::actor>(impl_->supervisor);
}

void isolation_service::stop() {
  if (!impl_)
    return;
  if (impl_->flow)
    caf::anon_send_exit(impl_->flow, caf::exit_reason::user_shutdown);
  for (auto& t : impl_->traffic)
    caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
  if (impl_->supervisor)
    caf::anon_send_exit(impl_->supervisor, caf::exit_reason::user_shutdown);
  impl_->flow = isolation::flow_monitor_actor{};
  for (auto& e : impl_->cut_elements)
    caf::anon_send_exit(e, caf::exit_reason::user_shutdown);
  impl_->cut_elements.clear();
  impl_->traffic.clear();
  impl_->supervisor = isolation::isolation_supervisor_actor{};
}

} // namespace kagami
