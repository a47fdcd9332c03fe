// The "isolation" section of a site config: what a valid one reads as, the
// defaults, every rule with its field and reason, and the lab site.

#include <gtest/gtest.h>

#include <string>

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
  "network": {
    "elements": [
      {"id": "sw1", "kind": "snmp-switch", "address": "10.99.1.2",
       "community": "kagami-ro", "writeCommunity": "kagami-rw"},
      {"id": "ap-1", "kind": "ap", "address": "10.99.1.20", "port": 8090,
       "model": "kagami-sim-ap"}
    ]
  },
  "isolation": {
    "enabled": true,
    "mirror": {"interface": "mon0", "snaplen": 128, "filter": "not arp"},
    "policy": {
      "dhcpServers": ["10.99.1.1"],
      "allow": [
        {"protocol": "udp", "address": "239.255.255.250", "port": 1900},
        {"protocol": "tcp", "address": "10.99.1.5", "port": 443}
      ],
      "exemptMacs": ["02:99:00:00:00:aa"]
    },
    "traffic": {
      "periodMs": 1500,
      "defaultPps": 2000,
      "defaultBps": 50000000,
      "ports": [
        {"element": "sw1", "port": 5, "pps": 5000, "bps": 0},
        {"element": "ap-1", "port": 1, "bps": 1e8}
      ],
      "learnBaseline": true,
      "baselineSamples": 20,
      "baselineFactor": 4.5
    },
    "cut": {"allowUplinkCut": true, "actOnCritical": true, "verifyTimeoutMs": 800,
            "retries": 3, "reverifyS": 20},
    "rogues": false
  }
})";

read_file_fn files() {
  return fake_files({{"models/line-plc.json", embedded("config/models/line-plc.json")}});
}

/// The section of base_site, built in code.
isolation_config expected_section() {
  isolation_config x;
  x.enabled = true;
  x.mirror = isolation_config::mirror_config{"mon0", 128, "not arp"};
  x.policy.dhcp_servers = {"10.99.1.1"};
  x.policy.allow = {{flow_protocol::udp, "239.255.255.250", 1900},
                    {flow_protocol::tcp, "10.99.1.5", 443}};
  x.policy.exempt_macs = {"02:99:00:00:00:aa"};
  x.traffic.period_ms = 1500;
  x.traffic.default_pps = 2000;
  x.traffic.default_bps = 50e6;
  x.traffic.ports = {{"sw1", 5, 5000, 0}, {"ap-1", 1, 0, 1e8}};
  x.traffic.learn_baseline = true;
  x.traffic.baseline_samples = 20;
  x.traffic.baseline_factor = 4.5;
  x.cut = {true, true, 800, 3, 20};
  x.rogues = false;
  return x;
}

std::variant<site_config, config_error> parse(const std::string& text) {
  return parse_site_config(text, "site.json", "", files());
}

TEST(isolation_config, valid_section_reads_as_written) {
  auto result = parse(base_site);
  auto err = std::get_if<config_error>(&result);
  ASSERT_EQ(err, nullptr) << err->to_string();
  const auto& site = std::get<site_config>(result);
  const auto& x = site.isolation;
  EXPECT_TRUE(x.enabled);
  ASSERT_TRUE(x.mirror.has_value());
  EXPECT_EQ(x.mirror->interface, "mon0");
  EXPECT_EQ(x.mirror->snaplen, 128u);
  EXPECT_EQ(x.mirror->filter, "not arp");
  ASSERT_EQ(x.policy.allow.size(), 2u);
  EXPECT_EQ(x.policy.allow[1].protocol, flow_protocol::tcp);
  EXPECT_EQ(x.policy.allow[1].port, 443);
  ASSERT_EQ(x.traffic.ports.size(), 2u);
  EXPECT_EQ(x.traffic.ports[1].element, "ap-1");
  EXPECT_EQ(x.traffic.ports[1].pps, 0);
  EXPECT_EQ(x.traffic.ports[1].bps, 1e8);
  EXPECT_EQ(x.cut.verify_timeout_ms, 800u);
  // Every field: the parsed section equals the one built in code, which
  // validates on its own and against the network section.
  EXPECT_EQ(x, expected_section());
  EXPECT_FALSE(expected_section().validate());
  EXPECT_FALSE(expected_section().validate(site.network));
}

