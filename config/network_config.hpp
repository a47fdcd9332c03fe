#pragma once

// The "network" section of the site config: the network elements (switches
// and access points) the gateway virtualizes, and how it refreshes the OT
// topology. Absent section: no elements, no topology supervisor. Format:
// config/README.md, "Network elements and topology".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>

namespace kagami::config {

/// How kagami talks to one element.
enum class element_protocol {
  snmp_switch, ///< "snmp-switch": SNMPv2c (LLDP-MIB, BRIDGE-MIB, IF-MIB).
  ap,          ///< "ap": an access point's HTTP/JSON management API.
};

/// "snmp-switch" or "ap".
const char* to_string(element_protocol x);

struct network_element_config {
  /// Unique among the elements, [A-Za-z0-9._-], 1..64 ("sw1").
  std::string id;
  element_protocol protocol = element_protocol::snmp_switch;
  /// The management address: an IPv4 literal (the gateway's own firewall
  /// opens exactly these).
  std::string address;
  /// 1..65535; default 161 (snmp-switch) or 80 (ap).
  uint16_t port = 0;
  /// snmp-switch: the read community (required) and the write community
  /// (optional; without it the element offers no cut).
  std::string community;
  std::string write_community;
  /// ap: the management API model ("kagami-sim-ap"), looked up in the AP
  /// model registry at start-up.
  std::string model;
  /// One request to the element: 50..60000 ms; retries 0..5 (SNMP).
  uint32_t timeout_ms = 1000;
  uint32_t retries = 1;

  friend bool operator==(const network_element_config&, const network_element_config&)
    = default;
};

struct network_config {
  std::vector<network_element_config> elements;
  /// The gateway's own MAC on the OT side ("aa:bb:cc:dd:ee:ff"); empty:
  /// read from discovery.interface at start-up.
  std::string gateway_mac;
  /// Seconds between topology refreshes: 1..86400.
  uint32_t refresh_s = 30;
  /// How long the supervisor waits for one element's reading:
  /// 100..600000 ms (covers the element's own timeout times its retries
  /// and every table it walks).
  uint32_t element_timeout_ms = 15000;
  /// Versions kept in the topology history: 1..100000.
  uint32_t history_retain = 1000;

  /// TTL-stepped ICMP probes towards devices the graph does not connect.
  struct probe_config {
    bool enabled = false;
    /// 1..32.
    uint32_t max_hops = 8;
    /// 50..10000 ms per hop.
    uint32_t hop_timeout_ms = 500;
    /// A found path is reused this long before the device is probed again:
    /// 0..86400 s.
    uint32_t reprobe_s = 300;
    friend bool operator==(const probe_config&, const probe_config&) = default;
  } probe;

  /// HTIP L2 agents (switches without SNMP that announce their MAC tables in
  /// LLDP link-information TLVs) heard on discovery.interface.
  struct htip_agents_config {
    bool enabled = false;
    friend bool operator==(const htip_agents_config&, const htip_agents_config&)
      = default;
  } htip_agents;

  bool empty() const {
    return elements.empty() && !probe.enabled && !htip_agents.enabled;
  }

  /// A rule that does not hold: `field` is a JSON pointer relative to the
  /// "network" object ("/elements/1/address").
  struct violation {
    std::string field;
    std::string reason;
  };

  /// Checks the ranges above, ids (syntax, unique), addresses, the
  /// per-protocol requirements and the gateway MAC.
  std::optional<violation> check() const;

  /// check() as ec::config_invalid "/network/FIELD: REASON", or no error.
  caf::error validate() const;

  friend bool operator==(const network_config&, const network_config&) = default;
};

} // namespace kagami::config
