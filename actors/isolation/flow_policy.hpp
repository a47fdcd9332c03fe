#pragma once

// The flow monitor's judgement of one packet (issue 6): under secure device
// virtualization a managed or rogue device may exchange traffic only with
// the gateway, plus the infrastructure traffic the config allows. Plain C++,
// no CAF; the flow tracker (flow_tracker.hpp) applies it per packet.
//
// Contract:
// - A flow_policy is an immutable snapshot built from a flow_policy_config.
//   It is shared (std::shared_ptr<const flow_policy>) between the actor that
//   builds it and the capture thread that reads it; a new config means a new
//   snapshot, never a change to an existing one.
// - judge() is a pure function of the policy and one packet summary. It never
//   allocates or throws. What needs memory of earlier packets (is this a
//   response?) is returned as a conditional verdict that the tracker
//   resolves with its flow table.
//
// Subjects: every source MAC that is neither a gateway MAC nor an exempt
// (infrastructure) MAC. Only subjects can violate the policy.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/pcap/packet_decoder.hpp"

namespace kagami::isolation {

using protocols::pcap::ip_address;
using protocols::pcap::mac_address;
using protocols::pcap::packet_summary;

/// Traffic the config allows beyond the built-in rules, e.g. SSDP:
/// {17, 239.255.255.250, 1900}. IP traffic only.
struct flow_allowance {
  /// The IP protocol (6 TCP, 17 UDP, 2 IGMP, ...).
  uint8_t ip_protocol = 17;
  /// The destination address or multicast group; any when empty.
  std::optional<ip_address> destination;
  /// The destination port (TCP/UDP); any when empty.
  std::optional<uint16_t> destination_port;
};

/// What the config says (typically from the site config's network section).
struct flow_policy_config {
  /// The gateway's MACs (every interface on the monitored segment).
  std::vector<mac_address> gateway_macs;
  /// The gateway's IPs.
  std::vector<ip_address> gateway_ips;
  /// Infrastructure MACs that are not subjects: switch and AP chassis and
  /// port MACs, routers.
  std::vector<mac_address> exempt_macs;
  /// Destination MACs of LLDP / HTIP frames (EtherType 0x88cc) that are
  /// allowed. HTIP agents send to broadcast.
  std::vector<mac_address> lldp_destinations{
    {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e},
    {0x01, 0x80, 0xc2, 0x00, 0x00, 0x03},
    {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
  };
  /// DHCP client traffic (UDP 68 → 67) to broadcast or a configured server.
  bool allow_dhcp = true;
  std::vector<ip_address> dhcp_servers;
  /// ARP probes (RFC 5227: sender IP 0.0.0.0, broadcast), which devices
  /// send before using an address.
  bool allow_arp_probes = true;
  /// IGMP (protocol 2) to an IPv4 multicast destination: group membership
  /// reports, which joining any multicast group sends.
  bool allow_igmp = true;
  /// IPv6 link control to multicast MACs (33:33:...): ICMPv6 router
  /// solicitation (133), neighbour solicitation (135), MLD reports (131,
  /// 132, 143). Neighbour advertisements (136) are responses.
  bool allow_ipv6_link_control = true;
  /// Further allowances.
  std::vector<flow_allowance> allowances;
};

/// The judgement of one packet.
enum class verdict : uint8_t {
  /// Not judged: the source is a gateway or exempt MAC, or the frame had no
  /// Ethernet header.
  not_subject,
  /// A subject's packet that the policy allows (see `rule`).
  allowed,
  /// A response by its nature: ICMP echo reply, destination unreachable,
  /// time exceeded, parameter problem; ICMPv6 errors, echo reply and
  /// neighbour advertisement. Never a violation.
  response,
  /// A subject's TCP segment that is not SYN-only (SYN-ACK, RST, ACK, ...)
  /// or UDP datagram: a response if the reverse flow (peer to this sender,
  /// same addresses and ports swapped) was seen recently, else outside.
  response_if_reverse_flow,
  /// A subject's ARP reply to a non-gateway: a response if its target asked
  /// for the sender IP recently, else outside (unsolicited replies are how
  /// ARP spoofing works).
  response_if_arp_request,
  /// Outside the policy: a violation by the source MAC.
  outside,
};

/// "not_subject", "allowed", "response", "response_if_reverse_flow",
/// "response_if_arp_request" or "outside".
const char* to_string(verdict x);

/// Which rule allowed a packet.
enum class allowance_rule : uint8_t {
  none,
  /// To a gateway MAC: with a gateway IP destination (or an IPv6 link-local
  /// one: the gateway's own, which configs rarely list), or not IP.
  gateway,
  lldp,
  /// ARP request (or reply) whose target IP is a gateway IP.
  arp_for_gateway,
  /// Gratuitous ARP (sender IP == target IP) or an ARP probe.
  arp_gratuitous,
  /// ARP reply to a gateway MAC.
  arp_reply_to_gateway,
  dhcp,
  igmp,
  ipv6_link_control,
  /// One of flow_policy_config::allowances.
  configured,
};

const char* to_string(allowance_rule x);

struct judgement {
  verdict result = verdict::not_subject;
  allowance_rule rule = allowance_rule::none;

  friend bool operator==(const judgement&, const judgement&) = default;
};

class flow_policy {
public:
  explicit flow_policy(flow_policy_config config);

  /// Judges one packet; see `verdict` and `allowance_rule`. A frame without
  /// an Ethernet header is not_subject. A frame that decoded as malformed or
  /// unsupported is judged on what was decoded: to a gateway MAC it is
  /// allowed when its IP destination (if any was decoded) is a gateway IP;
  /// elsewhere it is outside.
  judgement judge(const packet_summary& p) const;

  bool is_gateway_mac(const mac_address& mac) const;
  bool is_gateway_ip(const ip_address& ip) const;
  bool is_exempt_mac(const mac_address& mac) const;
  /// Neither a gateway nor an exempt MAC.
  bool is_subject(const mac_address& mac) const;

  const flow_policy_config& config() const {
    return config_;
  }

private:
  judgement judge_arp(const packet_summary& p) const;
  judgement judge_ip(const packet_summary& p) const;

  flow_policy_config config_;
  // Sorted MACs as integers, for binary search.
  std::vector<uint64_t> gateway_macs_;
  std::vector<uint64_t> exempt_macs_;
};

} // namespace kagami::isolation
