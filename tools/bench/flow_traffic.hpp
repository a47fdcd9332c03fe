#pragma once

// Synthetic factory traffic as pcap files (DLT_EN10MB), for the flow
// monitor's benchmark (kagami-bench-flow) and its replay test
// (tests/data/pcap/factory_scan.pcap). Addresses are lab-like: 10.99.1.0/24,
// MACs 02:99:00:00:xx:xx; the gateway is 02:99:00:00:00:01 / 10.99.1.1 and
// the switch 02:99:00:00:00:f1 / 10.99.1.241 (exempt).
//
// Both files are deterministic: the same arguments give the same bytes.

#include <cstddef>
#include <string>

#include "actors/isolation/flow_policy.hpp"

namespace kagami::bench {

/// The small replay scenario (a few hundred packets, < 64 KB), starting at
/// 2024-05-01T00:00:00Z:
/// - devices 10.99.1.17–20 (02:99:00:00:00:11–14) polled by the gateway over
///   Modbus/TCP every 100 ms, .18 also over HTTP; ARP between devices and
///   the gateway; LLDP from the switch and the devices; SSDP NOTIFY to
///   239.255.255.250:1900, a DHCP discover and a gratuitous ARP;
/// - at 1 s, an attacker 10.99.1.102 (02:99:00:00:00:66) ARPs for .17 and
///   .18 and SYN-scans 20 ports on each (502 open on .17, 80 open on .18); the
///   victims answer RST or SYN-ACK, the attacker resets the open ones;
/// - at 1.5 s, .20 sends 3 UDP datagrams to .19:5000, which answers once.
/// The file is in time order. With replay_policy(): exactly two suspects,
/// 02:99:00:00:00:66 port_scan and 02:99:00:00:00:14 lateral_connection. Returns "" or the reason the file was not written.
std::string write_replay_scenario(const std::string& path);

/// The policy of both traffic files: the gateway, the switch exempt, DHCP,
/// SSDP to 239.255.255.250:1900/udp.
isolation::flow_policy_config replay_policy();

/// Mixed factory traffic of at least `packets` packets: `devices` devices
/// (10.99.2.2–, MACs 02:99:00:00:02:xx) polled over Modbus/TCP (request, reply) and
/// some over HTTP (larger frames), ARP with the gateway, LLDP, SSDP
/// multicast, and every 100,000 packets a scan burst of an attacker against
/// 5 devices × 200 ports with the victims' answers. Returns "" or the reason
/// the file was not written.
std::string write_factory_traffic(const std::string& path, size_t packets,
                                  size_t devices = 200);

} // namespace kagami::bench
