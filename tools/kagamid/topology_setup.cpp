#include "tools/kagamid/topology_setup.hpp"

#include <fstream>
#include <mutex>
#include <set>
#include <iostream>
#include <sstream>

#include <caf/all.hpp>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "protocols/lldp_htip/htip_l2_agent.hpp"
#include "protocols/neighbour/neighbour_table_parser.hpp"
#include "protocols/probe/icmp_reply_parser.hpp"
#include "protocols/probe/ttl_probe.hpp"
#include "protocols/snmp/snmp_switch_adapter.hpp"
#include "storage/device_registry.hpp"
#include "storage/rogue_registry.hpp"
#include "tools/kagamid/element_adapters.hpp"

namespace kagami {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The MAC of `interface` (sysfs), lower case; empty when unknown.
std::string interface_mac(const std::string& interface) {
  if (interface.empty() || interface.find('/') != std::string::npos)
    return {};
  auto text = read_text("/sys/class/net/" + interface + "/address");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text.size() == 17 ? text : std::string{};
}

topology::criticality level_of(config::criticality c) {
  switch (c) {
    case config::criticality::low:
      return topology::criticality::low;
    case config::criticality::medium:
      return topology::criticality::normal;
    case config::criticality::high:
      return topology::criticality::high;
    case config::criticality::critical:
      return topology::criticality::critical;
  }
  return topology::criticality::normal;
}

/// The host of "HOST:PORT", or "" when it does not parse.
std::string host_of(const std::string& address) {
  auto hp = config::parse_host_port(address);
  return hp ? hp->host : std::string{};
}

/// The managed devices from the registry: onboarded ones with the MAC and
/// address onboarding saw, configured ones by their address.
std::vector<topology::managed_device> managed_devices(storage::kv_store& store) {
  std::vector<topology::managed_device> out;
  storage::device_registry registry{store};
  auto configured = registry.load_all();
  auto onboarded = registry.load_onboarded();
  if (!configured || !onboarded) {
    std::cerr << "kagamid: topology: device registry: "
              << detail_of(!configured ? configured.error() : onboarded.error()) << "\n";
    return out;
  }
  for (const auto& dev : *configured) {
    topology::managed_device d;
    d.thing_id = dev.id;
    d.ip = host_of(dev.address);
    out.push_back(std::move(d));
  }
  for (const auto& rec : *onboarded) {
    topology::managed_device d;
    d.thing_id = rec.device.id;
    d.ip = host_of(rec.device.address);
    if (rec.onboarding) {
      d.mac = rec.onboarding->mac;
      if (!rec.onboarding->address.empty())
        d.ip = rec.onboarding->address;
      d.level = level_of(rec.onboarding->criticality);
    }
    out.push_back(std::move(d));
  }
  return out;
}

/// Rogue devices to mark in DOT / SVG: the MACs of rogue records, except a
/// MAC that an admitted device owns. A spoofer announcing a legitimate
/// device's MAC is refused by address, and its MAC node in the graph is the
/// legitimate device (the two ports that claim it are a recorded conflict):
/// marking it would call the victim rogue.
topology::dot_marks rogue_marks(storage::kv_store& store) {
  std::set<std::string> owned;
  for (const auto& d : managed_devices(store))
    if (auto id = topology::identity_of(d); !id.empty())
      owned.insert(id);
  topology::dot_marks marks;
  storage::rogue_registry rogues{store};
  if (auto all = rogues.load_all())
    for (const auto& r : *all) {
      auto mac = r.mac;
      for (auto& c : mac)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!mac.empty() && owned.count(mac) == 0)
        marks.rogue.insert(mac);
    }
  return marks;
}

