#include "actors/network/topology_graph.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace kagami::topology {

const char* to_string(element_kind x) {
  switch (x) {
    case element_kind::switch_element:
      return "switch";
    case element_kind::access_point:
      return "ap";
    case element_kind::router:
      return "router";
  }
  return "switch";
}

const char* to_string(criticality x) {
  switch (x) {
    case criticality::low:
      return "low";
    case criticality::normal:
      return "normal";
    case criticality::high:
      return "high";
    case criticality::critical:
      return "critical";
  }
  return "normal";
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct port_ref_hash {
  size_t operator()(const port_ref& p) const noexcept {
    return std::hash<std::string>{}(p.element_id) * 31u
           + std::hash<std::uint32_t>{}(p.port_id);
  }
};

/// One port where a MAC was seen.
struct sighting {
  port_ref at;
  std::int64_t observed_at_ms = 0;
  const std::string* ssid = nullptr; ///< Set for an AP client.
};

/// The access ports among `seen` (AP clients, or ports not in `uplinks`),
/// one sighting per port (the latest), sorted by port.
std::vector<sighting>
access_sightings(const std::vector<sighting>& seen,
                 const std::unordered_set<port_ref, port_ref_hash>& uplinks) {
  std::vector<sighting> out;
  for (const auto& s : seen)
    if (s.ssid != nullptr || uplinks.count(s.at) == 0)
      out.push_back(s);
  std::sort(out.begin(), out.end(), [](const sighting& x, const sighting& y) {
    return std::tie(x.at, y.observed_at_ms) < std::tie(y.at, x.observed_at_ms);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const sighting& x, const sighting& y) {
                          return x.at == y.at;
                        }),
            out.end());
  return out;
}

/// Rule 5's choice among several access sightings: the latest report, then
/// the smallest port.
const sighting& choose(const std::vector<sighting>& access) {
  const sighting* best = &access.front();
  for (const auto& s : access)
    if (s.observed_at_ms > best->observed_at_ms
        || (s.observed_at_ms == best->observed_at_ms && s.at < best->at))
      best = &s;
  return *best;
}

nlohmann::json port_json(const port_ref& p) {
  return {{"element", p.element_id}, {"port", p.port_id}};
}

nlohmann::json optional_port_json(const std::optional<port_ref>& p) {
  return p ? port_json(*p) : nlohmann::json(nullptr);
}

nlohmann::json link_json(const element_link& l) {
  return {{"a", port_json(l.a)},
          {"b", port_json(l.b)},
          {"both_sides", l.both_sides}};
}

} // namespace

