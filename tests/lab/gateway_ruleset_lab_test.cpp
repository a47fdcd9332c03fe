// kagamid --firewall apply in the netns factory lab (tools/kagami-lab):
// - a full TCP connect scan of the gateway's app-side address from the app
//   namespace finds exactly one open port, the WoT port;
// - apps still reach the WoT API, and onboarding still admits the lab's
//   devices (HTIP, UPnP multicast and unicast, vendor database) and reads
//   them over Modbus/TCP and HTTP through the OT side;
// - the OT side is closed too (a scan from the attacker finds nothing), and
//   the gateway reaches nothing on the OT side that its adapters do not use
//   (SNMP to a switch is refused while the ruleset is in force);
// - after a clean stop (SIGTERM) the table is gone, and the onboarding
//   table with the rogue refusals stays.

#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/lab/lab_fixture.hpp"
#include "tests/lab/lab_gateway.hpp"
#include "tests/lab/wot_app_client.hpp"

using namespace std::chrono_literals;
using kagami::lab::app_get;
using kagami::lab::eventually;
using kagami::lab::factory_lab;
using kagami::lab::listed_things;
using kagami::lab::shell_quote;

namespace {

constexpr const char* app_address = "10.99.100.1";

class gateway_ruleset_lab : public kagami::lab::lab_test {
protected:
  bool start_gateway(const factory_lab& lab) {
    return gateway_.start(lab, {"--firewall", "apply"});
  }

  /// The tables of the gateway namespace, one "family name" per line.
  static std::string tables(const factory_lab& lab) {
    return lab.exec("gw", "nft list tables").out;
  }

  kagami::lab::lab_gateway gateway_{"ruleset-lab"};
};

/// The ports nmap's greppable output (-oG -) reports in state `state`
/// ("open", "filtered", "closed"), e.g. "8080/open/tcp//http-proxy///".
std::vector<int> ports_in_state(const std::string& greppable, const std::string& state) {
  std::vector<int> out;
  std::istringstream in{greppable};
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find("Ports: ");
    if (at == std::string::npos)
      continue;
    auto list = line.substr(at + 7);
    list = list.substr(0, list.find('\t'));
    std::istringstream entries{list};
    std::string entry;
    while (std::getline(entries, entry, ',')) {
      auto first = entry.find_first_not_of(' ');
      if (first == std::string::npos)
        continue;
      entry = entry.substr(first);
      auto slash = entry.find('/');
      if (slash == std::string::npos)
        continue;
      auto rest = entry.substr(slash + 1);
      if (rest.substr(0, rest.find('/')) == state)
        out.push_back(std::atoi(entry.c_str()));
    }
  }
  return out;
}

const std::multiset<std::string> expected_things{
  "press-plc-1", "press-plc-2", "env-sensor-1", "line-camera-1", "line-camera-2", "plc-3"};

} // namespace

TEST(gateway_ruleset_lab_parse, greppable_ports) {
  // The format nmap 7.93 writes (a real line from this lab).
  auto line = "Host: 10.99.100.1 ()\tPorts: 22/closed/tcp//ssh///, 8080/open/tcp//http-proxy///"
              ", 9/open/tcp//discard///\tIgnored State: filtered (65532)\n";
  EXPECT_EQ(ports_in_state(line, "open"), (std::vector<int>{8080, 9}));
  EXPECT_EQ(ports_in_state(line, "closed"), (std::vector<int>{22}));
  EXPECT_TRUE(ports_in_state("# Nmap done\n", "open").empty());
}

