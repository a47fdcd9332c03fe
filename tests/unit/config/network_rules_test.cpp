// The "network" section of a site config: what a valid one reads as, and
// every rule with its field and reason.

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/site_config.hpp"
#include "tests/unit/config/config_test_util.hpp"

using namespace kagami::config;
using namespace kagami::config::test;

namespace {

const char* base_site = R"({
  "site": "test",
  "models": ["models/line-plc.json"],
  "devices": [],
  "discovery": {"interface": "ot0", "htip": {"enabled": true}},
  "network": {
    "gatewayMac": "02:99:00:00:00:01",
    "refreshS": 10,
    "elementTimeoutMs": 8000,
    "historyRetain": 50,
    "probe": {"enabled": true, "maxHops": 6, "hopTimeoutMs": 300, "reprobeS": 60},
    "htipAgents": {"enabled": true},
    "elements": [
      {"id": "sw1", "kind": "snmp-switch", "address": "10.99.1.2",
       "community": "kagami-ro", "writeCommunity": "kagami-rw",
       "timeoutMs": 800, "retries": 2},
      {"id": "ap-1", "kind": "ap", "address": "10.99.1.20", "port": 8090,
       "model": "kagami-sim-ap"}
    ]
  }
})";

read_file_fn files() {
  return fake_files({{"models/line-plc.json", embedded("config/models/line-plc.json")}});
}

TEST(network_config, valid_section_reads_as_written) {
  auto result = parse_site_config(base_site, "site.json", "", files());
  auto err = std::get_if<config_error>(&result);
  ASSERT_EQ(err, nullptr) << err->to_string();
  auto& n = std::get<site_config>(result).network;
  EXPECT_EQ(n.gateway_mac, "02:99:00:00:00:01");
  EXPECT_EQ(n.refresh_s, 10u);
  EXPECT_EQ(n.element_timeout_ms, 8000u);
  EXPECT_EQ(n.history_retain, 50u);
  EXPECT_TRUE(n.probe.enabled);
  EXPECT_EQ(n.probe.max_hops, 6u);
  EXPECT_EQ(n.probe.hop_timeout_ms, 300u);
  EXPECT_EQ(n.probe.reprobe_s, 60u);
  EXPECT_TRUE(n.htip_agents.enabled);
  ASSERT_EQ(n.elements.size(), 2u);
  auto& sw = n.elements[0];
  EXPECT_EQ(sw.id, "sw1");
  EXPECT_EQ(sw.protocol, element_protocol::snmp_switch);
  EXPECT_EQ(sw.address, "10.99.1.2");
  EXPECT_EQ(sw.port, 161);
  EXPECT_EQ(sw.community, "kagami-ro");
  EXPECT_EQ(sw.write_community, "kagami-rw");
  EXPECT_EQ(sw.timeout_ms, 800u);
  EXPECT_EQ(sw.retries, 2u);
  auto& ap = n.elements[1];
  EXPECT_EQ(ap.protocol, element_protocol::ap);
  EXPECT_EQ(ap.port, 8090);
  EXPECT_EQ(ap.model, "kagami-sim-ap");
  EXPECT_FALSE(n.validate());
}

TEST(network_config, absent_section_is_empty) {
  auto text = edited(base_site, {{"/network", "<delete>"}});
  auto result = parse_site_config(text, "site.json", "", files());
  ASSERT_EQ(std::get_if<config_error>(&result), nullptr);
  EXPECT_TRUE(std::get<site_config>(result).network.empty());
  EXPECT_EQ(std::get<site_config>(result).network, network_config{});
}

TEST(network_config, every_rule_names_its_field) {
  std::vector<bad_case> cases{
    {{{"/network/colour", "1"}}, "/network/colour", "unknown key"},
    {{{"/network/elements/0/id", "\"sw 1\""}}, "/network/elements/0/id", "\"sw 1\" is not an id"},
    {{{"/network/elements/1/id", "\"sw1\""}}, "/network/elements/1/id",
     "\"sw1\" is used by another element"},
    {{{"/network/elements/0/kind", "\"hub\""}}, "/network/elements/0/kind",
     "unknown value \"hub\""},
    {{{"/network/elements/0/kind", "<delete>"}}, "/network/elements/0/kind", "missing"},
    {{{"/network/elements/0/address", "\"switch1.plant\""}}, "/network/elements/0/address",
     "\"switch1.plant\" is not an IPv4 address"},
    {{{"/network/elements/0/port", "0"}}, "/network/elements/0/port", "must be"},
    {{{"/network/elements/0/community", "<delete>"}}, "/network/elements/0/community",
     "is required for an snmp-switch"},
    {{{"/network/elements/0/community", "\"a b\""}}, "/network/elements/0/community",
     "is required for an snmp-switch"},
    {{{"/network/elements/0/writeCommunity", "\"\""}}, "/network/elements/0/writeCommunity",
     "must be 1 to 64"},
    {{{"/network/elements/1/model", "<delete>"}}, "/network/elements/1/model",
     "is required for an ap"},
    {{{"/network/elements/1/community", "\"public\""}}, "/network/elements/1/community",
     "is for snmp-switch elements only"},
    {{{"/network/elements/0/model", "\"x\""}}, "/network/elements/0/model",
     "is for access points only"},
    {{{"/network/elements/0/timeoutMs", "10"}}, "/network/elements/0/timeoutMs", "must be"},
    {{{"/network/elements/0/retries", "9"}}, "/network/elements/0/retries", "must be"},
    {{{"/network/elements/0", "3"}}, "/network/elements/0", "must be an object"},
    {{{"/network/gatewayMac", "\"02:99:00:00:00\""}}, "/network/gatewayMac",
     "\"02:99:00:00:00\" is not a MAC"},
    {{{"/network/refreshS", "0"}}, "/network/refreshS", "must be"},
    {{{"/network/elementTimeoutMs", "99"}}, "/network/elementTimeoutMs", "must be"},
    {{{"/network/historyRetain", "0"}}, "/network/historyRetain", "must be"},
    {{{"/network/probe/maxHops", "33"}}, "/network/probe/maxHops", "must be"},
    {{{"/network/probe/hopTimeoutMs", "1"}}, "/network/probe/hopTimeoutMs", "must be"},
    {{{"/network/probe/reprobeS", "-1"}}, "/network/probe/reprobeS", "must be"},
    {{{"/network/htipAgents/on", "true"}}, "/network/htipAgents/on", "unknown key"},
    {{{"/discovery/htip/enabled", "false"}}, "/network/htipAgents/enabled",
     "needs discovery.htip"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c));
    auto result = parse_site_config(edited(base_site, c.edits), "site.json", "", files());
    auto err = std::get_if<config_error>(&result);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->file, "site.json");
    EXPECT_EQ(err->field, c.field) << err->to_string();
    EXPECT_NE(err->reason.find(c.reason), std::string::npos) << err->to_string();
  }
}

TEST(network_config, validate_works_without_the_parser) {
  network_config n;
  EXPECT_FALSE(n.validate());
  network_element_config e;
  e.id = "sw1";
  e.address = "10.0.0.2";
  e.port = 161;
  n.elements.push_back(e);
  EXPECT_EQ(kagami::detail_of(n.validate()),
            "/network/elements/0/community: is required for an snmp-switch: 1 to 64 "
            "printable characters without spaces");
}

} // namespace
