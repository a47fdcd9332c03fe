// The Wi-Fi access point of the netns factory lab (tools/kagami-lab): the
// simulator (kagami-devsim ap in P-ap) lists both wireless clients, the
// switches learned their MACs behind the AP's uplink, and kagami's AP adapter
// (kagami-ap-probe, run in the gateway namespace) really cuts a client off:
// the gateway can no longer reach it while the other client still answers;
// then an SSID off cuts the other one. Needs root (see lab_fixture.hpp).

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/lab/lab_fixture.hpp"

#ifndef KAGAMI_AP_PROBE_EXE
#error "KAGAMI_AP_PROBE_EXE must name kagami-ap-probe (tests/lab/CMakeLists.txt)"
#endif

namespace {

using namespace std::chrono_literals;
using kagami::lab::factory_lab;
using kagami::lab::shell_quote;
using nlohmann::json;

class ap_lab : public kagami::lab::lab_test {};

std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string())
    return {};
  return j[key].get<std::string>();
}

/// kagami-ap-probe ARGS against the lab's AP, from the gateway namespace.
kagami::lab::command_result probe(const factory_lab& lab, const json& ap,
                                  const std::string& args) {
  return lab.exec("gw", shell_quote(KAGAMI_AP_PROBE_EXE) + " --address "
                          + str(ap, "management_address") + " --element "
                          + str(ap, "name") + " --chassis-mac " + str(ap, "mac")
                          + " --timeout-ms 2000 " + args);
}

bool gateway_reaches(const factory_lab& lab, const json& host) {
  return lab.exec("gw", "ping -c1 -W1 " + str(host, "ip")).exit_code == 0;
}

/// The client MACs per SSID in a neighbours JSON from kagami-ap-probe.
std::map<std::string, std::string> clients_of(const json& reading) {
  std::map<std::string, std::string> out;
  for (auto& port : reading["ports"])
    for (auto& c : port["clients"])
      out[str(c, "mac")] = str(c, "ssid");
  return out;
}

} // namespace

TEST_F(ap_lab, the_ap_lists_both_clients_and_a_deauth_really_cuts_one_off) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  ASSERT_TRUE(lab.truth().contains("access_points"));
  auto& ap = lab.truth()["access_points"][0];
  auto& clients = ap["clients"];
  ASSERT_EQ(clients.size(), 2u);
  auto& wl1 = clients[0];
  auto& wl2 = clients[1];

  // Both clients are on the OT LAN, and sw2 learned them (and the AP) on its
  // AP port during up.
  EXPECT_TRUE(gateway_reaches(lab, wl1));
  EXPECT_TRUE(gateway_reaches(lab, wl2));
  auto fdb = lab.exec(str(ap["uplink"], "switch"), "bridge fdb show br br0");
  for (auto* mac : {&wl1, &wl2, &ap})
    EXPECT_NE(fdb.out.find(str(*mac, "mac") + " dev " + str(ap["uplink"], "port")),
              std::string::npos)
      << str(*mac, "mac") << "\n"
      << fdb.out;

  // The simulator itself, by curl from the gateway.
  auto curl = lab.exec("gw", "curl -sS -m 3 http://" + str(ap, "management_address")
                               + "/api/v1/status");
  ASSERT_EQ(curl.exit_code, 0) << curl.err;
  auto status = json::parse(curl.out, nullptr, false);
  ASSERT_TRUE(status.is_object()) << curl.out;
  EXPECT_EQ(status["radios"].size(), ap["radios"].size());
  EXPECT_EQ(status["ssids"].size(), ap["ssids"].size());

  // kagami's adapter: both clients, each on its SSID and radio.
  auto r = probe(lab, ap, "neighbours");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto reading = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(reading.is_object()) << r.out;
  EXPECT_EQ(str(reading["reporter"], "id"), str(ap, "name"));
  EXPECT_EQ(str(reading["reporter"], "chassis_mac"), str(ap, "mac"));
  EXPECT_EQ(str(reading["reporter"], "management_address"), str(ap, "management_ip"));
  EXPECT_EQ(clients_of(reading), (std::map<std::string, std::string>{
                                   {str(wl1, "mac"), str(wl1, "ssid")},
                                   {str(wl2, "mac"), str(wl2, "ssid")}}));
  ASSERT_EQ(reading["ports"].size(), ap["radios"].size());
  for (size_t i = 0; i < reading["ports"].size(); ++i)
    EXPECT_EQ(str(reading["ports"][i], "name"), str(ap["radios"][i], "id"));

  // Deauth wl-1: applied, verified by read-back, and really off the air.
  r = probe(lab, ap, "cut client_deauth " + str(wl1, "mac"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto cut = json::parse(r.out, nullptr, false);
  EXPECT_EQ(cut.value("applied", false), true) << r.out;
  EXPECT_EQ(cut.value("verified", false), true) << r.out;
  auto link = lab.exec(str(ap, "namespace"), "ip -o link show dev " + str(wl1, "link"));
  EXPECT_EQ(link.out.find(",UP"), std::string::npos) << link.out;
  EXPECT_FALSE(gateway_reaches(lab, wl1)) << "wl-1 was deauthenticated, yet it answers";
  EXPECT_FALSE(lab.exec(str(wl1, "namespace"), "ping -c1 -W1 10.99.1.1").exit_code == 0);
  EXPECT_TRUE(gateway_reaches(lab, wl2)) << "the deauth of wl-1 cut wl-2 too";
  r = probe(lab, ap, "neighbours");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(clients_of(json::parse(r.out, nullptr, false)),
            (std::map<std::string, std::string>{{str(wl2, "mac"), str(wl2, "ssid")}}));

  // SSID off for wl-2's SSID: wl-2 is cut off as well.
  r = probe(lab, ap, "cut ssid_off " + str(wl2, "ssid"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(gateway_reaches(lab, wl2));
  r = probe(lab, ap, "neighbours");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(clients_of(json::parse(r.out, nullptr, false)).empty()) << r.out;
  // The AP itself stays managed and reachable.
  EXPECT_EQ(lab.exec("gw", "ping -c1 -W1 " + str(ap, "management_ip")).exit_code, 0);
}
