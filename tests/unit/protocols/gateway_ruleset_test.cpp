// The gateway's packet filter: the generated nft text for several inputs
// (table-driven), input validation, the derivation from site configs, and
// nft's own syntax check of the text (`nft -c` in a fresh network namespace;
// root only: skipped elsewhere, a failure when CI is set).

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/site_config.hpp"
#include "protocols/nft/gateway_ruleset.hpp"
#include "tools/kagamid/firewall_setup.hpp"

using namespace kagami;
using namespace kagami::protocols::nft;

namespace {

ip_address ip(const char* text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a) << text;
  return a ? *a : ip_address{};
}

listen_address listen_on(const char* text) {
  auto a = parse_listen_address(text);
  EXPECT_TRUE(a) << text;
  return a ? *a : listen_address{};
}

/// The lab's gateway: app 10.99.100.1:8080, OT ot0, UPnP with one routed
/// target, Modbus and HTTP design entries.
gateway_ruleset_input lab_input() {
  gateway_ruleset_input in;
  in.wot_address = listen_on("10.99.100.1");
  in.wot_port = 8080;
  in.ot_interfaces = {"ot0"};
  in.tcp_device_ports = {502, 8081, 8082, 502};
  in.ssdp.enabled = true;
  in.ssdp.unicast_targets = {ip("10.99.2.11")};
  return in;
}

std::string script_of(const gateway_ruleset_input& in) {
  auto s = gateway_ruleset_script(in);
  EXPECT_TRUE(s) << (s ? "" : detail_of(s.error()));
  return s ? *s : std::string{};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    auto line = text.substr(pos, end - pos);
    auto first = line.find_first_not_of(' ');
    out.push_back(first == std::string::npos ? "" : line.substr(first));
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (auto& l : lines_of(text))
    if (l == line)
      return true;
  return false;
}

/// Index of `line` in the text, or -1.
int line_index(const std::string& text, const std::string& line) {
  auto ls = lines_of(text);
  for (size_t i = 0; i < ls.size(); ++i)
    if (ls[i] == line)
      return static_cast<int>(i);
  return -1;
}

} // namespace

TEST(gateway_ruleset, lab_gateway_full_text) {
  // Reviewed by hand against the policy in gateway_ruleset.hpp.
  const std::string expected = R"(table inet kagami_gateway
delete table inet kagami_gateway
table inet kagami_gateway {
  set ssdp_searches {
    type ipv4_addr . inet_service
    size 1024
    flags dynamic,timeout
    timeout 10s
  }
  set upnp_hosts {
    type ipv4_addr
    size 4096
    flags dynamic,timeout
    timeout 300s
  }
  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept
    ct state invalid counter drop
    iifname "ot0" ip daddr . udp dport @ssdp_searches update @upnp_hosts { ip saddr } accept
    iifname "ot0" ip daddr 239.255.255.250 udp dport 1900 update @upnp_hosts { ip saddr } accept
    ct state established,related accept
    iifname != "ot0" ip daddr 10.99.100.1 tcp dport 8080 accept
    iifname != "ot0" icmp type echo-request limit rate 10/second burst 20 packets accept
    iifname != "ot0" icmpv6 type echo-request limit rate 10/second burst 20 packets accept
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept
    iifname "ot0" ip protocol igmp accept
    iifname "ot0" icmpv6 type mld-listener-query accept
    counter drop
  }
  chain output {
    type filter hook output priority filter; policy accept;
    oif "lo" accept
    oifname "ot0" jump ot_output
  }
  chain ot_output {
    ip daddr { 239.255.255.250, 10.99.2.11 } udp dport 1900 update @ssdp_searches { ip saddr . udp sport } accept
    ct state established,related accept
    tcp dport { 502, 8081, 8082 } accept
    ip daddr @upnp_hosts meta l4proto tcp accept
    icmp type echo-request accept
    icmpv6 type echo-request accept
    ip protocol igmp accept
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, mld-listener-report, mld2-listener-report } accept
    counter drop
  }
}
)";
  EXPECT_EQ(script_of(lab_input()), expected);
}

