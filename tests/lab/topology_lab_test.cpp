// The OT topology end to end in the netns factory lab (tools/kagami-lab):
// kagamid runs in the gateway namespace with the lab's site config, whose
// "network" section names the two SNMP switches (snmpd + lldpd AgentX +
// the BRIDGE-MIB script), and probes what the switches cannot show. The
// topology it infers (GET /admin/topology) must match the lab's ground
// truth, lab.json, exactly:
// - every device on the right switch and port (ifIndex);
// - the daisy-chained switch: sw1's uplink port linked to sw2's;
// - the routed cell: the router found by TTL probes, on the switch port
//   that learned its MAC, and the cell device behind it;
// - the gateway on sw1's p-gw;
// - the access point on sw2's p-ap, its clients on their radios and SSIDs;
// - the spoofed MAC: plc-3's MAC claimed by two access ports (plc-3's own
//   pinned port and the spoofer's), recorded as a conflict.
// An HTIP L2 agent plugged into sw1 becomes an element linked to its port,
// with the device behind it. A pulled link shows within one refresh plus
// the LLDP TTL, and the history records it. An element that does not answer is flagged degraded, and the
// rest of the topology still works.

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/lab/lab_fixture.hpp"
#include "tests/lab/lab_gateway.hpp"
#include "tests/lab/wot_app_client.hpp"

using namespace std::chrono_literals;
using kagami::lab::eventually;
using kagami::lab::factory_lab;
using kagami::lab::shell_quote;
using json = nlohmann::json;

