#include "actors/isolation/cut_planner.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <tuple>
#include <utility>

namespace kagami::isolation {

const char* to_string(cut_verdict x) {
  switch (x) {
    case cut_verdict::cut:
      return "cut";
    case cut_verdict::ask_human:
      return "ask_human";
    case cut_verdict::no_option:
      return "no_option";
  }
  return "no_option";
}

std::int64_t impact_weight(topology::criticality x) {
  switch (x) {
    case topology::criticality::low:
      return 1;
    case topology::criticality::normal:
      return 2;
    case topology::criticality::high:
      return 5;
    case topology::criticality::critical:
      return 100;
  }
  return 2;
}

nlohmann::json cut_option::to_json() const {
  return {{"element", element_id},
          {"action", network::to_string(action)},
          {"target", target},
          {"port", port_id},
          {"uplink", uplink},
          {"hop", hop_index},
          {"cut_off", cut_off},
          {"impact", impact},
          {"cuts_critical", cuts_critical},
          {"eligible", eligible()},
          {"refused", refused}};
}

nlohmann::json cut_plan::to_json() const {
  auto opts = nlohmann::json::array();
  for (const auto& o : options)
    opts.push_back(o.to_json());
  return {{"verdict", to_string(verdict)},
          {"reason", reason},
          {"chosen", chosen ? chosen->to_json() : nlohmann::json(nullptr)},
          {"options", std::move(opts)}};
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int action_rank(network::cut_action a) {
  switch (a) {
    case network::cut_action::client_deauth:
      return 0;
    case network::cut_action::port_down:
      return 1;
    case network::cut_action::ssid_off:
      return 2;
    case network::cut_action::radio_off:
      return 3;
  }
  return 4;
}

/// The order of rule 5 of the contract, preceded by the class order of
/// rule 6 (eligible non-uplink, eligible uplink, refused).
bool better(const cut_option& x, const cut_option& y) {
  auto group = [](const cut_option& o) {
    return !o.eligible() ? 2 : (o.uplink ? 1 : 0);
  };
  return std::tuple{group(x), x.cuts_critical, x.impact, action_rank(x.action),
                    x.hop_index, std::string_view{x.element_id}, x.port_id}
         < std::tuple{group(y), y.cuts_critical, y.impact,
                      action_rank(y.action), y.hop_index,
                      std::string_view{y.element_id}, y.port_id};
}

/// A healthy device and its path to the gateway.
struct healthy_device {
  const topology::device_node* node;
  std::vector<topology::hop> path;
};

void append(std::string& to, std::string_view why) {
  if (!to.empty())
    to += "; ";
  to += why;
}

std::string describe(const cut_option& o) {
  std::string out = network::to_string(o.action);
  out += ' ';
  out += o.target.empty() ? std::string{"?"} : o.target;
  out += " on ";
  out += o.element_id;
  out += " port ";
  out += std::to_string(o.port_id);
  return out;
}

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) {
    if (!out.empty())
      out += ", ";
    out += x;
  }
  return out;
}

} // namespace