struct text_case {
  const char* name;
  gateway_ruleset_input input;
  std::vector<std::string> present;
  std::vector<std::string> absent;
};

TEST(gateway_ruleset, text_per_input) {
  std::vector<text_case> cases;
  {
    // No OT interface: the input chain without OT rules, output unrestricted.
    gateway_ruleset_input in;
    in.wot_address = listen_on("192.0.2.1");
    in.wot_port = 443;
    in.tcp_device_ports = {502};
    in.ssdp.enabled = true;
    cases.push_back({"no OT interface", in,
                     {"ip daddr 192.0.2.1 tcp dport 443 accept",
                      "icmp type echo-request limit rate 10/second burst 20 packets accept",
                      "type filter hook input priority filter; policy drop;",
                      "type filter hook output priority filter; policy accept;"},
                     {"chain ot_output {", "set ssdp_searches {", "ip protocol igmp accept"}});
  }
  {
    // 0.0.0.0 takes IPv4 only, on every interface but the OT ones.
    gateway_ruleset_input in = lab_input();
    in.wot_address = listen_on("0.0.0.0");
    cases.push_back({"IPv4 wildcard", in,
                     {"iifname != \"ot0\" meta nfproto ipv4 tcp dport 8080 accept"},
                     {"iifname != \"ot0\" ip daddr 0.0.0.0 tcp dport 8080 accept"}});
  }
  {
    // :: takes both families.
    gateway_ruleset_input in = lab_input();
    in.wot_address = listen_on("::");
    cases.push_back({"IPv6 wildcard", in, {"iifname != \"ot0\" tcp dport 8080 accept"}, {}});
  }
  {
    gateway_ruleset_input in = lab_input();
    in.wot_address = listen_on("fd00::1");
    in.ot_interfaces = {"ot1", "ot0", "ot1"};
    cases.push_back({"IPv6 listener, two OT interfaces", in,
                     {"iifname != { \"ot0\", \"ot1\" } ip6 daddr fd00::1 tcp dport 8080 accept",
                      "oifname { \"ot0\", \"ot1\" } jump ot_output"},
                     {}});
  }
  {
    // Configured devices by address and port, SNMP elements, no SSDP, no
    // ping, no probes.
    gateway_ruleset_input in = lab_input();
    in.ssdp = {};
    in.tcp_device_ports = {};
    in.tcp_devices = {{ip("10.99.1.12"), 502}, {ip("10.99.1.11"), 502},
                      {ip("fd99::5"), 8081}, {ip("10.99.1.11"), 502}};
    in.snmp_elements = {ip("10.99.1.3"), ip("10.99.1.2")};
    in.ping_rate_per_s = 0;
    in.icmp_probes = false;
    cases.push_back({"configured devices and SNMP", in,
                     {"ip daddr . tcp dport { 10.99.1.11 . 502, 10.99.1.12 . 502 } accept",
                      "ip6 daddr . tcp dport { fd99::5 . 8081 } accept",
                      "ip daddr { 10.99.1.2, 10.99.1.3 } udp dport 161 accept",
                      "ct state established,related accept"},
                     {"set ssdp_searches {", "set upnp_hosts {",
                      "ip daddr @upnp_hosts meta l4proto tcp accept",
                      "icmp type echo-request accept",
                      "iifname != \"ot0\" icmp type echo-request limit rate 10/second burst "
                      "20 packets accept"}});
  }
  {
    gateway_ruleset_input in = lab_input();
    in.table = "kg_test1";
    in.ssdp.reply_window_s = 7;
    in.ssdp.host_window_s = 900;
    in.ping_rate_per_s = 3;
    cases.push_back({"table name, windows, ping rate", in,
                     {"table inet kg_test1", "delete table inet kg_test1", "timeout 7s",
                      "timeout 900s",
                      "iifname != \"ot0\" icmp type echo-request limit rate 3/second burst 6 "
                      "packets accept"},
                     {"table inet kagami_gateway"}});
  }
  for (auto& c : cases) {
    auto text = script_of(c.input);
    for (auto& l : c.present)
      EXPECT_TRUE(has_line(text, l)) << c.name << ": missing\n  " << l << "\nin\n" << text;
    for (auto& l : c.absent)
      EXPECT_FALSE(has_line(text, l)) << c.name << ": unexpected\n  " << l << "\nin\n" << text;
  }
}

