// The flow monitor's judgement (actors/isolation/flow_policy.hpp) and memory
// (actors/isolation/flow_tracker.hpp): every allowance, the response rules
// (victims of a scan are never suspects), the classification thresholds,
// the report throttle, and the table bounds under 100k distinct flows.

#include <chrono>
#include <cmath>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/isolation/flow_policy.hpp"
#include "actors/isolation/flow_tracker.hpp"
#include "protocols/pcap/frame_builder.hpp"
#include "protocols/pcap/packet_decoder.hpp"

using namespace kagami::isolation;
using namespace kagami::protocols::pcap;
using namespace std::chrono_literals;

namespace {

mac_address mac(uint8_t last) {
  return {0x02, 0x99, 0, 0, 0, last};
}

ip_address ip(uint8_t last) {
  return make_ipv4(10, 99, 1, last);
}

const mac_address gw = mac(0x01);
const ip_address gw_ip = ip(1);
const mac_address sw = mac(0xf1); // a switch: exempt
const mac_address lldp_mc{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};

flow_policy_config lab_config() {
  flow_policy_config c;
  c.gateway_macs = {gw};
  c.gateway_ips = {gw_ip};
  c.exempt_macs = {sw};
  c.dhcp_servers = {ip(2)};
  c.allowances.push_back({17, make_ipv4(239, 255, 255, 250), 1900});
  return c;
}

std::shared_ptr<const flow_policy> lab_policy() {
  return std::make_shared<const flow_policy>(lab_config());
}

frame_ends ends(uint8_t from, uint8_t to) {
  return {mac(from), mac(to), ip(from), ip(to), {}};
}

// `from` to the gateway's MAC and IP.
frame_ends to_gateway(uint8_t from) {
  return {mac(from), gw, ip(from), gw_ip, {}};
}

const timestamp t0 = timestamp{} + 1'700'000'000s;

packet_summary decode(const frame_bytes& f) {
  return decode_frame(f);
}

judgement judge(const frame_bytes& f) {
  return flow_policy{lab_config()}.judge(decode(f));
}

judgement allowed(allowance_rule r) {
  return {verdict::allowed, r};
}

// A tracker with the lab policy and a clock that advances 1 ms per packet.
struct tracked {
  explicit tracked(flow_tracker_limits l = {}, classification_thresholds t = {})
    : tracker(lab_policy(), l, t) {
  }
  verdict feed(const frame_bytes& f) {
    now += 1ms;
    return tracker.observe(decode(f), now);
  }
  flow_tracker tracker;
  timestamp now = t0;
};

} // namespace

// -- the policy --------------------------------------------------------------

TEST(flow_policy, gateway_and_exempt_sources_are_not_subjects) {
  frame_ends from_gw{gw, mac(0x11), gw_ip, ip(0x11), {}};
  EXPECT_EQ(judge(tcp_frame(from_gw, 40000, 502, tcp_syn)).result, verdict::not_subject);
  frame_ends from_sw{sw, mac(0x11), ip(0xf1), ip(0x11), {}};
  EXPECT_EQ(judge(udp_frame(from_sw, 161, 40000)).result, verdict::not_subject);
  EXPECT_EQ(judge(frame_bytes(10, 0)).result, verdict::not_subject); // no Ethernet
}

TEST(flow_policy, traffic_to_the_gateway_is_allowed) {
  EXPECT_EQ(judge(tcp_frame(to_gateway(0x11), 502, 40000, tcp_syn | tcp_ack)),
            allowed(allowance_rule::gateway));
  EXPECT_EQ(judge(icmp_frame(to_gateway(0x11), 8, 0)), allowed(allowance_rule::gateway));
  // Non-IP to the gateway MAC.
  std::vector<uint8_t> payload(46, 0);
  EXPECT_EQ(judge(ethernet_frame(gw, mac(0x11), 0x88b5, payload)),
            allowed(allowance_rule::gateway));
  // IPv6 link-local to the gateway MAC.
  frame_ends v6{mac(0x11), gw, *parse_ip("fe80::11"), *parse_ip("fe80::1"), {}};
  EXPECT_EQ(judge(udp_frame(v6, 5000, 5001)), allowed(allowance_rule::gateway));
  // Routed through the gateway to somewhere else: outside.
  frame_ends routed{mac(0x11), gw, ip(0x11), make_ipv4(8, 8, 8, 8), {}};
  EXPECT_EQ(judge(tcp_frame(routed, 40000, 443, tcp_syn)).result, verdict::outside);
  // The gateway's IP behind another MAC: outside.
  frame_ends wrong_mac{mac(0x11), mac(0x12), ip(0x11), gw_ip, {}};
  EXPECT_EQ(judge(tcp_frame(wrong_mac, 40000, 443, tcp_syn)).result, verdict::outside);
}