/// One TTL-stepped probe as the supervisor's path.
topology::probed_path probe_one(const std::string& destination,
                                const protocols::probe::ttl_probe_config& cfg) {
  topology::probed_path path;
  path.destination = destination;
  auto run = protocols::probe::probe_path(destination, cfg);
  if (!run) {
    std::cerr << "kagamid: topology: probe " << destination << ": "
              << detail_of(run.error()) << "\n";
    return path;
  }
  for (const auto& hop : run->hops)
    path.hops.push_back(hop.responder ? std::optional<std::string>{
                          protocols::probe::format_ipv4(*hop.responder)}
                                      : std::nullopt);
  path.reached = run->reached;
  return path;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// The HTIP L2 agents heard so far, shared by the capture thread (writes)
/// and the supervisor (reads once per refresh).
struct heard_agents {
  std::mutex mtx;
  protocols::lldp_htip::htip_agent_table table;
  std::uint64_t refused = 0;
};

std::map<std::string, std::string> gateway_neighbours() {
  std::map<std::string, std::string> out;
  auto table = protocols::parse_neighbour_table(read_text("/proc/net/arp"));
  if (table)
    for (const auto& row : table->rows)
      out.emplace(row.ip, row.mac);
  return out;
}

} // namespace

struct topology_service::impl {
  std::shared_ptr<const config::site_config> site;
  storage::kv_store* store = nullptr;
  std::string gateway_mac;
  std::vector<std::pair<topology::element, std::shared_ptr<network::element_backend>>> backends;
  /// Null unless network.htipAgents is on.
  std::shared_ptr<heard_agents> agents;
  // Running.
  std::vector<network::network_element_actor> elements;
  network::path_prober_actor prober;
  network::topology_renderer_actor renderer;
  network::topology_supervisor_actor supervisor;
};

