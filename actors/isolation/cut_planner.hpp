#pragma once

// The least-impact cut: where to cut a suspect device off so that the
// fewest healthy devices, weighted by criticality, lose their path to the
// gateway. Plain C++, no actors, no I/O; the isolation_supervisor calls it
// and carries the chosen cut out through the element's actor.
//
// Contract of plan_cut:
// 1. Where. The suspect's path is graph.path_to_gateway(suspect): its own
//    element first (hop.ingress_port faces the device), the gateway's
//    element last. A suspect that is unknown, not attached or not connected
//    to the gateway gives `no_option` ("... is not located in the
//    topology: ...").
// 2. Options, in path order:
//    - first hop, the suspect a Wi-Fi client of an AP (device_node::ssid
//      set; its port is the radio): client_deauth (target: the suspect's
//      MAC), ssid_off (target: the suspect's SSID), radio_off (target: the
//      radio id, the name of the AP's radio port). None is an uplink.
//    - first hop, anything else (a switch, a router, a wired AP port):
//      port_down on the ingress port (the suspect's access port; not an
//      uplink).
//    - every later hop (this includes the switch port an AP hangs off):
//      port_down on hop.ingress_port, `uplink` = true.
// 3. Impact. Healthy devices: every device of graph.devices() that is
//    reachable, is not the suspect and is not in `not_healthy`. An option
//    cuts off
//    - port_down on (E, p): every healthy device whose own path to the
//      gateway has a hop at element E entering by port p (the devices
//      sharing the port and everything downstream of it, AP clients too);
//    - client_deauth: nobody;
//    - ssid_off: every healthy client of that AP with the same SSID (on any
//      of its radios);
//    - radio_off: every healthy device attached at that radio port.
//    `impact` is the sum of impact_weight(level) of the devices cut off,
//    where a device not known from onboarding (device_node::known false)
//    counts as criticality::low whatever its level: it is seen on the
//    network but nobody vouched for it.
// 4. Refusals (an option with a non-empty `refused` is never chosen; every
//    reason that applies is listed, joined by "; "):
//    - "the gateway's own port": the option would take down the port the
//      gateway is attached at (graph.gateway_attachment()); also when the
//      suspect shares it. A client_deauth there is allowed (it cuts only
//      the suspect).
//    - "uplink cuts are not allowed": uplink && !policy.allow_uplink_cut.
//    - "E cannot A": `capabilities` lacks action A for element E (an
//      element missing from the map can do nothing).
//    - "port N has no ifIndex" (port 0, an LLDP peer port never named),
//      "no SSID known", "radio id unknown": no usable target.
// 5. Choice. The class of non-uplink options is considered first; only if
//    it has no eligible option, the eligible uplink options. Within the
//    class the best option is the one that
//      a) cuts no critical device, then
//      b) has the least impact, then
//      c) has the lower action in client_deauth < port_down < ssid_off <
//         radio_off, then
//      d) is closer to the suspect (earlier hop), then
//      e) has the smaller element id, then the smaller port.
//    So the best option cuts a critical device only when every eligible
//    option of its class does. Then, unless policy.act_on_critical, the
//    verdict is `ask_human` (nothing chosen, the reason names the critical
//    devices); otherwise `cut` with that option. No eligible option at all:
//    `no_option`, the reason listing why each option was refused.
// 6. `options` holds every option, best first: the eligible non-uplink
//    ones by the order of 5, then the eligible uplink ones, then the
//    refused ones (by the same order).
// Deterministic: the same inputs give the same plan and the same JSON.
// Never throws except std::bad_alloc.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/network/element_backend.hpp"
#include "actors/network/topology_graph.hpp"

namespace kagami::isolation {

/// One way to cut the suspect off, and what it costs.
struct cut_option {
  std::string element_id;
  network::cut_action action = network::cut_action::port_down;
  /// As network::cut_order::target wants it: port_down: the decimal
  /// ifIndex; client_deauth: the client MAC; ssid_off: the SSID;
  /// radio_off: the radio id (the AP port's name, e.g. "radio0").
  std::string target;
  std::uint32_t port_id = 0; ///< The element port it acts on (AP: the radio port).
  /// The port is not the suspect's access port (it carries other elements'
  /// traffic).
  bool uplink = false;
  /// Healthy device MACs (lower case, sorted) that lose their path to the
  /// gateway.
  std::vector<std::string> cut_off;
  std::int64_t impact = 0;    ///< Sum of the cut_off devices' weights.
  bool cuts_critical = false; ///< A cut_off device is criticality::critical.
  /// "" when eligible; else why not ("the gateway's own port", "uplink cuts
  /// are not allowed", "sw2 cannot port_down", ...).
  std::string refused;
  /// Index of the hop on the suspect's path (0: the suspect's own element).
  std::size_t hop_index = 0;

  bool eligible() const {
    return refused.empty();
  }
  nlohmann::json to_json() const;
};

struct cut_policy {
  /// Consider upstream (uplink) ports at all; even then only when no
  /// eligible access-level option exists.
  bool allow_uplink_cut = false;
  /// Cut even when every eligible option cuts a critical device.
  bool act_on_critical = false;
};

enum class cut_verdict { cut, ask_human, no_option };

/// "cut", "ask_human" or "no_option".
const char* to_string(cut_verdict);

struct cut_plan {
  cut_verdict verdict = cut_verdict::no_option;
  std::optional<cut_option> chosen; ///< Set iff verdict == cut.
  /// Every option considered, eligible or not, best first (the decision
  /// trail).
  std::vector<cut_option> options;
  std::string reason; ///< One sentence for operators.
  /// For the persisted decision trail: {"verdict", "reason", "chosen"
  /// (an option or null), "options": [option...]}; an option is
  /// {"element", "action", "target", "port", "uplink", "hop", "cut_off",
  /// "impact", "cuts_critical", "eligible", "refused"}.
  nlohmann::json to_json() const;
};

/// Element id -> the cuts it can make (network::element_backend::capabilities).
using capability_map = std::map<std::string, std::vector<network::cut_action>>;

/// Weight of a criticality in the impact sum: low 1, normal 2, high 5,
/// critical 100 (one critical device outweighs dozens of ordinary ones).
std::int64_t impact_weight(topology::criticality);

/// Plans the least-impact cut of `suspect_mac` (any case) by the contract
/// above. `not_healthy`: lower-case MACs not counted as healthy (other
/// suspects, isolated and rogue devices); the suspect itself is never
/// counted.
cut_plan plan_cut(const topology::topology_graph& graph,
                  const std::string& suspect_mac,
                  const capability_map& capabilities,
                  const std::set<std::string>& not_healthy,
                  const cut_policy& policy);

} // namespace kagami::isolation
