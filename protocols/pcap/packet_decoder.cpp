#include "protocols/pcap/packet_decoder.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <arpa/inet.h>

namespace kagami::protocols::pcap {

namespace {

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

void copy_mac(mac_address& out, const uint8_t* p) {
  std::memcpy(out.data(), p, 6);
}

ip_address ipv4_at(const uint8_t* p) {
  ip_address a;
  std::memcpy(a.bytes.data(), p, 4);
  a.version = 4;
  return a;
}

ip_address ipv6_at(const uint8_t* p) {
  ip_address a;
  std::memcpy(a.bytes.data(), p, 16);
  a.version = 6;
  return a;
}

// Decodes the transport header at `l4` (n bytes available) of protocol
// `proto` into `s`; returns the status of the frame.
decode_status decode_transport(packet_summary& s, uint8_t proto, const uint8_t* l4,
                               size_t n) {
  switch (proto) {
    case ip_proto_tcp:
      if (n < 20)
        return decode_status::truncated;
      if ((l4[12] >> 4) < 5)
        return decode_status::malformed;
      s.source_port = be16(l4);
      s.destination_port = be16(l4 + 2);
      s.tcp_flags = l4[13];
      s.transport = transport_layer::tcp;
      return decode_status::ok;
    case ip_proto_udp:
      if (n < 8)
        return decode_status::truncated;
      if (be16(l4 + 4) < 8)
        return decode_status::malformed;
      s.source_port = be16(l4);
      s.destination_port = be16(l4 + 2);
      s.transport = transport_layer::udp;
      return decode_status::ok;
    case ip_proto_icmp:
    case ip_proto_icmpv6:
      if (n < 4)
        return decode_status::truncated;
      s.icmp_type = l4[0];
      s.icmp_code = l4[1];
      s.transport = proto == ip_proto_icmp ? transport_layer::icmp
                                           : transport_layer::icmpv6;
      return decode_status::ok;
    default:
      s.transport = transport_layer::other;
      return decode_status::ok;
  }
}

decode_status decode_ipv4(packet_summary& s, const uint8_t* p, size_t n) {
  if (n < 20)
    return decode_status::truncated;
  if ((p[0] >> 4) != 4)
    return decode_status::malformed;
  size_t header = static_cast<size_t>(p[0] & 0x0f) * 4;
  if (header < 20)
    return decode_status::malformed;
  size_t total = be16(p + 2);
  if (total < header)
    return decode_status::malformed;
  if (header > n)
    return decode_status::truncated;
  s.ttl = p[8];
  s.ip_protocol = p[9];
  s.source_ip = ipv4_at(p + 12);
  s.destination_ip = ipv4_at(p + 16);
  s.network = network_layer::ipv4;
  uint16_t fragment_offset = be16(p + 6) & 0x1fff;
  if (fragment_offset != 0) {
    s.later_fragment = true;
    return decode_status::ok;
  }
  // Link padding after the total length is not part of the packet.
  size_t available = std::min(n, total) - header;
  return decode_transport(s, s.ip_protocol, p + header, available);
}

bool is_ipv6_extension(uint8_t next) {
  return next == 0 || next == 43 || next == 44 || next == 60 || next == 51;
}

decode_status decode_ipv6(packet_summary& s, const uint8_t* p, size_t n,
                          const decoder_limits& limits) {
  if (n < 40)
    return decode_status::truncated;
  if ((p[0] >> 4) != 6)
    return decode_status::malformed;
  s.ttl = p[7];
  s.source_ip = ipv6_at(p + 8);
  s.destination_ip = ipv6_at(p + 24);
  s.network = network_layer::ipv6;
  size_t payload = be16(p + 4);
  size_t end = std::min(n, 40 + payload);
  size_t offset = 40;
  uint8_t next = p[6];
  size_t extensions = 0;
  while (is_ipv6_extension(next)) {
    if (extensions == limits.max_ipv6_extension_headers) {
      s.ip_protocol = next;
      return decode_status::unsupported;
    }
    ++extensions;
    if (end < offset + 8)
      return decode_status::truncated;
    const uint8_t* h = p + offset;
    size_t length;
    if (next == 44) {
      length = 8;
      if ((be16(h + 2) & 0xfff8) != 0) {
        // A later fragment: no transport header.
        s.ip_protocol = h[0];
        s.later_fragment = true;
        return decode_status::ok;
      }
    } else if (next == 51) {
      length = (static_cast<size_t>(h[1]) + 2) * 4;
    } else {
      length = (static_cast<size_t>(h[1]) + 1) * 8;
    }
    next = h[0];
    offset += length;
  }
  if (offset > end)
    return decode_status::truncated;
  s.ip_protocol = next;
  return decode_transport(s, next, p + offset, end - offset);
}

decode_status decode_arp(packet_summary& s, const uint8_t* p, size_t n) {
  if (n < 8)
    return decode_status::truncated;
  uint16_t htype = be16(p);
  uint16_t ptype = be16(p + 2);
  if (htype != 1 || ptype != ethertype_ipv4)
    return decode_status::unsupported;
  if (p[4] != 6 || p[5] != 4)
    return decode_status::malformed;
  if (n < 28)
    return decode_status::truncated;
  s.arp_operation = be16(p + 6);
  copy_mac(s.arp_sender_mac, p + 8);
  s.arp_sender_ip = ipv4_at(p + 14);
  copy_mac(s.arp_target_mac, p + 18);
  s.arp_target_ip = ipv4_at(p + 24);
  s.network = network_layer::arp;
  return decode_status::ok;
}

} // namespace

bool ip_address::is_multicast_or_broadcast() const {
  if (version == 4)
    return (bytes[0] & 0xf0) == 0xe0
           || (bytes[0] == 255 && bytes[1] == 255 && bytes[2] == 255 && bytes[3] == 255);
  if (version == 6)
    return bytes[0] == 0xff;
  return false;
}

bool ip_address::is_unspecified() const {
  if (version == 0)
    return false;
  size_t n = version == 4 ? 4 : 16;
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] != 0)
      return false;
  return true;
}