namespace {

/// GET an admin path from the app namespace: (status, body).
std::pair<int, std::string> admin_get(const factory_lab& lab, const std::string& path) {
  return kagami::lab::admin_call(lab, "GET", path);
}

/// The current topology view, or null.
json topology(const factory_lab& lab) {
  auto [status, body] = admin_get(lab, "/admin/topology");
  if (status != 200)
    return nullptr;
  auto doc = json::parse(body, nullptr, false);
  return doc.is_discarded() ? json(nullptr) : doc;
}

const json* device_in(const json& view, const std::string& mac) {
  for (const auto& d : view["graph"]["devices"])
    if (d["mac"] == mac)
      return &d;
  return nullptr;
}

json port_of(const std::string& element, std::uint32_t port) {
  return {{"element", element}, {"port", port}};
}

/// The ifIndex of `port_name` on switch `sw` in lab.json.
std::uint32_t switch_port_ifindex(const factory_lab& lab, const std::string& sw,
                                  const std::string& port_name) {
  for (const auto& p : lab.switch_info(sw)["ports"])
    if (p["name"] == port_name)
      return p["ifindex"].get<std::uint32_t>();
  ADD_FAILURE() << "lab.json: no port " << port_name << " on " << sw;
  return 0;
}

bool has_link(const json& view, const json& a, const json& b) {
  for (const auto& l : view["graph"]["links"])
    if ((l["a"] == a && l["b"] == b) || (l["a"] == b && l["b"] == a))
      return true;
  return false;
}

/// What the lab says the topology is, as checks on a view; empty when the
/// view matches, else what differs.
std::vector<std::string> mismatches(const factory_lab& lab, const json& view) {
  std::vector<std::string> out;
  if (view.is_null())
    return {"no topology yet"};
  const auto& truth = lab.truth();
  // The gateway on sw1's p-gw.
  auto gw_port = port_of("sw1", switch_port_ifindex(lab, "sw1", "p-gw"));
  if (view["graph"]["gateway"]["attachment"] != gw_port)
    out.push_back("gateway at " + view["graph"]["gateway"]["attachment"].dump() + ", expected "
                  + gw_port.dump());
  // The daisy chain.
  for (const auto& sw : truth["switches"]) {
    if (sw["uplink"].is_null())
      continue;
    auto here = port_of(sw["name"], switch_port_ifindex(lab, sw["name"], sw["uplink"]["port"]));
    std::string peer = sw["uplink"]["to_switch"];
    std::string peer_port = "p-" + sw["name"].get<std::string>();
    auto there = port_of(peer, switch_port_ifindex(lab, peer, peer_port));
    if (!has_link(view, here, there))
      out.push_back("no link " + here.dump() + " - " + there.dump());
  }
  // Every switched device on its port; the spoofed MAC as a conflict.
  std::map<std::string, std::vector<json>> ports_by_mac;
  for (const auto& d : truth["devices"])
    if (!d["switch"].is_null())
      ports_by_mac[d["mac"]].push_back(
        port_of(d["switch"], d["switch_port_ifindex"].get<std::uint32_t>()));
  for (const auto& [mac, ports] : ports_by_mac) {
    const auto* d = device_in(view, mac);
    if (d == nullptr) {
      out.push_back("device " + mac + " missing");
      continue;
    }
    if (ports.size() == 1) {
      if ((*d)["attachment"] != ports[0])
        out.push_back("device " + mac + " at " + (*d)["attachment"].dump() + ", expected "
                      + ports[0].dump());
      continue;
    }
    // Claimed by two access ports: attached at one of them, and a conflict
    // listing both.
    if (std::find(ports.begin(), ports.end(), (*d)["attachment"]) == ports.end())
      out.push_back("device " + mac + " at " + (*d)["attachment"].dump());
    bool conflict = false;
    for (const auto& c : view["graph"]["conflicts"])
      if (c["mac"] == mac) {
        std::set<std::string> claimed, expected;
        for (const auto& p : c["claims"])
          claimed.insert(p.dump());
        for (const auto& p : ports)
          expected.insert(p.dump());
        conflict = claimed == expected;
      }
    if (!conflict)
      out.push_back("no conflict recorded for the spoofed MAC " + mac);
  }
  // The access points: linked at their switch port, every client on the
  // radio it is associated on, with its SSID.
  if (!truth.contains("access_points") || truth["access_points"].empty())
    out.push_back("lab.json lists no access point");
  for (const auto& ap : truth["access_points"]) {
    std::string name = ap["name"];
    auto uplink = port_of(ap["uplink"]["switch"], ap["uplink"]["ifindex"].get<std::uint32_t>());
    if (!has_link(view, uplink, port_of(name, 0)))
      out.push_back("no link from " + uplink.dump() + " to " + name);
    std::map<std::string, std::uint32_t> radio_port;
    for (const auto& r : ap["radios"])
      radio_port.emplace(r["id"], static_cast<std::uint32_t>(radio_port.size() + 1));
    for (const auto& c : ap["clients"]) {
      const auto* d = device_in(view, c["mac"]);
      auto want = port_of(name, radio_port[c["radio"]]);
      if (d == nullptr)
        out.push_back("AP client " + c["mac"].get<std::string>() + " missing");
      else if ((*d)["attachment"] != want || d->value("ssid", "") != c["ssid"])
        out.push_back("AP client " + c["mac"].get<std::string>() + " at "
                      + (*d)["attachment"].dump() + " ssid " + d->value("ssid", "")
                      + ", expected " + want.dump() + " ssid " + c["ssid"].get<std::string>());
    }
  }
  // The routed cell: the router found by probing, on the switch port that
  // learned its MAC, and the cell devices behind it.
  const auto& router = truth["router"];
  std::string router_ip = router["lan_ip"];
  auto router_element = "router-" + router_ip;
  auto rt_port = port_of("sw1", switch_port_ifindex(lab, "sw1", "p-rt"));
  if (!has_link(view, rt_port, port_of(router_element, 0)))
    out.push_back("no link from " + rt_port.dump() + " to " + router_element);
  for (const auto& d : truth["devices"]) {
    if (d["switch"].is_null() && d["role"] == "legit") {
      const auto* cell = device_in(view, "ip:" + d["ip"].get<std::string>());
      if (cell == nullptr)
        out.push_back("routed device " + d["ip"].get<std::string>() + " missing");
      else if ((*cell)["attachment"] != port_of(router_element, 2))
        out.push_back("routed device at " + (*cell)["attachment"].dump());
      else if (!(*cell)["reachable"].get<bool>())
        out.push_back("routed device not reachable");
    }
  }
  return out;
}

/// An HTIP L2 agent (a switch without SNMP that announces its MAC table in
/// LLDP link-information TLVs) plugged into sw1 for the test: namespace
/// P-l2a bridges its uplink to sw1 (port p-l2a) and its port 2 to a device
/// in P-l2d, and runs lldpd with the link-information TLV of port 2. Both
/// namespaces and their processes go in the destructor, also on failure.
class htip_l2_agent {
public:
  static constexpr const char* device_mac = "02:99:00:00:0a:11";

