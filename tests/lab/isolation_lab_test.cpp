// Detection and least-impact isolation end to end in the netns factory lab
// (tools/kagami-lab): kagamid runs in the gateway namespace with the lab
// site and its "isolation" section turned on (the other lab tests keep it
// off), the flow monitor on the mirror of sw1's access ports (mon0), the
// traffic monitors on both switches' IF-MIB counters, and cuts made by SNMP
// SETs on the real snmpd of each switch namespace.
// - A SYN scan (nmap -sS) from the attacker namespace against two devices:
//   the attacker's switch port goes down and it reaches nothing; every
//   legitimate device answers WoT reads through kagamid before, during and
//   after; the isolation has evidence, survives a restart of kagamid, and a
//   port brought up again by hand (snmpset) is cut again. An operator's
//   release through the admin API restores the port and is audited; an
//   app key cannot release.
// - A flood (hping3 --flood) from a device on sw1 to another: the same
//   outcome for the flooding device.
// - A rogue device plugged in (its link brought up) is isolated with no
//   traffic from it beyond discovery.
// - The impact choice: a flood from a device behind sw2, which offers no
//   cut, where the only cut (sw1's uplink to sw2) would also cut a device
//   marked critical: an alert, and no cut anywhere. A wireless client that
//   moves laterally is deauthenticated at the AP; its SSID stays on.

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/lab/lab_fixture.hpp"
#include "tests/lab/lab_gateway.hpp"
#include "tests/lab/wot_app_client.hpp"

using namespace std::chrono_literals;
using kagami::lab::admin_call;
using kagami::lab::app_get;
using kagami::lab::eventually;
using kagami::lab::factory_lab;
using kagami::lab::lab_gateway;
using kagami::lab::lab_site_variant;
using kagami::lab::shell_quote;
using json = nlohmann::json;

namespace {

/// The lab site with isolation on; re-verification every 2 s.
void enable_isolation(json& site) {
  site["isolation"]["enabled"] = true;
  site["isolation"]["cut"]["reverifyS"] = 2;
}

json isolations(const factory_lab& lab) {
  auto [status, body] = admin_call(lab, "GET", "/admin/isolations");
  if (status != 200)
    return json::array();
  auto doc = json::parse(body, nullptr, false);
  return doc.is_array() ? doc : json::array();
}

/// The newest isolation record of `mac`, or null.
json isolation_of(const factory_lab& lab, const std::string& mac) {
  for (auto& r : isolations(lab))
    if (r["suspect_mac"] == mac)
      return r;
  return nullptr;
}

bool has_step(const json& rec, const std::string& text) {
  for (auto& s : rec["trail"])
    if (s["what"].get<std::string>().find(text) != std::string::npos)
      return true;
  return false;
}

/// Whether switch port `port` of switch `sw` is administratively up, read
/// in the switch namespace (not through kagamid).
bool port_up(const factory_lab& lab, const std::string& sw, const std::string& port) {
  auto r = lab.exec(sw, "ip -o link show dev " + shell_quote(port));
  auto open = r.out.find('<');
  auto close = r.out.find('>', open);
  if (r.exit_code != 0 || open == std::string::npos || close == std::string::npos)
    return false;
  auto flags = "," + r.out.substr(open + 1, close - open - 1) + ",";
  return flags.find(",UP,") != std::string::npos;
}

std::uint32_t ifindex_of(const factory_lab& lab, const std::string& sw, const std::string& port) {
  for (const auto& p : lab.switch_info(sw)["ports"])
    if (p["name"] == port)
      return p["ifindex"].get<std::uint32_t>();
  return 0;
}

bool pings(const factory_lab& lab, const std::string& from, const std::string& ip) {
  return lab.exec(from, "ping -c 1 -W 1 " + ip).exit_code == 0;
}

/// The things /things lists.
std::set<std::string> things(const factory_lab& lab) {
  auto listed = kagami::lab::listed_things(lab);
  return {listed.begin(), listed.end()};
}

/// Every thing in `ids` answers a property read with 200; the failures.
std::string unanswered(const factory_lab& lab, const std::set<std::string>& ids) {
  std::string failed;
  for (auto& id : ids) {
    auto [status, body] = app_get(lab, "/things/" + id + "/properties");
    if (status != 200)
      failed += id + " (" + std::to_string(status) + ") ";
  }
  return failed;
}

class isolation_lab : public kagami::lab::lab_test {};

/// kagamid up with every thing served and the attacker located (it pinged
/// the gateway, which is allowed, so the switch learned it).
struct running_gateway {
  running_gateway(const factory_lab& lab, const lab_site_variant& site, const std::string& name)
    : gw(name) {
    started = gw.start(lab, {}, site.path());
  }
  lab_gateway gw;
  bool started = false;
};

} // namespace

