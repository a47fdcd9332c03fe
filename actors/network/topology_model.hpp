#pragma once

// The vocabulary of the topology: network elements, their ports, devices,
// and what one element reports about its neighbours. Plain data, no
// behaviour; the merge lives in topology_graph.hpp.
//
// MAC addresses are strings "aa:bb:cc:dd:ee:ff". The merge compares them
// case-insensitively (it lower-cases them); nothing else is normalized.
// A device or router whose MAC the gateway cannot learn (it sits behind a
// router) is identified by "ip:ADDRESS" in the same places instead; the
// merge treats that string like any other identity.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagami::topology {

/// What a network element is.
enum class element_kind { switch_element, access_point, router };

/// "switch", "ap" or "router".
const char* to_string(element_kind x);

/// A switch, AP or router the gateway manages (site config) or learned of.
struct element {
  std::string id;                 ///< Unique in the site ("sw1").
  element_kind kind = element_kind::switch_element;
  std::string chassis_mac;        ///< LLDP chassis id (a MAC).
  std::string management_address; ///< IP address of its agent / API.
  bool operator==(const element&) const = default;
};

/// One port of one element. For an AP, a port is a radio/SSID interface.
struct port_ref {
  std::string element_id;
  std::uint32_t port_id = 0; ///< ifIndex (0: not known, e.g. an LLDP peer
                             ///< port that names no port the peer reported).
  auto operator<=>(const port_ref&) const = default;
};

/// How much an outage of a device hurts (weights the least-impact cut).
enum class criticality { low, normal, high, critical };

/// "low", "normal", "high" or "critical".
const char* to_string(criticality x);

/// A device the gateway knows from onboarding (the identity is the MAC).
struct device {
  std::string mac;
  std::optional<std::string> thing_id; ///< Its virtual device, if admitted.
  criticality level = criticality::normal;
  bool operator==(const device&) const = default;
};

/// An LLDP neighbour seen on one port (lldpRemTable row).
struct lldp_neighbour {
  std::string chassis_id; ///< Usually a MAC.
  std::string port_id;    ///< The peer's port: an ifName or an ifIndex.
  bool operator==(const lldp_neighbour&) const = default;
};

/// A client associated to an AP.
struct ap_client {
  std::string mac;
  std::string ssid;
  bool operator==(const ap_client&) const = default;
};

/// What one element sees on one of its ports.
struct port_observation {
  std::uint32_t port_id = 0; ///< ifIndex.
  std::string name;          ///< ifName / ifDescr ("ge-0/0/3").
  std::vector<lldp_neighbour> lldp;
  /// MACs learned on the port (BRIDGE-MIB FDB, HTIP link information).
  std::vector<std::string> learned_macs;
  std::vector<ap_client> clients; ///< Only from APs.
  /// The port's own MAC (ifPhysAddress); "" when unknown. A MAC of an
  /// element's port is the element, never a device, and an LLDP port id
  /// that is a MAC names the port with that MAC.
  std::string mac;
  bool operator==(const port_observation&) const = default;
};

/// One element's answer to "who are your neighbours?".
struct neighbour_report {
  element reporter;
  /// When the element was asked, in ms since the epoch (a later report
  /// wins a conflict).
  std::int64_t observed_at_ms = 0;
  std::vector<port_observation> ports;
  /// What the element could not report soundly (a table that failed, a
  /// malformed row, no answer at all); the merge lists each as a flag
  /// "degraded: REASON" on the element.
  std::vector<std::string> degraded;
  bool operator==(const neighbour_report&) const = default;
};

} // namespace kagami::topology
