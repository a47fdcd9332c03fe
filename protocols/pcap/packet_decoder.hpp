#pragma once

// Pure decoding of one captured Ethernet frame (DLT_EN10MB) into a fixed-size
// summary: the L2 addresses, up to two VLAN tags, ARP, IPv4 / IPv6, and the
// TCP / UDP ports, TCP flags and ICMP / ICMPv6 type and code. It is what the
// flow monitor judges per packet on the capture thread.
//
// Contract:
// - decode_frame() never reads outside its span, never allocates, never
//   throws, and runs in time linear in the headers it decodes (bounded by
//   the limits). It is fuzzed (tests/fuzz/packet_flow_fuzz.cpp).
// - The result is a plain value (packet_summary) with a status; there is no
//   caf::error or string on this path. Text comes only from describe() and
//   the format_* helpers, which the caller uses when it reports something.
// - Payloads are not decoded: only headers. A frame cut by the snap length
//   after its last header decodes as `ok`.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kagami::protocols::pcap {

/// A MAC address in wire order.
using mac_address = std::array<uint8_t, 6>;

/// An IPv4 or IPv6 address in network byte order. IPv4 uses bytes[0..3] and
/// leaves the rest zero; version 0 means "none".
struct ip_address {
  std::array<uint8_t, 16> bytes{};
  uint8_t version = 0;

  bool empty() const {
    return version == 0;
  }
  /// 224.0.0.0/4, ff00::/8 or 255.255.255.255.
  bool is_multicast_or_broadcast() const;
  /// 0.0.0.0 or ::.
  bool is_unspecified() const;
  /// fe80::/10.
  bool is_ipv6_link_local() const;

  friend bool operator==(const ip_address&, const ip_address&) = default;
};

/// An IPv4 address from its four bytes.
ip_address make_ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

/// "02:99:00:00:00:01" (lower case).
std::string format_mac(const mac_address& mac);
/// "10.99.1.1", "fe80::1", or "" for an empty address.
std::string format_ip(const ip_address& ip);
/// Parses "aa:bb:cc:dd:ee:ff" (either case); nullopt for anything else.
std::optional<mac_address> parse_mac(std::string_view text);
/// Parses an IPv4 dotted quad or an IPv6 literal; nullopt for anything else.
std::optional<ip_address> parse_ip(std::string_view text);

/// The MAC as a 48-bit integer (first byte most significant), for hashing.
uint64_t mac_to_u64(const mac_address& mac);

inline constexpr mac_address broadcast_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/// True for group (multicast and broadcast) addresses: the I/G bit.
inline bool is_group_mac(const mac_address& mac) {
  return (mac[0] & 0x01) != 0;
}

/// EtherTypes this decoder knows.
inline constexpr uint16_t ethertype_ipv4 = 0x0800;
inline constexpr uint16_t ethertype_arp = 0x0806;
inline constexpr uint16_t ethertype_vlan = 0x8100;
inline constexpr uint16_t ethertype_qinq = 0x88a8;
inline constexpr uint16_t ethertype_qinq_old = 0x9100;
inline constexpr uint16_t ethertype_ipv6 = 0x86dd;
inline constexpr uint16_t ethertype_lldp = 0x88cc;

/// IP protocol numbers this decoder knows.
inline constexpr uint8_t ip_proto_icmp = 1;
inline constexpr uint8_t ip_proto_igmp = 2;
inline constexpr uint8_t ip_proto_tcp = 6;
inline constexpr uint8_t ip_proto_udp = 17;
inline constexpr uint8_t ip_proto_icmpv6 = 58;

/// TCP flag bits (the low byte of the flags field).
inline constexpr uint8_t tcp_fin = 0x01;
inline constexpr uint8_t tcp_syn = 0x02;
inline constexpr uint8_t tcp_rst = 0x04;
inline constexpr uint8_t tcp_psh = 0x08;
inline constexpr uint8_t tcp_ack = 0x10;

/// ARP operations.
inline constexpr uint16_t arp_request = 1;
inline constexpr uint16_t arp_reply = 2;

