// The topology merge, case by case: each row is a set of neighbour reports
// (and known devices) and the graph the merge rules of topology_graph.hpp
// must give: every device's attachment, the exact links, the conflicts, the
// unreachable devices, the flagged elements and some paths to the gateway.

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/network/topology_graph.hpp"

using namespace kagami::topology;

namespace {

const std::string gw = "02:00:00:00:00:01";
const std::string sw1_mac = "0a:00:00:00:00:01";
const std::string sw2_mac = "0a:00:00:00:00:02";
const std::string sw3_mac = "0a:00:00:00:00:03";
const std::string ap1_mac = "0a:00:00:00:00:a1";
const std::string d1 = "02:00:00:00:10:01";
const std::string d2 = "02:00:00:00:10:02";
const std::string d3 = "02:00:00:00:10:03";
const std::string c1 = "02:00:00:00:20:01";
const std::string c2 = "02:00:00:00:20:02";

neighbour_report report(std::string id, std::string chassis, std::int64_t t,
                        std::vector<port_observation> ports,
                        element_kind kind = element_kind::switch_element) {
  return {{std::move(id), kind, std::move(chassis), "192.0.2.1"},
          t,
          std::move(ports),
          {}};
}

port_observation port(std::uint32_t id, std::vector<lldp_neighbour> lldp,
                      std::vector<std::string> macs,
                      std::vector<ap_client> clients = {},
                      std::string name = {}) {
  if (name.empty())
    name = "p" + std::to_string(id);
  return {id, std::move(name), std::move(lldp), std::move(macs),
          std::move(clients), {}};
}

port_ref at(std::string element, std::uint32_t p) {
  return {std::move(element), p};
}

struct merge_case {
  const char* name;
  std::vector<neighbour_report> reports;
  std::vector<device> known;
  std::optional<port_ref> gateway_at;
  /// Every device of the graph, and where it must be attached.
  std::map<std::string, std::optional<port_ref>> attachments;
  std::vector<element_link> links; ///< Exactly these, sorted.
  std::vector<std::pair<std::string, port_ref>> conflicts; ///< mac, chosen.
  std::vector<std::string> unreachable_devices;
  std::vector<std::string> unreachable_elements;
  std::vector<std::string> flagged_elements;
  std::map<std::string, std::vector<hop>> paths;
};

// gw - sw1:1 ; sw1:2 <-> sw2:1 ; d1 at sw1:3 ; d2 at sw2:4 ; d3 at sw2:5.
std::vector<neighbour_report> daisy_chain(bool lldp_on_sw1, bool lldp_on_sw2) {
  std::vector<lldp_neighbour> from_sw1, from_sw2;
  if (lldp_on_sw1)
    from_sw1.push_back({sw2_mac, "1"});
  if (lldp_on_sw2)
    from_sw2.push_back({sw1_mac, "uplink"});
  return {
    report("sw1", sw1_mac, 100,
           {port(1, {}, {gw}), port(2, from_sw1, {d2, d3, sw2_mac}, {}, "uplink"),
            port(3, {}, {d1})}),
    report("sw2", sw2_mac, 100,
           {port(1, from_sw2, {gw, d1, sw1_mac}), port(4, {}, {d2}),
            port(5, {}, {d3})}),
  };
}

std::vector<merge_case> cases() {
  std::vector<merge_case> out;
  out.push_back({
    .name = "daisy chain gw-sw1-sw2, LLDP from both sides",
    .reports = daisy_chain(true, true),
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {d2, at("sw2", 4)}, {d3, at("sw2", 5)}},
    .links = {{at("sw1", 2), at("sw2", 1), true}},
    .paths = {{d1, {{"sw1", 3, 1}}},
              {d3, {{"sw2", 5, 1}, {"sw1", 2, 1}}}},
  });
  out.push_back({
    .name = "LLDP seen from one side only (peer port by name)",
    .reports = daisy_chain(false, true),
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {d2, at("sw2", 4)}, {d3, at("sw2", 5)}},
    .links = {{at("sw1", 2), at("sw2", 1), false}},
    .paths = {{d2, {{"sw2", 4, 1}, {"sw1", 2, 1}}}},
  });
  out.push_back({
    .name = "LLDP seen from the other side only (peer port by ifIndex)",
    .reports = daisy_chain(true, false),
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {d2, at("sw2", 4)}, {d3, at("sw2", 5)}},
    .links = {{at("sw1", 2), at("sw2", 1), false}},
  });
  out.push_back({
    .name = "daisy chain without LLDP: MAC tables only",
    .reports = daisy_chain(false, false),
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {d2, at("sw2", 4)}, {d3, at("sw2", 5)}},
    .links = {{at("sw1", 2), at("sw2", 1), false}},
    .paths = {{d3, {{"sw2", 5, 1}, {"sw1", 2, 1}}}},
  });
  out.push_back({
    .name = "three switches in a chain without LLDP: links at the edge ports",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(2, {}, {sw2_mac, sw3_mac, d2, d3}),
                        port(3, {}, {d1})}),
                report("sw2", sw2_mac, 100,
                       {port(1, {}, {gw, sw1_mac, d1}), port(2, {}, {sw3_mac, d3}),
                        port(4, {}, {d2})}),
                report("sw3", sw3_mac, 100,
                       {port(1, {}, {gw, sw1_mac, sw2_mac, d1, d2}),
                        port(5, {}, {d3})})},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {d2, at("sw2", 4)}, {d3, at("sw3", 5)}},
    .links = {{at("sw1", 2), at("sw2", 1), false},
              {at("sw2", 2), at("sw3", 1), false}},
    .paths = {{d3, {{"sw3", 5, 1}, {"sw2", 2, 1}, {"sw1", 2, 1}}}},
  });
  out.push_back({
    .name = "conflicting reports: the most recent report wins",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(2, {{sw2_mac, "1"}}, {}),
                        port(3, {}, {d1})}),
                report("sw2", sw2_mac, 200,
                       {port(1, {{sw1_mac, "2"}}, {gw}), port(7, {}, {d1})})},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw2", 7)}},
    .links = {{at("sw1", 2), at("sw2", 1), true}},
    .conflicts = {{d1, at("sw2", 7)}},
  });
  out.push_back({
    .name = "conflicting reports of the same time: the smallest element id",
    .reports = {report("sw2", sw2_mac, 100,
                       {port(1, {{sw1_mac, "2"}}, {gw}), port(7, {}, {d1})}),
                report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(2, {{sw2_mac, "1"}}, {}),
                        port(3, {}, {d1})})},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}},
    .links = {{at("sw1", 2), at("sw2", 1), true}},
    .conflicts = {{d1, at("sw1", 3)}},
  });
  out.push_back({
    .name = "a device seen on an uplink and an access port of one switch",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(2, {{sw2_mac, "1"}}, {d1}),
                        port(3, {}, {d1})}),
                report("sw2", sw2_mac, 100, {port(1, {}, {gw})})},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}},
    .links = {{at("sw1", 2), at("sw2", 1), false}},
  });
  out.push_back({
    .name = "a device seen on two access ports of one switch: a conflict",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(5, {}, {d1}),
                        port(3, {}, {d1})})},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}},
    .conflicts = {{d1, at("sw1", 3)}},
  });
  out.push_back({
    .name = "an AP without LLDP and its clients",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(6, {}, {ap1_mac, c1, c2}),
                        port(3, {}, {d1})}),
                report("ap1", ap1_mac, 100,
                       {port(1, {}, {}, {{c1, "plant"}, {c2, "office"}}, "wlan0")},
                       element_kind::access_point)},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {c1, at("ap1", 1)}, {c2, at("ap1", 1)}},
    .links = {{at("ap1", 0), at("sw1", 6), false}},
    .paths = {{c1, {{"ap1", 1, 0}, {"sw1", 6, 1}}}},
  });
  out.push_back({
    .name = "unreachable: an island switch, a device on uplinks only, an "
            "onboarded device seen nowhere",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(2, {{sw2_mac, "1"}}, {d2}),
                        port(3, {}, {d1})}),
                report("sw2", sw2_mac, 100, {port(1, {{sw1_mac, "2"}}, {gw, d2})}),
                report("sw3", sw3_mac, 100, {port(2, {}, {d3})})},
    .known = {{d1, "thing-1", criticality::high}, {"02:00:00:00:99:99", {}, {}}},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)},
                    {d2, std::nullopt},
                    {d3, at("sw3", 2)},
                    {"02:00:00:00:99:99", std::nullopt}},
    .links = {{at("sw1", 2), at("sw2", 1), true}},
    .unreachable_devices = {d2, d3, "02:00:00:00:99:99"},
    .unreachable_elements = {"sw3"},
  });
  out.push_back({
    .name = "duplicate chassis id: both flagged, no link to it",
    .reports = {report("sw1", sw1_mac, 100,
                       {port(1, {}, {gw}), port(2, {{sw2_mac, "1"}}, {d2}),
                        port(3, {}, {d1})}),
                report("sw2", sw2_mac, 100, {port(4, {}, {d2})}),
                report("sw3", sw2_mac, 100, {port(5, {}, {d3})})},
    .gateway_at = at("sw1", 1),
    .attachments = {{d1, at("sw1", 3)}, {d2, at("sw2", 4)}, {d3, at("sw3", 5)}},
    .unreachable_devices = {d2, d3},
    .unreachable_elements = {"sw2", "sw3"},
    .flagged_elements = {"sw2", "sw3"},
  });
  out.push_back({
    .name = "the gateway seen by LLDP, MACs in upper case",
    .reports = {report("sw1", "0A:00:00:00:00:01", 100,
                       {port(8, {{"02:00:00:00:00:01", "eth0"}}, {}),
                        port(1, {}, {"02:00:00:00:00:01"}),
                        port(3, {}, {"02:00:00:00:10:01"})})},
    .gateway_at = at("sw1", 8),
    .attachments = {{d1, at("sw1", 3)}},
    .paths = {{"02:00:00:00:10:01", {{"sw1", 3, 8}}}},
  });
  return out;
}

