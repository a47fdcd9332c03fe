#include "protocols/pcap/frame_builder.hpp"

#include <algorithm>

namespace kagami::protocols::pcap {

namespace {

void put16(frame_bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put_mac(frame_bytes& out, const mac_address& m) {
  out.insert(out.end(), m.begin(), m.end());
}

void put_ip(frame_bytes& out, const ip_address& ip) {
  size_t n = ip.version == 6 ? 16 : 4;
  out.insert(out.end(), ip.bytes.begin(), ip.bytes.begin() + n);
}

uint32_t sum_words(std::span<const uint8_t> bytes, uint32_t sum) {
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2)
    sum += static_cast<uint32_t>((bytes[i] << 8) | bytes[i + 1]);
  if (i < bytes.size())
    sum += static_cast<uint32_t>(bytes[i] << 8);
  return sum;
}

// The IP packet (header + `l4`) with the transport checksum at
// `checksum_offset` of `l4` filled in (none when negative).
frame_bytes ip_packet(const frame_ends& ends, uint8_t proto, frame_bytes l4,
                      int checksum_offset) {
  frame_bytes pseudo;
  put_ip(pseudo, ends.source_ip);
  put_ip(pseudo, ends.destination_ip);
  if (ends.source_ip.version == 6) {
    pseudo.push_back(0);
    pseudo.push_back(0);
    put16(pseudo, static_cast<uint16_t>(l4.size()));
    pseudo.push_back(0);
    pseudo.push_back(0);
    pseudo.push_back(0);
    pseudo.push_back(proto);
  } else {
    pseudo.push_back(0);
    pseudo.push_back(proto);
    put16(pseudo, static_cast<uint16_t>(l4.size()));
  }
  bool with_pseudo = proto != ip_proto_icmp;
  if (checksum_offset >= 0) {
    uint16_t c = internet_checksum(
      l4, with_pseudo ? sum_words(pseudo, 0) : 0);
    if (proto == ip_proto_udp && c == 0)
      c = 0xffff;
    l4[checksum_offset] = static_cast<uint8_t>(c >> 8);
    l4[checksum_offset + 1] = static_cast<uint8_t>(c);
  }
  frame_bytes out;
  if (ends.source_ip.version == 6) {
    out.push_back(0x60);
    out.push_back(0);
    out.push_back(0);
    out.push_back(0);
    put16(out, static_cast<uint16_t>(l4.size()));
    out.push_back(proto);
    out.push_back(64);
    put_ip(out, ends.source_ip);
    put_ip(out, ends.destination_ip);
  } else {
    out.push_back(0x45);
    out.push_back(0);
    put16(out, static_cast<uint16_t>(20 + l4.size()));
    put16(out, 0);      // identification
    put16(out, 0x4000); // don't fragment
    out.push_back(64);
    out.push_back(proto);
    put16(out, 0);
    put_ip(out, ends.source_ip);
    put_ip(out, ends.destination_ip);
    uint16_t c = internet_checksum(out);
    out[10] = static_cast<uint8_t>(c >> 8);
    out[11] = static_cast<uint8_t>(c);
  }
  out.insert(out.end(), l4.begin(), l4.end());
  return out;
}

frame_bytes ip_frame(const frame_ends& ends, uint8_t proto, frame_bytes l4,
                     int checksum_offset) {
  auto packet = ip_packet(ends, proto, std::move(l4), checksum_offset);
  return ethernet_frame(ends.destination_mac, ends.source_mac,
                        ends.source_ip.version == 6 ? ethertype_ipv6 : ethertype_ipv4,
                        packet, ends.vlans);
}

} // namespace

uint16_t internet_checksum(std::span<const uint8_t> bytes, uint32_t sum) {
  sum = sum_words(bytes, sum);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

frame_bytes ethernet_frame(const mac_address& destination, const mac_address& source,
                           uint16_t ethertype, std::span<const uint8_t> payload,
                           const std::vector<uint16_t>& vlans) {
  frame_bytes out;
  out.reserve(22 + payload.size());
  put_mac(out, destination);
  put_mac(out, source);
  for (size_t i = 0; i < std::min<size_t>(vlans.size(), 2); ++i) {
    put16(out, ethertype_vlan);
    put16(out, vlans[i] & 0x0fff);
  }
  put16(out, ethertype);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

frame_bytes arp_frame(uint16_t operation, const mac_address& sender_mac,
                      const ip_address& sender_ip, const mac_address& target_mac,
                      const ip_address& target_ip, const mac_address& destination) {
  frame_bytes arp;
  put16(arp, 1);
  put16(arp, ethertype_ipv4);
  arp.push_back(6);
  arp.push_back(4);
  put16(arp, operation);
  put_mac(arp, sender_mac);
  put_ip(arp, sender_ip);
  put_mac(arp, target_mac);
  put_ip(arp, target_ip);
  return ethernet_frame(destination, sender_mac, ethertype_arp, arp);
}

frame_bytes tcp_frame(const frame_ends& ends, uint16_t source_port,
                      uint16_t destination_port, uint8_t flags, size_t payload_size) {
  frame_bytes tcp;
  put16(tcp, source_port);
  put16(tcp, destination_port);
  put16(tcp, 0x1234); // sequence
  put16(tcp, 0x5678);
  put16(tcp, 0); // acknowledgement
  put16(tcp, (flags & tcp_ack) ? 1 : 0);
  tcp.push_back(5 << 4);
  tcp.push_back(flags);
  put16(tcp, 64240); // window
  put16(tcp, 0);     // checksum
  put16(tcp, 0);     // urgent
  tcp.resize(tcp.size() + payload_size, 0);
  return ip_frame(ends, ip_proto_tcp, std::move(tcp), 16);
}

frame_bytes udp_frame(const frame_ends& ends, uint16_t source_port,
                      uint16_t destination_port, size_t payload_size) {
  frame_bytes udp;
  put16(udp, source_port);
  put16(udp, destination_port);
  put16(udp, static_cast<uint16_t>(8 + payload_size));
  put16(udp, 0);
  udp.resize(udp.size() + payload_size, 0);
  return ip_frame(ends, ip_proto_udp, std::move(udp), 6);
}

frame_bytes icmp_frame(const frame_ends& ends, uint8_t type, uint8_t code,
                       size_t payload_size) {
  frame_bytes icmp{type, code, 0, 0, 0x12, 0x34, 0x00, 0x01};
  icmp.resize(icmp.size() + payload_size, 0);
  uint8_t proto = ends.source_ip.version == 6 ? ip_proto_icmpv6 : ip_proto_icmp;
  return ip_frame(ends, proto, std::move(icmp), 2);
}

frame_bytes lldp_frame(const mac_address& source) {
  frame_bytes tlvs;
  auto tlv = [&](uint8_t type, std::span<const uint8_t> value) {
    uint16_t header = static_cast<uint16_t>((type << 9) | value.size());
    put16(tlvs, header);
    tlvs.insert(tlvs.end(), value.begin(), value.end());
  };
  frame_bytes chassis{4};
  chassis.insert(chassis.end(), source.begin(), source.end());
  tlv(1, chassis);
  frame_bytes port{3};
  port.insert(port.end(), source.begin(), source.end());
  tlv(2, port);
  frame_bytes ttl{0, 120};
  tlv(3, ttl);
  put16(tlvs, 0); // end of LLDPDU
  mac_address lldp_multicast{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
  return ethernet_frame(lldp_multicast, source, ethertype_lldp, tlvs);
}

} // namespace kagami::protocols::pcap