TEST(isolation_config, a_section_reparsed_from_its_fields_is_the_same) {
  // Round trip: write the parsed struct back as JSON, field by field, and
  // parse that again.
  auto first = std::get<site_config>(parse(base_site)).isolation;
  json_value s;
  s["enabled"] = first.enabled;
  s["mirror"] = {{"interface", first.mirror->interface},
                 {"snaplen", first.mirror->snaplen},
                 {"filter", first.mirror->filter}};
  s["policy"]["dhcpServers"] = first.policy.dhcp_servers;
  s["policy"]["exemptMacs"] = first.policy.exempt_macs;
  s["policy"]["allow"] = json_value::array();
  for (const auto& a : first.policy.allow)
    s["policy"]["allow"].push_back(
      {{"protocol", to_string(a.protocol)}, {"address", a.address}, {"port", a.port}});
  s["traffic"] = {{"periodMs", first.traffic.period_ms},
                  {"defaultPps", first.traffic.default_pps},
                  {"defaultBps", first.traffic.default_bps},
                  {"learnBaseline", first.traffic.learn_baseline},
                  {"baselineSamples", first.traffic.baseline_samples},
                  {"baselineFactor", first.traffic.baseline_factor},
                  {"ports", json_value::array()}};
  for (const auto& p : first.traffic.ports)
    s["traffic"]["ports"].push_back(
      {{"element", p.element}, {"port", p.port}, {"pps", p.pps}, {"bps", p.bps}});
  s["cut"] = {{"allowUplinkCut", first.cut.allow_uplink_cut},
              {"actOnCritical", first.cut.act_on_critical},
              {"verifyTimeoutMs", first.cut.verify_timeout_ms},
              {"retries", first.cut.retries},
              {"reverifyS", first.cut.reverify_s}};
  s["rogues"] = first.rogues;
  auto text = edited(base_site, {{"/isolation", s.dump()}});
  auto second = parse(text);
  auto err = std::get_if<config_error>(&second);
  ASSERT_EQ(err, nullptr) << err->to_string();
  EXPECT_EQ(std::get<site_config>(second).isolation, first);
}

TEST(isolation_config, absent_or_empty_section_is_disabled_with_defaults) {
  for (const auto& value : {std::string{"<delete>"}, std::string{"{}"}}) {
    SCOPED_TRACE(value);
    auto result = parse(edited(base_site, {{"/isolation", value}}));
    auto err = std::get_if<config_error>(&result);
    ASSERT_EQ(err, nullptr) << err->to_string();
    const auto& x = std::get<site_config>(result).isolation;
    EXPECT_EQ(x, isolation_config{});
    EXPECT_FALSE(x.enabled);
    EXPECT_FALSE(x.mirror.has_value());
    EXPECT_EQ(x.traffic.period_ms, 2000u);
    EXPECT_FALSE(x.cut.allow_uplink_cut);
    EXPECT_FALSE(x.cut.act_on_critical);
    EXPECT_TRUE(x.rogues);
  }
  // A disabled section needs no network.
  auto result = parse(edited(base_site, {{"/network", "<delete>"},
                                         {"/isolation/enabled", "false"},
                                         {"/isolation/traffic/ports", "[]"}}));
  auto err = std::get_if<config_error>(&result);
  EXPECT_EQ(err, nullptr) << err->to_string();
}