TEST(flow_policy, infrastructure_allowances) {
  EXPECT_EQ(judge(lldp_frame(mac(0x11))), allowed(allowance_rule::lldp));
  auto htip = lldp_frame(mac(0x11));
  std::copy(broadcast_mac.begin(), broadcast_mac.end(), htip.begin());
  EXPECT_EQ(judge(htip), allowed(allowance_rule::lldp));
  auto unicast_lldp = lldp_frame(mac(0x11));
  auto peer = mac(0x12);
  std::copy(peer.begin(), peer.end(), unicast_lldp.begin());
  EXPECT_EQ(judge(unicast_lldp).result, verdict::outside);

  // ARP.
  EXPECT_EQ(judge(arp_frame(arp_request, mac(0x11), ip(0x11), {}, gw_ip, broadcast_mac)),
            allowed(allowance_rule::arp_for_gateway));
  EXPECT_EQ(judge(arp_frame(arp_request, mac(0x11), ip(0x11), {}, ip(0x11), broadcast_mac)),
            allowed(allowance_rule::arp_gratuitous));
  EXPECT_EQ(judge(arp_frame(arp_reply, mac(0x11), ip(0x11), broadcast_mac, ip(0x11),
                            broadcast_mac)),
            allowed(allowance_rule::arp_gratuitous));
  EXPECT_EQ(judge(arp_frame(arp_request, mac(0x11), make_ipv4(0, 0, 0, 0), {}, ip(0x11),
                            broadcast_mac)),
            allowed(allowance_rule::arp_gratuitous));
  EXPECT_EQ(judge(arp_frame(arp_reply, mac(0x11), ip(0x11), gw, gw_ip, gw)),
            allowed(allowance_rule::arp_for_gateway));
  EXPECT_EQ(judge(arp_frame(arp_reply, mac(0x11), ip(0x11), gw, ip(0x20), gw)),
            allowed(allowance_rule::arp_reply_to_gateway));
  EXPECT_EQ(judge(arp_frame(arp_request, mac(0x11), ip(0x11), {}, ip(0x12), broadcast_mac))
              .result,
            verdict::outside);
  EXPECT_EQ(judge(arp_frame(arp_reply, mac(0x11), ip(0x11), mac(0x12), ip(0x12), mac(0x12)))
              .result,
            verdict::response_if_arp_request);
  // Claiming the gateway's IP is spoofing, gratuitous or not.
  EXPECT_EQ(judge(arp_frame(arp_reply, mac(0x66), gw_ip, broadcast_mac, gw_ip, broadcast_mac))
              .result,
            verdict::outside);
  EXPECT_EQ(judge(arp_frame(arp_reply, mac(0x66), gw_ip, mac(0x12), ip(0x12), mac(0x12)))
              .result,
            verdict::outside);

  // DHCP to broadcast or the configured server.
  frame_ends dhcp{mac(0x11), broadcast_mac, make_ipv4(0, 0, 0, 0),
                  make_ipv4(255, 255, 255, 255), {}};
  EXPECT_EQ(judge(udp_frame(dhcp, 68, 67, 300)), allowed(allowance_rule::dhcp));
  frame_ends dhcp_server{mac(0x11), mac(0x02), ip(0x11), ip(2), {}};
  EXPECT_EQ(judge(udp_frame(dhcp_server, 68, 67, 300)), allowed(allowance_rule::dhcp));
  frame_ends dhcp_other{mac(0x11), mac(0x03), ip(0x11), ip(3), {}};
  EXPECT_EQ(judge(udp_frame(dhcp_other, 68, 67, 300)).result,
            verdict::response_if_reverse_flow);

  // The configured SSDP allowance: that group and port only.
  mac_address ssdp_mac{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
  frame_ends ssdp{mac(0x11), ssdp_mac, ip(0x11), make_ipv4(239, 255, 255, 250), {}};
  EXPECT_EQ(judge(udp_frame(ssdp, 40000, 1900, 100)), allowed(allowance_rule::configured));
  EXPECT_EQ(judge(udp_frame(ssdp, 40000, 1901, 100)).result,
            verdict::response_if_reverse_flow);
  EXPECT_EQ(judge(tcp_frame(ssdp, 40000, 1900, tcp_syn)).result, verdict::outside);

  // IGMP membership reports and IPv6 link control to multicast.
  mac_address igmp_mac{0x01, 0x00, 0x5e, 0, 0, 0x16};
  frame_ends igmp{mac(0x11), igmp_mac, ip(0x11), make_ipv4(224, 0, 0, 22), {}};
  auto igmp_frame = udp_frame(igmp, 1, 2);
  igmp_frame[14 + 9] = ip_proto_igmp;
  EXPECT_EQ(judge(igmp_frame), allowed(allowance_rule::igmp));
  mac_address nd_mac{0x33, 0x33, 0xff, 0, 0, 0x12};
  frame_ends nd{mac(0x11), nd_mac, *parse_ip("fe80::11"), *parse_ip("ff02::1:ff00:12"), {}};
  EXPECT_EQ(judge(icmp_frame(nd, 135, 0, 16)), allowed(allowance_rule::ipv6_link_control));
  EXPECT_EQ(judge(icmp_frame(nd, 128, 0, 16)).result, verdict::outside); // echo request

  // Without the allowances.
  auto c = lab_config();
  c.allow_dhcp = false;
  c.allow_igmp = false;
  c.allow_arp_probes = false;
  c.allow_ipv6_link_control = false;
  c.allowances.clear();
  flow_policy strict{c};
  EXPECT_NE(strict.judge(decode(udp_frame(dhcp, 68, 67, 300))).result, verdict::allowed);
  EXPECT_EQ(strict.judge(decode(igmp_frame)).result, verdict::outside);
  EXPECT_EQ(strict.judge(decode(icmp_frame(nd, 135, 0, 16))).result, verdict::outside);
  EXPECT_EQ(strict.judge(decode(arp_frame(arp_request, mac(0x11), make_ipv4(0, 0, 0, 0), {},
                                          ip(0x11), broadcast_mac)))
              .result,
            verdict::outside);
  EXPECT_NE(strict.judge(decode(udp_frame(ssdp, 40000, 1900))).result, verdict::allowed);
}

TEST(flow_policy, responses_by_their_nature_and_conditional_ones) {
  for (uint8_t type : {0, 3, 11, 12})
    EXPECT_EQ(judge(icmp_frame(ends(0x12, 0x66), type, 0)).result, verdict::response);
  EXPECT_EQ(judge(icmp_frame(ends(0x12, 0x66), 8, 0)).result, verdict::outside);
  frame_ends v6{mac(0x12), mac(0x66), *parse_ip("fe80::12"), *parse_ip("fe80::66"), {}};
  for (uint8_t type : {1, 3, 129, 136})
    EXPECT_EQ(judge(icmp_frame(v6, type, 0)).result, verdict::response);
  EXPECT_EQ(judge(tcp_frame(ends(0x12, 0x66), 80, 40000, tcp_syn | tcp_ack)).result,
            verdict::response_if_reverse_flow);
  EXPECT_EQ(judge(tcp_frame(ends(0x12, 0x66), 80, 40000, tcp_rst | tcp_ack)).result,
            verdict::response_if_reverse_flow);
  EXPECT_EQ(judge(tcp_frame(ends(0x12, 0x66), 80, 40000, tcp_syn)).result, verdict::outside);
  EXPECT_EQ(judge(udp_frame(ends(0x12, 0x66), 161, 40000)).result,
            verdict::response_if_reverse_flow);
  // Non-IP and malformed frames to a device: outside.
  std::vector<uint8_t> payload(46, 0);
  EXPECT_EQ(judge(ethernet_frame(mac(0x12), mac(0x11), 0x88b5, payload)).result,
            verdict::outside);
}

// -- the tracker: responses --------------------------------------------------

TEST(flow_tracker, scan_victims_answering_are_never_suspects) {
  tracked t;
  EXPECT_EQ(t.feed(tcp_frame(ends(0x66, 0x12), 40000, 80, tcp_syn)), verdict::outside);
  EXPECT_EQ(t.feed(tcp_frame(ends(0x12, 0x66), 80, 40000, tcp_syn | tcp_ack)),
            verdict::response);
  EXPECT_EQ(t.feed(tcp_frame(ends(0x66, 0x12), 40000, 81, tcp_syn)), verdict::outside);
  EXPECT_EQ(t.feed(tcp_frame(ends(0x12, 0x66), 81, 40000, tcp_rst | tcp_ack)),
            verdict::response);
  // The attacker's ACK answers the victim's SYN-ACK: a response, but the
  // attacker is a suspect since its first SYN.
  EXPECT_EQ(t.feed(tcp_frame(ends(0x66, 0x12), 40000, 80, tcp_ack)), verdict::response);
  // UDP and ICMP answers.
  EXPECT_EQ(t.feed(udp_frame(ends(0x66, 0x13), 40001, 161)), verdict::outside);
  EXPECT_EQ(t.feed(udp_frame(ends(0x13, 0x66), 161, 40001)), verdict::response);
  EXPECT_EQ(t.feed(icmp_frame(ends(0x13, 0x66), 3, 3, 28)), verdict::response);
  auto v = t.tracker.take_new_violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].suspect_mac, "02:99:00:00:00:66");
  EXPECT_EQ(v[0].packets, 3u); // the two SYNs and the UDP datagram
  EXPECT_EQ(t.tracker.snapshot().size(), 1u);
  auto c = t.tracker.counters();
  EXPECT_EQ(c.responses, 5u);
  EXPECT_EQ(c.out_of_policy, 3u);
  EXPECT_EQ(c.violations, 1u);
}

