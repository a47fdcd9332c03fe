#include "actors/network/topology_supervisor.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include <caf/all.hpp>

#include "actors/core/error.hpp"

namespace kagami::network {

namespace {

using namespace std::chrono;

std::int64_t now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}


struct topology_supervisor_state {
  static inline const char* name = "topology_supervisor";

  topology_supervisor_config cfg;
  std::unique_ptr<topology::topology_history> history;
  topology::probe_cache probes{0};
  /// The newest version and its graph (nothing before the first one).
  std::optional<topology::topology_version> current;
  topology::topology_graph graph;
  std::vector<caf::actor> subscribers;

  // The refresh in progress.
  bool refreshing = false;
  std::optional<std::string> queued_cause;
  std::string cause;
  steady_clock::time_point started;
  std::size_t pending = 0;
  std::vector<topology::neighbour_report> reports;

  // Counters for inspect.
  std::uint64_t refreshes = 0;
  std::uint64_t versions_written = 0;
  std::int64_t last_refresh_at_ms = 0;
  std::int64_t last_refresh_us = 0;
  std::string last_error;

  /// The gateway's neighbour table as the last probe run saw it (names the
  /// first hop's MAC); at most max_macs entries.
  std::map<std::string, std::string> first_hop_macs;
  static constexpr std::size_t max_macs = 4096;

  void remember_macs(const std::map<std::string, std::string>& macs) {
    for (const auto& [ip, mac] : macs)
      if (first_hop_macs.size() < max_macs || first_hop_macs.count(ip) > 0)
        first_hop_macs[ip] = mac;
  }