cut_plan plan_cut(const topology::topology_graph& graph,
                  const std::string& suspect_mac,
                  const capability_map& capabilities,
                  const std::set<std::string>& not_healthy,
                  const cut_policy& policy) {
  using network::cut_action;
  cut_plan plan;
  const auto suspect = lower(suspect_mac);
  // 1. Where.
  auto node = graph.devices().find(suspect);
  auto path = graph.path_to_gateway(suspect);
  if (node == graph.devices().end() || !path || path->empty()) {
    std::string why = node == graph.devices().end()
                        ? "the device is unknown"
                      : !node->second.attached
                        ? "the device is seen at no access port"
                        : "there is no path from its element to the gateway";
    plan.reason = suspect + " is not located in the topology: " + why;
    return plan;
  }
  const auto& dev = node->second;
  // 3. The healthy devices and their paths.
  std::vector<healthy_device> healthy;
  for (const auto& [mac, d] : graph.devices()) {
    if (mac == suspect || !d.reachable || not_healthy.count(mac) > 0)
      continue;
    if (auto p = graph.path_to_gateway(mac))
      healthy.push_back({&d, std::move(*p)});
  }
  auto weight = [](const topology::device_node& d) {
    return impact_weight(d.known ? d.level : topology::criticality::low);
  };
  auto cuts = [&](cut_option& o, auto&& predicate) {
    for (const auto& h : healthy)
      if (predicate(h)) {
        o.cut_off.push_back(h.node->mac);
        o.impact += weight(*h.node);
        if (h.node->known && h.node->level == topology::criticality::critical)
          o.cuts_critical = true;
      }
    std::sort(o.cut_off.begin(), o.cut_off.end());
  };
  auto port_down_cuts = [&](const std::string& element, std::uint32_t port) {
    return [&element, port](const healthy_device& h) {
      return std::any_of(h.path.begin(), h.path.end(),
                         [&](const topology::hop& x) {
                           return x.element_id == element
                                  && x.ingress_port == port;
                         });
    };
  };
  // 2. The options along the path.
  std::vector<cut_option> options;
  const auto& first = path->front();
  auto first_element = graph.elements().find(first.element_id);
  // A Wi-Fi client of an AP; a device on any other port (or element) is
  // cut at its port.
  bool on_ap = first_element != graph.elements().end()
               && first_element->second.info.kind
                    == topology::element_kind::access_point
               && dev.ssid.has_value();
  for (std::size_t i = 0; i < path->size(); ++i) {
    const auto& h = (*path)[i];
    if (i == 0 && on_ap) {
      cut_option deauth;
      deauth.element_id = h.element_id;
      deauth.action = cut_action::client_deauth;
      deauth.target = suspect;
      deauth.port_id = h.ingress_port;
      deauth.hop_index = i;
      options.push_back(std::move(deauth));
      cut_option ssid;
      ssid.element_id = h.element_id;
      ssid.action = cut_action::ssid_off;
      ssid.target = *dev.ssid;
      ssid.port_id = h.ingress_port;
      ssid.hop_index = i;
      cuts(ssid, [&](const healthy_device& x) {
          return x.node->attached
                 && x.node->attached->element_id == h.element_id
                 && x.node->ssid == dev.ssid;
        });
      if (ssid.target.empty())
        append(ssid.refused, "no SSID known");
      options.push_back(std::move(ssid));
      cut_option radio;
      radio.element_id = h.element_id;
      radio.action = cut_action::radio_off;
      radio.port_id = h.ingress_port;
      radio.hop_index = i;
      const auto& ports = first_element->second.ports;
      if (auto p = ports.find(h.ingress_port); p != ports.end())
        radio.target = p->second;
      if (radio.target.empty())
        append(radio.refused, "radio id unknown");
      topology::port_ref radio_port{h.element_id, h.ingress_port};
      cuts(radio, [&](const healthy_device& x) {
        return x.node->attached == radio_port;
      });
      options.push_back(std::move(radio));
      continue;
    }
    cut_option down;
    down.element_id = h.element_id;
    down.action = cut_action::port_down;
    down.port_id = h.ingress_port;
    down.uplink = i > 0;
    down.hop_index = i;
    if (h.ingress_port == 0)
      append(down.refused, "port 0 has no ifIndex");
    else
      down.target = std::to_string(h.ingress_port);
    cuts(down, port_down_cuts(h.element_id, h.ingress_port));
    options.push_back(std::move(down));
  }
  // 4. Refusals.
  const auto& gateway_at = graph.gateway_attachment();
  for (auto& o : options) {
    std::string why;
    if (gateway_at && o.action != cut_action::client_deauth
        && gateway_at->element_id == o.element_id
        && gateway_at->port_id == o.port_id)
      append(why, "the gateway's own port");
    if (o.uplink && !policy.allow_uplink_cut)
      append(why, "uplink cuts are not allowed");
    auto caps = capabilities.find(o.element_id);
    if (caps == capabilities.end()
        || std::find(caps->second.begin(), caps->second.end(), o.action)
             == caps->second.end())
      append(why, o.element_id + " cannot " + network::to_string(o.action));
    if (!o.refused.empty())
      append(why, o.refused);
    o.refused = std::move(why);
  }
  // 5. Choice.
  std::sort(options.begin(), options.end(), better);
  plan.options = std::move(options);
  const auto& opts = plan.options;
  if (opts.empty() || !opts.front().eligible()) {
    plan.verdict = cut_verdict::no_option;
    std::string why;
    for (const auto& o : opts)
      append(why, describe(o) + ": " + o.refused);
    plan.reason = "no eligible cut for " + suspect + " (" + why + ")";
    return plan;
  }
  const auto& best = opts.front();
  if (best.cuts_critical && !policy.act_on_critical) {
    std::vector<std::string> critical;
    for (const auto& h : healthy)
      if (h.node->known && h.node->level == topology::criticality::critical
          && std::binary_search(best.cut_off.begin(), best.cut_off.end(),
                                h.node->mac))
        critical.push_back(h.node->mac);
    std::sort(critical.begin(), critical.end());
    plan.verdict = cut_verdict::ask_human;
    plan.reason = std::string{"every eligible "}
                  + (best.uplink ? "uplink" : "access-level")
                  + " cut of " + suspect
                  + " cuts off a critical device; the least-impact one ("
                  + describe(best) + ") cuts off critical " + join(critical)
                  + ": asking a human";
    return plan;
  }
  plan.verdict = cut_verdict::cut;
  plan.chosen = best;
  plan.reason = "cut " + suspect + " by " + describe(best)
                + (best.uplink ? " (an uplink: no access-level cut is eligible)"
                               : "")
                + ": cuts off " + std::to_string(best.cut_off.size())
                + " healthy device(s), impact " + std::to_string(best.impact)
                + (best.cuts_critical ? ", critical devices included by policy"
                                      : "");
  return plan;
}

} // namespace kagami::isolation