TEST(flow_tracker, an_answer_nobody_asked_for_is_outside) {
  tracked t;
  EXPECT_EQ(t.feed(tcp_frame(ends(0x12, 0x66), 80, 40000, tcp_syn | tcp_ack)),
            verdict::outside);
  // A SYN to port 80 does not make an answer from 81 a reply to it, but
  // 0x66 contacted 0x13 first: whatever 0x13 sends back to 0x66 is the
  // contact's consequence, never 0x13's initiative.
  EXPECT_EQ(t.feed(tcp_frame(ends(0x66, 0x13), 40000, 80, tcp_syn)), verdict::outside);
  EXPECT_EQ(t.feed(tcp_frame(ends(0x13, 0x66), 81, 40000, tcp_rst)), verdict::response);
  EXPECT_EQ(t.feed(udp_frame(ends(0x14, 0x66), 53, 40000)), verdict::outside);
  EXPECT_EQ(t.tracker.take_new_violations().size(), 3u);
}

TEST(flow_tracker, a_scanned_device_checking_the_scanner_is_not_a_suspect) {
  tracked t;
  EXPECT_EQ(t.feed(tcp_frame(ends(0x99, 0x11), 50401, 113, tcp_syn)), verdict::outside);
  EXPECT_EQ(t.feed(tcp_frame(ends(0x11, 0x99), 113, 50401, tcp_rst | tcp_ack)),
            verdict::response);
  // Seconds later its neighbour entry for the scanner is stale: it asks
  // again, unicast to the scanner's MAC, then by broadcast for its IP.
  t.now += 5s;
  EXPECT_EQ(t.feed(arp_frame(arp_request, mac(0x11), ip(0x11), {}, ip(0x99), mac(0x99))),
            verdict::response);
  EXPECT_EQ(t.feed(arp_frame(arp_request, mac(0x11), ip(0x11), {}, ip(0x99), broadcast_mac)),
            verdict::response);
  // Asking for a device that never contacted it is its own initiative.
  EXPECT_EQ(t.feed(arp_frame(arp_request, mac(0x11), ip(0x11), {}, ip(0x12), broadcast_mac)),
            verdict::outside);
  auto v = t.tracker.take_new_violations();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].suspect_mac, "02:99:00:00:00:99");
  EXPECT_EQ(v[1].suspect_mac, "02:99:00:00:00:11");
  EXPECT_EQ(v[1].packets, 1u);
}