class merge_test : public testing::TestWithParam<merge_case> {};

TEST_P(merge_test, gives_the_expected_graph) {
  const auto& c = GetParam();
  auto g = topology_graph::merge(c.reports, c.known, gw);
  EXPECT_EQ(g.gateway_attachment(), c.gateway_at);
  std::map<std::string, std::optional<port_ref>> attachments;
  for (const auto& [mac, node] : g.devices())
    attachments[mac] = node.attached;
  EXPECT_EQ(attachments, c.attachments);
  std::vector<element_link> links(g.links().begin(), g.links().end());
  ASSERT_EQ(links, c.links);
  for (size_t i = 0; i < links.size(); ++i)
    EXPECT_EQ(links[i].both_sides, c.links[i].both_sides) << "link " << i;
  std::vector<std::pair<std::string, port_ref>> conflicts;
  for (const auto& x : g.conflicts())
    conflicts.emplace_back(x.mac, x.chosen);
  EXPECT_EQ(conflicts, c.conflicts);
  EXPECT_EQ(g.unreachable_devices(), c.unreachable_devices);
  EXPECT_EQ(g.unreachable_elements(), c.unreachable_elements);
  std::vector<std::string> flagged;
  for (const auto& [id, e] : g.elements())
    if (!e.flags.empty())
      flagged.push_back(id);
  EXPECT_EQ(flagged, c.flagged_elements);
  for (const auto& [mac, path] : c.paths) {
    auto got = g.path_to_gateway(mac);
    ASSERT_TRUE(got.has_value()) << mac;
    EXPECT_EQ(*got, path) << mac;
  }
  for (const auto& mac : c.unreachable_devices)
    EXPECT_FALSE(g.path_to_gateway(mac).has_value()) << mac;
}