TEST_F(isolation_lab, a_scan_is_cut_off_and_stays_cut_off_until_an_operator_releases_it) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  lab_site_variant site{"isolation-scan", enable_isolation};
  ASSERT_TRUE(site.ok());
  running_gateway run{lab, site, "isolation-scan"};
  ASSERT_TRUE(run.started);
  const auto atk = lab.truth()["attacker"];
  const std::string atk_mac = atk["mac"];
  const std::string atk_port = atk["switch_port"];
  const auto victim_1 = lab.device("plc-1")["ip"].get<std::string>();
  const auto victim_2 = lab.device("sensor-1")["ip"].get<std::string>();
  // Onboarding admits the six legitimate devices.
  std::set<std::string> served;
  ASSERT_TRUE(eventually([&] { return (served = things(lab)).size() == 6; }, 60s))
    << json(served).dump();
  ASSERT_EQ(unanswered(lab, served), "");
  // The attacker talks to the gateway (allowed) and is located.
  ASSERT_TRUE(pings(lab, "atk", lab.truth()["gateway"]["ot_ip"]));
  ASSERT_TRUE(port_up(lab, "sw1", atk_port));

  // The scan, with WoT reads going on throughout.
  std::atomic<bool> scanning{true};
  std::string nmap_out;
  std::thread scan{[&] {
    nmap_out = lab.exec("atk", "nmap -n -sS -p 1-200 --max-rate 500 " + victim_1 + " "
                                 + victim_2, 60s)
                 .out;
    scanning = false;
  }};
  std::string during;
  int reads = 0;
  while (scanning) {
    during += unanswered(lab, served);
    ++reads;
  }
  scan.join();
  EXPECT_EQ(during, "") << "reads during the scan failed";
  EXPECT_GT(reads, 0);

  // The attacker's port is down, and it reaches nothing.
  json rec;
  ASSERT_TRUE(eventually(
    [&] {
      rec = isolation_of(lab, atk_mac);
      return !rec.is_null() && rec["state"] == "cut";
    },
    30s))
    << isolations(lab).dump(2) << nmap_out;
  EXPECT_FALSE(port_up(lab, "sw1", atk_port));
  EXPECT_FALSE(pings(lab, "atk", victim_1));
  EXPECT_FALSE(pings(lab, "atk", lab.truth()["gateway"]["ot_ip"]));
  ASSERT_EQ(rec["cuts"].size(), 1u);
  EXPECT_EQ(rec["cuts"][0]["element"], "sw1");
  EXPECT_EQ(rec["cuts"][0]["target"], std::to_string(ifindex_of(lab, "sw1", atk_port)));
  // The evidence: what the mirror saw of the scan before the cut. The cut
  // may come before the scan reached the port-scan threshold (under load it
  // came after 3 ports): the kind is what those packets show (ARP requests
  // for the victims alone are "unknown").
  EXPECT_EQ(rec["cause"], "flow");
  static const std::set<std::string> kinds{"port_scan", "host_sweep", "lateral_connection",
                                           "unknown"};
  EXPECT_TRUE(kinds.count(rec["evidence"]["kind"].get<std::string>()))
    << rec["evidence"].dump(2);
  std::set<std::string> hit;
  for (auto& d : rec["evidence"]["destinations"])
    hit.insert(d["ip"].get<std::string>());
  EXPECT_TRUE(hit.count(victim_1) || hit.count(victim_2)) << rec["evidence"].dump(2);
  EXPECT_GE(rec["evidence"]["packets"].get<int>(), 1);
  EXPECT_FALSE(rec["evidence"]["samples"].empty());
  EXPECT_EQ(rec["plan"]["verdict"], "cut");
  // The victims answered the scan; they are not suspects.
  for (auto& r : isolations(lab))
    EXPECT_TRUE(r["suspect_mac"] != lab.device("plc-1")["mac"]
                && r["suspect_mac"] != lab.device("sensor-1")["mac"])
      << r.dump(2);
  EXPECT_EQ(unanswered(lab, served), "");

  // A restart of kagamid: the isolation is still there, still cut.
  const std::string id = rec["id"];
  ASSERT_EQ(run.gw.stop(), 0);
  ASSERT_TRUE(run.gw.start(lab, {}, site.path()));
  ASSERT_TRUE(eventually([&] { return things(lab).size() == 6; }, 60s));
  rec = isolation_of(lab, atk_mac);
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["id"], id);
  EXPECT_EQ(rec["state"], "cut");
  EXPECT_FALSE(port_up(lab, "sw1", atk_port));

  // Someone sets the port up by hand: kagamid sees it and cuts again.
  auto up = lab.snmp("snmpset", "sw1", "kagami-rw",
                     ".1.3.6.1.2.1.2.2.1.7." + std::to_string(ifindex_of(lab, "sw1", atk_port))
                       + " i 1");
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ASSERT_TRUE(eventually([&] { return !port_up(lab, "sw1", atk_port); }, 20s));
  rec = isolation_of(lab, atk_mac);
  EXPECT_TRUE(has_step(rec, "admin-up again")) << rec.dump(2);
  EXPECT_EQ(rec["state"], "cut");

  // Release: an app key may not; the admin may, the port comes up, and the
  // audit trail records who released what.
  EXPECT_EQ(lab.exec("app", "curl -s -o /dev/null -m 10 -w '%{http_code}' -X POST -H "
                            "'X-API-Key: kagami-lab-key' "
                              + shell_quote(std::string{kagami::lab::lab_gateway_url}
                                            + "/admin/isolations/" + id + "/release"))
              .out,
            "403");
  EXPECT_FALSE(port_up(lab, "sw1", atk_port));
  auto [status, body] = admin_call(lab, "POST", "/admin/isolations/" + id + "/release");
  ASSERT_EQ(status, 200) << body;
  auto released = json::parse(body);
  EXPECT_EQ(released["state"], "released");
  EXPECT_NE(released["released_by"].get<std::string>().find("lab-admin"), std::string::npos)
    << released.dump(2);
  EXPECT_TRUE(port_up(lab, "sw1", atk_port));
  EXPECT_TRUE(eventually([&] { return pings(lab, "atk", lab.truth()["gateway"]["ot_ip"]); }, 10s));
  auto [astatus, audit] = admin_call(lab, "GET", "/admin/audit?op=admin.isolation.release");
  ASSERT_EQ(astatus, 200) << audit;
  auto trail = json::parse(audit, nullptr, false);
  bool audited = false;
  // The query answers with the records, flat or under "events".
  const auto& events = trail.is_object() && trail.contains("events") ? trail["events"] : trail;
  for (auto& e : events)
    if (e.is_object())
      audited = audited || (e.value("thing", "") == id && e.value("outcome", "") == "allowed");
  EXPECT_TRUE(audited) << audit;
  // Released twice: refused.
  EXPECT_EQ(admin_call(lab, "POST", "/admin/isolations/" + id + "/release").first, 400);
  EXPECT_EQ(run.gw.stop(), 0);
}