topology_service::topology_service(std::unique_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

topology_service::~topology_service() {
  stop();
}

caf::expected<std::unique_ptr<topology_service>>
topology_service::prepare(std::shared_ptr<const config::site_config> site,
                          storage::kv_store& store) {
  auto p = std::make_unique<impl>();
  p->site = site;
  p->store = &store;
  const auto& net = site->network;
  if (!net.empty()) {
    p->gateway_mac = !net.gateway_mac.empty() ? net.gateway_mac
                                              : interface_mac(site->discovery.interface);
    for (auto& c : p->gateway_mac)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (p->gateway_mac.empty())
      return make_error(ec::config_invalid,
                        "/network/gatewayMac: is required: the gateway's OT-side MAC could "
                        "not be read from discovery.interface (\""
                          + site->discovery.interface + "\")");
    if (net.htip_agents.enabled)
      p->agents = std::make_shared<heard_agents>();
    for (const auto& e : net.elements) {
      auto backend = make_element_adapter(e);
      if (!backend)
        return make_error(ec::config_invalid,
                          "/network/elements: " + e.id + ": " + detail_of(backend.error()));
      topology::element identity;
      identity.id = e.id;
      identity.kind = e.protocol == config::element_protocol::ap
                        ? topology::element_kind::access_point
                        : topology::element_kind::switch_element;
      identity.management_address = e.address;
      p->backends.emplace_back(std::move(identity), std::move(*backend));
    }
  }
  return std::unique_ptr<topology_service>{new topology_service(std::move(p))};
}

bool topology_service::enabled() const {
  return !impl_->site->network.empty();
}

void topology_service::start(caf::actor_system& sys, directory_actor directory) {
  if (!enabled() || impl_->supervisor)
    return;
  const auto& net = impl_->site->network;
  auto reg = [&](const char* type, const std::string& key, caf::actor h) {
    caf::anon_send(directory, register_atom::value, std::string{type}, key, std::move(h));
  };
  network::topology_supervisor_config cfg;
  for (auto& [identity, backend] : impl_->backends) {
    network::network_element_config ecfg;
    ecfg.identity = identity;
    auto h = network::spawn_network_element(sys, ecfg, backend);
    reg("network_element", identity.id, caf::actor_cast<caf::actor>(h));
    impl_->elements.push_back(h);
    cfg.elements.push_back({identity, h});
  }
  cfg.gateway_mac = impl_->gateway_mac;
  cfg.refresh_period = std::chrono::seconds(net.refresh_s);
  cfg.element_timeout = std::chrono::milliseconds(net.element_timeout_ms);
  auto* store = impl_->store;
  cfg.devices = [store] { return managed_devices(*store); };
  cfg.marks = [store] { return rogue_marks(*store); };
  cfg.neighbour_table = gateway_neighbours;
  if (auto agents = impl_->agents)
    cfg.heard_reports = [agents] {
      std::lock_guard<std::mutex> guard{agents->mtx};
      auto t = now_ms();
      agents->table.expire(t);
      return agents->table.reports(t);
    };
  if (net.probe.enabled) {
    protocols::probe::ttl_probe_config pcfg;
    pcfg.max_hops = static_cast<uint8_t>(net.probe.max_hops);
    pcfg.hop_timeout = std::chrono::milliseconds(net.probe.hop_timeout_ms);
    pcfg.tries_per_hop = 2;
    pcfg.max_total = pcfg.hop_timeout * pcfg.tries_per_hop * pcfg.max_hops;
    network::path_prober_io io;
    io.probe = [pcfg](const std::string& d) { return probe_one(d, pcfg); };
    io.neighbour_table = gateway_neighbours;
    impl_->prober = network::spawn_path_prober(sys, io);
    reg("path_prober", "icmp", caf::actor_cast<caf::actor>(impl_->prober));
    cfg.prober = impl_->prober;
    // One probe run covers the due destinations one after the other.
    cfg.probe_timeout = pcfg.max_total * cfg.max_probes_per_refresh + std::chrono::seconds(5);
    cfg.reprobe = std::chrono::seconds(net.probe.reprobe_s);
  }
  impl_->renderer = network::spawn_topology_renderer(sys);
  reg("topology_renderer", "graphviz", caf::actor_cast<caf::actor>(impl_->renderer));
  cfg.renderer = impl_->renderer;
  cfg.store = impl_->store;
  cfg.history_retain = net.history_retain;
  impl_->supervisor = network::spawn_topology_supervisor(sys, std::move(cfg));
  reg("topology_supervisor", "root", caf::actor_cast<caf::actor>(impl_->supervisor));
}

void topology_service::hear_htip_agent(const protocols::lldp_htip::lldp_frame& frame) {
  auto agents = impl_->agents;
  if (!agents)
    return;
  std::lock_guard<std::mutex> guard{agents->mtx};
  auto result = agents->table.observe(frame, now_ms());
  // Logged at the 1st, 2nd, 4th, 8th ... refusal: a flood stays readable.
  if (!result && (++agents->refused & (agents->refused - 1)) == 0)
    std::cerr << "kagamid: topology: HTIP agent ignored (" << agents->refused
              << " so far): " << detail_of(result.error()) << "\n";
}

void topology_service::refresh(const std::string& cause) {
  if (impl_->supervisor)
    caf::anon_send(impl_->supervisor, refresh_atom::value, cause);
}

void topology_service::stop() {
  if (!impl_)
    return;
  auto down = [](auto& h) {
    if (h)
      caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    h = nullptr;
  };
  down(impl_->supervisor);
  down(impl_->prober);
  down(impl_->renderer);
  for (auto& e : impl_->elements)
    down(e);
  impl_->elements.clear();
}

std::vector<std::pair<topology::element, network::network_element_actor>>
topology_service::element_actors() const {
  std::vector<std::pair<topology::element, network::network_element_actor>> out;
  for (std::size_t i = 0; i < impl_->elements.size() && i < impl_->backends.size(); ++i)
    out.emplace_back(impl_->backends[i].first, impl_->elements[i]);
  return out;
}

const std::string& topology_service::gateway_mac() const {
  return impl_->gateway_mac;
}

caf::actor topology_service::supervisor() const {
  return caf::actor_cast<caf::actor>(impl_->supervisor);
}

} // namespace kagami