TEST_P(merge_test, does_not_depend_on_the_order_of_the_reports) {
  const auto& c = GetParam();
  auto reversed = c.reports;
  std::reverse(reversed.begin(), reversed.end());
  for (auto& r : reversed)
    std::reverse(r.ports.begin(), r.ports.end());
  EXPECT_EQ(topology_graph::merge(c.reports, c.known, gw).to_json().dump(),
            topology_graph::merge(reversed, c.known, gw).to_json().dump());
}

INSTANTIATE_TEST_SUITE_P(rows, merge_test, testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string n;
                           for (const char* p = info.param.name; *p; ++p)
                             n += std::isalnum(static_cast<unsigned char>(*p))
                                    ? *p
                                    : '_';
                           return n;
                         });

TEST(topology_graph, conflicts_list_every_claim) {
  auto c = cases()[5]; // the most recent report wins
  auto g = topology_graph::merge(c.reports, c.known, gw);
  ASSERT_EQ(g.conflicts().size(), 1u);
  EXPECT_EQ(g.conflicts()[0].claims,
            (std::vector<port_ref>{at("sw1", 3), at("sw2", 7)}));
}

TEST(topology_graph, to_json_names_the_parts) {
  auto reports = daisy_chain(true, true);
  reports.push_back(report("ap1", ap1_mac, 100,
                           {port(1, {}, {}, {{c1, "plant"}}, "wlan0")},
                           element_kind::access_point));
  auto g = topology_graph::merge(reports, {{d1, "press", criticality::high}}, gw);
  auto j = g.to_json();
  EXPECT_EQ(j["gateway"]["attachment"],
            (nlohmann::json{{"element", "sw1"}, {"port", 1}}));
  EXPECT_EQ(j["elements"].size(), 3u);
  EXPECT_EQ(j["elements"][0]["id"], "ap1");
  EXPECT_EQ(j["elements"][0]["kind"], "ap");
  EXPECT_EQ(j["links"][0]["both_sides"], true);
  auto d = std::find_if(j["devices"].begin(), j["devices"].end(),
                        [](const auto& x) { return x["mac"] == d1; });
  ASSERT_NE(d, j["devices"].end());
  EXPECT_EQ((*d)["thing_id"], "press");
  EXPECT_EQ((*d)["criticality"], "high");
  EXPECT_EQ((*d)["known"], true);
  auto client = std::find_if(j["devices"].begin(), j["devices"].end(),
                             [](const auto& x) { return x["mac"] == c1; });
  ASSERT_NE(client, j["devices"].end());
  EXPECT_EQ((*client)["ssid"], "plant");
  EXPECT_EQ((*client)["reachable"], false); // ap1 has no link
  EXPECT_EQ(j["unreachable"]["elements"], (nlohmann::json{"ap1"}));
}

