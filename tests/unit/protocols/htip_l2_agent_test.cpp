// HTIP L2 agents as a topology source (protocols/lldp_htip/htip_l2_agent.hpp):
// frames built by lldp_builder and decoded by parse_lldp_frame become
// neighbour reports; the agent table keeps, refreshes, withdraws, expires and
// bounds them; a report merges into the topology graph.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/network/topology_graph.hpp"
#include "protocols/lldp_htip/htip_l2_agent.hpp"
#include "protocols/lldp_htip/lldp_builder.hpp"
#include "protocols/lldp_htip/lldp_parser.hpp"

using namespace kagami;
using namespace kagami::protocols::lldp_htip;

namespace {

const mac_address agent_mac = {0x02, 0x99, 0x05, 0x00, 0x00, 0x00};
const mac_address agent_port_mac = {0x02, 0x99, 0x05, 0x00, 0x00, 0x01};
const mac_address gw_mac = {0x02, 0x99, 0x00, 0x00, 0x00, 0x01};
const mac_address plc_mac = {0x02, 0x99, 0x00, 0x00, 0x00, 0x11};
const mac_address cam_mac = {0x02, 0x99, 0x00, 0x00, 0x00, 0xAB};

lldp_frame parse(const std::vector<uint8_t>& bytes) {
  auto f = parse_lldp_frame(bytes);
  EXPECT_TRUE(f) << detail_of(f.error());
  return f ? *f : lldp_frame{};
}

/// An L2 agent's frame: chassis MAC `chassis`, TTL `ttl`, link information
/// port 1 (the gateway) and port 2 (plc, camera).
lldp_frame agent_frame(const mac_address& chassis = agent_mac, uint16_t ttl = 120) {
  std::array<mac_address, 1> up = {gw_mac};
  std::array<mac_address, 2> down = {plc_mac, cam_mac};
  return parse(lldp_builder{agent_port_mac}
                 .chassis_mac(chassis)
                 .port_name("port1")
                 .ttl(ttl)
                 .system_name("htip-switch")
                 .management_ipv4({10, 99, 1, 5})
                 .htip_link(6, 1, up)
                 .htip_link(6, 2, down)
                 .end()
                 .bytes());
}

lldp_frame device_frame() {
  return parse(build_htip_announcement(htip_device_announcement{
    plc_mac, "eth0", "plc", std::array<uint8_t, 4>{10, 99, 1, 11}, "KAGAMI", "KS-PLC200",
    "2.1.0", "PLC"}));
}

std::vector<std::string> ids(const std::vector<topology::neighbour_report>& reports) {
  std::vector<std::string> out;
  for (const auto& r : reports)
    out.push_back(r.reporter.id);
  return out;
}

} // namespace

TEST(htip_l2_report, one_port_observation_per_link_entry) {
  auto r = htip_l2_report(agent_frame(), 1234);
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->reporter.id, "htip-02:99:05:00:00:00");
  EXPECT_EQ(r->reporter.kind, topology::element_kind::switch_element);
  EXPECT_EQ(r->reporter.chassis_mac, "02:99:05:00:00:00");
  EXPECT_EQ(r->reporter.management_address, "10.99.1.5");
  EXPECT_EQ(r->observed_at_ms, 1234);
  ASSERT_EQ(r->ports.size(), 2u);
  EXPECT_EQ(r->ports[0].port_id, 1u);
  EXPECT_EQ(r->ports[0].name, "1");
  EXPECT_EQ(r->ports[0].learned_macs, std::vector<std::string>{"02:99:00:00:00:01"});
  EXPECT_EQ(r->ports[1].port_id, 2u);
  EXPECT_EQ(r->ports[1].learned_macs,
            (std::vector<std::string>{"02:99:00:00:00:11", "02:99:00:00:00:ab"}));
  EXPECT_TRUE(r->ports[1].lldp.empty());
  EXPECT_TRUE(r->ports[1].clients.empty());
}