topology_graph
topology_graph::merge(const std::vector<neighbour_report>& reports,
                      const std::vector<device>& known_devices,
                      const std::string& gateway_mac) {
  topology_graph g;
  g.gateway_mac_ = lower(gateway_mac);
  // Rule 1: one report per element (the later one; ties: the first given).
  std::map<std::string, const neighbour_report*> latest;
  for (const auto& r : reports) {
    if (r.reporter.id.empty())
      continue;
    auto& slot = latest[r.reporter.id];
    if (slot == nullptr || r.observed_at_ms > slot->observed_at_ms)
      slot = &r;
  }
  std::unordered_map<std::string, std::vector<std::string>> chassis_owners;
  for (const auto& [id, r] : latest) {
    auto& node = g.elements_[id];
    node.info = r->reporter;
    node.info.chassis_mac = lower(r->reporter.chassis_mac);
    node.observed_at_ms = r->observed_at_ms;
    for (const auto& p : r->ports)
      node.ports.emplace(p.port_id, p.name);
    for (const auto& why : r->degraded)
      node.flags.push_back("degraded: " + why);
    if (!node.info.chassis_mac.empty())
      chassis_owners[node.info.chassis_mac].push_back(id);
  }
  for (const auto& [chassis, owners] : chassis_owners)
    if (owners.size() > 1)
      for (const auto& id : owners)
        g.elements_[id].flags.push_back("duplicate chassis id " + chassis);
  // Port MACs: aliases of their element (rule 1b), and the ports they name.
  std::unordered_map<std::string, std::string> alias_owner;
  std::unordered_map<std::string, std::unordered_map<std::string, std::uint32_t>> port_by_mac;
  for (const auto& [id, r] : latest)
    for (const auto& p : r->ports) {
      auto mac = lower(p.mac);
      if (mac.empty() || mac == "00:00:00:00:00:00")
        continue;
      port_by_mac[id].emplace(mac, p.port_id);
      if (chassis_owners.count(mac) == 0)
        alias_owner.emplace(mac, id);
    }
  // Rules 2-4: links, uplinks, sightings.
  std::unordered_set<port_ref, port_ref_hash> uplinks;
  std::unordered_map<port_ref, size_t, port_ref_hash> learned_count;
  std::unordered_map<std::string, std::vector<sighting>> seen;
  std::vector<port_ref> gateway_lldp;
  std::map<std::pair<port_ref, port_ref>, std::set<std::string>> lldp_links;
  for (const auto& [id, r] : latest) {
    for (const auto& p : r->ports) {
      port_ref here{id, p.port_id};
      for (const auto& nb : p.lldp) {
        auto chassis = lower(nb.chassis_id);
        if (chassis.empty())
          continue;
        if (chassis == g.gateway_mac_) {
          gateway_lldp.push_back(here);
          uplinks.insert(here);
          continue;
        }
        std::vector<std::string> alias;
        const std::vector<std::string>* owned = nullptr;
        if (auto owners = chassis_owners.find(chassis); owners != chassis_owners.end()) {
          owned = &owners->second;
        } else if (auto a = alias_owner.find(chassis); a != alias_owner.end()) {
          alias.push_back(a->second);
          owned = &alias;
        }
        if (owned == nullptr) {
          seen[chassis].push_back({here, r->observed_at_ms, nullptr});
          continue;
        }
        uplinks.insert(here);
        if (owned->size() != 1 || owned->front() == id)
          continue;
        const auto& peer = g.elements_[owned->front()];
        port_ref there{peer.info.id, 0};
        auto named = std::find_if(peer.ports.begin(), peer.ports.end(),
                                  [&](const auto& kv) {
                                    return kv.second == nb.port_id
                                           || std::to_string(kv.first)
                                                == nb.port_id;
                                  });
        const auto& peer_macs = port_by_mac[peer.info.id];
        if (named != peer.ports.end()) {
          there.port_id = named->first;
        } else if (auto m = peer_macs.find(lower(nb.port_id)); m != peer_macs.end()) {
          there.port_id = m->second;
        } else {
          std::uint32_t n = 0;
          auto* end = nb.port_id.data() + nb.port_id.size();
          auto [ptr, ec] = std::from_chars(nb.port_id.data(), end, n);
          if (ec == std::errc{} && ptr == end)
            there.port_id = n;
        }
        auto key = here < there ? std::pair{here, there}
                                : std::pair{there, here};
        lldp_links[key].insert(id);
      }
      for (const auto& mac : p.learned_macs) {
        if (mac.empty())
          continue;
        seen[lower(mac)].push_back({here, r->observed_at_ms, nullptr});
        ++learned_count[here];
      }
      for (const auto& c : p.clients)
        if (!c.mac.empty())
          seen[lower(c.mac)].push_back({here, r->observed_at_ms, &c.ssid});
    }
  }
  // Rule 2b: a port with a link confirmed from both sides hears any other
  // element through that link (a bridge that forwards LLDP): its one-sided
  // LLDP links to other elements are not adjacencies.
  std::unordered_map<port_ref, std::string, port_ref_hash> confirmed_peer;
  for (const auto& [ends, reporters] : lldp_links)
    if (reporters.size() > 1) {
      confirmed_peer[ends.first] = ends.second.element_id;
      confirmed_peer[ends.second] = ends.first.element_id;
    }
  auto heard_through = [&](const port_ref& end, const port_ref& other) {
    auto i = confirmed_peer.find(end);
    return i != confirmed_peer.end() && i->second != other.element_id;
  };
  for (const auto& [ends, reporters] : lldp_links) {
    uplinks.insert(ends.first);
    uplinks.insert(ends.second);
    if (reporters.size() == 1
        && (heard_through(ends.first, ends.second) || heard_through(ends.second, ends.first)))
      continue;
    g.links_.insert({ends.first, ends.second, reporters.size() > 1});
  }
  // Rule 3: the gateway's attachment.
  auto gateway_seen = seen.find(g.gateway_mac_);
  if (!gateway_lldp.empty()) {
    g.gateway_attachment_ = *std::min_element(gateway_lldp.begin(),
                                              gateway_lldp.end());
  } else if (gateway_seen != seen.end()) {
    auto access = access_sightings(gateway_seen->second, uplinks);
    auto edge = std::min_element(
      access.begin(), access.end(), [&](const sighting& x, const sighting& y) {
        return std::pair{learned_count[x.at], x.at}
               < std::pair{learned_count[y.at], y.at};
      });
    if (edge != access.end())
      g.gateway_attachment_ = edge->at;
  }
  // Rule 4: ports that learned the gateway MAC face the gateway.
  if (gateway_seen != seen.end())
    for (const auto& s : gateway_seen->second)
      if (s.at != g.gateway_attachment_)
        uplinks.insert(s.at);
  // Rules 5 and 6: devices and LLDP-less elements, in MAC order.
  std::vector<const std::string*> macs;
  macs.reserve(seen.size());
  for (const auto& kv : seen)
    if (kv.first != g.gateway_mac_)
      macs.push_back(&kv.first);
  std::sort(macs.begin(), macs.end(),
            [](const std::string* x, const std::string* y) { return *x < *y; });
  // Rule 6: ports that learned an element's chassis face that element.
  std::unordered_map<port_ref, std::set<std::string>, port_ref_hash> facing;
  for (const auto& [chassis, owners] : chassis_owners)
    if (auto s = seen.find(chassis); s != seen.end())
      for (const auto& x : s->second)
        facing[x.at].insert(owners.begin(), owners.end());
  // Where an element's port MACs were learned, by element.
  std::map<std::string, std::vector<sighting>> alias_seen;
  for (const auto& [mac, owner] : alias_owner)
    if (auto s = seen.find(mac); s != seen.end())
      for (const auto& x : s->second) {
        facing[x.at].insert(owner);
        alias_seen[owner].push_back(x);
      }
  std::set<std::string> linked;
  for (const auto& l : g.links_) {
    linked.insert(l.a.element_id);
    linked.insert(l.b.element_id);
  }
  for (const auto& [chassis, owners] : chassis_owners) {
    if (owners.size() != 1 || linked.count(owners[0]) > 0)
      continue;
    const auto& id = owners.front();
    std::vector<sighting> sightings;
    if (auto s = seen.find(chassis); s != seen.end())
      sightings = s->second;
    if (auto a = alias_seen.find(id); a != alias_seen.end())
      sightings.insert(sightings.end(), a->second.begin(), a->second.end());
    if (sightings.empty())
      continue;
    auto access = access_sightings(sightings, uplinks);
    auto edge_key = [&](const sighting& x) {
      return std::tuple{facing[x.at].size(), learned_count[x.at], x.at};
    };
    const sighting* edge = nullptr;
    for (const auto& x : access)
      if (x.at.element_id != id && (edge == nullptr || edge_key(x) < edge_key(*edge)))
        edge = &x;
    if (edge == nullptr)
      continue;
    port_ref at = edge->at, own{id, 0};
    const auto& peer_chassis = g.elements_[at.element_id].info.chassis_mac;
    if (auto back = seen.find(peer_chassis); back != seen.end()) {
      std::optional<port_ref> best;
      for (const auto& x : back->second)
        if (x.at.element_id == id && (!best || x.at < *best))
          best = x.at;
      if (best)
        own = *best;
    }
    g.links_.insert(at < own ? element_link{at, own, false}
                             : element_link{own, at, false});
    linked.insert(id);
  }
  for (const auto& [port, ids] : facing)
    uplinks.insert(port);
  for (const auto* mac : macs) {
    if (chassis_owners.count(*mac) > 0 || alias_owner.count(*mac) > 0)
      continue;
    auto access = access_sightings(seen[*mac], uplinks);
    auto& node = g.devices_.emplace_hint(g.devices_.end(), *mac,
                                         device_node{})->second;
    node.mac = *mac;
    if (access.empty())
      continue;
    const auto& chosen = choose(access);
    node.attached = chosen.at;
    if (chosen.ssid != nullptr)
      node.ssid = *chosen.ssid;
    if (access.size() > 1) {
      attachment_conflict c{*mac, {}, chosen.at};
      for (const auto& s : access)
        c.claims.push_back(s.at);
      g.conflicts_.push_back(std::move(c));
    }
  }
  for (const auto& d : known_devices) {
    auto mac = lower(d.mac);
    if (mac.empty() || mac == g.gateway_mac_ || chassis_owners.count(mac) > 0
        || alias_owner.count(mac) > 0)
      continue;
    auto& node = g.devices_[mac];
    node.mac = mac;
    node.known = true;
    node.thing_id = d.thing_id;
    node.level = d.level;
  }
  // Rule 7: reachability from the gateway's element, breadth first.
  if (g.gateway_attachment_) {
    std::map<std::string, std::vector<std::pair<port_ref, port_ref>>> adjacent;
    for (const auto& l : g.links_) {
      adjacent[l.a.element_id].emplace_back(l.a, l.b);
      adjacent[l.b.element_id].emplace_back(l.b, l.a);
    }
    std::deque<std::string> queue{g.gateway_attachment_->element_id};
    if (auto root = g.elements_.find(queue.front()); root != g.elements_.end())
      root->second.reachable = true;
    else
      queue.clear();
    while (!queue.empty()) {
      auto cur = std::move(queue.front());
      queue.pop_front();
      for (const auto& [mine, theirs] : adjacent[cur]) {
        auto next = g.elements_.find(theirs.element_id);
        if (next == g.elements_.end() || next->second.reachable)
          continue;
        next->second.reachable = true;
        g.towards_gateway_[theirs.element_id] = {theirs.port_id, mine};
        queue.push_back(theirs.element_id);
      }
    }
  }
  for (auto& [mac, node] : g.devices_)
    if (node.attached) {
      auto e = g.elements_.find(node.attached->element_id);
      node.reachable = e != g.elements_.end() && e->second.reachable;
    }
  return g;
}

