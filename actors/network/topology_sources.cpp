#include "actors/network/topology_sources.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace kagami::topology {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

nlohmann::json without_times(nlohmann::json j) {
  if (auto it = j.find("elements"); it != j.end() && it->is_array())
    for (auto& e : *it)
      if (e.is_object())
        e.erase("observed_at_ms");
  return j;
}

} // namespace

std::string identity_of(const managed_device& d) {
  if (!d.mac.empty())
    return lower(d.mac);
  if (!d.ip.empty())
    return "ip:" + d.ip;
  return {};
}

std::vector<device> known_devices(const std::vector<managed_device>& devices) {
  std::vector<device> out;
  for (const auto& d : devices) {
    auto id = identity_of(d);
    if (id.empty())
      continue;
    out.push_back({std::move(id),
                   d.thing_id.empty() ? std::nullopt : std::optional<std::string>{d.thing_id},
                   d.level});
  }
  return out;
}

std::string router_id(const std::string& ip) {
  return "router-" + ip;
}

std::vector<neighbour_report>
router_reports(const std::map<std::string, probed_path>& paths_by_identity,
               const std::map<std::string, std::string>& mac_by_ip, std::int64_t now_ms) {
  struct router {
    std::string chassis;
    std::set<std::string> next_hops; // chassis of the next routers
    std::set<std::string> hosts;     // identities of the devices behind
  };
  std::map<std::string, router> routers; // by ip
  auto chassis_of = [&](const std::string& ip, bool first_hop) {
    if (first_hop)
      if (auto i = mac_by_ip.find(ip); i != mac_by_ip.end() && !i->second.empty())
        return lower(i->second);
    return "ip:" + ip;
  };
  for (const auto& [identity, path] : paths_by_identity) {
    if (!path.reached || path.hops.empty() || identity.empty())
      continue;
    std::vector<std::string> chain;
    for (std::size_t i = 0; i + 1 < path.hops.size(); ++i)
      if (path.hops[i] && *path.hops[i] != path.destination
          && std::find(chain.begin(), chain.end(), *path.hops[i]) == chain.end())
        chain.push_back(*path.hops[i]);
    for (std::size_t i = 0; i < chain.size(); ++i) {
      auto& r = routers[chain[i]];
      // Only a router answering TTL 1 is on the gateway's link.
      bool first = path.hops[0] && *path.hops[0] == chain[i];
      if (r.chassis.empty() || first)
        r.chassis = chassis_of(chain[i], first);
      if (i + 1 < chain.size())
        r.next_hops.insert(chain[i + 1]);
      else
        r.hosts.insert(identity);
    }
  }
  std::vector<neighbour_report> out;
  for (const auto& [ip, r] : routers) {
    neighbour_report rep;
    rep.reporter = {router_id(ip), element_kind::router, r.chassis, ip};
    rep.observed_at_ms = now_ms;
    port_observation next;
    next.port_id = 1;
    next.name = "next hops";
    for (const auto& n : r.next_hops) {
      auto it = routers.find(n);
      next.learned_macs.push_back(it != routers.end() ? it->second.chassis : "ip:" + n);
    }
    port_observation hosts;
    hosts.port_id = 2;
    hosts.name = "routed hosts";
    hosts.learned_macs.assign(r.hosts.begin(), r.hosts.end());
    rep.ports = {std::move(next), std::move(hosts)};
    out.push_back(std::move(rep));
  }
  return out;
}

bool topology_changed(const topology_graph& before, const topology_graph& after) {
  return without_times(before.to_json()) != without_times(after.to_json());
}

probe_cache::probe_cache(std::int64_t reprobe_ms, std::size_t max_entries)
  : reprobe_ms_(reprobe_ms), max_entries_(std::max<std::size_t>(1, max_entries)) {
  // nop
}

std::vector<std::string> probe_cache::due(const std::vector<std::string>& destinations,
                                          std::int64_t now_ms) const {
  std::vector<std::string> out;
  for (const auto& d : destinations) {
    auto i = entries_.find(d);
    if (i == entries_.end() || now_ms - i->second.taken_at_ms >= reprobe_ms_)
      out.push_back(d);
  }
  return out;
}

void probe_cache::put(probed_path path, std::int64_t now_ms) {
  auto key = path.destination;
  entries_[key] = {std::move(path), now_ms};
  while (entries_.size() > max_entries_) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const auto& x, const auto& y) {
                                     return x.second.taken_at_ms < y.second.taken_at_ms;
                                   });
    entries_.erase(oldest);
  }
}

const probed_path* probe_cache::find(const std::string& destination) const {
  auto i = entries_.find(destination);
  return i == entries_.end() ? nullptr : &i->second.path;
}

} // namespace kagami::topology