TEST(flow_tracker, a_reverse_flow_is_forgotten_after_the_idle_timeout) {
  flow_tracker_limits l;
  l.flow_idle_timeout = 5s;
  tracked t{l};
  t.feed(udp_frame(ends(0x66, 0x12), 40000, 161));
  t.now += 4s;
  EXPECT_EQ(t.feed(udp_frame(ends(0x12, 0x66), 161, 40000)), verdict::response);
  t.now += 6s;
  EXPECT_EQ(t.feed(udp_frame(ends(0x12, 0x66), 161, 40000)), verdict::outside);
}

TEST(flow_tracker, arp_replies_answer_requests) {
  tracked t;
  // 0x11 asks for 0x12 (outside: a neighbour) and 0x12 answers: a response.
  EXPECT_EQ(t.feed(arp_frame(arp_request, mac(0x11), ip(0x11), {}, ip(0x12), broadcast_mac)),
            verdict::outside);
  EXPECT_EQ(t.feed(arp_frame(arp_reply, mac(0x12), ip(0x12), mac(0x11), ip(0x11), mac(0x11))),
            verdict::response);
  // An unsolicited reply (0x13 was never asked for) is outside.
  EXPECT_EQ(t.feed(arp_frame(arp_reply, mac(0x13), ip(0x13), mac(0x11), ip(0x11), mac(0x11))),
            verdict::outside);
  // Asked by the switch (exempt, not a suspect) and answered.
  EXPECT_EQ(t.feed(arp_frame(arp_request, sw, ip(0xf1), {}, ip(0x14), broadcast_mac)),
            verdict::not_subject);
  EXPECT_EQ(t.feed(arp_frame(arp_reply, mac(0x14), ip(0x14), sw, ip(0xf1), sw)),
            verdict::response);
  auto v = t.tracker.take_new_violations();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].suspect_mac, "02:99:00:00:00:11");
  EXPECT_EQ(v[0].kind, violation_kind::unknown);
  EXPECT_EQ(v[1].suspect_mac, "02:99:00:00:00:13");
}

