#pragma once

// The topology graph: merges the neighbour reports of the network elements,
// the devices known from onboarding and the gateway's own MAC into one graph
// of elements, ports, devices and the gateway. Plain C++, no actors, no I/O.
// Deterministic: the same inputs, in any order, give the same graph and the
// same JSON.
//
// Merge rules:
// 1. Elements are the reporters. Two elements with the same chassis MAC are
//    both flagged ("duplicate chassis id"); an LLDP neighbour naming that
//    chassis makes no link (it could be either), but its port still counts
//    as an uplink.
//    1b. The MAC of an element's port (port_observation::mac) is an alias
//    of that element: never a device, and it names the element like its
//    chassis does (an LLDP chassis id, a learned MAC; rules 2 and 6).
// 2. Links: an LLDP neighbour whose chassis id is another element's chassis
//    MAC (or alias) links the two ports. One side suffices; a link seen from
//    both sides is one link, marked `both_sides`. The peer port is the
//    peer's reported port whose name or ifIndex equals the LLDP port id;
//    else the one whose MAC equals it (lldpd's default port id); else the
//    port id read as a number; else port 0 (unknown).
//    2b. A port whose link to one element is seen from both sides hears any
//    other element through that element (a bridge that forwards LLDP): a
//    one-sided LLDP link from that port to another element is dropped (the
//    port still counts as an uplink; rule 6 may link that element).
// 3. The gateway attaches at the port where an element sees the gateway's
//    chassis in LLDP (smallest element id, then port, if several). Without
//    that, at the ports that learned the gateway MAC and have no element
//    LLDP neighbour: the port with the fewest learned MACs (the edge), then
//    the smallest element id and port.
// 4. Uplink ports are not access ports: ports with an LLDP neighbour that is
//    an element or the gateway, and ports other than the gateway's own
//    attachment that learned the gateway MAC (they face the gateway).
// 5. A device (any MAC that is not an element's chassis or the gateway's,
//    including an LLDP neighbour that is no element) attaches at a port
//    where it is seen that is not an uplink: on a daisy chain, the switch at
//    the edge. AP clients always attach at the AP's port. Several such
//    ports (two elements, or two ports of one element, claim it) are a
//    conflict: the port of the most recent report wins, then the smallest
//    element id, then the smallest port; the conflict is recorded. A device
//    seen only on uplinks has no attachment.
// 6. An element that has no LLDP link but whose chassis MAC (or an alias)
//    other elements learned on ports that are no uplinks (rule 4) is linked
//    at the edge one: the port that learned the fewest element chassis, then the fewest
//    MACs, then the smallest port. Its own end is its smallest port that
//    learned the peer's chassis, else port 0. Ports that learned an
//    element's chassis then count as uplinks for rule 5.
// 7. Reachability runs from the gateway's element over the links. Devices
//    with no attachment, on an element not reachable, or known from
//    onboarding but seen nowhere, are `unreachable` (to be probed by TTL).
//    Elements not reachable are listed as well.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/network/topology_model.hpp"

namespace kagami::topology {

/// A link between two element ports; `a < b`.
struct element_link {
  port_ref a;
  port_ref b;
  bool both_sides = false; ///< LLDP saw it from both ends.
  auto operator<=>(const element_link& other) const {
    return std::tie(a, b) <=> std::tie(other.a, other.b);
  }
  bool operator==(const element_link& other) const {
    return a == other.a && b == other.b;
  }
};

/// Where a device is attached, and what is known of it.
struct device_node {
  std::string mac;                  ///< Lower case.
  std::optional<port_ref> attached; ///< Nothing: not located.
  std::optional<std::string> ssid;  ///< Set for an AP client.
  bool known = false;               ///< Known from onboarding.
  std::optional<std::string> thing_id;
  criticality level = criticality::normal;
  bool reachable = false; ///< Connected to the gateway in the graph.
};

/// Two or more access ports claimed one device.
struct attachment_conflict {
  std::string mac;
  std::vector<port_ref> claims; ///< Every claiming port, sorted.
  port_ref chosen;
};

/// An element of the graph.
struct element_node {
  element info;
  std::int64_t observed_at_ms = 0;
  std::map<std::uint32_t, std::string> ports; ///< ifIndex -> name.
  /// "degraded: REASON" for each of the report's degraded reasons, then
  /// "duplicate chassis id MAC".
  std::vector<std::string> flags;
  bool reachable = false;
};

/// One hop of a device's path to the gateway.
struct hop {
  std::string element_id;
  std::uint32_t ingress_port = 0; ///< Towards the device.
  std::uint32_t egress_port = 0;  ///< Towards the gateway.
  bool operator==(const hop&) const = default;
};

class topology_graph {
public:
  /// The empty graph (no elements; the gateway unattached).
  topology_graph() = default;

  /// Merges `reports`, the devices known from onboarding, and the gateway's
  /// MAC by the rules above. Never throws except std::bad_alloc; bad input
  /// (empty MACs, unknown peers) is skipped or recorded, never fatal.
  static topology_graph merge(const std::vector<neighbour_report>& reports,
                              const std::vector<device>& known_devices,
                              const std::string& gateway_mac);

  /// The hops from the device with `mac` (any case) to the gateway, the
  /// device's own element first and the gateway's element last. Nothing if
  /// the device is unknown or not connected to the gateway.
  std::optional<std::vector<hop>> path_to_gateway(const std::string& mac) const;

  const std::map<std::string, element_node>& elements() const {
    return elements_;
  }
  const std::set<element_link>& links() const {
    return links_;
  }
  /// By lower-case MAC.
  const std::map<std::string, device_node>& devices() const {
    return devices_;
  }
  const std::string& gateway_mac() const {
    return gateway_mac_;
  }
  const std::optional<port_ref>& gateway_attachment() const {
    return gateway_attachment_;
  }
  const std::vector<attachment_conflict>& conflicts() const {
    return conflicts_;
  }
  /// MACs of the devices not connected to the gateway, sorted.
  std::vector<std::string> unreachable_devices() const;
  /// Ids of the elements not connected to the gateway, sorted.
  std::vector<std::string> unreachable_elements() const;

  /// The whole graph; keys and arrays in a fixed order.
  nlohmann::json to_json() const;

private:
  std::map<std::string, element_node> elements_;
  std::set<element_link> links_;
  std::map<std::string, device_node> devices_;
  std::string gateway_mac_;
  std::optional<port_ref> gateway_attachment_;
  std::vector<attachment_conflict> conflicts_;
  /// For each reachable element but the gateway's: the port it leaves by
  /// towards the gateway, and the next element's port it enters.
  std::map<std::string, std::pair<std::uint32_t, port_ref>> towards_gateway_;
};

/// A device that changed its attachment between two versions.
struct moved_device {
  std::string mac;
  std::optional<port_ref> from;
  std::optional<port_ref> to;
};

/// What changed from `before` to `after`.
struct topology_diff {
  std::vector<std::string> added_devices;   ///< Sorted MACs.
  std::vector<std::string> removed_devices; ///< Sorted MACs.
  std::vector<moved_device> moved_devices;  ///< By MAC.
  std::vector<element_link> added_links;
  std::vector<element_link> removed_links;

  bool empty() const;
  nlohmann::json to_json() const;
};

/// The changes from `before` to `after` (for the topology history).
topology_diff diff(const topology_graph& before, const topology_graph& after);

} // namespace kagami::topology
