#include "protocols/probe/icmp_reply_parser.hpp"

#include <cstdio>

#include <arpa/inet.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::probe {

namespace {

constexpr size_t ipv4_min_header = 20;
constexpr size_t icmp_header = 8;

uint16_t be16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

ipv4_address addr_at(std::span<const uint8_t> b, size_t at) {
  return {b[at], b[at + 1], b[at + 2], b[at + 3]};
}

caf::error bad(std::string reason) {
  return make_error(ec::device_bad_reply, std::move(reason));
}

std::string hex16(uint16_t x) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", x);
  return buf;
}

/// The quoted original datagram of a time exceeded or destination
/// unreachable message: `quote` starts at its IPv4 header.
caf::error parse_quote(std::span<const uint8_t> quote, const char* what, icmp_reply& r) {
  if (quote.size() < ipv4_min_header)
    return bad(std::string{what} + ": the quoted datagram has " + std::to_string(quote.size())
               + " bytes, shorter than an IPv4 header (20)");
  if ((quote[0] >> 4) != 4)
    return bad(std::string{what} + ": the quoted datagram is IP version "
               + std::to_string(quote[0] >> 4) + ", not 4");
  size_t ihl = quote[0] & 0x0f;
  if (ihl < 5)
    return bad(std::string{what} + ": the quoted IHL " + std::to_string(ihl) + " is below 5");
  size_t header = ihl * 4;
  if (header > quote.size())
    return bad(std::string{what} + ": the quoted IHL " + std::to_string(ihl) + " ("
               + std::to_string(header) + " bytes) runs past the " + std::to_string(quote.size())
               + " quoted bytes");
  // RFC 792: the original header plus the first 64 bits of its data.
  if (quote.size() - header < 8)
    return bad(std::string{what} + ": the quoted datagram has "
               + std::to_string(quote.size() - header) + " bytes after its header, 8 needed");
  r.quoted_protocol = quote[9];
  r.quoted_destination = addr_at(quote, 16);
  auto data = quote.subspan(header);
  if (quote[9] == ip_protocol_icmp && data[0] == icmp_echo_request && data[1] == 0)
    r.echo = echo_id{be16(data, 4), be16(data, 6)};
  return caf::none;
}

} // namespace

std::string format_ipv4(const ipv4_address& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "."
         + std::to_string(a[3]);
}

std::optional<ipv4_address> parse_ipv4(const std::string& text) {
  in_addr in{};
  if (text.size() > 15 || inet_pton(AF_INET, text.c_str(), &in) != 1)
    return std::nullopt;
  ipv4_address a;
  static_assert(sizeof in.s_addr == 4);
  const auto* p = reinterpret_cast<const uint8_t*>(&in.s_addr);
  for (size_t i = 0; i < 4; ++i)
    a[i] = p[i];
  return a;
}

const char* to_string(icmp_kind x) {
  switch (x) {
    case icmp_kind::echo_reply:
      return "echo_reply";
    case icmp_kind::destination_unreachable:
      return "destination_unreachable";
    case icmp_kind::time_exceeded:
      return "time_exceeded";
    case icmp_kind::other:
      break;
  }
  return "other";
}

uint16_t internet_checksum(std::span<const uint8_t> bytes) {
  uint32_t sum = 0;
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2)
    sum += static_cast<uint32_t>((bytes[i] << 8) | bytes[i + 1]);
  if (i < bytes.size())
    sum += static_cast<uint32_t>(bytes[i] << 8);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

std::vector<uint8_t> encode_echo_request(echo_id id, std::span<const uint8_t> payload) {
  std::vector<uint8_t> msg(icmp_header + payload.size(), 0);
  msg[0] = icmp_echo_request;
  msg[1] = 0;
  msg[4] = static_cast<uint8_t>(id.identifier >> 8);
  msg[5] = static_cast<uint8_t>(id.identifier);
  msg[6] = static_cast<uint8_t>(id.sequence >> 8);
  msg[7] = static_cast<uint8_t>(id.sequence);
  for (size_t i = 0; i < payload.size(); ++i)
    msg[icmp_header + i] = payload[i];
  auto sum = internet_checksum(msg);
  msg[2] = static_cast<uint8_t>(sum >> 8);
  msg[3] = static_cast<uint8_t>(sum);
  return msg;
}