TEST(flow_tracker, normal_factory_traffic_makes_no_violation) {
  tracked t;
  for (int i = 0; i < 100; ++i) {
    frame_ends poll{gw, mac(0x11), gw_ip, ip(0x11), {}};
    EXPECT_EQ(t.feed(tcp_frame(poll, 40000, 502, tcp_psh | tcp_ack, 12)),
              verdict::not_subject);
    EXPECT_EQ(t.feed(tcp_frame(to_gateway(0x11), 502, 40000, tcp_psh | tcp_ack, 11)),
              verdict::allowed);
    EXPECT_EQ(t.feed(arp_frame(arp_request, mac(0x12), ip(0x12), {}, gw_ip, broadcast_mac)),
              verdict::allowed);
    EXPECT_EQ(t.feed(lldp_frame(mac(0x13))), verdict::allowed);
    EXPECT_EQ(t.feed(lldp_frame(sw)), verdict::not_subject);
  }
  EXPECT_TRUE(t.tracker.take_new_violations().empty());
  EXPECT_TRUE(t.tracker.take_updated(t.now + 1h).empty());
  EXPECT_EQ(t.tracker.counters().violations, 0u);
  EXPECT_EQ(t.tracker.counters().packets, 500u);
}

// -- classification ----------------------------------------------------------

namespace {

violation_kind kind_after(const std::function<void(tracked&)>& traffic) {
  tracked t;
  traffic(t);
  auto s = t.tracker.snapshot();
  if (s.size() != 1)
    ADD_FAILURE() << s.size() << " suspects";
  return s.empty() ? violation_kind::unknown : s[0].kind;
}

void syns(tracked& t, uint8_t to, int ports) {
  for (int p = 0; p < ports; ++p)
    t.feed(tcp_frame(ends(0x66, to), 40000, static_cast<uint16_t>(1 + p), tcp_syn));
}

} // namespace

TEST(flow_tracker, classification_thresholds) {
  EXPECT_EQ(kind_after([](tracked& t) { syns(t, 0x12, 10); }), violation_kind::port_scan);
  EXPECT_EQ(kind_after([](tracked& t) { syns(t, 0x12, 9); }),
            violation_kind::lateral_connection);
  // 9 ports on each of 2 hosts is no port scan.
  EXPECT_EQ(kind_after([](tracked& t) {
              syns(t, 0x12, 9);
              syns(t, 0x13, 9);
            }),
            violation_kind::lateral_connection);
  EXPECT_EQ(kind_after([](tracked& t) {
              for (uint8_t h = 0x11; h < 0x16; ++h)
                syns(t, h, 1);
            }),
            violation_kind::host_sweep);
  EXPECT_EQ(kind_after([](tracked& t) {
              for (uint8_t h = 0x11; h < 0x15; ++h)
                syns(t, h, 1);
            }),
            violation_kind::lateral_connection);
  // ARP requests for neighbours count as hosts.
  EXPECT_EQ(kind_after([](tracked& t) {
              for (uint8_t h = 0x11; h < 0x16; ++h)
                t.feed(arp_frame(arp_request, mac(0x66), ip(0x66), {}, ip(h), broadcast_mac));
            }),
            violation_kind::host_sweep);
  EXPECT_EQ(kind_after([](tracked& t) {
              for (uint8_t h = 0x11; h < 0x15; ++h)
                t.feed(arp_frame(arp_request, mac(0x66), ip(0x66), {}, ip(h), broadcast_mac));
            }),
            violation_kind::unknown);
  // An echo request to a neighbour: unknown.
  EXPECT_EQ(kind_after([](tracked& t) { t.feed(icmp_frame(ends(0x66, 0x12), 8, 0)); }),
            violation_kind::unknown);
  // Flood: 1000 packets to one host within 1 s (1 ms apart), not 999.
  EXPECT_EQ(kind_after([](tracked& t) {
              for (int i = 0; i < 1000; ++i)
                t.feed(udp_frame(ends(0x66, 0x12), 40000, 9));
            }),
            violation_kind::flood);
  EXPECT_EQ(kind_after([](tracked& t) {
              for (int i = 0; i < 999; ++i)
                t.feed(udp_frame(ends(0x66, 0x12), 40000, 9));
            }),
            violation_kind::lateral_connection);
  // 1000 packets over 2 s: not a flood.
  EXPECT_EQ(kind_after([](tracked& t) {
              for (int i = 0; i < 1000; ++i) {
                t.now += 1ms;
                t.feed(udp_frame(ends(0x66, 0x12), 40000, 9));
              }
            }),
            violation_kind::lateral_connection);
}