bool ip_address::is_ipv6_link_local() const {
  return version == 6 && bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;
}

ip_address make_ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  ip_address x;
  x.bytes[0] = a;
  x.bytes[1] = b;
  x.bytes[2] = c;
  x.bytes[3] = d;
  x.version = 4;
  return x;
}

std::string format_mac(const mac_address& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
                mac[2], mac[3], mac[4], mac[5]);
  return buf;
}

std::string format_ip(const ip_address& ip) {
  char buf[INET6_ADDRSTRLEN];
  if (ip.version == 4 && inet_ntop(AF_INET, ip.bytes.data(), buf, sizeof buf))
    return buf;
  if (ip.version == 6 && inet_ntop(AF_INET6, ip.bytes.data(), buf, sizeof buf))
    return buf;
  return {};
}

std::optional<mac_address> parse_mac(std::string_view text) {
  if (text.size() != 17)
    return std::nullopt;
  mac_address mac;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 6; ++i) {
    int hi = hex(text[i * 3]);
    int lo = hex(text[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':'))
      return std::nullopt;
    mac[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return mac;
}

std::optional<ip_address> parse_ip(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
    return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  ip_address ip;
  if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
    ip.version = 4;
    return ip;
  }
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
    ip.version = 6;
    return ip;
  }
  return std::nullopt;
}

uint64_t mac_to_u64(const mac_address& mac) {
  uint64_t x = 0;
  for (auto b : mac)
    x = (x << 8) | b;
  return x;
}

const char* to_string(decode_status x) {
  switch (x) {
    case decode_status::ok:
      return "ok";
    case decode_status::truncated:
      return "truncated";
    case decode_status::malformed:
      return "malformed";
    case decode_status::unsupported:
      return "unsupported";
  }
  return "unknown";
}