std::optional<std::vector<hop>>
topology_graph::path_to_gateway(const std::string& mac) const {
  auto d = devices_.find(lower(mac));
  if (d == devices_.end() || !d->second.reachable || !gateway_attachment_)
    return std::nullopt;
  std::vector<hop> path;
  std::string cur = d->second.attached->element_id;
  std::uint32_t ingress = d->second.attached->port_id;
  // A path visits each element at most once.
  for (size_t i = 0; i <= elements_.size(); ++i) {
    if (cur == gateway_attachment_->element_id) {
      path.push_back({cur, ingress, gateway_attachment_->port_id});
      return path;
    }
    auto step = towards_gateway_.find(cur);
    if (step == towards_gateway_.end())
      return std::nullopt;
    path.push_back({cur, ingress, step->second.first});
    ingress = step->second.second.port_id;
    cur = step->second.second.element_id;
  }
  return std::nullopt;
}

std::vector<std::string> topology_graph::unreachable_devices() const {
  std::vector<std::string> out;
  for (const auto& [mac, node] : devices_)
    if (!node.reachable)
      out.push_back(mac);
  return out;
}

std::vector<std::string> topology_graph::unreachable_elements() const {
  std::vector<std::string> out;
  for (const auto& [id, node] : elements_)
    if (!node.reachable)
      out.push_back(id);
  return out;
}