TEST(topology_diff, a_moved_device_an_added_device_and_a_removed_link) {
  auto before = topology_graph::merge(daisy_chain(true, true), {}, gw);
  // d2 moves from sw2:4 to sw1:3 next to d1; a new device d9 on sw1:9; the
  // inter-switch link goes (sw2 no longer reports anything).
  std::string d9 = "02:00:00:00:10:09";
  auto after = topology_graph::merge(
    {report("sw1", sw1_mac, 200,
            {port(1, {}, {gw}), port(3, {}, {d1, d2}), port(9, {}, {d9}),
             port(2, {}, {d3})}),
     report("sw2", sw2_mac, 200, {port(5, {}, {d3})})},
    {}, gw);
  auto x = diff(before, after);
  EXPECT_EQ(x.added_devices, std::vector<std::string>{d9});
  EXPECT_TRUE(x.removed_devices.empty());
  ASSERT_EQ(x.moved_devices.size(), 2u);
  EXPECT_EQ(x.moved_devices[0].mac, d2);
  EXPECT_EQ(x.moved_devices[0].from, at("sw2", 4));
  EXPECT_EQ(x.moved_devices[0].to, at("sw1", 3));
  // d3 is claimed on sw1:2 (no longer an uplink) and sw2:5: sw1 wins
  // (same time, smaller id).
  EXPECT_EQ(x.moved_devices[1].mac, d3);
  EXPECT_EQ(x.moved_devices[1].to, at("sw1", 2));
  EXPECT_TRUE(x.added_links.empty());
  EXPECT_EQ(x.removed_links,
            (std::vector<element_link>{{at("sw1", 2), at("sw2", 1), true}}));
  EXPECT_FALSE(x.empty());
  EXPECT_EQ(x.to_json()["moved_devices"][0]["to"],
            (nlohmann::json{{"element", "sw1"}, {"port", 3}}));
  auto back = diff(after, before);
  EXPECT_EQ(back.removed_devices, std::vector<std::string>{d9});
  EXPECT_EQ(back.added_links.size(), 1u);
}

TEST(topology_diff, of_equal_graphs_is_empty) {
  auto a = topology_graph::merge(daisy_chain(true, true), {}, gw);
  auto b = topology_graph::merge(daisy_chain(true, false), {}, gw);
  EXPECT_TRUE(diff(a, a).empty());
  // The same link seen from one side only is the same link.
  EXPECT_TRUE(diff(a, b).empty());
}

TEST(topology_graph, unknown_mac_has_no_path_and_bad_input_is_skipped) {
  auto reports = daisy_chain(true, true);
  reports.push_back(report("", "", 0, {port(1, {{"", ""}}, {""}, {{"", ""}})}));
  reports[0].ports.push_back(port(9, {{sw2_mac, "no-such-port"}}, {""}));
  auto g = topology_graph::merge(reports, {{"", {}, {}}}, gw);
  EXPECT_FALSE(g.path_to_gateway("02:00:00:00:77:77").has_value());
  EXPECT_EQ(g.elements().size(), 2u);
  EXPECT_EQ(g.devices().size(), 3u);
  // The unknown peer port is port 0 of sw2.
  EXPECT_EQ(g.links().count({at("sw1", 9), at("sw2", 0), false}), 1u);
}

} // namespace

