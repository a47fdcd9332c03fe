// Managed devices and probed routers as merge inputs: identities, the
// router reports a probe run gives (one hop, two hops, a silent hop, a
// device on the link), that the merge then connects a routed device to the
// gateway through the router, the probe cache, and change detection.

#include <gtest/gtest.h>

#include "actors/network/topology_sources.hpp"

using namespace kagami::topology;

namespace {

const std::string gw = "02:99:00:00:00:01";
const std::string sw_mac = "02:99:01:00:00:00";
const std::string rt_mac = "02:99:00:00:00:fe";

probed_path path(std::string dest, std::vector<std::optional<std::string>> hops,
                 bool reached = true) {
  return {std::move(dest), std::move(hops), reached};
}

/// sw1: the gateway on port 1, the router's LAN MAC learned on port 2.
neighbour_report switch_report() {
  neighbour_report r;
  r.reporter = {"sw1", element_kind::switch_element, sw_mac, "10.99.1.2"};
  r.observed_at_ms = 5;
  port_observation p1;
  p1.port_id = 1;
  p1.name = "p-gw";
  p1.learned_macs = {gw};
  port_observation p2;
  p2.port_id = 2;
  p2.name = "p-rt";
  p2.learned_macs = {rt_mac};
  r.ports = {p1, p2};
  return r;
}

} // namespace

TEST(topology_sources, identity_prefers_the_mac) {
  EXPECT_EQ(identity_of({"plc-1", "02:99:00:00:00:AA", "10.0.0.1"}), "02:99:00:00:00:aa");
  EXPECT_EQ(identity_of({"cam", "", "10.99.2.11"}), "ip:10.99.2.11");
  EXPECT_EQ(identity_of({"x", "", ""}), "");
  auto known = known_devices({{"plc-1", "02:99:00:00:00:11", "", criticality::high},
                              {"", "", ""},
                              {"cam", "", "10.99.2.11", criticality::low}});
  ASSERT_EQ(known.size(), 2u);
  EXPECT_EQ(known[0].thing_id, std::optional<std::string>{"plc-1"});
  EXPECT_EQ(known[0].level, criticality::high);
  EXPECT_EQ(known[1].mac, "ip:10.99.2.11");
}

TEST(topology_sources, one_router_hop_connects_a_routed_device) {
  std::map<std::string, probed_path> paths{
    {"ip:10.99.2.11", path("10.99.2.11", {"10.99.1.254", "10.99.2.11"})}};
  auto reports = router_reports(paths, {{"10.99.1.254", rt_mac}}, 9);
  ASSERT_EQ(reports.size(), 1u);
  auto& r = reports[0];
  EXPECT_EQ(r.reporter.id, "router-10.99.1.254");
  EXPECT_EQ(r.reporter.kind, element_kind::router);
  EXPECT_EQ(r.reporter.chassis_mac, rt_mac);
  ASSERT_EQ(r.ports.size(), 2u);
  EXPECT_TRUE(r.ports[0].learned_macs.empty());
  EXPECT_EQ(r.ports[1].learned_macs, std::vector<std::string>{"ip:10.99.2.11"});
  // The merge places the device behind the router, the router on sw1's
  // port 2, and finds the path to the gateway.
  auto all = reports;
  all.push_back(switch_report());
  auto g = topology_graph::merge(all, known_devices({{"cam", "", "10.99.2.11"}}), gw);
  auto& cam = g.devices().at("ip:10.99.2.11");
  ASSERT_TRUE(cam.attached);
  EXPECT_EQ(cam.attached->element_id, "router-10.99.1.254");
  EXPECT_EQ(cam.attached->port_id, 2u);
  EXPECT_TRUE(cam.reachable);
  auto hops = g.path_to_gateway("ip:10.99.2.11");
  ASSERT_TRUE(hops);
  ASSERT_EQ(hops->size(), 2u);
  EXPECT_EQ((*hops)[0].element_id, "router-10.99.1.254");
  EXPECT_EQ((*hops)[1].element_id, "sw1");
  EXPECT_EQ((*hops)[1].ingress_port, 2u);
}