  explicit htip_l2_agent(const factory_lab& lab)
    : agent_(lab.prefix() + "-l2a"), device_(lab.prefix() + "-l2d"),
      dir_(lab.state_dir() + "/l2a") {
    auto q = [](const std::string& s) { return shell_quote(s); };
    std::string sw1 = lab.ns("sw1");
    // Link information of port 2: [1][iftype 6][1][port 2][1 MAC][MAC].
    std::string tlv = "01,06,01,02,01,02,99,00,00,0a,11";
    auto r = kagami::lab::run(
      "set -e; mkdir -p " + q(dir_) + "; ip netns add " + q(agent_) + "; ip netns add "
      + q(device_) + "; ip -n " + q(agent_) + " link set lo up; ip link add eth0 netns "
      + q(agent_) + " address 02:99:00:00:0a:01 type veth peer name p-l2a netns " + q(sw1)
      + "; ip link add d2 netns " + q(agent_) + " address 02:99:00:00:0a:02 type veth peer name eth0 netns "
      + q(device_) + " address " + device_mac + "; ip -n " + q(agent_)
      + " link add br0 type bridge stp_state 0 forward_delay 0; ip -n " + q(agent_)
      + " link set br0 type bridge group_fwd_mask 0x4000; for i in eth0 d2; do ip -n " + q(agent_)
      + " link set $i master br0 up; done; ip -n " + q(agent_) + " link set br0 up; ip -n " + q(sw1)
      + " link set p-l2a master br0 up; ip -n " + q(device_) + " link set eth0 up; ip -n " + q(device_)
      + " addr add 10.99.1.41/24 dev eth0; printf '%s\n' 'configure system hostname l2a' "
        "'configure lldp tx-interval 5' 'configure lldp custom-tlv add oui e0,27,1a subtype 2 "
        "oui-info " + tlv + "' > " + q(dir_ + "/lldpd.conf") + "; ip netns exec " + q(agent_)
      + " lldpd -d -u " + q(dir_ + "/lldpd.sock") + " -O " + q(dir_ + "/lldpd.conf")
      + " -I eth0 >" + q(dir_ + "/lldpd.log") + " 2>&1 & sleep 1; ip netns exec " + q(device_)
      + " ping -c 2 -W 1 10.99.1.1 >/dev/null || true");
    ok_ = r.exit_code == 0;
    output_ = r.out + r.err;
  }

  ~htip_l2_agent() {
    for (const auto& ns : {agent_, device_})
      kagami::lab::run("ip netns pids " + shell_quote(ns) + " 2>/dev/null | xargs -r kill -9; "
                       "ip netns del " + shell_quote(ns) + " 2>/dev/null; true");
  }

  bool ok() const {
    return ok_;
  }
  const std::string& output() const {
    return output_;
  }

private:
  std::string agent_;
  std::string device_;
  std::string dir_;
  bool ok_ = false;
  std::string output_;
};

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs)
    out += "\n  " + x;
  return out;
}

class topology_lab : public kagami::lab::lab_test {};