TEST(flow_tracker, configurable_thresholds) {
  classification_thresholds th;
  th.port_scan_ports = 3;
  th.host_sweep_hosts = 2;
  tracked t{{}, th};
  syns(t, 0x12, 1);
  EXPECT_EQ(t.tracker.snapshot()[0].kind, violation_kind::lateral_connection);
  syns(t, 0x13, 1);
  EXPECT_EQ(t.tracker.snapshot()[0].kind, violation_kind::host_sweep);
  syns(t, 0x13, 3);
  EXPECT_EQ(t.tracker.snapshot()[0].kind, violation_kind::port_scan);
}

// -- evidence and reports ----------------------------------------------------

TEST(flow_tracker, evidence_of_a_violation) {
  flow_tracker_limits l;
  l.max_samples = 3;
  tracked t{l};
  syns(t, 0x12, 20);
  syns(t, 0x13, 20);
  auto v = t.tracker.take_new_violations();
  ASSERT_EQ(v.size(), 1u);
  const auto& x = v[0];
  EXPECT_EQ(x.suspect_mac, "02:99:00:00:00:66");
  EXPECT_EQ(x.suspect_ip, "10.99.1.102");
  EXPECT_EQ(x.kind, violation_kind::port_scan);
  EXPECT_EQ(x.packets, 40u);
  EXPECT_EQ(x.bytes, 40u * 54);
  auto first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    t0.time_since_epoch())
                    .count()
                  + 1;
  EXPECT_EQ(x.first_seen_ms, first_ms);
  EXPECT_EQ(x.last_seen_ms, first_ms + 39);
  ASSERT_EQ(x.destinations.size(), 2u);
  EXPECT_EQ(x.destinations[0].mac, "02:99:00:00:00:12");
  EXPECT_EQ(x.destinations[0].ip, "10.99.1.18");
  EXPECT_EQ(x.destinations[0].ports.size(), 20u);
  EXPECT_EQ(x.destinations[0].ports[0], 1);
  EXPECT_EQ(x.destinations[0].distinct_ports, 20u);
  EXPECT_EQ(x.destinations[0].packets, 20u);
  EXPECT_EQ(x.distinct_hosts, 2u);
  EXPECT_EQ(x.distinct_ports, 20u);
  ASSERT_EQ(x.samples.size(), 3u);
  EXPECT_EQ(x.samples[0], "2023-11-14T22:13:20.001Z 02:99:00:00:00:66 > 02:99:00:00:00:12 "
                          "tcp 10.99.1.102:40000 > 10.99.1.18:1 [S] 54 bytes");
  EXPECT_EQ(x.revision, 1u);
  auto j = x.to_json();
  EXPECT_EQ(j["suspect_mac"], "02:99:00:00:00:66");
  EXPECT_EQ(j["kind"], "port_scan");
  EXPECT_EQ(j["destinations"].size(), 2u);
  EXPECT_EQ(j["destinations"][1]["ports"].size(), 20u);
  EXPECT_EQ(j["distinct_ports"], 20);
  EXPECT_EQ(j["samples"].size(), 3u);
  EXPECT_EQ(t.tracker.counters().to_json()["violations"], 1);
}

TEST(flow_tracker, new_violations_once_then_throttled_updates) {
  tracked t;
  syns(t, 0x12, 1);
  auto first = t.tracker.take_new_violations();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].kind, violation_kind::lateral_connection);
  EXPECT_TRUE(t.tracker.take_new_violations().empty());
  EXPECT_TRUE(t.tracker.take_updated(t.now).empty()); // nothing changed
  // More of the same kind: reported once the interval passed.
  t.feed(tcp_frame(ends(0x66, 0x12), 40000, 2, tcp_syn));
  EXPECT_TRUE(t.tracker.take_updated(t.now).empty());
  auto later = t.tracker.take_updated(t.now + 1s);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].packets, 2u);
  EXPECT_EQ(later[0].revision, 2u);
  EXPECT_TRUE(t.tracker.take_updated(t.now + 5s).empty());
  // A change of kind is reported at once.
  syns(t, 0x12, 10);
  auto scan = t.tracker.take_updated(t.now + 1s + 1ms);
  ASSERT_EQ(scan.size(), 1u);
  EXPECT_EQ(scan[0].kind, violation_kind::port_scan);
  EXPECT_TRUE(t.tracker.take_new_violations().empty());
  // The kind never falls back.
  t.now += 10s;
  t.feed(icmp_frame(ends(0x66, 0x20), 8, 0));
  EXPECT_EQ(t.tracker.snapshot()[0].kind, violation_kind::port_scan);
}

