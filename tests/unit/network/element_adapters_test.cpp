// kagamid's choice of adapter per configured element: the kind picks the
// adapter, the capabilities follow the config, and a bad element is an error
// naming why. No I/O happens when an adapter is made.

#include <algorithm>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "tools/kagamid/element_adapters.hpp"

using namespace kagami;

namespace {

config::network_element_config snmp_switch(std::string write_community) {
  config::network_element_config e;
  e.id = "sw1";
  e.protocol = config::element_protocol::snmp_switch;
  e.address = "192.0.2.2"; // never contacted: making an adapter does no I/O
  e.port = 161;
  e.community = "ro";
  e.write_community = std::move(write_community);
  return e;
}

config::network_element_config access_point(std::string model) {
  config::network_element_config e;
  e.id = "ap-1";
  e.protocol = config::element_protocol::ap;
  e.address = "192.0.2.20";
  e.port = 8090;
  e.model = std::move(model);
  return e;
}

bool has(const std::vector<network::cut_action>& xs, network::cut_action x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

} // namespace

TEST(element_adapters, snmp_switch_cuts_only_with_a_write_community) {
  auto ro = make_element_adapter(snmp_switch(""));
  ASSERT_TRUE(ro) << detail_of(ro.error());
  EXPECT_TRUE((*ro)->capabilities().empty());
  auto rw = make_element_adapter(snmp_switch("rw"));
  ASSERT_TRUE(rw) << detail_of(rw.error());
  EXPECT_EQ((*rw)->capabilities(), std::vector<network::cut_action>{network::cut_action::port_down});
}

TEST(element_adapters, access_point_by_model) {
  auto ap = make_element_adapter(access_point("kagami-sim-ap"));
  ASSERT_TRUE(ap) << detail_of(ap.error());
  auto caps = (*ap)->capabilities();
  EXPECT_TRUE(has(caps, network::cut_action::client_deauth));
  EXPECT_TRUE(has(caps, network::cut_action::ssid_off));
  EXPECT_TRUE(has(caps, network::cut_action::radio_off));
  EXPECT_FALSE(has(caps, network::cut_action::port_down));
  auto unknown = make_element_adapter(access_point("vendor-x"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(code_of(unknown.error()), ec::config_invalid);
  EXPECT_EQ(detail_of(unknown.error()), "unknown AP model \"vendor-x\"; known: kagami-sim-ap");
}