TEST(htip_l2_report, entries_of_one_port_merge_without_duplicates) {
  std::array<mac_address, 2> a = {plc_mac, cam_mac};
  std::array<mac_address, 2> b = {cam_mac, gw_mac};
  std::array<mac_address, 0> none{};
  auto f = parse(lldp_builder{agent_port_mac}
                   .chassis_mac(agent_mac)
                   .port_name("port1")
                   .ttl(120)
                   .htip_link(6, 300, a)
                   .htip_link(6, 7, none)
                   .htip_link(6, 300, b)
                   .end()
                   .bytes());
  auto r = htip_l2_report(f, 0);
  ASSERT_TRUE(r) << detail_of(r.error());
  ASSERT_EQ(r->ports.size(), 2u);
  EXPECT_EQ(r->ports[0].port_id, 300u);
  EXPECT_EQ(r->ports[0].learned_macs,
            (std::vector<std::string>{"02:99:00:00:00:11", "02:99:00:00:00:ab",
                                      "02:99:00:00:00:01"}));
  EXPECT_EQ(r->ports[1].port_id, 7u);
  EXPECT_TRUE(r->ports[1].learned_macs.empty());
}

TEST(htip_l2_report, chassis_that_is_no_mac_uses_the_source_mac) {
  std::array<mac_address, 1> up = {gw_mac};
  auto f = parse(lldp_builder{agent_port_mac}
                   .chassis_id(7, "switch-a")
                   .port_name("port1")
                   .ttl(120)
                   .management_ipv6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5})
                   .htip_link(6, 1, up)
                   .end()
                   .bytes());
  auto r = htip_l2_report(f, 0);
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->reporter.id, "htip-02:99:05:00:00:01");
  EXPECT_EQ(r->reporter.chassis_mac, "");
  EXPECT_EQ(r->reporter.management_address, "fd00::5");
}

TEST(htip_l2_report, ipv4_management_address_preferred) {
  std::array<mac_address, 1> up = {gw_mac};
  auto f = parse(lldp_builder{agent_port_mac}
                   .chassis_mac(agent_mac)
                   .port_name("port1")
                   .ttl(120)
                   .management_ipv6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5})
                   .management_ipv4({10, 99, 1, 6})
                   .htip_link(6, 1, up)
                   .end()
                   .bytes());
  auto r = htip_l2_report(f, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reporter.management_address, "10.99.1.6");
}

TEST(htip_l2_report, a_device_frame_is_no_agent) {
  auto r = htip_l2_report(device_frame(), 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::invalid_value);
  EXPECT_EQ(detail_of(r.error()), "no HTIP link information (not an L2 agent)");
}

TEST(htip_l2_report, merges_into_the_topology_graph) {
  auto r = htip_l2_report(agent_frame(), 10);
  ASSERT_TRUE(r);
  auto g = topology::topology_graph::merge({*r}, {topology::device{"02:99:00:00:00:11", std::nullopt, topology::criticality::normal}}, "02:99:00:00:00:01");
  ASSERT_TRUE(g.gateway_attachment());
  EXPECT_EQ(*g.gateway_attachment(), (topology::port_ref{"htip-02:99:05:00:00:00", 1}));
  auto path = g.path_to_gateway("02:99:00:00:00:11");
  ASSERT_TRUE(path);
  ASSERT_EQ(path->size(), 1u);
  EXPECT_EQ((*path)[0].element_id, "htip-02:99:05:00:00:00");
  EXPECT_EQ((*path)[0].ingress_port, 2u);
  EXPECT_EQ((*path)[0].egress_port, 1u);
  EXPECT_TRUE(g.unreachable_devices().empty());
}