TEST(gateway_ruleset, ssdp_rules_come_before_the_established_rule) {
  // A unicast search's reply is established; its sender must still be
  // recorded, and every search must renew its socket.
  auto text = script_of(lab_input());
  auto est = line_index(text, "ct state established,related accept");
  auto reply = line_index(text, "iifname \"ot0\" ip daddr . udp dport @ssdp_searches "
                                "update @upnp_hosts { ip saddr } accept");
  ASSERT_GE(est, 0);
  ASSERT_GE(reply, 0);
  EXPECT_LT(reply, est);
  auto out_est = static_cast<int>(text.substr(0, text.find("chain ot_output")).size());
  EXPECT_LT(text.find("update @ssdp_searches"), text.find("ct state established", out_est));
}

TEST(gateway_ruleset, same_input_same_text) {
  auto a = lab_input();
  auto b = lab_input();
  std::reverse(b.tcp_device_ports.begin(), b.tcp_device_ports.end());
  EXPECT_EQ(script_of(a), script_of(b));
}

TEST(gateway_ruleset, rejects_bad_input) {
  struct bad_case {
    const char* name;
    void (*change)(gateway_ruleset_input&);
  };
  std::vector<bad_case> cases{
    {"table with a space", [](auto& in) { in.table = "kagami gateway"; }},
    {"table injection", [](auto& in) { in.table = "x; flush ruleset"; }},
    {"interface with a quote", [](auto& in) { in.ot_interfaces = {"ot0\" accept"}; }},
    {"interface too long", [](auto& in) { in.ot_interfaces = {"abcdefghijklmnop"}; }},
    {"empty interface", [](auto& in) { in.ot_interfaces = {""}; }},
    {"WoT port 0", [](auto& in) { in.wot_port = 0; }},
    {"device port 0", [](auto& in) { in.tcp_devices = {{ip("10.0.0.1"), 0}}; }},
    {"design port 0", [](auto& in) { in.tcp_device_ports = {0}; }},
    {"multicast device", [](auto& in) {
       ip_address m;
       m.octets = {239, 1, 1, 1};
       in.tcp_devices = {{m, 502}};
     }},
    {"IPv6 SSDP target", [](auto& in) { in.ssdp.unicast_targets = {ip("fd00::2")}; }},
    {"reply window 0", [](auto& in) { in.ssdp.reply_window_s = 0; }},
    {"host window too long", [](auto& in) { in.ssdp.host_window_s = 86401; }},
    {"ping rate too high", [](auto& in) { in.ping_rate_per_s = 10001; }},
  };
  for (auto& c : cases) {
    auto in = lab_input();
    c.change(in);
    auto s = gateway_ruleset_script(in);
    ASSERT_FALSE(s) << c.name;
    EXPECT_EQ(code_of(s.error()), ec::invalid_value) << c.name;
  }
}

TEST(gateway_ruleset, listen_addresses) {
  struct listen_case {
    const char* text;
    bool ok;
    bool wildcard;
  };
  for (auto c : std::vector<listen_case>{{"10.99.100.1", true, false},
                                         {"127.0.0.1", true, false},
                                         {"0.0.0.0", true, true},
                                         {"::", true, true},
                                         {"::1", true, false},
                                         {"fd00::1", true, false},
                                         {"224.0.0.1", false, false},
                                         {"255.255.255.255", false, false},
                                         {"ff02::1", false, false},
                                         {"gw.example", false, false},
                                         {"10.0.0.1 ", false, false},
                                         {"[::1]", false, false},
                                         {"", false, false}}) {
    auto a = parse_listen_address(c.text);
    ASSERT_EQ(static_cast<bool>(a), c.ok) << c.text;
    if (a) {
      EXPECT_EQ(a->wildcard, c.wildcard) << c.text;
    }
  }
  EXPECT_FALSE(gateway_ruleset_removal("a b"));
  EXPECT_EQ(*gateway_ruleset_removal("kagami_gateway"),
            "table inet kagami_gateway\ndelete table inet kagami_gateway\n");
}