TEST_F(isolation_lab, a_flood_from_a_device_cuts_that_device_only) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  lab_site_variant site{"isolation-flood", enable_isolation};
  ASSERT_TRUE(site.ok());
  running_gateway run{lab, site, "isolation-flood"};
  ASSERT_TRUE(run.started);
  std::set<std::string> served;
  ASSERT_TRUE(eventually([&] { return (served = things(lab)).size() == 6; }, 60s));
  const std::string flooder = lab.device("sensor-1")["mac"];
  // The flooder answered the gateway's polls, so the switch knows it.
  lab.exec("sensor-1", "timeout 4 hping3 --flood -S -p 502 "
                         + lab.device("plc-1")["ip"].get<std::string>(),
           10s);
  json rec;
  ASSERT_TRUE(eventually(
    [&] {
      rec = isolation_of(lab, flooder);
      return !rec.is_null() && rec["state"] == "cut";
    },
    30s))
    << isolations(lab).dump(2);
  EXPECT_FALSE(port_up(lab, "sw1", "p-sensor-1"));
  EXPECT_TRUE(port_up(lab, "sw1", "p-plc-1"));
  // The victim was flooded, not flooding: no isolation.
  EXPECT_TRUE(isolation_of(lab, lab.device("plc-1")["mac"]).is_null());
  // Every other device still answers.
  std::set<std::string> others;
  for (auto& id : served)
    if (id.rfind("env-sensor", 0) != 0)
      others.insert(id);
  EXPECT_EQ(unanswered(lab, others), "");
  EXPECT_EQ(run.gw.stop(), 0);
}

