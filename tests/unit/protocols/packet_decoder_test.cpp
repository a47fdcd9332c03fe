// The flow monitor's packet decoder (protocols/pcap/packet_decoder.hpp):
// every status, VLAN tags, ARP, IPv4 options and fragments, IPv6 extension
// headers, and truncation at every offset with a guard page right after the
// frame, so that any read past the span crashes the test.

#include <cstring>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "protocols/pcap/frame_builder.hpp"
#include "protocols/pcap/packet_decoder.hpp"

using namespace kagami::protocols::pcap;

namespace {

const mac_address mac_a{0x02, 0x99, 0, 0, 0, 0x11};
const mac_address mac_b{0x02, 0x99, 0, 0, 0, 0x12};
const ip_address ip_a = make_ipv4(10, 99, 1, 11);
const ip_address ip_b = make_ipv4(10, 99, 1, 12);

frame_ends v4_ends(std::vector<uint16_t> vlans = {}) {
  return {mac_a, mac_b, ip_a, ip_b, std::move(vlans)};
}

frame_ends v6_ends() {
  return {mac_a, mac_b, *parse_ip("fe80::11"), *parse_ip("fe80::12"), {}};
}

// Decodes `frame` placed so that its last byte is the last readable byte
// before a PROT_NONE page: a read past the span faults.
class guarded_buffer {
public:
  guarded_buffer() {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    mem_ = static_cast<uint8_t*>(
      mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (mem_ == MAP_FAILED)
      std::abort();
    mprotect(mem_ + page_, page_, PROT_NONE);
  }
  ~guarded_buffer() {
    munmap(mem_, 2 * page_);
  }
  packet_summary decode(const std::vector<uint8_t>& frame, size_t n,
                        const decoder_limits& limits = {}) {
    uint8_t* start = mem_ + page_ - n;
    if (n > 0)
      std::memcpy(start, frame.data(), n);
    return decode_frame({start, n}, 0, limits);
  }

private:
  size_t page_ = 0;
  uint8_t* mem_ = nullptr;
};

void set16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

} // namespace

TEST(packet_decoder, tcp_over_ipv4) {
  auto f = tcp_frame(v4_ends(), 40000, 502, tcp_syn, 12);
  auto s = decode_frame(f, 1514);
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_TRUE(s.has_ethernet);
  EXPECT_EQ(s.wire_length, 1514u);
  EXPECT_EQ(s.captured_length, f.size());
  EXPECT_EQ(s.source_mac, mac_a);
  EXPECT_EQ(s.destination_mac, mac_b);
  EXPECT_EQ(s.ethertype, ethertype_ipv4);
  EXPECT_EQ(s.network, network_layer::ipv4);
  EXPECT_EQ(s.transport, transport_layer::tcp);
  EXPECT_EQ(s.source_ip, ip_a);
  EXPECT_EQ(s.destination_ip, ip_b);
  EXPECT_EQ(s.ip_protocol, ip_proto_tcp);
  EXPECT_EQ(s.ttl, 64);
  EXPECT_EQ(s.source_port, 40000);
  EXPECT_EQ(s.destination_port, 502);
  EXPECT_EQ(s.tcp_flags, tcp_syn);
  EXPECT_FALSE(s.later_fragment);
  EXPECT_EQ(describe(s), "02:99:00:00:00:11 > 02:99:00:00:00:12 tcp "
                         "10.99.1.11:40000 > 10.99.1.12:502 [S] 1514 bytes");
}

TEST(packet_decoder, wire_length_defaults_to_captured_length) {
  auto f = udp_frame(v4_ends(), 5000, 1900, 4);
  auto s = decode_frame(f);
  EXPECT_EQ(s.wire_length, f.size());
  EXPECT_EQ(s.transport, transport_layer::udp);
  EXPECT_EQ(s.destination_port, 1900);
}

TEST(packet_decoder, icmp_and_icmpv6) {
  auto s = decode_frame(icmp_frame(v4_ends(), 3, 3, 28));
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_EQ(s.transport, transport_layer::icmp);
  EXPECT_EQ(s.icmp_type, 3);
  EXPECT_EQ(s.icmp_code, 3);
  auto s6 = decode_frame(icmp_frame(v6_ends(), 135, 0, 16));
  EXPECT_EQ(s6.status, decode_status::ok);
  EXPECT_EQ(s6.network, network_layer::ipv6);
  EXPECT_EQ(s6.transport, transport_layer::icmpv6);
  EXPECT_EQ(s6.icmp_type, 135);
  EXPECT_EQ(format_ip(s6.source_ip), "fe80::11");
}

TEST(packet_decoder, udp_over_ipv6) {
  auto s = decode_frame(udp_frame(v6_ends(), 546, 547, 10));
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_EQ(s.ethertype, ethertype_ipv6);
  EXPECT_EQ(s.transport, transport_layer::udp);
  EXPECT_EQ(s.source_port, 546);
  EXPECT_EQ(s.destination_port, 547);
  EXPECT_EQ(s.ip_protocol, ip_proto_udp);
}

TEST(packet_decoder, vlan_tags) {
  auto one = decode_frame(tcp_frame(v4_ends({10}), 1, 2, tcp_ack));
  EXPECT_EQ(one.status, decode_status::ok);
  EXPECT_EQ(one.vlan_count, 1);
  EXPECT_EQ(one.vlan_ids[0], 10);
  EXPECT_EQ(one.ethertype, ethertype_ipv4);
  EXPECT_EQ(one.destination_port, 2);
  // 802.1ad outer tag, 802.1Q inner tag.
  auto f = tcp_frame(v4_ends({100, 20}), 1, 2, tcp_ack);
  set16(f, 12, ethertype_qinq);
  auto two = decode_frame(f);
  EXPECT_EQ(two.status, decode_status::ok);
  EXPECT_EQ(two.vlan_count, 2);
  EXPECT_EQ(two.vlan_ids[0], 100);
  EXPECT_EQ(two.vlan_ids[1], 20);
  EXPECT_EQ(two.transport, transport_layer::tcp);
  EXPECT_NE(describe(two).find("vlan 100 vlan 20"), std::string::npos);
  // A third tag is beyond the limit.
  auto payload = tcp_frame(v4_ends(), 1, 2, tcp_ack);
  std::vector<uint8_t> three(payload.begin(), payload.begin() + 12);
  for (uint16_t id : {1, 2, 3}) {
    three.push_back(0x81);
    three.push_back(0x00);
    three.push_back(0);
    three.push_back(static_cast<uint8_t>(id));
  }
  three.insert(three.end(), payload.begin() + 12, payload.end());
  auto s3 = decode_frame(three);
  EXPECT_EQ(s3.status, decode_status::unsupported);
  EXPECT_EQ(s3.vlan_count, 2);
  EXPECT_EQ(s3.ethertype, ethertype_vlan);
  EXPECT_TRUE(s3.has_ethernet);
  EXPECT_EQ(s3.network, network_layer::none);
  // A limit of 0 tags makes even one unsupported.
  decoder_limits none;
  none.max_vlan_tags = 0;
  EXPECT_EQ(decode_frame(tcp_frame(v4_ends({10}), 1, 2, tcp_ack), 0, none).status,
            decode_status::unsupported);
}

TEST(packet_decoder, arp) {
  auto f = arp_frame(arp_request, mac_a, ip_a, {}, ip_b, broadcast_mac);
  auto s = decode_frame(f);
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_EQ(s.network, network_layer::arp);
  EXPECT_EQ(s.arp_operation, arp_request);
  EXPECT_EQ(s.arp_sender_mac, mac_a);
  EXPECT_EQ(s.arp_sender_ip, ip_a);
  EXPECT_EQ(s.arp_target_ip, ip_b);
  EXPECT_EQ(s.destination_mac, broadcast_mac);
  EXPECT_EQ(describe(s), "02:99:00:00:00:11 > ff:ff:ff:ff:ff:ff arp who-has "
                         "10.99.1.12 tell 10.99.1.11 42 bytes");
  auto r = decode_frame(arp_frame(arp_reply, mac_b, ip_b, mac_a, ip_a, mac_a));
  EXPECT_EQ(r.arp_operation, arp_reply);
  EXPECT_EQ(r.arp_target_mac, mac_a);
  // Another hardware type is unsupported; wrong address lengths malformed.
  auto other = f;
  set16(other, 14, 6);
  EXPECT_EQ(decode_frame(other).status, decode_status::unsupported);
  auto bad = f;
  bad[14 + 4] = 8;
  EXPECT_EQ(decode_frame(bad).status, decode_status::malformed);
  EXPECT_EQ(decode_frame(bad).network, network_layer::none);
}

TEST(packet_decoder, lldp_and_other_ethertypes) {
  auto l = decode_frame(lldp_frame(mac_a));
  EXPECT_EQ(l.status, decode_status::ok);
  EXPECT_EQ(l.network, network_layer::lldp);
  EXPECT_EQ(l.ethertype, ethertype_lldp);
  std::vector<uint8_t> payload(46, 0);
  auto other = decode_frame(ethernet_frame(mac_b, mac_a, 0x1234, payload));
  EXPECT_EQ(other.status, decode_status::unsupported);
  EXPECT_TRUE(other.has_ethernet);
  EXPECT_EQ(other.source_mac, mac_a);
  EXPECT_EQ(other.ethertype, 0x1234);
  EXPECT_NE(describe(other).find("ethertype 0x1234 unsupported"), std::string::npos);
  // An 802.3 length field (LLC frames).
  EXPECT_EQ(decode_frame(ethernet_frame(mac_b, mac_a, 46, payload)).status,
            decode_status::unsupported);
}

TEST(packet_decoder, ipv4_options_are_skipped) {
  auto f = udp_frame(v4_ends(), 1234, 5678, 0);
  // Insert 8 bytes of options (NOPs) after the 20-byte header: IHL 7.
  std::vector<uint8_t> opt(f.begin(), f.begin() + 34);
  opt.insert(opt.end(), 8, 0x01);
  opt.insert(opt.end(), f.begin() + 34, f.end());
  opt[14] = 0x47;
  set16(opt, 16, static_cast<uint16_t>(20 + 8 + 8));
  auto s = decode_frame(opt);
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_EQ(s.source_port, 1234);
  EXPECT_EQ(s.destination_port, 5678);
  // Options announced but not captured.
  std::vector<uint8_t> cut(opt.begin(), opt.begin() + 14 + 24);
  EXPECT_EQ(decode_frame(cut).status, decode_status::truncated);
}

TEST(packet_decoder, malformed_ipv4_and_transport) {
  auto f = tcp_frame(v4_ends(), 1, 2, tcp_syn);
  auto version = f;
  version[14] = 0x55;
  EXPECT_EQ(decode_frame(version).status, decode_status::malformed);
  auto ihl = f;
  ihl[14] = 0x44;
  EXPECT_EQ(decode_frame(ihl).status, decode_status::malformed);
  EXPECT_EQ(decode_frame(ihl).network, network_layer::none);
  auto total = f;
  set16(total, 16, 19);
  EXPECT_EQ(decode_frame(total).status, decode_status::malformed);
  auto offset = f;
  offset[14 + 20 + 12] = 0x40; // data offset 4
  auto so = decode_frame(offset);
  EXPECT_EQ(so.status, decode_status::malformed);
  EXPECT_EQ(so.network, network_layer::ipv4); // the IP fields are valid
  EXPECT_EQ(so.transport, transport_layer::none);
  auto u = udp_frame(v4_ends(), 1, 2, 0);
  set16(u, 14 + 20 + 4, 7);
  EXPECT_EQ(decode_frame(u).status, decode_status::malformed);
}

TEST(packet_decoder, link_padding_is_ignored_and_total_length_bounds_transport) {
  auto u = udp_frame(v4_ends(), 1, 2, 0); // 42 bytes
  auto padded = u;
  padded.resize(60, 0xee);
  auto s = decode_frame(padded);
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_EQ(s.destination_port, 2);
  // A total length that ends inside the UDP header: the transport is cut.
  set16(padded, 16, 24);
  EXPECT_EQ(decode_frame(padded).status, decode_status::truncated);
}

TEST(packet_decoder, ipv4_fragments) {
  auto first = tcp_frame(v4_ends(), 1, 80, tcp_syn, 100);
  set16(first, 20, 0x2000); // MF, offset 0
  auto s = decode_frame(first);
  EXPECT_EQ(s.status, decode_status::ok);
  EXPECT_FALSE(s.later_fragment);
  EXPECT_EQ(s.transport, transport_layer::tcp);
  EXPECT_EQ(s.destination_port, 80);
  auto later = first;
  set16(later, 20, 185); // offset 185 × 8, no MF
  auto l = decode_frame(later);
  EXPECT_EQ(l.status, decode_status::ok);
  EXPECT_TRUE(l.later_fragment);
  EXPECT_EQ(l.transport, transport_layer::none);
  EXPECT_EQ(l.destination_port, 0);
  EXPECT_EQ(l.ip_protocol, ip_proto_tcp);
  EXPECT_EQ(l.destination_ip, ip_b);
}

namespace {

// An IPv6 UDP frame with `count` hop-by-hop/destination-options headers.
std::vector<uint8_t> ipv6_with_extensions(size_t count) {
  auto f = udp_frame(v6_ends(), 7, 9, 0);
  std::vector<uint8_t> out(f.begin(), f.begin() + 54);
  std::vector<uint8_t> udp(f.begin() + 54, f.end());
  out[14 + 6] = count == 0 ? ip_proto_udp : 0; // hop-by-hop first
  for (size_t i = 0; i < count; ++i) {
    uint8_t next = i + 1 == count ? ip_proto_udp : 60;
    out.insert(out.end(), {next, 0, 1, 4, 0, 0, 0, 0});
  }
  out.insert(out.end(), udp.begin(), udp.end());
  set16(out, 14 + 4, static_cast<uint16_t>(out.size() - 54));
  return out;
}

} // namespace

TEST(packet_decoder, ipv6_extension_headers) {
  auto two = decode_frame(ipv6_with_extensions(2));
  EXPECT_EQ(two.status, decode_status::ok);
  EXPECT_EQ(two.transport, transport_layer::udp);
  EXPECT_EQ(two.destination_port, 9);
  auto five = decode_frame(ipv6_with_extensions(5));
  EXPECT_EQ(five.status, decode_status::unsupported);
  EXPECT_EQ(five.network, network_layer::ipv6);
  EXPECT_EQ(five.transport, transport_layer::none);
  decoder_limits more;
  more.max_ipv6_extension_headers = 5;
  EXPECT_EQ(decode_frame(ipv6_with_extensions(5), 0, more).status, decode_status::ok);
  // A later fragment (fragment header, offset 8).
  auto f = udp_frame(v6_ends(), 7, 9, 0);
  std::vector<uint8_t> frag(f.begin(), f.begin() + 54);
  frag[14 + 6] = 44;
  frag.insert(frag.end(), {ip_proto_udp, 0, 0, 8 << 3, 0, 0, 0, 1});
  frag.insert(frag.end(), 8, 0);
  set16(frag, 14 + 4, 16);
  auto l = decode_frame(frag);
  EXPECT_EQ(l.status, decode_status::ok);
  EXPECT_TRUE(l.later_fragment);
  EXPECT_EQ(l.transport, transport_layer::none);
  // Version 4 in an IPv6 EtherType is malformed.
  f[14] = 0x40;
  EXPECT_EQ(decode_frame(f).status, decode_status::malformed);
}

TEST(packet_decoder, truncation_at_every_offset_never_reads_past_the_end) {
  guarded_buffer guard;
  struct sample {
    std::vector<uint8_t> frame;
    size_t headers; // bytes needed for every header
  };
  auto qinq = tcp_frame(v4_ends({100, 20}), 1, 2, tcp_syn, 30);
  std::vector<sample> samples{
    {tcp_frame(v4_ends(), 40000, 502, tcp_syn, 30), 14 + 20 + 20},
    {qinq, 22 + 20 + 20},
    {udp_frame(v4_ends(), 1, 2, 30), 14 + 20 + 8},
    {icmp_frame(v4_ends(), 8, 0, 30), 14 + 20 + 4},
    {arp_frame(arp_request, mac_a, ip_a, {}, ip_b, broadcast_mac), 14 + 28},
    {udp_frame(v6_ends(), 1, 2, 30), 14 + 40 + 8},
    {ipv6_with_extensions(3), 14 + 40 + 24 + 8},
    {lldp_frame(mac_a), 14},
  };
  for (const auto& x : samples) {
    for (size_t n = 0; n <= x.frame.size(); ++n) {
      auto s = guard.decode(x.frame, n);
      EXPECT_EQ(s.captured_length, n);
      EXPECT_EQ(s.has_ethernet, n >= 14);
      if (n < x.headers) {
        EXPECT_EQ(s.status, decode_status::truncated) << "prefix " << n;
      } else {
        EXPECT_EQ(s.status, decode_status::ok) << "prefix " << n;
      }
      EXPECT_FALSE(describe(s).empty());
    }
  }
}

TEST(packet_decoder, address_text) {
  EXPECT_EQ(parse_mac("02:99:00:00:00:AB"), (mac_address{2, 0x99, 0, 0, 0, 0xab}));
  EXPECT_EQ(format_mac({2, 0x99, 0, 0, 0, 0xab}), "02:99:00:00:00:ab");
  EXPECT_FALSE(parse_mac("02:99:00:00:00"));
  EXPECT_FALSE(parse_mac("02-99-00-00-00-01"));
  EXPECT_FALSE(parse_mac("02:99:00:00:00:0g"));
  auto v4 = parse_ip("10.99.1.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(*v4, make_ipv4(10, 99, 1, 1));
  EXPECT_EQ(format_ip(*v4), "10.99.1.1");
  auto v6 = parse_ip("ff02::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->version, 6);
  EXPECT_TRUE(v6->is_multicast_or_broadcast());
  EXPECT_FALSE(parse_ip("10.99.1"));
  EXPECT_FALSE(parse_ip(""));
  EXPECT_TRUE(make_ipv4(239, 255, 255, 250).is_multicast_or_broadcast());
  EXPECT_TRUE(make_ipv4(255, 255, 255, 255).is_multicast_or_broadcast());
  EXPECT_FALSE(make_ipv4(10, 0, 0, 255).is_multicast_or_broadcast());
  EXPECT_TRUE(make_ipv4(0, 0, 0, 0).is_unspecified());
  EXPECT_TRUE(parse_ip("fe80::1")->is_ipv6_link_local());
  EXPECT_EQ(format_ip({}), "");
}

TEST(packet_decoder, statuses_have_names) {
  EXPECT_STREQ(to_string(decode_status::ok), "ok");
  EXPECT_STREQ(to_string(decode_status::truncated), "truncated");
  EXPECT_STREQ(to_string(decode_status::malformed), "malformed");
  EXPECT_STREQ(to_string(decode_status::unsupported), "unsupported");
}