TEST(flow_tracker, a_forgotten_suspect_is_a_new_violation_again) {
  flow_tracker_limits l;
  l.suspect_idle_timeout = 60s;
  tracked t{l};
  syns(t, 0x12, 1);
  EXPECT_EQ(t.tracker.take_new_violations().size(), 1u);
  t.now += 30s;
  syns(t, 0x12, 1);
  EXPECT_TRUE(t.tracker.take_new_violations().empty());
  t.now += 61s;
  syns(t, 0x12, 1);
  auto again = t.tracker.take_new_violations();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].packets, 1u);
  EXPECT_EQ(again[0].revision, 1u);
  EXPECT_EQ(t.tracker.counters().violations, 2u);
}

TEST(flow_tracker, set_policy_applies_to_the_next_packet) {
  tracked t;
  EXPECT_EQ(t.feed(udp_frame(ends(0x11, 0x12), 1, 2)), verdict::outside);
  auto c = lab_config();
  c.exempt_macs.push_back(mac(0x11));
  t.tracker.set_policy(std::make_shared<const flow_policy>(c));
  EXPECT_EQ(t.feed(udp_frame(ends(0x11, 0x12), 1, 3)), verdict::not_subject);
}

TEST(flow_tracker, decode_statuses_are_counted) {
  tracked t;
  t.feed(frame_bytes(5, 0));
  std::vector<uint8_t> payload(46, 0);
  t.feed(ethernet_frame(mac(0x12), mac(0x11), 0x1234, payload));
  auto bad = tcp_frame(ends(0x11, 0x12), 1, 2, tcp_syn);
  bad[14] = 0x44;
  t.feed(bad);
  t.feed(tcp_frame(to_gateway(0x11), 1, 2, tcp_ack));
  auto c = t.tracker.counters();
  EXPECT_EQ(c.by_status[size_t(decode_status::truncated)], 1u);
  EXPECT_EQ(c.by_status[size_t(decode_status::unsupported)], 1u);
  EXPECT_EQ(c.by_status[size_t(decode_status::malformed)], 1u);
  EXPECT_EQ(c.by_status[size_t(decode_status::ok)], 1u);
  EXPECT_EQ(c.not_subject, 1u);
  // The unsupported and the malformed frame to a device are 0x11's violation.
  EXPECT_EQ(c.out_of_policy, 2u);
  EXPECT_EQ(t.tracker.snapshot().size(), 1u);
}

// -- bounds ------------------------------------------------------------------