// Two Linux-bridge switches as lldpd reports them: the chassis is one port's
// MAC, the LLDP port id is the peer port's MAC, and each switch learned the
// other's bridge and port MACs on its uplink. Port MACs are the element's
// (rule 1b): the link gets both real ports, and no port MAC is a device.
TEST(topology_graph, port_macs_are_the_element_and_name_lldp_ports) {
  auto p = [](std::uint32_t id, std::string mac, std::vector<lldp_neighbour> lldp,
              std::vector<std::string> macs) {
    auto o = port(id, std::move(lldp), std::move(macs));
    o.mac = std::move(mac);
    return o;
  };
  auto s1 = report("sw1", "0a:01:00:00:00:01", 10,
                   {p(2, "0a:01:00:00:00:00", {}, {}),
                    p(3, "0a:01:00:00:00:01", {}, {gw}),
                    p(4, "0a:01:00:00:00:02", {}, {d1}),
                    p(10, "0a:01:00:00:00:08", {{"0a:02:00:00:00:01", "0a:02:00:00:00:04"}},
                      {"0a:02:00:00:00:00", "0a:02:00:00:00:04", d2})});
  auto s2 = report("sw2", "0a:02:00:00:00:01", 11,
                   {p(2, "0a:02:00:00:00:00", {}, {}),
                    p(3, "0a:02:00:00:00:01", {}, {d2}),
                    p(6, "0a:02:00:00:00:04", {}, {"0a:01:00:00:00:08", gw, d1})});
  auto g = topology_graph::merge({s1, s2}, {}, gw);
  ASSERT_EQ(g.links().size(), 1u);
  EXPECT_EQ(g.links().begin()->a, at("sw1", 10));
  EXPECT_EQ(g.links().begin()->b, at("sw2", 6));
  EXPECT_EQ(g.devices().size(), 2u) << g.to_json().dump(2);
  EXPECT_EQ(g.devices().at(d1).attached, at("sw1", 4));
  EXPECT_EQ(g.devices().at(d2).attached, at("sw2", 3));
  EXPECT_TRUE(g.unreachable_devices().empty());
  // Without LLDP, the learned port and bridge MACs alone link the switches.
  s1.ports[3].lldp.clear();
  auto h = topology_graph::merge({s1, s2}, {}, gw);
  ASSERT_EQ(h.links().size(), 1u) << h.to_json().dump(2);
  EXPECT_TRUE(h.devices().at(d2).reachable);
  EXPECT_EQ(h.devices().at(d2).attached, at("sw2", 3));
}

// LLDP forwarded by a bridge: sw2 hears the L2 agent a1 on its uplink
// through sw1. The sw1-sw2 link is confirmed from both sides, so sw2's
// one-sided "link" to a1 is dropped (rule 2b), and a1 is linked where sw1
// learned its MAC (rule 6).
TEST(topology_graph, lldp_heard_through_a_confirmed_link_is_no_adjacency) {
  auto s1 = report("sw1", sw1_mac, 10,
                   {port(1, {}, {gw}), port(2, {{sw2_mac, "p1"}}, {sw2_mac}),
                    port(3, {}, {ap1_mac, d1})});
  auto s2 = report("sw2", sw2_mac, 10,
                   {port(1, {{sw1_mac, "p2"}, {ap1_mac, "p9"}}, {sw1_mac, gw, ap1_mac, d1}),
                    port(4, {}, {d2})});
  auto a1 = report("a1", ap1_mac, 10, {port(2, {}, {d1})});
  auto g = topology_graph::merge({s1, s2, a1}, {}, gw);
  std::set<element_link> want{{at("sw1", 2), at("sw2", 1), true}, {at("a1", 0), at("sw1", 3), false}};
  EXPECT_EQ(g.links(), want) << g.to_json().dump(2);
  EXPECT_EQ(g.devices().at(d1).attached, at("a1", 2));
  EXPECT_TRUE(g.devices().at(d1).reachable);
  EXPECT_EQ(g.devices().at(d2).attached, at("sw2", 4));
}