TEST(isolation_config, every_rule_names_its_field) {
  const std::string long_filter(1025, 'a');
  std::vector<bad_case> cases{
    {{{"/isolation", "true"}}, "/isolation", "must be an object"},
    {{{"/isolation/colour", "1"}}, "/isolation/colour", "unknown key"},
    {{{"/isolation/enabled", "\"yes\""}}, "/isolation/enabled", "must be true or false"},
    {{{"/isolation/rogues", "1"}}, "/isolation/rogues", "must be true or false"},
    // enabled needs the network elements the cuts are made at.
    {{{"/network", "<delete>"}, {"/isolation/traffic/ports", "[]"}}, "/isolation/enabled",
     "needs a network section with at least one element"},
    {{{"/network/elements", "[]"}, {"/isolation/traffic/ports", "[]"}}, "/isolation/enabled",
     "needs a network section with at least one element"},
    // mirror
    {{{"/isolation/mirror", "\"mon0\""}}, "/isolation/mirror", "must be an object"},
    {{{"/isolation/mirror/interface", "<delete>"}}, "/isolation/mirror/interface",
     "missing required field"},
    {{{"/isolation/mirror/interface", "\"\""}}, "/isolation/mirror/interface",
     "\"\" is not an interface name"},
    {{{"/isolation/mirror/interface", "\"mon/0\""}}, "/isolation/mirror/interface",
     "\"mon/0\" is not an interface name"},
    {{{"/isolation/mirror/interface", "\"mon 0\""}}, "/isolation/mirror/interface",
     "\"mon 0\" is not an interface name"},
    {{{"/isolation/mirror/interface", "\"mirror-port-0001\""}}, "/isolation/mirror/interface",
     "\"mirror-port-0001\" is not an interface name"},
    {{{"/isolation/mirror/interface", "\"..\""}}, "/isolation/mirror/interface",
     "\"..\" is not an interface name"},
    {{{"/isolation/mirror/snaplen", "63"}}, "/isolation/mirror/snaplen",
     "must be an integer from 64 to 65535"},
    {{{"/isolation/mirror/snaplen", "65536"}}, "/isolation/mirror/snaplen",
     "must be an integer from 64 to 65535"},
    {{{"/isolation/mirror/filter", "\"tcp\\nor udp\""}}, "/isolation/mirror/filter",
     "must be at most 1024 characters"},
    {{{"/isolation/mirror/filter", "\"" + long_filter + "\""}}, "/isolation/mirror/filter",
     "must be at most 1024 characters"},
    {{{"/isolation/mirror/promisc", "true"}}, "/isolation/mirror/promisc", "unknown key"},
    // policy
    {{{"/isolation/policy/dhcp", "[]"}}, "/isolation/policy/dhcp", "unknown key"},
    {{{"/isolation/policy/dhcpServers", "\"10.99.1.1\""}}, "/isolation/policy/dhcpServers",
     "must be an array"},
    {{{"/isolation/policy/dhcpServers/0", "\"10.99.1\""}}, "/isolation/policy/dhcpServers/0",
     "\"10.99.1\" is not an IPv4 address"},
    {{{"/isolation/policy/dhcpServers/0", "\"dhcp.plant\""}},
     "/isolation/policy/dhcpServers/0", "\"dhcp.plant\" is not an IPv4 address"},
    {{{"/isolation/policy/dhcpServers/0", "7"}}, "/isolation/policy/dhcpServers/0",
     "must be a string"},
    {{{"/isolation/policy/dhcpServers",
       R"(["10.0.0.1","10.0.0.2","10.0.0.3","10.0.0.4","10.0.0.5","10.0.0.6","10.0.0.7",
          "10.0.0.8","10.0.0.9","10.0.0.10","10.0.0.11","10.0.0.12","10.0.0.13",
          "10.0.0.14","10.0.0.15","10.0.0.16","10.0.0.17"])"}},
     "/isolation/policy/dhcpServers", "has more than 16 entries"},
    {{{"/isolation/policy/allow/0", "\"udp/1900\""}}, "/isolation/policy/allow/0",
     "must be an object"},
    {{{"/isolation/policy/allow/0/protocol", "\"icmp\""}},
     "/isolation/policy/allow/0/protocol", "unknown value \"icmp\"; expected one of: tcp, udp"},
    {{{"/isolation/policy/allow/0/protocol", "<delete>"}},
     "/isolation/policy/allow/0/protocol", "missing required field"},
    {{{"/isolation/policy/allow/1/address", "\"ff02::c\""}},
     "/isolation/policy/allow/1/address", "\"ff02::c\" is not an IPv4 address"},
    {{{"/isolation/policy/allow/1/address", "<delete>"}}, "/isolation/policy/allow/1/address",
     "missing required field"},
    {{{"/isolation/policy/allow/0/port", "0"}}, "/isolation/policy/allow/0/port",
     "must be an integer from 1 to 65535"},
    {{{"/isolation/policy/allow/0/port", "65536"}}, "/isolation/policy/allow/0/port",
     "must be an integer from 1 to 65535"},
    {{{"/isolation/policy/allow/0/port", "<delete>"}}, "/isolation/policy/allow/0/port",
     "missing required field"},
    {{{"/isolation/policy/allow/0/ports", "[1]"}}, "/isolation/policy/allow/0/ports",
     "unknown key"},
    {{{"/isolation/policy/exemptMacs/0", "\"02:99:00:00:00\""}},
     "/isolation/policy/exemptMacs/0", "\"02:99:00:00:00\" is not a MAC"},
    {{{"/isolation/policy/exemptMacs/0", "\"02-99-00-00-00-aa\""}},
     "/isolation/policy/exemptMacs/0", "\"02-99-00-00-00-aa\" is not a MAC"},
    // traffic
    {{{"/isolation/traffic/periodMs", "499"}}, "/isolation/traffic/periodMs",
     "must be an integer from 500"},
    {{{"/isolation/traffic/periodMs", "1.5"}}, "/isolation/traffic/periodMs",
     "must be an integer from 500"},
    {{{"/isolation/traffic/defaultPps", "-1"}}, "/isolation/traffic/defaultPps",
     "must be a number >= 0"},
    {{{"/isolation/traffic/defaultBps", "\"fast\""}}, "/isolation/traffic/defaultBps",
     "must be a number"},
    {{{"/isolation/traffic/defaultBps", "-0.5"}}, "/isolation/traffic/defaultBps",
     "must be a number >= 0"},
    {{{"/isolation/traffic/ports/0/element", "\"sw9\""}},
     "/isolation/traffic/ports/0/element", "\"sw9\" is not an element of network.elements"},
    {{{"/isolation/traffic/ports/0/element", "\"sw 1\""}},
     "/isolation/traffic/ports/0/element", "\"sw 1\" is not an id"},
    {{{"/isolation/traffic/ports/0/element", "<delete>"}},
     "/isolation/traffic/ports/0/element", "missing required field"},
    {{{"/isolation/traffic/ports/0/port", "0"}}, "/isolation/traffic/ports/0/port",
     "must be an integer from 1 to 2147483647"},
    {{{"/isolation/traffic/ports/0/port", "<delete>"}}, "/isolation/traffic/ports/0/port",
     "missing required field"},
    {{{"/isolation/traffic/ports/0/pps", "-5"}}, "/isolation/traffic/ports/0/pps",
     "must be a number >= 0"},
    {{{"/isolation/traffic/ports/1/bps", "-1e6"}}, "/isolation/traffic/ports/1/bps",
     "must be a number >= 0"},
    {{{"/isolation/traffic/ports/1/element", "\"sw1\""}, {"/isolation/traffic/ports/1/port", "5"}},
     "/isolation/traffic/ports/1", "another entry already limits sw1 port 5"},
    {{{"/isolation/traffic/ports/0/ifIndex", "5"}}, "/isolation/traffic/ports/0/ifIndex",
     "unknown key"},
    {{{"/isolation/traffic/ports/0", "5"}}, "/isolation/traffic/ports/0", "must be an object"},
    {{{"/isolation/traffic/baselineSamples", "1"}}, "/isolation/traffic/baselineSamples",
     "must be an integer from 2 to 100000"},
    {{{"/isolation/traffic/baselineFactor", "1001"}}, "/isolation/traffic/baselineFactor",
     "must be 0 to 1000"},
    {{{"/isolation/traffic/learnBaseline", "\"on\""}}, "/isolation/traffic/learnBaseline",
     "must be true or false"},
    // cut
    {{{"/isolation/cut/verifyTimeoutMs", "99"}}, "/isolation/cut/verifyTimeoutMs",
     "must be an integer from 100 to 60000"},
    {{{"/isolation/cut/verifyTimeoutMs", "60001"}}, "/isolation/cut/verifyTimeoutMs",
     "must be an integer from 100 to 60000"},
    {{{"/isolation/cut/retries", "11"}}, "/isolation/cut/retries",
     "must be an integer from 0 to 10"},
    {{{"/isolation/cut/retries", "-1"}}, "/isolation/cut/retries",
     "must be an integer from 0 to 10"},
    {{{"/isolation/cut/reverifyS", "0"}}, "/isolation/cut/reverifyS",
     "must be an integer from 1 to 3600"},
    {{{"/isolation/cut/reverifyS", "3601"}}, "/isolation/cut/reverifyS",
     "must be an integer from 1 to 3600"},
    {{{"/isolation/cut/allowUplinkCut", "\"no\""}}, "/isolation/cut/allowUplinkCut",
     "must be true or false"},
    {{{"/isolation/cut/dryRun", "true"}}, "/isolation/cut/dryRun", "unknown key"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c));
    auto result = parse(edited(base_site, c.edits));
    auto err = std::get_if<config_error>(&result);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->file, "site.json");
    EXPECT_EQ(err->field, c.field) << err->to_string();
    EXPECT_EQ(err->reason.rfind(c.reason, 0), 0u) << err->to_string();
  }
}