nlohmann::json topology_graph::to_json() const {
  auto elements = nlohmann::json::array();
  for (const auto& [id, node] : elements_) {
    auto ports = nlohmann::json::array();
    for (const auto& [port_id, name] : node.ports)
      ports.push_back({{"id", port_id}, {"name", name}});
    elements.push_back({{"id", id},
                        {"kind", to_string(node.info.kind)},
                        {"chassis_mac", node.info.chassis_mac},
                        {"management_address", node.info.management_address},
                        {"observed_at_ms", node.observed_at_ms},
                        {"ports", std::move(ports)},
                        {"flags", node.flags},
                        {"reachable", node.reachable}});
  }
  auto links = nlohmann::json::array();
  for (const auto& l : links_)
    links.push_back(link_json(l));
  auto devices = nlohmann::json::array();
  for (const auto& [mac, node] : devices_) {
    nlohmann::json d{{"mac", mac},
                     {"attachment", optional_port_json(node.attached)},
                     {"known", node.known},
                     {"criticality", to_string(node.level)},
                     {"reachable", node.reachable}};
    if (node.ssid)
      d["ssid"] = *node.ssid;
    if (node.thing_id)
      d["thing_id"] = *node.thing_id;
    devices.push_back(std::move(d));
  }
  auto conflicts = nlohmann::json::array();
  for (const auto& c : conflicts_) {
    auto claims = nlohmann::json::array();
    for (const auto& p : c.claims)
      claims.push_back(port_json(p));
    conflicts.push_back({{"mac", c.mac},
                         {"claims", std::move(claims)},
                         {"chosen", port_json(c.chosen)}});
  }
  return {{"gateway",
           {{"mac", gateway_mac_},
            {"attachment", optional_port_json(gateway_attachment_)}}},
          {"elements", std::move(elements)},
          {"links", std::move(links)},
          {"devices", std::move(devices)},
          {"conflicts", std::move(conflicts)},
          {"unreachable",
           {{"devices", unreachable_devices()},
            {"elements", unreachable_elements()}}}};
}