TEST_F(isolation_lab, a_rogue_plugged_in_is_isolated_from_its_discovery_alone) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  // The rogue is unplugged before kagamid starts.
  ASSERT_EQ(lab.exec("rogue-1", "ip link set eth0 down").exit_code, 0);
  lab_site_variant site{"isolation-rogue", enable_isolation};
  ASSERT_TRUE(site.ok());
  running_gateway run{lab, site, "isolation-rogue"};
  ASSERT_TRUE(run.started);
  ASSERT_TRUE(eventually([&] { return things(lab).size() == 6; }, 60s));
  const std::string rogue = lab.device("rogue-1")["mac"];
  EXPECT_TRUE(isolation_of(lab, rogue).is_null());
  EXPECT_TRUE(port_up(lab, "sw1", "p-rogue-1"));
  // Plugged in: its LLDP/HTIP announcement is all it sends before the cut.
  ASSERT_EQ(lab.exec("rogue-1", "ip link set eth0 up").exit_code, 0);
  json rec;
  ASSERT_TRUE(eventually(
    [&] {
      rec = isolation_of(lab, rogue);
      return !rec.is_null() && rec["state"] == "cut";
    },
    60s))
    << isolations(lab).dump(2);
  EXPECT_EQ(rec["cause"], "rogue");
  EXPECT_FALSE(port_up(lab, "sw1", "p-rogue-1"));
  EXPECT_EQ(run.gw.stop(), 0);
}

