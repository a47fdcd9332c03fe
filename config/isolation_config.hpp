#pragma once

// The "isolation" section of the site config: detecting suspicious devices
// (the flow monitor on a mirror port, the traffic monitor on the elements'
// counters) and cutting them off at the least-impact point. Absent section:
// disabled. Format: config/README.md, "Suspicious devices and isolation".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "config/network_config.hpp"

namespace kagami::config {

/// The transport of an allowed flow.
enum class flow_protocol {
  tcp, ///< "tcp"
  udp, ///< "udp"
};

/// "tcp" or "udp".
const char* to_string(flow_protocol x);

struct isolation_config {
  /// Runs detection and isolation. Needs a network section with at least
  /// one element (the cuts are made there).
  bool enabled = false;

  /// The mirror port the flow monitor captures on. Absent: no flow monitor
  /// (the traffic monitor still runs).
  struct mirror_config {
    /// A Linux interface name: 1..15 characters without '/', ':' or spaces
    /// (IFNAMSIZ), not "." or "..".
    std::string interface;
    /// Bytes captured per packet: 64..65535.
    uint32_t snaplen = 256;
    /// A BPF pre-filter in pcap syntax, at most 1024 characters without
    /// control characters; empty: none. Compiled by the flow monitor at
    /// start-up, which names this field when it does not compile.
    std::string filter;
    friend bool operator==(const mirror_config&, const mirror_config&) = default;
  };
  std::optional<mirror_config> mirror;

  /// One flow a managed or rogue device may have besides the gateway.
  struct allow_rule {
    flow_protocol protocol = flow_protocol::udp;
    /// The destination: an IPv4 literal (unicast or multicast).
    std::string address;
    /// The destination port: 1..65535.
    uint16_t port = 0;
    friend bool operator==(const allow_rule&, const allow_rule&) = default;
  };

  /// What managed and rogue devices may exchange besides traffic with the
  /// gateway (the flow monitor's policy).
  struct policy_config {
    /// DHCP servers (IPv4 literals) devices may talk DHCP to; at most 16.
    std::vector<std::string> dhcp_servers;
    /// Further allowed flows; at most 1024.
    std::vector<allow_rule> allow;
    /// MACs ("aa:bb:cc:dd:ee:ff") the policy does not judge (infrastructure
    /// that is no element); at most 1024.
    std::vector<std::string> exempt_macs;
    friend bool operator==(const policy_config&, const policy_config&) = default;
  } policy;

  /// A per-port rate limit of the traffic monitor.
  struct traffic_port {
    /// The id of an element in network.elements.
    std::string element;
    /// The port's ifIndex: 1..2147483647.
    uint32_t port = 0;
    /// Packets/s and bits/s per direction; 0: no limit on that measure.
    double pps = 0;
    double bps = 0;
    friend bool operator==(const traffic_port&, const traffic_port&) = default;
  };

  /// The traffic monitor: polls the elements' IF-MIB counters.
  struct traffic_config {
    /// Poll period: 500..3600000 ms.
    uint32_t period_ms = 2000;
    /// Limits of every port without an entry in `ports`; 0: no limit.
    double default_pps = 0;
    double default_bps = 0;
    /// Per-port limits; at most 4096, one per (element, port).
    std::vector<traffic_port> ports;
    /// Learn each port's limits from its first `baseline_samples` rates
    /// (mean + baseline_factor * stddev), unless it has an entry in `ports`.
    bool learn_baseline = false;
    /// 2..100000.
    uint32_t baseline_samples = 30;
    /// 0..1000.
    double baseline_factor = 5.0;
    friend bool operator==(const traffic_config&, const traffic_config&) = default;
  } traffic;

  /// How the isolation supervisor cuts.
  struct cut_config {
    /// May cut an uplink (then only when no smaller cut exists).
    bool allow_uplink_cut = false;
    /// May act when every option cuts a device marked critical; else it
    /// only raises an alert for a human.
    bool act_on_critical = false;
    /// How long one cut may take, from the order to its read-back showing it
    /// (oper status down, the client gone): 100..60000 ms. The SNMP switch
    /// adapter alone reads back for up to 3 s.
    uint32_t verify_timeout_ms = 5000;
    /// Attempts after the first that timed out: 0..10.
    uint32_t retries = 2;
    /// Cuts in force are re-verified (and re-applied if undone) this
    /// often: 1..3600 s.
    uint32_t reverify_s = 10;
    friend bool operator==(const cut_config&, const cut_config&) = default;
  } cut;

  /// Rogue devices found by onboarding are isolated by the same path.
  bool rogues = true;

  /// A rule that does not hold: `field` is a JSON pointer relative to the
  /// "isolation" object ("/traffic/ports/0/port").
  struct violation {
    std::string field;
    std::string reason;
  };

  /// Checks the rules of the section alone: ranges, list sizes, interface
  /// name, filter text, IPv4 literals, MACs, duplicate per-port entries.
  std::optional<violation> check() const;

  /// check(), then the rules against the network section: `enabled` needs
  /// at least one element, and every traffic.ports[].element names one.
  std::optional<violation> check(const network_config& network) const;

  /// check() as ec::config_invalid "/isolation/FIELD: REASON", or no error.
  caf::error validate() const;

  /// check(network) as ec::config_invalid "/isolation/FIELD: REASON".
  caf::error validate(const network_config& network) const;

  friend bool operator==(const isolation_config&, const isolation_config&) = default;
};

} // namespace kagami::config