// -- derivation from the site config (tools/kagamid/firewall_setup) ---------

namespace {

config::site_config load(const std::string& path) {
  auto loaded = config::load_site_config(path);
  if (auto err = std::get_if<config::config_error>(&loaded)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<config::site_config>(std::move(loaded));
}

config::device_model model_of(const char* id, config::device_protocol p) {
  config::device_model m;
  m.id = id;
  m.protocol = p;
  return m;
}

config::site_config small_site() {
  config::site_config site;
  site.listen = "192.0.2.10:8443";
  site.models["plc"] = model_of("plc", config::device_protocol::modbus_tcp);
  site.models["sensor"] = model_of("sensor", config::device_protocol::http_json);
  site.models["ble"] = model_of("ble", config::device_protocol::ble_gatt);
  auto dev = [](const char* id, const char* model, const char* address) {
    config::device_config d;
    d.id = id;
    d.model = model;
    d.address = address;
    return d;
  };
  site.devices = {dev("plc-a", "plc", "10.1.0.5:502"),
                  dev("plc-b", "plc", "10.1.0.6:1502"),
                  dev("sensor-a", "sensor", "http://10.1.0.7:8081"),
                  dev("local", "plc", "127.0.0.1:0"),
                  dev("tag", "ble", "02:99:00:00:00:aa")};
  site.discovery.interface = "eth1";
  return site;
}

} // namespace

TEST(firewall_setup, lab_site_config) {
  auto site = load(std::string{KAGAMI_SOURCE_DIR} + "/config/lab/site.json");
  auto in = gateway_ruleset_input_of(site);
  ASSERT_TRUE(in) << detail_of(in.error());
  EXPECT_EQ(to_string(in->wot_address.address), "10.99.100.1");
  EXPECT_EQ(in->wot_port, 8080);
  EXPECT_EQ(in->ot_interfaces, std::vector<std::string>{"ot0"});
  // The access point's management API is the one fixed TCP endpoint.
  ASSERT_EQ(in->tcp_devices.size(), 1u);
  EXPECT_EQ(to_string(in->tcp_devices[0].address), "10.99.1.20");
  EXPECT_EQ(in->tcp_devices[0].port, 8090);
  auto ports = in->tcp_device_ports;
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(ports, (std::vector<uint16_t>{502, 502, 8081, 8082}));
  EXPECT_TRUE(in->ssdp.enabled);
  ASSERT_EQ(in->ssdp.unicast_targets.size(), 1u);
  EXPECT_EQ(to_string(in->ssdp.unicast_targets[0]), "10.99.2.11");
  EXPECT_EQ(in->ssdp.host_window_s, 300u); // 3 x 10 s, at least 300
  // The network elements: both switches' SNMP agents, nothing else.
  ASSERT_EQ(in->snmp_elements.size(), 2u);
  EXPECT_EQ(to_string(in->snmp_elements[0]), "10.99.1.2");
  EXPECT_EQ(to_string(in->snmp_elements[1]), "10.99.1.3");
  auto text = gateway_ruleset_script_of(site);
  ASSERT_TRUE(text);
  auto expected = lab_input();
  expected.snmp_elements = {ip("10.99.1.2"), ip("10.99.1.3")};
  expected.tcp_devices = {{ip("10.99.1.20"), 8090}};
  EXPECT_EQ(*text, script_of(expected));
}

TEST(firewall_setup, configured_devices) {
  auto site = small_site();
  auto text = gateway_ruleset_script_of(site);
  ASSERT_TRUE(text) << detail_of(text.error());
  EXPECT_TRUE(has_line(*text, "iifname != \"eth1\" ip daddr 192.0.2.10 tcp dport 8443 accept"))
    << *text;
  EXPECT_TRUE(has_line(*text, "ip daddr . tcp dport { 10.1.0.5 . 502, 10.1.0.6 . 1502, "
                              "10.1.0.7 . 8081 } accept"))
    << *text;
  // Loopback and BLE devices need no rule; UPnP is off.
  EXPECT_EQ(text->find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(text->find("ssdp"), std::string::npos);
}

TEST(firewall_setup, rejects_what_cannot_be_filtered) {
  struct bad_case {
    const char* name;
    void (*change)(config::site_config&);
    const char* field;
  };
  std::vector<bad_case> cases{
    {"listen DNS name", [](auto& s) { s.listen = "gw.example:8080"; }, "/listen"},
    {"listen port 0", [](auto& s) { s.listen = "10.0.0.1:0"; }, "/listen"},
    {"device DNS name", [](auto& s) { s.devices[0].address = "plc.example:502"; },
     "/devices/plc-a/address"},
    {"device port 0", [](auto& s) { s.devices[1].address = "10.1.0.6:0"; },
     "/devices/plc-b/address"},
    {"bad interface", [](auto& s) { s.discovery.interface = "eth1\"x"; }, "OT interface"},
  };
  for (auto& c : cases) {
    auto site = small_site();
    c.change(site);
    auto text = gateway_ruleset_script_of(site);
    ASSERT_FALSE(text) << c.name;
    EXPECT_NE(detail_of(text.error()).find(c.field), std::string::npos)
      << c.name << ": " << detail_of(text.error());
  }
  EXPECT_EQ(parse_firewall_mode("apply"), firewall_mode::apply);
  EXPECT_EQ(parse_firewall_mode("print"), firewall_mode::print);
  EXPECT_EQ(parse_firewall_mode("off"), firewall_mode::off);
  EXPECT_FALSE(parse_firewall_mode("on"));
  EXPECT_FALSE(parse_firewall_mode(""));
}

// -- nft's own check ----------------------------------------------------------

TEST(gateway_ruleset, nft_accepts_the_text) {
  bool root = geteuid() == 0;
  bool have_nft = std::system("command -v nft >/dev/null 2>&1 && "
                              "command -v unshare >/dev/null 2>&1")
                  == 0;
  if (!root || !have_nft) {
    std::string why = !root ? "nft -c needs root" : "nft or unshare is not installed";
    const char* ci = std::getenv("CI");
    if (ci != nullptr && *ci != '\0') {
      GTEST_FAIL() << why << "; CI is set, so this is a failure, not a skip";
    }
    GTEST_SKIP() << why;
  }
  std::vector<std::pair<const char*, gateway_ruleset_input>> inputs;
  inputs.emplace_back("lab", lab_input());
  {
    auto in = lab_input();
    in.wot_address = listen_on("::");
    in.ot_interfaces = {"ot0", "ot1"};
    in.tcp_devices = {{ip("10.99.1.11"), 502}, {ip("fd99::5"), 8081}};
    in.snmp_elements = {ip("10.99.1.2"), ip("fd99::2")};
    inputs.emplace_back("everything", in);
  }
  {
    gateway_ruleset_input in;
    in.wot_address = listen_on("0.0.0.0");
    in.wot_port = 8080;
    in.ping_rate_per_s = 0;
    inputs.emplace_back("no OT side", in);
  }
  auto file = "/tmp/kagami-gateway-ruleset-test-" + std::to_string(getpid()) + ".nft";
  for (auto& [name, in] : inputs) {
    {
      std::ofstream out{file};
      out << script_of(in);
    }
    // A fresh network namespace: the check touches nothing of the host. The
    // script is applied twice there, so the replace idiom is checked too.
    auto cmd = "unshare --net sh -c 'nft -c -f " + file + " && nft -f " + file
               + " && nft -f " + file + " && nft list table inet " + in.table
               + " >/dev/null' 2>&1";
    int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << name << ":\n" << script_of(in);
  }
  std::remove(file.c_str());
}