bool topology_diff::empty() const {
  return added_devices.empty() && removed_devices.empty()
         && moved_devices.empty() && added_links.empty()
         && removed_links.empty();
}

nlohmann::json topology_diff::to_json() const {
  auto moved = nlohmann::json::array();
  for (const auto& m : moved_devices)
    moved.push_back({{"mac", m.mac},
                     {"from", optional_port_json(m.from)},
                     {"to", optional_port_json(m.to)}});
  auto links = [](const std::vector<element_link>& ls) {
    auto out = nlohmann::json::array();
    for (const auto& l : ls)
      out.push_back(link_json(l));
    return out;
  };
  return {{"added_devices", added_devices},
          {"removed_devices", removed_devices},
          {"moved_devices", std::move(moved)},
          {"added_links", links(added_links)},
          {"removed_links", links(removed_links)}};
}

topology_diff diff(const topology_graph& before, const topology_graph& after) {
  topology_diff out;
  const auto& a = before.devices();
  const auto& b = after.devices();
  for (const auto& [mac, node] : b) {
    auto old = a.find(mac);
    if (old == a.end())
      out.added_devices.push_back(mac);
    else if (old->second.attached != node.attached)
      out.moved_devices.push_back({mac, old->second.attached, node.attached});
  }
  for (const auto& [mac, node] : a)
    if (b.count(mac) == 0)
      out.removed_devices.push_back(mac);
  // A link is the same link whether or not both sides saw it.
  std::set_difference(after.links().begin(), after.links().end(),
                      before.links().begin(), before.links().end(),
                      std::back_inserter(out.added_links));
  std::set_difference(before.links().begin(), before.links().end(),
                      after.links().begin(), after.links().end(),
                      std::back_inserter(out.removed_links));
  return out;
}

} // namespace kagami::topology
