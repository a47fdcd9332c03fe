// The isolation supervisor's small judgements, directly.

#include <gtest/gtest.h>

#include "actors/isolation/isolation_rules.hpp"

using namespace kagami;
using namespace kagami::isolation;

namespace {

storage::applied_cut make_cut(std::string element, std::string action, std::string target,
                              std::uint32_t port) {
  storage::applied_cut c;
  c.element_id = std::move(element);
  c.action = std::move(action);
  c.target = std::move(target);
  c.port_id = port;
  c.order_id = "iso-1/x";
  return c;
}

const std::vector<topology::hop> via_ap{{"ap", 1, 0}, {"sw2", 5, 1}, {"sw1", 8, 1}};

} // namespace

TEST(isolation_rules, a_port_cut_is_on_the_path_only_at_an_ingress_port) {
  EXPECT_TRUE(cut_on_path(make_cut("sw2", "port_down", "5", 5), via_ap, std::nullopt));
  EXPECT_TRUE(cut_on_path(make_cut("sw1", "port_down", "8", 8), via_ap, std::nullopt));
  // sw2's port 1 is its egress towards the gateway: not a cut of this path.
  EXPECT_FALSE(cut_on_path(make_cut("sw2", "port_down", "1", 1), via_ap, std::nullopt));
  EXPECT_FALSE(cut_on_path(make_cut("sw3", "port_down", "5", 5), via_ap, std::nullopt));
  EXPECT_FALSE(cut_on_path(make_cut("sw2", "port_down", "5", 5), {}, std::nullopt));
}

TEST(isolation_rules, ap_cuts_hold_only_at_the_suspects_own_ap) {
  auto ssid = std::optional<std::string>{"factory-iot"};
  EXPECT_TRUE(cut_on_path(make_cut("ap", "client_deauth", "02:99:00:00:00:31", 1), via_ap, ssid));
  EXPECT_TRUE(cut_on_path(make_cut("ap", "ssid_off", "factory-iot", 1), via_ap, ssid));
  EXPECT_FALSE(cut_on_path(make_cut("ap", "ssid_off", "factory-cam", 2), via_ap, ssid));
  EXPECT_TRUE(cut_on_path(make_cut("ap", "radio_off", "radio0", 1), via_ap, ssid));
  EXPECT_FALSE(cut_on_path(make_cut("ap", "radio_off", "radio1", 2), via_ap, ssid));
  // Handover: the suspect now reaches the gateway through another AP.
  EXPECT_FALSE(cut_on_path(make_cut("ap2", "client_deauth", "02:99:00:00:00:31", 1), via_ap,
                           ssid));
  EXPECT_FALSE(cut_on_path(make_cut("ap", "unplug", "x", 1), via_ap, ssid));
}

TEST(isolation_rules, a_counter_reading_tells_whether_a_port_is_still_down) {
  network::counter_reading r;
  network::port_counters p;
  p.port_id = 5;
  p.admin_status = 2;
  r.ports.push_back(p);
  auto cut = make_cut("sw2", "port_down", "5", 5);
  EXPECT_EQ(port_still_down(cut, r), std::optional<bool>{true});
  r.ports[0].admin_status = 1;
  EXPECT_EQ(port_still_down(cut, r), std::optional<bool>{false});
  r.ports[0].admin_status = 0;
  EXPECT_EQ(port_still_down(cut, r), std::nullopt);
  r.ports[0].port_id = 6;
  EXPECT_EQ(port_still_down(cut, r), std::nullopt);
}

TEST(isolation_rules, clients_are_found_in_any_case) {
  network::element_reading r;
  topology::port_observation radio;
  radio.clients = {{"02:99:00:00:00:AA", "factory-iot"}};
  r.report.ports.push_back(radio);
  EXPECT_TRUE(client_present(r, "02:99:00:00:00:aa"));
  EXPECT_FALSE(client_present(r, "02:99:00:00:00:ab"));
}

TEST(isolation_rules, order_ids_differ_per_attempt) {
  auto cut = make_cut("sw2", "port_down", "5", 5);
  auto a = order_for(cut, 1);
  auto b = order_for(cut, 2);
  EXPECT_NE(a.order_id, b.order_id);
  EXPECT_EQ(a.action, network::cut_action::port_down);
  EXPECT_EQ(a.target, "5");
  for (auto x : {network::cut_action::port_down, network::cut_action::client_deauth,
                 network::cut_action::ssid_off, network::cut_action::radio_off})
    EXPECT_EQ(cut_action_from_string(network::to_string(x)), x);
  EXPECT_FALSE(cut_action_from_string("port-down"));
}

TEST(isolation_rules, a_spoofed_mac_of_an_admitted_device_is_not_cut_by_attachment) {
  const std::string gw = "02:99:00:00:00:01";
  const std::string plc = "02:99:00:00:00:15";
  topology::neighbour_report sw1;
  sw1.reporter = {"sw1", topology::element_kind::switch_element, "0a:00:00:00:00:01", ""};
  sw1.observed_at_ms = 1;
  topology::port_observation p1, p2, p3;
  p1.port_id = 1;
  p1.learned_macs = {gw};
  p2.port_id = 2;
  p2.learned_macs = {plc};
  p3.port_id = 3;
  p3.learned_macs = {plc};
  sw1.ports = {p1, p2, p3};
  topology::device known{plc, "plc-3", topology::criticality::critical};
  auto with_conflict = topology::topology_graph::merge({sw1}, {known}, gw);
  auto why = spoofed_identity(with_conflict, plc);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("plc-3"), std::string::npos);
  EXPECT_NE(why->find("sw1 port 2"), std::string::npos);
  // One claim only: the admitted device itself misbehaves; it may be cut.
  sw1.ports.pop_back();
  auto single = topology::topology_graph::merge({sw1}, {known}, gw);
  EXPECT_FALSE(spoofed_identity(single, plc));
  // Not admitted: a plain suspect.
  auto unknown = topology::topology_graph::merge({sw1}, {}, gw);
  EXPECT_FALSE(spoofed_identity(unknown, plc));
}