TEST(isolation_config, validate_works_without_the_parser) {
  isolation_config x;
  EXPECT_FALSE(x.validate());
  EXPECT_FALSE(x.validate(network_config{}));
  x.enabled = true;
  EXPECT_FALSE(x.validate()); // the section alone
  EXPECT_EQ(kagami::detail_of(x.validate(network_config{})),
            "/isolation/enabled: needs a network section with at least one element: the "
            "cuts are made at the network elements");
  network_config net;
  network_element_config sw;
  sw.id = "sw1";
  net.elements.push_back(sw);
  EXPECT_FALSE(x.validate(net));
  x.traffic.ports.push_back({"sw2", 3, 100, 0});
  EXPECT_FALSE(x.validate());
  EXPECT_EQ(kagami::detail_of(x.validate(net)),
            "/isolation/traffic/ports/0/element: \"sw2\" is not an element of "
            "network.elements");
  x.traffic.ports[0].element = "sw1";
  x.cut.retries = 11;
  EXPECT_EQ(kagami::code_of(x.validate()), kagami::ec::config_invalid);
  EXPECT_EQ(kagami::detail_of(x.validate()), "/isolation/cut/retries: must be 0 to 10");
  x.cut.retries = 2;
  x.mirror = isolation_config::mirror_config{"mon0", 32, ""};
  EXPECT_EQ(kagami::detail_of(x.validate()), "/isolation/mirror/snaplen: must be 64 to 65535");
  x.mirror->snaplen = 256;
  x.traffic.period_ms = 100;
  EXPECT_EQ(kagami::detail_of(x.validate()),
            "/isolation/traffic/periodMs: must be 500 to 3600000");
  x.traffic.period_ms = 1000;
  x.policy.allow.push_back({flow_protocol::udp, "239.255.255.250", 0});
  EXPECT_EQ(kagami::detail_of(x.validate()), "/isolation/policy/allow/0/port: must be 1 to 65535");
  x.policy.allow[0].port = 1900;
  EXPECT_FALSE(x.validate(net));
}