TEST(flow_tracker, tables_stay_within_their_limits) {
  flow_tracker_limits l;
  l.max_flows = 1000;
  l.max_suspects = 50;
  l.max_destinations = 8;
  l.max_ports_per_destination = 16;
  l.max_samples = 4;
  flow_tracker t{lab_policy(), l};
  auto now = t0;
  // 100k distinct flows from 100k distinct source MACs to 100k hosts.
  for (uint32_t i = 0; i < 100'000; ++i) {
    mac_address src{0x02, 0x77, uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i), 0};
    frame_ends e{src, mac(0x12), make_ipv4(10, uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)),
                 make_ipv4(10, 98, uint8_t(i >> 8), uint8_t(i)), {}};
    now += 1us;
    t.observe(decode(udp_frame(e, uint16_t(i), uint16_t(i * 7))), now);
    auto c = t.counters();
    ASSERT_LE(c.flows, l.max_flows);
    ASSERT_LE(c.suspects, l.max_suspects);
  }
  auto c = t.counters();
  EXPECT_EQ(c.flows, l.max_flows);
  // Each out-of-policy datagram records its flow and two contacts (its
  // destination MAC from its MAC and from its IP).
  EXPECT_EQ(c.flows_evicted, 3 * 100'000u - l.max_flows);
  EXPECT_EQ(c.suspects, l.max_suspects);
  EXPECT_EQ(c.suspects_evicted, 100'000u - l.max_suspects);
  EXPECT_EQ(c.violations, 100'000u);
  EXPECT_EQ(t.snapshot().size(), l.max_suspects);
  // The pending new violations are those of the suspects still known.
  EXPECT_EQ(t.take_new_violations().size(), l.max_suspects);

  // One suspect, 100k distinct hosts × ports: kept lists bounded, counts go on.
  for (uint32_t i = 0; i < 100'000; ++i) {
    frame_ends e{mac(0x66), mac(0x12), ip(0x66),
                 make_ipv4(10, 97, uint8_t(i >> 8), uint8_t(i)), {}};
    now += 1us;
    t.observe(decode(tcp_frame(e, 40000, uint16_t(i % 5000), tcp_syn)), now);
  }
  auto v = t.take_new_violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].destinations.size(), l.max_destinations);
  for (const auto& d : v[0].destinations)
    EXPECT_LE(d.ports.size(), l.max_ports_per_destination);
  EXPECT_EQ(v[0].samples.size(), l.max_samples);
  EXPECT_EQ(v[0].distinct_ports, 5000u);
  // 65,536 distinct hosts (the address wraps): the estimate saturates near
  // its bitmap's range, far above the kept list.
  EXPECT_GT(v[0].distinct_hosts, 10'000u);
  EXPECT_EQ(v[0].kind, violation_kind::host_sweep);
  EXPECT_LE(t.counters().suspects, l.max_suspects);
}

TEST(flow_tracker, distinct_counts_beyond_the_kept_lists_are_estimated) {
  flow_tracker_limits l;
  l.max_destinations = 4;
  l.max_ports_per_destination = 8;
  tracked t{l};
  for (int h = 0; h < 1000; ++h) {
    frame_ends e{mac(0x66), mac(0x12), ip(0x66),
                 make_ipv4(10, 96, uint8_t(h >> 8), uint8_t(h)), {}};
    t.feed(udp_frame(e, 40000, 7));
  }
  for (int p = 0; p < 200; ++p)
    t.feed(udp_frame(ends(0x66, 0x12), 40000, uint16_t(1000 + p)));
  auto v = t.tracker.snapshot();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NEAR(double(v[0].distinct_hosts), 1001.0, 1001 * 0.05);
  EXPECT_EQ(v[0].destinations.size(), 4u);
  EXPECT_EQ(v[0].distinct_ports, 201u);
  // 10.99.1.18 was not among the first 4 hosts: no per-host evidence, and
  // every host got one port, so no port scan.
  EXPECT_EQ(v[0].kind, violation_kind::host_sweep);
}

TEST(flow_tracker, the_least_recently_seen_flow_is_evicted_first) {
  // Each of these datagrams takes three entries: its flow and two contacts.
  flow_tracker_limits l;
  l.max_flows = 12;
  tracked t{l};
  t.feed(udp_frame(ends(0x66, 0x12), 40000, 1)); // flow A
  t.feed(udp_frame(ends(0x66, 0x13), 40000, 1)); // B
  t.feed(udp_frame(ends(0x66, 0x14), 40000, 1)); // C
  t.feed(udp_frame(ends(0x66, 0x15), 40000, 1)); // D
  t.feed(udp_frame(ends(0x66, 0x12), 40000, 1)); // A again: most recent
  t.feed(udp_frame(ends(0x66, 0x16), 40000, 1)); // E evicts B
  EXPECT_EQ(t.feed(udp_frame(ends(0x12, 0x66), 1, 40000)), verdict::response);
  EXPECT_EQ(t.feed(udp_frame(ends(0x13, 0x66), 1, 40000)), verdict::outside);
  EXPECT_LE(t.tracker.counters().flows, 12u);
  EXPECT_GE(t.tracker.counters().flows_evicted, 3u);
}

TEST(flow_tracker, the_least_recently_seen_suspect_is_evicted_first) {
  flow_tracker_limits l;
  l.max_suspects = 2;
  tracked t{l};
  t.feed(icmp_frame(ends(0x61, 0x12), 8, 0));
  t.feed(icmp_frame(ends(0x62, 0x12), 8, 0));
  t.feed(icmp_frame(ends(0x61, 0x12), 8, 0)); // 0x61 is the most recent
  t.feed(icmp_frame(ends(0x63, 0x12), 8, 0)); // evicts 0x62
  auto s = t.tracker.snapshot();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].suspect_mac, "02:99:00:00:00:61");
  EXPECT_EQ(s[0].packets, 2u);
  EXPECT_EQ(s[1].suspect_mac, "02:99:00:00:00:63");
  EXPECT_EQ(t.tracker.counters().suspects_evicted, 1u);
  auto v = t.tracker.take_new_violations();
  EXPECT_EQ(v.size(), 2u);
}