TEST_F(topology_lab, inferred_topology_matches_the_lab_and_follows_a_pulled_link) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  kagami::lab::lab_gateway gw{"topology-lab"};
  ASSERT_TRUE(gw.start(lab));
  // Onboarding admits the devices (HTIP every 5 s, UPnP every 10 s), then a
  // refresh (5 s) places them; the routed cell needs its probe.
  std::vector<std::string> diff;
  bool matched = eventually(
    [&] {
      diff = mismatches(lab, topology(lab));
      return diff.empty();
    },
    90s);
  ASSERT_TRUE(matched) << "the inferred topology differs from lab.json:" << join(diff)
                       << "\n" << topology(lab).dump(2);
  auto before = topology(lab);
  auto version_before = before["version"].get<std::uint64_t>();
  for (const auto& e : before["graph"]["elements"])
    if (e["id"] == "sw1" || e["id"] == "sw2" || e["id"] == "ap")
      EXPECT_TRUE(e["flags"].empty()) << e.dump();
  // DOT and SVG for operators.
  // The rogue device is marked once onboarding refused it; plc-3, whose
  // MAC the spoofer announces, is not (its node is the legitimate device).
  std::string dot;
  auto rogue_mark = "rogue\\n" + lab.device("rogue-1")["mac"].get<std::string>();
  EXPECT_TRUE(eventually(
    [&] {
      auto [status, text] = admin_get(lab, "/admin/topology?format=dot");
      dot = text;
      return status == 200 && text.find(rogue_mark) != std::string::npos;
    },
    30s))
    << dot;
  EXPECT_EQ(dot.rfind("digraph", 0), 0u) << dot.substr(0, 200);
  EXPECT_EQ(dot.find("rogue\\nplc-3"), std::string::npos) << dot;
  auto [svg_status, svg] = admin_get(lab, "/admin/topology?format=svg");
  EXPECT_EQ(svg_status, 200);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("sw2"), std::string::npos);
  // The app key has no admin role.
  EXPECT_EQ(kagami::lab::app_get(lab, "/admin/topology").first, 403);

  // An HTIP L2 agent plugged into sw1: it becomes an element of its own,
  // linked to sw1's new port, with the device behind it on its port 2.
  {
    htip_l2_agent agent{lab};
    ASSERT_TRUE(agent.ok()) << agent.output();
    std::string agent_id;
    json view;
    bool placed = eventually(
      [&] {
        view = topology(lab);
        if (view.is_null())
          return false;
        for (const auto& e : view["graph"]["elements"])
          if (e["id"].get<std::string>().rfind("htip-", 0) == 0)
            agent_id = e["id"];
        const auto* d = device_in(view, htip_l2_agent::device_mac);
        return !agent_id.empty() && d != nullptr && (*d)["attachment"] == port_of(agent_id, 2)
               && (*d)["reachable"].get<bool>();
      },
      30s);
    ASSERT_TRUE(placed) << view.dump(2);
    bool linked = false;
    for (const auto& l : view["graph"]["links"])
      for (const auto& [x, y] : {std::pair{l["a"], l["b"]}, std::pair{l["b"], l["a"]}})
        if (x["element"] == "sw1" && y["element"] == agent_id)
          linked = true;
    EXPECT_TRUE(linked) << view["graph"]["links"].dump(2);
    // The rest of the lab is as it was.
    EXPECT_EQ(mismatches(lab, view), std::vector<std::string>{});
  }

  // Pull plc-2's link at sw2: within a refresh (5 s) plus the LLDP TTL
  // (lldpd: 4 x 5 s) the device is no longer attached, and the history
  // records the change.
  const auto& plc2 = lab.device("plc-2");
  std::string mac = plc2["mac"];
  auto plc2_port = port_of("sw2", plc2["switch_port_ifindex"].get<std::uint32_t>());
  // An operator watches the topology events meanwhile.
  auto events = lab.state_dir() + "/topology-events.txt";
  auto watching = lab.exec("app", "curl -s -N -m 45 -H 'X-API-Key: " + std::string{kagami::lab::lab_admin_key}
                                    + "' " + std::string{kagami::lab::lab_gateway_url}
                                    + "/admin/topology/events > " + shell_quote(events)
                                    + " 2>&1 & sleep 0.5");
  ASSERT_EQ(watching.exit_code, 0) << watching.err;
  auto pulled = lab.exec("sw2", "ip link set " + shell_quote(plc2["switch_port"].get<std::string>())
                                  + " down");
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  auto t0 = std::chrono::steady_clock::now();
  json after;
  bool gone = eventually(
    [&] {
      after = topology(lab);
      const auto* d = after.is_null() ? nullptr : device_in(after, mac);
      return d != nullptr && (*d)["attachment"].is_null();
    },
    40s);
  auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now()
                                                               - t0);
  ASSERT_TRUE(gone) << "plc-2 still placed after 40 s:\n" << after.dump(2);
  std::cout << "[ measured ] pulled link seen in the topology after " << took.count() << " s\n";
  auto [h_status, h_body] = admin_get(lab, "/admin/topology/history?limit=50");
  ASSERT_EQ(h_status, 200) << h_body;
  auto history = json::parse(h_body);
  bool recorded = false;
  for (const auto& v : history["versions"])
    if (v["version"].get<std::uint64_t>() > version_before)
      for (const auto& m : v["diff"]["moved_devices"])
        if (m["mac"] == mac && m["from"] == plc2_port && m["to"].is_null())
          recorded = true;
  EXPECT_TRUE(recorded) << history.dump(2);
  // The event stream carried the change as it happened.
  EXPECT_TRUE(eventually(
    [&] {
      std::ifstream in{events};
      std::string text{std::istreambuf_iterator<char>{in}, {}};
      return text.find("event: topology") != std::string::npos
             && text.find(mac) != std::string::npos;
    },
    10s));
  // The diff between the two versions says the same.
  auto [d_status, d_body] =
    admin_get(lab, "/admin/topology/diff?from=" + std::to_string(version_before));
  ASSERT_EQ(d_status, 200) << d_body;
  EXPECT_NE(d_body.find(mac), std::string::npos) << d_body;
  // The link comes back, and so does the device.
  lab.exec("sw2", "ip link set " + shell_quote(plc2["switch_port"].get<std::string>()) + " up");
  lab.exec("plc-2", "ping -c 2 -W 1 10.99.1.1");
  EXPECT_TRUE(eventually(
    [&] {
      auto view = topology(lab);
      const auto* d = view.is_null() ? nullptr : device_in(view, mac);
      return d != nullptr && (*d)["attachment"] == plc2_port;
    },
    40s));
  EXPECT_EQ(gw.stop(), 0);
}