TEST(isolation_config, the_lab_site_loads_with_its_isolation_section) {
  auto result = load_site_config(std::string{KAGAMI_REPO_DIR} + "/config/lab/site.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_EQ(err, nullptr) << err->to_string();
  const auto& site = std::get<site_config>(result);
  const auto& x = site.isolation;
  // Off in the lab site: the isolation lab tests turn it on in a copy, the
  // other lab tests keep the plant uncut.
  EXPECT_FALSE(x.enabled);
  ASSERT_TRUE(x.mirror.has_value());
  EXPECT_EQ(x.mirror->interface, "mon0");
  EXPECT_TRUE(x.policy.dhcp_servers.empty());
  ASSERT_EQ(x.policy.allow.size(), 1u);
  EXPECT_EQ(x.policy.allow[0],
            (isolation_config::allow_rule{flow_protocol::udp, "239.255.255.250", 1900}));
  EXPECT_EQ(x.traffic.period_ms, 1000u);
  EXPECT_EQ(x.traffic.default_pps, 2000);
  EXPECT_FALSE(x.cut.allow_uplink_cut);
  EXPECT_FALSE(x.cut.act_on_critical);
  EXPECT_TRUE(x.rogues);
  EXPECT_FALSE(x.validate(site.network));
}

TEST(isolation_config, the_demo_site_has_no_isolation) {
  auto result = demo_site_config();
  auto err = std::get_if<config_error>(&result);
  ASSERT_EQ(err, nullptr) << err->to_string();
  EXPECT_EQ(std::get<site_config>(result).isolation, isolation_config{});
}

} // namespace