TEST(topology_sources, two_hops_chain_and_a_silent_hop_is_skipped) {
  std::map<std::string, probed_path> paths{
    {"ip:10.3.0.5", path("10.3.0.5", {"10.99.1.254", std::nullopt, "10.2.0.1", "10.3.0.5"})},
    {"ip:10.2.0.9", path("10.2.0.9", {"10.99.1.254", "10.2.0.9"})},
  };
  auto reports = router_reports(paths, {{"10.99.1.254", rt_mac}, {"10.2.0.1", "aa:aa:aa:aa:aa:aa"}}, 1);
  ASSERT_EQ(reports.size(), 2u);
  // Sorted by address: 10.2.0.1 first. Not the first hop: identified by IP
  // even though a MAC is known for it.
  EXPECT_EQ(reports[0].reporter.id, "router-10.2.0.1");
  EXPECT_EQ(reports[0].reporter.chassis_mac, "ip:10.2.0.1");
  EXPECT_EQ(reports[0].ports[1].learned_macs, std::vector<std::string>{"ip:10.3.0.5"});
  auto& first = reports[1];
  EXPECT_EQ(first.reporter.id, "router-10.99.1.254");
  EXPECT_EQ(first.ports[0].learned_macs, std::vector<std::string>{"ip:10.2.0.1"});
  EXPECT_EQ(first.ports[1].learned_macs, std::vector<std::string>{"ip:10.2.0.9"});
  auto all = reports;
  all.push_back(switch_report());
  auto g = topology_graph::merge(
    all, known_devices({{"a", "", "10.3.0.5"}, {"b", "", "10.2.0.9"}}), gw);
  EXPECT_TRUE(g.devices().at("ip:10.3.0.5").reachable);
  EXPECT_TRUE(g.devices().at("ip:10.2.0.9").reachable);
  auto hops = g.path_to_gateway("ip:10.3.0.5");
  ASSERT_TRUE(hops);
  EXPECT_EQ(hops->size(), 3u);
}

TEST(topology_sources, paths_without_routers_or_not_reached_add_nothing) {
  std::map<std::string, probed_path> paths{
    {"02:99:00:00:00:11", path("10.99.1.11", {"10.99.1.11"})},
    {"ip:10.9.9.9", path("10.9.9.9", {"10.99.1.254", std::nullopt}, false)},
    {"ip:10.8.8.8", path("10.8.8.8", {}, false)},
  };
  EXPECT_TRUE(router_reports(paths, {}, 1).empty());
}

TEST(topology_sources, probe_cache_reuses_paths_until_reprobe) {
  probe_cache cache{1000, 2};
  EXPECT_EQ(cache.due({"a", "b"}, 0), (std::vector<std::string>{"a", "b"}));
  cache.put(path("a", {"a"}), 0);
  EXPECT_EQ(cache.due({"a", "b"}, 999), (std::vector<std::string>{"b"}));
  EXPECT_EQ(cache.due({"a", "b"}, 1000), (std::vector<std::string>{"a", "b"}));
  ASSERT_NE(cache.find("a"), nullptr);
  cache.put(path("b", {}, false), 10);
  cache.put(path("c", {"c"}), 20); // beyond 2 entries: the oldest (a) goes
  EXPECT_EQ(cache.find("a"), nullptr);
  EXPECT_NE(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("c"), nullptr);
}

TEST(topology_sources, change_ignores_report_times_only) {
  auto r1 = switch_report();
  auto r2 = r1;
  r2.observed_at_ms = 99;
  auto g1 = topology_graph::merge({r1}, {}, gw);
  auto g2 = topology_graph::merge({r2}, {}, gw);
  EXPECT_FALSE(topology_changed(g1, g2));
  auto r3 = r1;
  r3.ports[1].learned_macs.push_back("02:99:00:00:00:77");
  EXPECT_TRUE(topology_changed(g1, topology_graph::merge({r3}, {}, gw)));
  auto r4 = r1;
  r4.degraded = {"lldpRemTable: no answer"};
  EXPECT_TRUE(topology_changed(g1, topology_graph::merge({r4}, {}, gw)));
}