/// How decoding ended.
enum class decode_status : uint8_t {
  /// Every header the frame announces was decoded.
  ok,
  /// The captured bytes end inside a header (shorter than an Ethernet
  /// header, an IPv4 header cut after 10 bytes, ...).
  truncated,
  /// A header contradicts itself (IPv4 version 5 or IHL < 5, a total length
  /// shorter than the header, TCP data offset < 5, a UDP length < 8, ARP for
  /// Ethernet/IPv4 with other address lengths).
  malformed,
  /// Well-formed but not decoded: an EtherType other than IPv4, IPv6, ARP
  /// and LLDP (or an 802.3 length field), more VLAN tags than the limit, ARP
  /// for other hardware or protocol types, more IPv6 extension headers than
  /// the limit. The Ethernet fields are valid.
  unsupported,
};

inline constexpr size_t decode_status_count = 4;

/// "ok", "truncated", "malformed" or "unsupported".
const char* to_string(decode_status x);

/// The network layer found after the Ethernet header and VLAN tags.
enum class network_layer : uint8_t { none, arp, ipv4, ipv6, lldp };

/// The transport layer found in the (first fragment of an) IP packet.
enum class transport_layer : uint8_t { none, tcp, udp, icmp, icmpv6, other };

/// The limits of one frame.
struct decoder_limits {
  /// VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, 0x9100) decoded before the
  /// frame is `unsupported`; at most max_vlan_tags_supported (larger values
  /// act as that).
  size_t max_vlan_tags = 2;
  /// IPv6 extension headers (hop-by-hop, routing, fragment, destination
  /// options) followed before the packet is `unsupported`.
  size_t max_ipv6_extension_headers = 4;
};

inline constexpr size_t max_vlan_tags_supported = 2;

/// One decoded frame. A plain value: copying it never allocates.
///
/// Which fields are valid:
/// - `has_ethernet`: the 14-byte Ethernet header was there (every status but
///   some `truncated`); then the MACs, VLAN tags and `ethertype` (the one
///   after the tags) are valid.
/// - `network`: the network header that was decoded completely; its fields
///   (arp_* or the IP fields) are valid. `none` when the frame ended or was
///   malformed or unsupported before or inside it.
/// - `transport`: the transport header that was decoded (its fixed part);
///   `none` for non-first fragments and for an IP packet whose transport
///   header was cut or malformed; `other` for other IP protocols.
struct packet_summary {
  decode_status status = decode_status::truncated;
  network_layer network = network_layer::none;
  transport_layer transport = transport_layer::none;
  bool has_ethernet = false;

  /// The length on the wire and the captured length.
  uint32_t wire_length = 0;
  uint32_t captured_length = 0;

  mac_address destination_mac{};
  mac_address source_mac{};
  uint8_t vlan_count = 0;
  /// The VLAN IDs (12 bits) of the tags, outermost first.
  std::array<uint16_t, max_vlan_tags_supported> vlan_ids{};
  /// The EtherType after the VLAN tags.
  uint16_t ethertype = 0;

  // ARP (Ethernet/IPv4 only).
  uint16_t arp_operation = 0;
  mac_address arp_sender_mac{};
  mac_address arp_target_mac{};
  ip_address arp_sender_ip;
  ip_address arp_target_ip;

  // IPv4 / IPv6.
  ip_address source_ip;
  ip_address destination_ip;
  /// The protocol (IPv4) or the last next header (IPv6).
  uint8_t ip_protocol = 0;
  /// TTL or hop limit.
  uint8_t ttl = 0;
  /// A fragment other than the first: it has no transport header.
  bool later_fragment = false;

  // TCP / UDP.
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint8_t tcp_flags = 0;
  // ICMP / ICMPv6.
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
};

/// Decodes `frame` (the captured bytes) of a packet `wire_length` bytes long
/// on the wire (0: the captured length). See packet_summary for which fields
/// are valid. Bytes after the IPv4 total length / IPv6 payload length (link
/// padding) are ignored. Never throws, never allocates, never reads outside
/// `frame`.
packet_summary decode_frame(std::span<const uint8_t> frame, uint32_t wire_length = 0,
                            const decoder_limits& limits = {});

/// One line for evidence and logs, e.g.
/// "02:99:00:00:00:66 > 02:99:00:00:00:11 tcp 10.99.1.66:40001 > 10.99.1.11:502 [S] 60 bytes",
/// "02:99:00:00:00:11 > ff:ff:ff:ff:ff:ff arp who-has 10.99.1.12 tell 10.99.1.11 42 bytes",
/// "... vlan 10 ..." when tagged, "... malformed ..." for a bad frame.
/// Allocates: never call it per packet on the hot path.
std::string describe(const packet_summary& p);

} // namespace kagami::protocols::pcap