TEST(htip_agent_table, add_refresh_expire) {
  htip_agent_table t;
  auto a = t.observe(agent_frame(agent_mac, 120), 1000);
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, htip_observe_result::added);
  EXPECT_EQ(t.size(), 1u);
  // Live until 1000 + 120 s, exclusive.
  EXPECT_EQ(ids(t.reports(1000 + 119'999)), std::vector<std::string>{"htip-02:99:05:00:00:00"});
  EXPECT_TRUE(t.reports(1000 + 120'000).empty());
  ASSERT_TRUE(t.report("htip-02:99:05:00:00:00", 5000));
  EXPECT_EQ(t.report("htip-02:99:05:00:00:00", 5000)->observed_at_ms, 1000);
  // A refresh renews the expiry and replaces the report.
  std::array<mac_address, 1> only = {plc_mac};
  auto changed = parse(lldp_builder{agent_port_mac}
                         .chassis_mac(agent_mac)
                         .port_name("port1")
                         .ttl(30)
                         .htip_link(6, 4, only)
                         .end()
                         .bytes());
  auto b = t.observe(changed, 100'000);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, htip_observe_result::refreshed);
  auto now = t.report("htip-02:99:05:00:00:00", 100'000);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->observed_at_ms, 100'000);
  ASSERT_EQ(now->ports.size(), 1u);
  EXPECT_EQ(now->ports[0].port_id, 4u);
  // The new TTL (30 s) counts from the refresh.
  EXPECT_TRUE(t.report("htip-02:99:05:00:00:00", 129'999));
  EXPECT_FALSE(t.report("htip-02:99:05:00:00:00", 130'000));
  EXPECT_EQ(t.size(), 1u); // reports() and report() remove nothing
  EXPECT_EQ(t.expire(130'000), std::vector<std::string>{"htip-02:99:05:00:00:00"});
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.expire(130'001).empty());
}

TEST(htip_agent_table, ttl_zero_withdraws) {
  htip_agent_table t;
  ASSERT_TRUE(t.observe(agent_frame(), 0));
  // A shutdown LLDPDU: Chassis, Port, TTL 0, End; no link information.
  auto shutdown = parse(
    lldp_builder{agent_port_mac}.chassis_mac(agent_mac).port_name("port1").ttl(0).end().bytes());
  auto r = t.observe(shutdown, 10);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, htip_observe_result::withdrawn);
  EXPECT_EQ(t.size(), 0u);
}

TEST(htip_agent_table, device_frames_change_nothing) {
  htip_agent_table t;
  ASSERT_TRUE(t.observe(agent_frame(), 0));
  auto r = t.observe(device_frame(), 10);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, htip_observe_result::not_an_agent);
  EXPECT_EQ(ids(t.reports(10)), std::vector<std::string>{"htip-02:99:05:00:00:00"});
}

TEST(htip_agent_table, full_table_refuses_new_agents_keeps_known_ones) {
  htip_agent_limits limits;
  limits.max_agents = 2;
  htip_agent_table t{limits};
  mac_address a = agent_mac, b = agent_mac, c = agent_mac;
  b[5] = 0x0b;
  c[5] = 0x0c;
  ASSERT_TRUE(t.observe(agent_frame(a, 10), 0));
  ASSERT_TRUE(t.observe(agent_frame(b, 100), 0));
  auto refused = t.observe(agent_frame(c, 100), 1000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(code_of(refused.error()), ec::unavailable);
  EXPECT_EQ(detail_of(refused.error()), "HTIP agent table full (2 agents)");
  EXPECT_EQ(t.size(), 2u);
  // A known agent is still refreshed when full.
  auto again = t.observe(agent_frame(b, 100), 2000);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, htip_observe_result::refreshed);
  // Once a's TTL (10 s) ran out, there is room again.
  auto later = t.observe(agent_frame(c, 100), 10'000);
  ASSERT_TRUE(later) << detail_of(later.error());
  EXPECT_EQ(*later, htip_observe_result::added);
  EXPECT_EQ(ids(t.reports(10'000)),
            (std::vector<std::string>{"htip-02:99:05:00:00:0b", "htip-02:99:05:00:00:0c"}));
}

TEST(htip_agent_table, max_hold_bounds_a_long_ttl) {
  htip_agent_limits limits;
  limits.max_hold_ms = 60'000;
  htip_agent_table t{limits};
  ASSERT_TRUE(t.observe(agent_frame(agent_mac, 65535), 0));
  EXPECT_EQ(t.reports(59'999).size(), 1u);
  EXPECT_TRUE(t.reports(60'000).empty());
}

TEST(htip_agent_table, reports_ordered_by_reporter_id) {
  htip_agent_table t;
  mac_address hi = agent_mac, lo = agent_mac;
  hi[5] = 0xff;
  lo[5] = 0x01;
  ASSERT_TRUE(t.observe(agent_frame(hi), 0));
  ASSERT_TRUE(t.observe(agent_frame(lo), 0));
  EXPECT_EQ(ids(t.reports(1)),
            (std::vector<std::string>{"htip-02:99:05:00:00:01", "htip-02:99:05:00:00:ff"}));
}