caf::expected<icmp_reply> parse_icmp_reply(std::span<const uint8_t> d,
                                           const icmp_reply_limits& limits) {
  if (d.size() > limits.max_datagram)
    return bad("datagram of " + std::to_string(d.size()) + " bytes exceeds the limit of "
               + std::to_string(limits.max_datagram));
  if (d.size() < ipv4_min_header)
    return bad("datagram of " + std::to_string(d.size())
               + " bytes is shorter than an IPv4 header (20)");
  if ((d[0] >> 4) != 4)
    return bad("IP version " + std::to_string(d[0] >> 4) + ", not 4");
  size_t ihl = d[0] & 0x0f;
  if (ihl < 5)
    return bad("IHL " + std::to_string(ihl) + " is below 5");
  size_t header = ihl * 4;
  if (header > d.size())
    return bad("IHL " + std::to_string(ihl) + " (" + std::to_string(header)
               + " bytes) runs past the datagram of " + std::to_string(d.size()) + " bytes");
  size_t total = be16(d, 2);
  if (total < header)
    return bad("IPv4 total length " + std::to_string(total) + " is shorter than its header ("
               + std::to_string(header) + ")");
  if (total > d.size())
    return bad("IPv4 total length " + std::to_string(total) + " exceeds the "
               + std::to_string(d.size()) + " bytes received");
  uint16_t fragment = be16(d, 6);
  if ((fragment & 0x1fff) != 0)
    return bad("a fragment (offset " + std::to_string(fragment & 0x1fff) + ")");
  if ((fragment & 0x2000) != 0)
    return bad("a fragment (more fragments set)");
  if (d[9] != ip_protocol_icmp)
    return bad("protocol " + std::to_string(d[9]) + " is not ICMP");
  auto msg = d.subspan(header, total - header);
  if (msg.size() < icmp_header)
    return bad("ICMP message of " + std::to_string(msg.size())
               + " bytes is shorter than its header (8)");
  if (limits.verify_checksum && internet_checksum(msg) != 0) {
    auto carried = be16(msg, 2);
    // The value the field should hold: the one's complement sum of the
    // message without the carried field (sum - carried, in one's complement
    // arithmetic), complemented.
    uint32_t sum = static_cast<uint16_t>(~internet_checksum(msg))
                   + static_cast<uint32_t>(static_cast<uint16_t>(~carried));
    sum = (sum & 0xffff) + (sum >> 16);
    auto expected = static_cast<uint16_t>(~sum & 0xffff);
    return bad("ICMP checksum " + hex16(carried) + " does not match " + hex16(expected));
  }
  icmp_reply r;
  r.type = msg[0];
  r.code = msg[1];
  r.ttl = d[8];
  r.source = addr_at(d, 12);
  r.destination = addr_at(d, 16);
  switch (r.type) {
    case icmp_echo_reply:
      r.kind = icmp_kind::echo_reply;
      r.echo = echo_id{be16(msg, 4), be16(msg, 6)};
      return r;
    case icmp_time_exceeded:
      r.kind = icmp_kind::time_exceeded;
      if (auto err = parse_quote(msg.subspan(icmp_header), "time exceeded", r))
        return err;
      return r;
    case icmp_destination_unreachable:
      r.kind = icmp_kind::destination_unreachable;
      if (auto err = parse_quote(msg.subspan(icmp_header), "destination unreachable", r))
        return err;
      return r;
    default:
      r.kind = icmp_kind::other;
      return r;
  }
}

} // namespace kagami::protocols::probe
