#pragma once

// Pure decoding of what a raw ICMP socket (AF_INET, SOCK_RAW, IPPROTO_ICMP)
// receives on Linux: one IPv4 datagram, its header included, carrying one
// ICMP message. The replies a TTL-stepped probe (ttl_probe.hpp) waits for are
// decoded: echo reply (type 0), destination unreachable (type 3) and time
// exceeded (type 11), the last two with the quoted original IPv4 header and
// the first 8 bytes of the original ICMP echo request (identifier, sequence),
// so that a reply can be matched to the probe that caused it.
//
// The input is untrusted bytes from the network: parsing never throws, never
// reads outside the span and allocates nothing.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::protocols::probe {

/// An IPv4 address in network byte order, as it is on the wire.
using ipv4_address = std::array<uint8_t, 4>;

/// "10.99.1.254".
std::string format_ipv4(const ipv4_address& addr);

/// Parses a dotted IPv4 literal ("10.99.2.11"); nullopt for anything else.
std::optional<ipv4_address> parse_ipv4(const std::string& text);

/// ICMP types this module knows.
inline constexpr uint8_t icmp_echo_reply = 0;
inline constexpr uint8_t icmp_destination_unreachable = 3;
inline constexpr uint8_t icmp_echo_request = 8;
inline constexpr uint8_t icmp_time_exceeded = 11;
/// IP protocol number of ICMP.
inline constexpr uint8_t ip_protocol_icmp = 1;

/// The limits of one datagram.
struct icmp_reply_limits {
  /// The largest datagram accepted (bytes, IPv4 header included). A larger
  /// input is an error, never truncated silently.
  size_t max_datagram = 65535;
  /// Verify the ICMP checksum. Linux hands raw sockets ICMP messages whose
  /// checksum nobody checked (the IPv4 header checksum is checked by the
  /// kernel), so this is on by default.
  bool verify_checksum = true;
};

/// What kind of message a datagram carries.
enum class icmp_kind : uint8_t {
  echo_reply,
  destination_unreachable,
  time_exceeded,
  /// A well-formed ICMP message of another type (e.g. an echo request seen
  /// on loopback, a redirect). Not malformed, but not a probe reply: `echo`
  /// and `quoted_destination` are empty.
  other,
};

/// "echo_reply", "destination_unreachable", "time_exceeded" or "other".
const char* to_string(icmp_kind x);

/// The identifier and sequence number of an ICMP echo message.
struct echo_id {
  uint16_t identifier = 0;
  uint16_t sequence = 0;

  friend bool operator==(const echo_id&, const echo_id&) = default;
};

/// One decoded datagram.
struct icmp_reply {
  icmp_kind kind = icmp_kind::other;
  uint8_t type = 0;
  uint8_t code = 0;
  /// The IPv4 source of the datagram: the node that answered (a router on
  /// the path for time exceeded, the destination for an echo reply).
  ipv4_address source{};
  /// The IPv4 destination of the datagram (our own address).
  ipv4_address destination{};
  /// The TTL the reply arrived with.
  uint8_t ttl = 0;
  /// Echo reply: its own identifier and sequence. Time exceeded and
  /// destination unreachable: those of the quoted original when it is an
  /// ICMP echo request; empty when the quote is of another protocol or ICMP
  /// type (someone else's UDP traceroute, a TCP connection). Empty for
  /// `other`.
  std::optional<echo_id> echo;
  /// Time exceeded and destination unreachable: the destination of the
  /// quoted original datagram (the probe's target).
  std::optional<ipv4_address> quoted_destination;
  /// Time exceeded and destination unreachable: the IP protocol of the
  /// quoted original datagram.
  std::optional<uint8_t> quoted_protocol;

  friend bool operator==(const icmp_reply&, const icmp_reply&) = default;
};

/// Decodes one datagram as a Linux raw ICMP socket delivers it: an IPv4
/// header (version 4, IHL 5..15, options skipped, total length in network
/// order), then the ICMP message. Bytes after the IPv4 total length are
/// ignored (link padding).
///
/// Errors are ec::device_bad_reply with the reason, e.g. "datagram of 12
/// bytes is shorter than an IPv4 header (20)", "IHL 15 (60 bytes) runs past
/// the datagram of 28 bytes", "IPv4 total length 84 exceeds the 60 bytes
/// received", "protocol 17 is not ICMP", "a fragment (offset 185)", "ICMP
/// checksum 0x1234 does not match 0x4321", "time exceeded: the quoted
/// datagram has 4 bytes after its header, 8 needed". A datagram larger than
/// limits.max_datagram is an error. Never throws.
caf::expected<icmp_reply> parse_icmp_reply(std::span<const uint8_t> datagram,
                                           const icmp_reply_limits& limits = {});

/// The Internet checksum (RFC 1071) of `bytes`: the one's complement of the
/// one's complement sum of the 16-bit big-endian words (an odd last byte is
/// padded with zero). Over a message whose checksum field is filled in, the
/// result is 0.
uint16_t internet_checksum(std::span<const uint8_t> bytes);

/// The ICMP echo request a probe sends (without IPv4 header: the kernel adds
/// it): type 8, code 0, checksum, identifier, sequence, then `payload`.
std::vector<uint8_t> encode_echo_request(echo_id id, std::span<const uint8_t> payload);

} // namespace kagami::protocols::probe