TEST_F(isolation_lab, a_cut_that_would_take_a_critical_device_waits_for_an_operator) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  // sw2 cannot cut (no write community); an uplink cut is allowed, and the
  // camera behind sw2 is critical.
  lab_site_variant site{"isolation-impact", [](json& s) {
    enable_isolation(s);
    s["isolation"]["cut"]["allowUplinkCut"] = true;
    for (auto& e : s["network"]["elements"])
      if (e["id"] == "sw2")
        e.erase("writeCommunity");
    for (auto& d : s["design"]["allowed"])
      if (d["name"] == "line-camera")
        d["criticality"] = "critical";
  }};
  ASSERT_TRUE(site.ok());
  running_gateway run{lab, site, "isolation-impact"};
  ASSERT_TRUE(run.started);
  ASSERT_TRUE(eventually([&] { return things(lab).size() == 6; }, 60s));
  // plc-2, behind sw2, floods plc-1 (sw2 is not mirrored: the traffic
  // monitor's counters see it).
  const std::string flooder = lab.device("plc-2")["mac"];
  lab.exec("plc-2", "timeout 6 hping3 --flood -S -p 502 "
                      + lab.device("plc-1")["ip"].get<std::string>(),
           12s);
  json rec;
  ASSERT_TRUE(eventually(
    [&] {
      rec = isolation_of(lab, flooder);
      return !rec.is_null() && rec["state"] == "awaiting_operator";
    },
    30s))
    << isolations(lab).dump(2);
  EXPECT_EQ(rec["cause"], "traffic");
  EXPECT_EQ(rec["plan"]["verdict"], "ask_human") << rec["plan"].dump(2);
  EXPECT_TRUE(rec["cuts"].empty());
  // Nothing was cut: the uplink and plc-2's own port are up.
  EXPECT_TRUE(port_up(lab, "sw1", "p-sw2"));
  EXPECT_TRUE(port_up(lab, "sw2", "p-plc-2"));
  // The operator was alerted (alerts are audited).
  auto [status, audit] = admin_call(lab, "GET", "/admin/audit?op=alert");
  ASSERT_EQ(status, 200) << audit;
  EXPECT_NE(audit.find("isolation_needs_operator"), std::string::npos) << audit;
  EXPECT_EQ(run.gw.stop(), 0);
}

TEST_F(isolation_lab, a_wireless_suspect_is_deauthenticated_and_its_ssid_stays_on) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  lab_site_variant site{"isolation-ap", enable_isolation};
  ASSERT_TRUE(site.ok());
  running_gateway run{lab, site, "isolation-ap"};
  ASSERT_TRUE(run.started);
  ASSERT_TRUE(eventually([&] { return things(lab).size() == 6; }, 60s));
  const auto& ap = lab.truth()["access_points"][0];
  std::string wl1_mac, wl2_ip;
  for (auto& c : ap["clients"]) {
    if (c["name"] == "wl-1")
      wl1_mac = c["mac"];
    else
      wl2_ip = c["ip"];
  }
  ASSERT_FALSE(wl1_mac.empty());
  // The topology places wl-1 on the AP (its clients are read over the API).
  ASSERT_TRUE(eventually(
    [&] {
      auto [status, body] = admin_call(lab, "GET", "/admin/topology");
      return status == 200 && body.find(wl1_mac) != std::string::npos;
    },
    30s));
  // wl-1 opens connections to a PLC: lateral movement, seen on the mirror
  // of the AP's switch port.
  lab.exec("wl-1", "hping3 -c 3 -i u20000 -S -p 502 " + lab.device("plc-2")["ip"].get<std::string>(),
           10s);
  json rec;
  ASSERT_TRUE(eventually(
    [&] {
      rec = isolation_of(lab, wl1_mac);
      return !rec.is_null() && rec["state"] == "cut";
    },
    30s))
    << isolations(lab).dump(2);
  ASSERT_EQ(rec["cuts"].size(), 1u);
  EXPECT_EQ(rec["cuts"][0]["action"], "client_deauth") << rec["plan"].dump(2);
  EXPECT_EQ(rec["cuts"][0]["target"], wl1_mac);
  // The plan weighed the SSID and radio cuts and preferred the deauth.
  bool ssid_option = false;
  for (auto& o : rec["plan"]["options"])
    ssid_option = ssid_option || o["action"] == "ssid_off";
  EXPECT_TRUE(ssid_option) << rec["plan"].dump(2);
  // The SSIDs stay on, the other client still answers, wl-1 does not.
  auto status = lab.exec("gw", "curl -sS -m 3 http://" + ap["management_address"].get<std::string>()
                                 + "/api/v1/status");
  auto doc = json::parse(status.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << status.out;
  for (auto& s : doc["ssids"])
    EXPECT_TRUE(s.value("enabled", false)) << s.dump();
  EXPECT_TRUE(pings(lab, "gw", wl2_ip));
  EXPECT_FALSE(pings(lab, "wl-1", lab.truth()["gateway"]["ot_ip"]));
  EXPECT_EQ(run.gw.stop(), 0);
}