TEST_F(topology_lab, an_element_that_does_not_answer_is_degraded_and_the_rest_works) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  // The lab site plus a third "switch" at the attacker's address, where no
  // SNMP agent runs, and sw2 with a wrong community (no answer either).
  kagami::lab::lab_site_variant site{"topology-degraded", [&](json& site) {
    site["network"]["elements"].push_back({{"id", "sw-ghost"},
                                           {"kind", "snmp-switch"},
                                           {"address", lab.truth()["attacker"]["ip"]},
                                           {"community", "kagami-ro"},
                                           {"timeoutMs", 200},
                                           {"retries", 0}});
    site["network"]["elements"][1]["community"] = "wrong-community";
  }};
  ASSERT_TRUE(site.ok());
  kagami::lab::lab_gateway gw{"topology-degraded"};
  ASSERT_TRUE(gw.start(lab, {}, site.path()));
  json view;
  bool flagged = eventually(
    [&] {
      view = topology(lab);
      if (view.is_null())
        return false;
      int degraded = 0;
      for (const auto& e : view["graph"]["elements"])
        if ((e["id"] == "sw-ghost" || e["id"] == "sw2") && !e["flags"].empty()
            && e["flags"][0].get<std::string>().rfind("degraded: no reading", 0) == 0)
          ++degraded;
      const auto* plc1 = device_in(view, lab.device("plc-1")["mac"]);
      return degraded == 2 && plc1 != nullptr && !(*plc1)["attachment"].is_null();
    },
    60s);
  EXPECT_TRUE(flagged) << view.dump(2);
  // kagamid still serves apps and stops cleanly.
  EXPECT_EQ(kagami::lab::app_get(lab, "/things").first, 200);
  EXPECT_EQ(gw.stop(), 0);
}

} // namespace