packet_summary decode_frame(std::span<const uint8_t> frame, uint32_t wire_length,
                            const decoder_limits& limits) {
  packet_summary s;
  s.captured_length = static_cast<uint32_t>(std::min<size_t>(frame.size(), UINT32_MAX));
  s.wire_length = wire_length != 0 ? wire_length : s.captured_length;
  const uint8_t* p = frame.data();
  size_t n = frame.size();
  if (n < 14) {
    s.status = decode_status::truncated;
    return s;
  }
  copy_mac(s.destination_mac, p);
  copy_mac(s.source_mac, p + 6);
  s.has_ethernet = true;
  size_t offset = 12;
  uint16_t type = be16(p + offset);
  offset += 2;
  size_t max_tags = std::min(limits.max_vlan_tags, max_vlan_tags_supported);
  while (type == ethertype_vlan || type == ethertype_qinq || type == ethertype_qinq_old) {
    if (s.vlan_count == max_tags) {
      s.ethertype = type;
      s.status = decode_status::unsupported;
      return s;
    }
    if (n < offset + 4) {
      s.ethertype = type;
      s.status = decode_status::truncated;
      return s;
    }
    s.vlan_ids[s.vlan_count++] = be16(p + offset) & 0x0fff;
    type = be16(p + offset + 2);
    offset += 4;
  }
  s.ethertype = type;
  const uint8_t* l3 = p + offset;
  size_t rest = n - offset;
  switch (type) {
    case ethertype_ipv4:
      s.status = decode_ipv4(s, l3, rest);
      break;
    case ethertype_ipv6:
      s.status = decode_ipv6(s, l3, rest, limits);
      break;
    case ethertype_arp:
      s.status = decode_arp(s, l3, rest);
      break;
    case ethertype_lldp:
      s.network = network_layer::lldp;
      s.status = decode_status::ok;
      break;
    default:
      s.status = decode_status::unsupported;
      break;
  }
  return s;
}

std::string describe(const packet_summary& p) {
  std::string out;
  if (!p.has_ethernet) {
    out = "frame of ";
    out += std::to_string(p.captured_length);
    out += " bytes, ";
    out += to_string(p.status);
    return out;
  }
  out = format_mac(p.source_mac);
  out += " > ";
  out += format_mac(p.destination_mac);
  for (size_t i = 0; i < p.vlan_count; ++i) {
    out += " vlan ";
    out += std::to_string(p.vlan_ids[i]);
  }
  char buf[96];
  auto endpoint = [](const ip_address& ip, uint16_t port) {
    std::string s = ip.version == 6 ? "[" + format_ip(ip) + "]" : format_ip(ip);
    s += ':';
    s += std::to_string(port);
    return s;
  };
  switch (p.network) {
    case network_layer::arp:
      if (p.arp_operation == arp_request)
        out += " arp who-has " + format_ip(p.arp_target_ip) + " tell "
               + format_ip(p.arp_sender_ip);
      else if (p.arp_operation == arp_reply)
        out += " arp reply " + format_ip(p.arp_sender_ip) + " is-at "
               + format_mac(p.arp_sender_mac);
      else
        out += " arp op " + std::to_string(p.arp_operation);
      break;
    case network_layer::lldp:
      out += " lldp";
      break;
    case network_layer::ipv4:
    case network_layer::ipv6:
      switch (p.transport) {
        case transport_layer::tcp: {
          std::string flags;
          if (p.tcp_flags & tcp_syn)
            flags += 'S';
          if (p.tcp_flags & tcp_fin)
            flags += 'F';
          if (p.tcp_flags & tcp_rst)
            flags += 'R';
          if (p.tcp_flags & tcp_psh)
            flags += 'P';
          if (p.tcp_flags & tcp_ack)
            flags += '.';
          out += " tcp " + endpoint(p.source_ip, p.source_port) + " > "
                 + endpoint(p.destination_ip, p.destination_port) + " [" + flags + "]";
          break;
        }
        case transport_layer::udp:
          out += " udp " + endpoint(p.source_ip, p.source_port) + " > "
                 + endpoint(p.destination_ip, p.destination_port);
          break;
        case transport_layer::icmp:
        case transport_layer::icmpv6:
          std::snprintf(buf, sizeof buf, " %s type %u code %u",
                        p.transport == transport_layer::icmp ? "icmp" : "icmp6",
                        p.icmp_type, p.icmp_code);
          out += " " + format_ip(p.source_ip) + " > " + format_ip(p.destination_ip) + buf;
          break;
        default:
          std::snprintf(buf, sizeof buf, " ip proto %u%s", p.ip_protocol,
                        p.later_fragment ? " fragment" : "");
          out += " " + format_ip(p.source_ip) + " > " + format_ip(p.destination_ip) + buf;
          break;
      }
      break;
    case network_layer::none:
      std::snprintf(buf, sizeof buf, " ethertype 0x%04x", p.ethertype);
      out += buf;
      break;
  }
  if (p.status != decode_status::ok) {
    out += ' ';
    out += to_string(p.status);
  }
  out += ' ';
  out += std::to_string(p.wire_length);
  out += " bytes";
  return out;
}

} // namespace kagami::protocols::pcap