  const std::map<std::string, std::string>& probes_macs() const {
    return first_hop_macs;
  }
};

using supervisor_pointer = topology_supervisor_actor::stateful_pointer<topology_supervisor_state>;

void start_refresh(supervisor_pointer self, std::string cause);

/// Step 4: store a new version when the graph changed; then the next
/// refresh, if one was asked for meanwhile.
void finish_refresh(supervisor_pointer self, topology::merge_inputs inputs) {
  auto& st = self->state;
  auto graph = topology::topology_graph::merge(inputs.reports, inputs.known_devices,
                                               inputs.gateway_mac);
  if (!st.current || topology::topology_changed(st.graph, graph)) {
    topology::topology_version v;
    v.at_ms = now_ms();
    v.cause = st.current ? st.cause : "start";
    v.inputs = std::move(inputs);
    v.diff = st.current ? topology::diff(st.graph, graph).to_json()
                        : nlohmann::json::object();
    if (auto err = st.history->append(v)) {
      st.last_error = "cannot store the topology: " + detail_of(err);
      std::cerr << "kagamid: topology: " << st.last_error << "\n";
    } else {
      ++st.versions_written;
      st.graph = std::move(graph);
      nlohmann::json event{{"version", v.version},
                           {"at_ms", v.at_ms},
                           {"cause", v.cause},
                           {"diff", v.diff}};
      std::cerr << "kagamid: topology: version " << v.version << " (" << v.cause
                << "): " << v.diff.dump() << "\n";
      auto text = event.dump();
      for (auto& s : st.subscribers)
        caf::anon_send(s, topology_atom::value, text);
      st.current = std::move(v);
    }
  }
  ++st.refreshes;
  st.last_refresh_at_ms = now_ms();
  st.last_refresh_us = duration_cast<microseconds>(steady_clock::now() - st.started).count();
  st.refreshing = false;
  if (st.queued_cause) {
    auto next = std::move(*st.queued_cause);
    st.queued_cause.reset();
    start_refresh(self, std::move(next));
  }
}

/// Step 3: probe the devices the graph does not connect, then finish.
void probe_gaps(supervisor_pointer self) {
  auto& st = self->state;
  topology::merge_inputs inputs;
  inputs.reports = std::move(st.reports);
  st.reports.clear();
  if (st.cfg.heard_reports)
    for (auto& r : st.cfg.heard_reports())
      inputs.reports.push_back(std::move(r));
  // Elements without a chassis MAC: the MAC of their management address.
  if (st.cfg.neighbour_table) {
    std::map<std::string, std::string> macs;
    bool read = false;
    for (auto& r : inputs.reports) {
      if (!r.reporter.chassis_mac.empty() || r.reporter.management_address.empty())
        continue;
      if (!read) {
        macs = st.cfg.neighbour_table();
        read = true;
      }
      if (auto i = macs.find(r.reporter.management_address); i != macs.end())
        r.reporter.chassis_mac = i->second;
    }
  }
  inputs.gateway_mac = st.cfg.gateway_mac;
  std::vector<topology::managed_device> devices;
  if (st.cfg.devices)
    devices = st.cfg.devices();
  inputs.known_devices = topology::known_devices(devices);
  if (!st.cfg.prober)
    return finish_refresh(self, std::move(inputs));
  auto first = topology::topology_graph::merge(inputs.reports, inputs.known_devices,
                                               inputs.gateway_mac);
  std::map<std::string, std::string> identity_by_ip;
  std::vector<std::string> targets;
  for (const auto& mac : first.unreachable_devices())
    for (const auto& d : devices)
      if (!d.ip.empty() && topology::identity_of(d) == mac
          && identity_by_ip.emplace(d.ip, mac).second)
        targets.push_back(d.ip);
  auto due = st.probes.due(targets, now_ms());
  if (due.size() > st.cfg.max_probes_per_refresh)
    due.resize(st.cfg.max_probes_per_refresh);
  auto with_routers = [self, identity_by_ip](topology::merge_inputs in,
                                             const std::map<std::string, std::string>& macs) {
    auto& st = self->state;
    std::map<std::string, topology::probed_path> paths;
    for (const auto& [ip, identity] : identity_by_ip)
      if (auto* p = st.probes.find(ip))
        paths.emplace(identity, *p);
    for (auto& r : topology::router_reports(paths, macs, now_ms()))
      in.reports.push_back(std::move(r));
    finish_refresh(self, std::move(in));
  };
  if (due.empty()) {
    // Only cached paths: the first hop's MAC was recorded with them.
    return with_routers(std::move(inputs), st.probes_macs());
  }
  self->request(st.cfg.prober, st.cfg.probe_timeout, probe_atom::value, due)
    .then(
      [self, with_routers, inputs](probe_results& res) mutable {
        auto& st = self->state;
        auto t = now_ms();
        for (auto& p : res.paths)
          st.probes.put(std::move(p), t);
        st.remember_macs(res.mac_by_ip);
        with_routers(std::move(inputs), st.probes_macs());
      },
      [self, with_routers, inputs](caf::error& err) mutable {
        auto& st = self->state;
        st.last_error = "probing failed: " + self->system().render(err);
        with_routers(std::move(inputs), st.probes_macs());
      });
}

/// Steps 1-2: ask every element.
void start_refresh(supervisor_pointer self, std::string cause) {
  auto& st = self->state;
  if (st.refreshing) {
    if (!st.queued_cause)
      st.queued_cause = std::move(cause);
    return;
  }
  st.refreshing = true;
  st.cause = std::move(cause);
  st.started = steady_clock::now();
  st.reports.clear();
  st.pending = st.cfg.elements.size();
  if (st.pending == 0)
    return probe_gaps(self);
  for (const auto& e : st.cfg.elements) {
    auto one_done = [self] {
      if (--self->state.pending == 0)
        probe_gaps(self);
    };
    self->request(e.handle, st.cfg.element_timeout, neighbours_atom::value,
                  deadline_in(st.cfg.element_timeout))
      .then(
        [self, one_done](element_reading& r) {
          r.report.degraded = std::move(r.degraded);
          self->state.reports.push_back(std::move(r.report));
          one_done();
        },
        [self, one_done, identity = e.identity](caf::error& err) {
          topology::neighbour_report r;
          r.reporter = identity;
          r.observed_at_ms = now_ms();
          auto why = detail_of(err);
          r.degraded.push_back("no reading: " + (why.empty() ? self->system().render(err) : why));
          self->state.reports.push_back(std::move(r));
          one_done();
        });
  }
}

topology_supervisor_actor::behavior_type
topology_supervisor(supervisor_pointer self, topology_supervisor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.history = std::make_unique<topology::topology_history>(*st.cfg.store,
                                                            st.cfg.history_retain);
  st.probes = topology::probe_cache{st.cfg.reprobe.count()};
  // Continue the history: the stored newest version is the current one.
  if (auto latest = st.history->latest(); !latest) {
    st.last_error = detail_of(latest.error());
    std::cerr << "kagamid: topology: " << st.last_error << " (starting a new history)\n";
  } else if (*latest) {
    st.current = std::move(**latest);
    const auto& in = st.current->inputs;
    st.graph = topology::topology_graph::merge(in.reports, in.known_devices, in.gateway_mac);
  }
  self->set_down_handler([self](const caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const caf::actor& a) { return a.address() == dm.source; }),
               subs.end());
  });
  self->send(self, refresh_atom::value);
  return {
    [self](refresh_atom) {
      start_refresh(self, "refresh");
      self->delayed_send(self, self->state.cfg.refresh_period, refresh_atom::value);
    },
    [self](refresh_atom, std::string& cause) { start_refresh(self, std::move(cause)); },
    [self](topology_atom, const topology::topology_query& q) -> caf::result<std::string> {
      auto& st = self->state;
      auto marks = st.cfg.marks ? st.cfg.marks() : topology::dot_marks{};
      auto text = topology::answer(*st.history, q, marks);
      if (!text)
        return std::move(text.error());
      if (q.what == topology::topology_query::view::graph && q.version == 0) {
        // The newest version also says how the refreshes go.
        auto doc = nlohmann::json::parse(*text);
        doc["refresh"] = {{"refreshes", st.refreshes},
                          {"last_at_ms", st.last_refresh_at_ms},
                          {"last_duration_us", st.last_refresh_us},
                          {"period_ms", st.cfg.refresh_period.count()},
                          {"last_error", st.last_error}};
        return doc.dump();
      }
      if (q.what != topology::topology_query::view::svg)
        return std::move(*text);
      if (!st.cfg.renderer)
        return make_error(ec::unavailable, "SVG rendering is not available");
      auto rp = self->make_response_promise<std::string>();
      self->request(st.cfg.renderer, st.cfg.render_timeout, render_atom::value, *text)
        .then([rp](std::string& svg) mutable { rp.deliver(std::move(svg)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](subscribe_atom, caf::actor& sink) {
      self->monitor(sink);
      self->state.subscribers.push_back(std::move(sink));
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      auto elements = nlohmann::json::array();
      for (const auto& e : st.cfg.elements)
        elements.push_back({{"id", e.identity.id},
                            {"kind", topology::to_string(e.identity.kind)},
                            {"address", e.identity.management_address}});
      return nlohmann::json{{"version", st.current ? st.current->version : 0},
                            {"refreshes", st.refreshes},
                            {"versions_written", st.versions_written},
                            {"last_refresh_at_ms", st.last_refresh_at_ms},
                            {"last_refresh_us", st.last_refresh_us},
                            {"refreshing", st.refreshing},
                            {"last_error", st.last_error},
                            {"elements", std::move(elements)}}
        .dump();
    },
  };
}

} // namespace

topology_supervisor_actor spawn_topology_supervisor(caf::actor_system& sys,
                                                    topology_supervisor_config cfg) {
  // Detached: a refresh reads the device registry and the neighbour table
  // and syncs a version to RocksDB, and a query reads the history; none of
  // that may block a scheduler thread.
  return sys.spawn<caf::detached>(topology_supervisor, std::move(cfg));
}

} // namespace kagami::network
