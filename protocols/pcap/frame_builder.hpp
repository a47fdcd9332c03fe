#pragma once

// Builds Ethernet frames (ARP, IPv4 with TCP / UDP / ICMP, IPv6 with UDP /
// ICMPv6, LLDP) with correct lengths and checksums: the traffic generator
// of the flow benchmark (tools/bench/flow_traffic.hpp) and the tests of the
// packet decoder and the flow tracker use it. Not for the hot path: every
// call allocates its result.

#include <cstdint>
#include <span>
#include <vector>

#include "protocols/pcap/packet_decoder.hpp"

namespace kagami::protocols::pcap {

using frame_bytes = std::vector<uint8_t>;

/// The two ends of a frame and, for IP, of the packet.
struct frame_ends {
  mac_address source_mac{};
  mac_address destination_mac{};
  ip_address source_ip;
  ip_address destination_ip;
  /// VLAN IDs to tag with (802.1Q), outermost first; at most 2 used.
  std::vector<uint16_t> vlans;
};

/// An Ethernet frame around `payload`.
frame_bytes ethernet_frame(const mac_address& destination, const mac_address& source,
                           uint16_t ethertype, std::span<const uint8_t> payload,
                           const std::vector<uint16_t>& vlans = {});

/// An ARP frame (Ethernet/IPv4). A request goes to broadcast unless
/// `destination` is given; the target MAC of a request is zero.
frame_bytes arp_frame(uint16_t operation, const mac_address& sender_mac,
                      const ip_address& sender_ip, const mac_address& target_mac,
                      const ip_address& target_ip, const mac_address& destination);

/// A TCP segment with `payload_size` zero bytes of payload, in IPv4 or IPv6
/// (by the version of `ends.source_ip`).
frame_bytes tcp_frame(const frame_ends& ends, uint16_t source_port,
                      uint16_t destination_port, uint8_t flags,
                      size_t payload_size = 0);

/// A UDP datagram with `payload_size` zero bytes of payload.
frame_bytes udp_frame(const frame_ends& ends, uint16_t source_port,
                      uint16_t destination_port, size_t payload_size = 0);

/// An ICMP (IPv4) or ICMPv6 (IPv6) message with 4 bytes of rest-of-header
/// and `payload_size` zero bytes.
frame_bytes icmp_frame(const frame_ends& ends, uint8_t type, uint8_t code,
                       size_t payload_size = 0);

/// An LLDP frame to 01:80:c2:00:00:0e with a chassis ID, port ID and TTL TLV.
frame_bytes lldp_frame(const mac_address& source);

/// The Internet checksum (RFC 1071) of `bytes`, continuing from `sum`.
uint16_t internet_checksum(std::span<const uint8_t> bytes, uint32_t sum = 0);

} // namespace kagami::protocols::pcap