TEST_F(gateway_ruleset_lab, app_side_shows_only_the_wot_port_and_onboarding_still_works) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  // The switches answer SNMP from the gateway before kagamid starts.
  ASSERT_EQ(lab.snmp("snmpget", "sw1", "kagami-ro", "1.3.6.1.2.1.1.5.0").exit_code, 0);
  ASSERT_TRUE(start_gateway(lab));
  ASSERT_NE(tables(lab).find("table inet kagami_gateway"), std::string::npos)
    << tables(lab);

  // 1. Onboarding admits every legitimate device through the filter, and
  //    apps read them (Modbus/TCP and HTTP on the OT side).
  ASSERT_TRUE(eventually([&] { return listed_things(lab) == expected_things; }, 60s))
    << "listed: " << nlohmann::json(listed_things(lab)).dump();
  for (auto& id : expected_things)
    EXPECT_EQ(app_get(lab, "/things/" + id + "/properties").first, 200) << id;

  // 2. A full connect scan of the app-side address: one open port, the WoT
  //    port. The input policy drops, so every other port is "filtered".
  //    (--min-rate: a drop policy makes every probe wait for its timeout;
  //    without it -T5 took 54 s here, with it 26 s.)
  auto started = std::chrono::steady_clock::now();
  auto scan = lab.exec("app",
                       std::string{"nmap -n -Pn -sT -p- -T5 --min-rate 5000 "
                                   "--max-retries 1 --host-timeout 170s -oG - "}
                         + app_address,
                       180s);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - started);
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(scan.out.find("Status: Timeout"), std::string::npos) << scan.out;
  EXPECT_EQ(ports_in_state(scan.out, "open"), std::vector<int>{8080}) << scan.out;
  EXPECT_TRUE(ports_in_state(scan.out, "closed").empty()) << scan.out;
  EXPECT_NE(scan.out.find("Ignored State: filtered (65534)"), std::string::npos)
    << scan.out;
  std::cout << "[ measure  ] nmap -sT -p- of " << app_address << ": " << took.count()
            << " ms\n";

  // 3. The WoT API still answers after the scan.
  EXPECT_EQ(app_get(lab, "/things").first, 200);
  EXPECT_EQ(app_get(lab, "/.well-known/wot").first, 200);

  // 4. The OT side offers nothing, not even the WoT port.
  auto ot_scan = lab.exec("atk",
                          "nmap -n -Pn -sT -p 1-1024,1900,8080 -T5 --max-retries 1 "
                          "--host-timeout 60s -oG - 10.99.1.1",
                          90s);
  ASSERT_EQ(ot_scan.exit_code, 0) << ot_scan.err;
  EXPECT_TRUE(ports_in_state(ot_scan.out, "open").empty()) << ot_scan.out;
  EXPECT_NE(ot_scan.out.find("Ports:"), std::string::npos) << ot_scan.out;

  // 5. The gateway reaches on the OT side what its adapters use and nothing
  //    else: SNMP to the configured switch works; a connection to a TCP
  //    port no adapter uses never leaves (no reset comes back from plc-1
  //    within 3 s; without the table plc-1 resets it at once, step 6).
  EXPECT_EQ(lab.snmp("snmpget", "sw1", "kagami-ro", "1.3.6.1.2.1.1.5.0").exit_code, 0);
  auto plc1_telnet = "timeout 3 bash -c 'exec 3<>/dev/tcp/"
                     + lab.device("plc-1")["ip"].get<std::string>() + "/23' 2>&1";
  auto blocked = lab.exec("gw", plc1_telnet);
  EXPECT_EQ(blocked.exit_code, 124) << blocked.out;
  auto devices_still = listed_things(lab);
  EXPECT_EQ(devices_still, expected_things);

  // 6. A clean stop removes the table; the rogue refusals stay.
  ASSERT_EQ(gateway_.stop(), 0);
  auto after = tables(lab);
  EXPECT_EQ(after.find("table inet kagami_gateway"), std::string::npos) << after;
  EXPECT_NE(after.find("table inet kagami\n"), std::string::npos) << after;
  EXPECT_EQ(lab.snmp("snmpget", "sw1", "kagami-ro", "1.3.6.1.2.1.1.5.0").exit_code, 0);
  auto reset = lab.exec("gw", plc1_telnet);
  EXPECT_NE(reset.out.find("Connection refused"), std::string::npos) << reset.out;
}

TEST_F(gateway_ruleset_lab, print_writes_the_ruleset_and_apply_replaces_it) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto site = std::string{KAGAMI_SOURCE_DIR} + "/config/lab/site.json";
  auto printed = lab.exec("gw", std::string{KAGAMID_BIN} + " --config " + shell_quote(site)
                                  + " --firewall print");
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(printed.out.rfind("table inet kagami_gateway\n", 0), 0u) << printed.out;
  // print installs nothing.
  EXPECT_EQ(tables(lab).find("kagami_gateway"), std::string::npos);
  // The printed text is what apply installs: nft accepts it twice in a row
  // (the replace idiom), and a stale table from a crash is replaced.
  auto file = lab.state_dir() + "/gateway-ruleset.nft";
  {
    std::ofstream out{file};
    out << printed.out;
  }
  EXPECT_EQ(lab.exec("gw", "nft -f " + shell_quote(file) + " && nft -f " + shell_quote(file))
              .exit_code,
            0);
  EXPECT_NE(tables(lab).find("table inet kagami_gateway"), std::string::npos);
  ASSERT_TRUE(start_gateway(lab));
  EXPECT_EQ(app_get(lab, "/things").first, 200);
  ASSERT_EQ(gateway_.stop(), 0);
  EXPECT_EQ(tables(lab).find("kagami_gateway"), std::string::npos) << tables(lab);

  // A bad mode is a usage error.
  auto bad = lab.exec("gw", std::string{KAGAMID_BIN} + " --config " + shell_quote(site)
                              + " --firewall on");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected apply, print or off"), std::string::npos) << bad.err;
}
