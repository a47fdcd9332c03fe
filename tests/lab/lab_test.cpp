// The netns factory lab itself (tools/kagami-lab): what later lab tests and
// kagamid rely on. Every test builds its own lab with a unique prefix and
// takes it down again, also on failure. Needs root (see lab_fixture.hpp).

#include "tests/lab/lab_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace std::chrono_literals;
using kagami::lab::command_result;
using kagami::lab::factory_lab;
using kagami::lab::parse_snmp;
using kagami::lab::run;
using kagami::lab::shell_quote;
using nlohmann::json;

class kagami_lab : public kagami::lab::lab_test {};

// OIDs (numeric; Debian ships no MIB text).
constexpr const char* if_descr = ".1.3.6.1.2.1.2.2.1.2";
constexpr const char* if_admin = ".1.3.6.1.2.1.2.2.1.7";
constexpr const char* if_oper = ".1.3.6.1.2.1.2.2.1.8";
constexpr const char* base_port_ifindex = ".1.3.6.1.2.1.17.1.4.1.2";
constexpr const char* fdb_port = ".1.3.6.1.2.1.17.4.3.1.2";
constexpr const char* fdb_status = ".1.3.6.1.2.1.17.4.3.1.3";
constexpr const char* lldp_rem_sys_name = ".1.0.8802.1.1.2.1.4.1.1.9";
constexpr const char* lldp_rem_org_def_info = ".1.0.8802.1.1.2.1.4.4.1.4";

/// j[key] when it is a string, else "" (null, missing, or not an object).
std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string())
    return {};
  return j[key].get<std::string>();
}

/// "02:99:00:00:00:11" -> ".2.153.0.0.0.17"
std::string mac_oid(const std::string& mac) {
  std::string out;
  std::istringstream in{mac};
  std::string part;
  while (std::getline(in, part, ':'))
    out += "." + std::to_string(std::stoi(part, nullptr, 16));
  return out;
}

std::vector<uint8_t> hex_bytes(const std::string& text) {
  std::vector<uint8_t> b;
  std::istringstream in{text};
  std::string h;
  while (in >> h)
    b.push_back(static_cast<uint8_t>(std::stoi(h, nullptr, 16)));
  return b;
}

/// The index parts after `prefix` in `oid`, or empty when it is not below it.
std::vector<long> suffix(const std::string& oid, const std::string& prefix) {
  std::vector<long> parts;
  if (oid.rfind(prefix + ".", 0) != 0)
    return parts;
  std::istringstream in{oid.substr(prefix.size() + 1)};
  std::string p;
  while (std::getline(in, p, '.'))
    parts.push_back(std::stol(p));
  return parts;
}

long port_number(const json& sw, const std::string& name, const char* key) {
  for (auto& p : sw["ports"])
    if (str(p, "name") == name)
      return p.value(key, -1L);
  return -1;
}

/// Polls `check` every 200 ms until it holds or `timeout` passes.
template <class F>
bool eventually(F check, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (check())
      return true;
    if (std::chrono::steady_clock::now() >= end)
      return false;
    std::this_thread::sleep_for(200ms);
  }
}

/// Reads holding register 0 with a raw Modbus/TCP request from the gateway;
/// prints the reply's function code (3 when the device answered).
std::string modbus_probe(const std::string& ip) {
  return "/usr/bin/python3 -c " + shell_quote(R"(
import socket, sys
s = socket.create_connection((sys.argv[1], 502), timeout=3)
s.sendall(bytes([0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]))
reply = b""
while len(reply) < 9:
    chunk = s.recv(260)
    if not chunk:
        break
    reply += chunk
print(reply[7] if len(reply) > 7 else "short")
)") + " " + ip;
}

/// A shell script that starts tcpdump in namespace `ns` (args `tcpdump_args`,
/// writing to `out`), waits until it listens, runs `action`, and waits for
/// tcpdump to finish (-c or its timeout).
std::string capture_around(const std::string& ns, const std::string& tcpdump_args,
                           const std::string& out, const std::string& action,
                           int seconds = 10) {
  return "ip netns exec " + ns + " timeout " + std::to_string(seconds) + " tcpdump "
         + tcpdump_args + " >" + out + " 2>" + out + ".err & t=$!; "
         + "for i in $(seq 100); do grep -q 'listening on' " + out
         + ".err && break; sleep 0.05; done; " + action + "; wait $t; true";
}

/// Frames of `tcpdump -xx` output, as bytes.
std::vector<std::vector<uint8_t>> frames_of(const std::string& text) {
  std::vector<std::vector<uint8_t>> frames;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    if (line[0] != '\t' && line[0] != ' ') {
      frames.emplace_back();
      continue;
    }
    auto colon = line.find(':');
    if (frames.empty() || colon == std::string::npos)
      continue;
    std::istringstream hex{line.substr(colon + 1)};
    std::string group;
    while (hex >> group)
      for (size_t i = 0; i + 1 < group.size(); i += 2)
        frames.back().push_back(static_cast<uint8_t>(std::stoi(group.substr(i, 2), nullptr, 16)));
  }
  return frames;
}

bool contains(const std::vector<uint8_t>& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); })
         != hay.end();
}

std::string mac_text(const std::vector<uint8_t>& f, size_t at) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", f[at], f[at + 1], f[at + 2],
                f[at + 3], f[at + 4], f[at + 5]);
  return buf;
}

bool upnp_skipped_for_debugging() {
  const char* v = std::getenv("KAGAMI_LAB_SKIP_UPNP");
  return v != nullptr && std::string{v} == "1";
}

} // namespace

TEST_F(kagami_lab, up_reports_progress_and_writes_the_ground_truth) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto& out = lab.up_result().out;
  for (auto line : {"namespaces:", "switches:", "mirror:", "snmpd sw1 ready", "snmpd sw2 ready",
                    "lldpd sw1 ready", "lldpd sw2 ready", "LLDP: sw1 and sw2", "up in"})
    EXPECT_NE(out.find(line), std::string::npos) << "missing progress line '" << line << "' in\n"
                                                  << out;
  auto& t = lab.truth();
  EXPECT_EQ(str(t, "prefix"), lab.prefix());
  // Every namespace of the ground truth exists, and no other of this prefix.
  std::set<std::string> listed;
  for (auto& n : t["namespaces"])
    listed.insert(n.get<std::string>());
  auto existing = kagami::lab::namespaces_of(lab.prefix());
  EXPECT_EQ(listed, std::set<std::string>(existing.begin(), existing.end()));
  // At least five simulated devices of several kinds, with rogue and spoofed.
  std::set<std::string> kinds, roles;
  int simulated = 0;
  for (auto& d : t["devices"]) {
    kinds.insert(str(d, "kind"));
    roles.insert(str(d, "role"));
    if (d.value("simulator_running", false) || upnp_skipped_for_debugging())
      ++simulated;
    EXPECT_TRUE(listed.count(str(d, "namespace"))) << d.dump();
    // The device's namespace really has its address and MAC.
    auto r = lab.exec(str(d, "name"), "ip -o addr show dev eth0; ip -o link show dev eth0");
    EXPECT_NE(r.out.find(str(d, "ip") + "/"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(str(d, "mac")), std::string::npos) << r.out;
  }
  EXPECT_GE(simulated, 5);
  for (auto k : {"modbus", "http", "upnp"})
    EXPECT_TRUE(kinds.count(k)) << k;
  for (auto r : {"legit", "rogue", "spoofed"})
    EXPECT_TRUE(roles.count(r)) << r;
  EXPECT_EQ(str(lab.device("spoof-1"), "mac"), str(lab.device("plc-3"), "mac"));
  // ICMP rate limit is off in every namespace.
  for (auto& n : t["namespaces"]) {
    auto r = lab.exec(n.get<std::string>(), "sysctl -n net.ipv4.icmp_ratelimit");
    EXPECT_EQ(r.out, "0\n") << n;
  }
  // The access point: its own namespace and clients, uplinked to sw2 as
  // sw2's last port, after the ports the other devices keep.
  ASSERT_TRUE(t.contains("access_points")) << t.dump();
  ASSERT_EQ(t["access_points"].size(), 1u);
  auto& ap = t["access_points"][0];
  EXPECT_NE(out.find("access point ap ready: READY ap 10.99.1.20:8090"), std::string::npos)
    << out;
  EXPECT_TRUE(listed.count(str(ap, "namespace"))) << ap.dump();
  EXPECT_EQ(str(ap, "model"), "kagami-sim-ap");
  EXPECT_TRUE(ap.value("simulator_running", false));
  auto& sw2 = lab.switch_info("sw2");
  std::map<std::string, long> sw2_ports;
  for (auto& p : sw2["ports"])
    sw2_ports[str(p, "name")] = p.value("bridge_port", 0L);
  EXPECT_EQ(sw2_ports, (std::map<std::string, long>{
                         {"p-plc-2", 1}, {"p-upnp-1", 2}, {"p-spoof-1", 3}, {"p-sw1", 4},
                         {"p-ap", 5}}));
  EXPECT_EQ(str(ap["uplink"], "switch"), "sw2");
  EXPECT_EQ(str(ap["uplink"], "port"), "p-ap");
  EXPECT_EQ(ap["uplink"].value("bridge_port", 0L), 5);
  EXPECT_EQ(ap["uplink"].value("ifindex", 0L), port_number(sw2, "p-ap", "ifindex"));
  auto br = lab.exec(str(ap, "namespace"), "ip -o addr show dev br0; ip -o link show dev br0");
  EXPECT_NE(br.out.find(str(ap, "management_ip") + "/"), std::string::npos) << br.out;
  EXPECT_NE(br.out.find(str(ap, "mac")), std::string::npos) << br.out;
  ASSERT_EQ(ap["clients"].size(), 2u);
  for (auto& c : ap["clients"]) {
    EXPECT_TRUE(listed.count(str(c, "namespace"))) << c.dump();
    auto r = lab.exec(str(c, "namespace"), "ip -o addr show dev eth0; ip -o link show dev eth0");
    EXPECT_NE(r.out.find(str(c, "ip") + "/"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(str(c, "mac")), std::string::npos) << r.out;
    // The client's link is a port of the AP's bridge.
    auto link = lab.exec(str(ap, "namespace"), "ip -o link show dev " + str(c, "link"));
    EXPECT_NE(link.out.find("master br0"), std::string::npos) << link.out;
  }
  // The wireless clients are not devices (onboarding counts those).
  for (auto& d : t["devices"])
    EXPECT_NE(str(d, "name").rfind("wl-", 0), 0u) << d.dump();
  // status summarises the same lab.
  auto s = run(shell_quote(kagami::lab::lab_script()) + " status --prefix " + lab.prefix());
  EXPECT_EQ(s.exit_code, 0) << s.out << s.err;
  for (auto& d : t["devices"])
    EXPECT_NE(s.out.find(str(d, "name")), std::string::npos) << s.out;
  for (auto& c : ap["clients"])
    EXPECT_NE(s.out.find(str(c, "namespace")), std::string::npos) << s.out;
}

TEST_F(kagami_lab, switches_answer_if_mib_and_set_admin_status_only_with_the_rw_community) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto ro = str(lab.truth()["snmp"], "ro_community");
  auto rw = str(lab.truth()["snmp"], "rw_community");
  for (auto sw : {"sw1", "sw2"}) {
    auto& info = lab.switch_info(sw);
    for (auto& port : info["ports"]) {
      auto r = lab.snmp("snmpget", sw, ro,
                        std::string{if_descr} + "." + std::to_string(port.value("ifindex", 0)));
      ASSERT_EQ(r.exit_code, 0) << sw << " " << r.err;
      auto rows = parse_snmp(r.out);
      ASSERT_EQ(rows.size(), 1u) << r.out;
      EXPECT_EQ(rows[0].value, str(port, "name"));
    }
  }
  // Cut rogue-1's port on sw1 and restore it.
  auto& rogue = lab.device("rogue-1");
  auto index = std::to_string(rogue.value("switch_port_ifindex", 0));
  auto oper = [&] {
    auto rows = parse_snmp(lab.snmp("snmpget", "sw1", ro, std::string{if_oper} + "." + index).out);
    return rows.size() == 1 ? rows[0].value : std::string{};
  };
  auto ping_rogue = [&] {
    return lab.exec("gw", "ping -c1 -W1 " + str(rogue, "ip")).exit_code == 0;
  };
  ASSERT_EQ(oper(), "1");
  ASSERT_TRUE(ping_rogue());

  // The read-only community is refused and changes nothing.
  auto refused = lab.snmp("snmpset", "sw1", ro, std::string{if_admin} + "." + index + " i 2");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE((refused.out + refused.err).find("noAccess"), std::string::npos)
    << refused.out << refused.err;
  EXPECT_EQ(oper(), "1");

  auto down = lab.snmp("snmpset", "sw1", rw, std::string{if_admin} + "." + index + " i 2");
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_TRUE(eventually([&] { return oper() == "2"; }, 10s)) << "ifOperStatus stayed up";
  auto link = lab.exec("sw1", "ip -o link show dev " + str(rogue, "switch_port"));
  EXPECT_EQ(link.out.find(",UP"), std::string::npos) << link.out;
  EXPECT_FALSE(ping_rogue()) << "the port is down, yet rogue-1 answers";

  auto up = lab.snmp("snmpset", "sw1", rw, std::string{if_admin} + "." + index + " i 1");
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(eventually([&] { return oper() == "1"; }, 10s)) << "ifOperStatus stayed down";
  EXPECT_TRUE(eventually(ping_rogue, 5s));
}

TEST_F(kagami_lab, bridge_mib_lists_every_device_mac_on_its_bridge_port) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto ro = str(lab.truth()["snmp"], "ro_community");
  // Every device on the LAN talks once, so both bridges learn it.
  for (auto& d : lab.truth()["devices"])
    if (!d["switch"].is_null() && str(d, "role") != "spoofed")
      lab.exec("gw", "ping -c1 -W1 " + str(d, "ip"));

  for (auto sw_name : {"sw1", "sw2"}) {
    auto& sw = lab.switch_info(sw_name);
    // dot1dBasePortIfIndex maps each bridge port to the port's ifIndex.
    auto base = lab.snmp("snmpwalk", sw_name, ro, base_port_ifindex);
    ASSERT_EQ(base.exit_code, 0) << base.err;
    std::map<long, long> ifindex_of;
    for (auto& row : parse_snmp(base.out))
      ifindex_of[suffix(row.oid, base_port_ifindex).at(0)] = std::stol(row.value);
    ASSERT_EQ(ifindex_of.size(), sw["ports"].size()) << base.out;
    for (auto& p : sw["ports"])
      EXPECT_EQ(ifindex_of[p.value("bridge_port", 0L)], p.value("ifindex", 0L)) << p.dump();

    // MAC (as OID suffix) -> expected bridge port, for every device on the LAN.
    auto uplink = port_number(sw, str(sw["uplink"], "port"), "bridge_port");
    std::map<std::string, std::pair<std::string, long>> expected;
    for (auto& d : lab.truth()["devices"]) {
      if (str(d, "role") == "spoofed")
        continue; // its MAC is plc-3's, pinned to plc-3's path
      if (d["switch"].is_null())
        continue; // the routed cell: its MAC never reaches the LAN
      long port = str(d, "switch") == sw_name ? d.value("bridge_port", -1L) : uplink;
      expected[mac_oid(str(d, "mac"))] = {str(d, "name"), port};
    }
    ASSERT_GE(expected.size(), 6u);
    // The agent reads the fdb at most once a second: poll until it lists all.
    command_result walk;
    std::map<std::string, long> port_of;
    eventually(
      [&] {
        walk = lab.snmp("snmpwalk", sw_name, ro, fdb_port);
        port_of.clear();
        for (auto& row : parse_snmp(walk.out))
          port_of[row.oid.substr(std::string{fdb_port}.size())] = std::stol(row.value);
        return std::all_of(expected.begin(), expected.end(),
                           [&](auto& e) { return port_of.count(e.first) > 0; });
      },
      5s);
    ASSERT_EQ(walk.exit_code, 0) << walk.err;
    for (auto& [key, want] : expected) {
      ASSERT_TRUE(port_of.count(key)) << sw_name << " has no entry for " << want.first << "\n"
                                      << walk.out;
      EXPECT_EQ(port_of[key], want.second) << sw_name << " " << want.first;
    }
    // The pinned MAC is a management (static) entry.
    auto status = lab.snmp("snmpget", sw_name, ro,
                           std::string{fdb_status} + mac_oid(str(lab.device("plc-3"), "mac")));
    auto rows = parse_snmp(status.out);
    ASSERT_EQ(rows.size(), 1u) << status.out;
    EXPECT_EQ(rows[0].value, "5");
  }
}

TEST_F(kagami_lab, lldp_mib_of_sw1_shows_its_neighbours_with_htip_device_information) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto ro = str(lab.truth()["snmp"], "ro_community");
  auto& sw1 = lab.switch_info("sw1");
  auto uplink_ifindex = port_number(sw1, str(sw1["uplink"], "port"), "ifindex");

  auto names = lab.snmp("snmpwalk", "sw1", ro, lldp_rem_sys_name);
  ASSERT_EQ(names.exit_code, 0) << names.err;
  // sysName -> (timeMark, localPort, remIndex)
  std::map<std::string, std::vector<long>> row_of;
  for (auto& row : parse_snmp(names.out))
    row_of[row.value] = suffix(row.oid, lldp_rem_sys_name);
  auto info = lab.snmp("snmpwalk", "sw1", ro, lldp_rem_org_def_info);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  auto info_rows = parse_snmp(info.out);

  int checked = 0;
  for (auto& d : lab.truth()["devices"]) {
    if (str(d, "discovery") != "htip")
      continue;
    auto name = str(d, "name");
    ASSERT_TRUE(row_of.count(name)) << "sw1 does not list " << name << "\n" << names.out;
    auto idx = row_of[name];
    ASSERT_EQ(idx.size(), 3u);
    // On Linux the LLDP-MIB local port is the ifIndex.
    long expected_port = str(d, "switch") == "sw1" ? d.value("switch_port_ifindex", -1L)
                                                   : uplink_ifindex;
    EXPECT_EQ(idx[1], expected_port) << name;
    // lldpRemOrgDefInfo rows of this neighbour with OUI E0-27-1A subtype 1.
    std::map<int, std::string> items;
    for (auto& row : info_rows) {
      auto s = suffix(row.oid, lldp_rem_org_def_info);
      if (s.size() < 8 || s[0] != idx[0] || s[1] != idx[1] || s[2] != idx[2])
        continue;
      if (s[3] != 0xe0 || s[4] != 0x27 || s[5] != 0x1a || s[6] != 1)
        continue;
      auto b = hex_bytes(row.value);
      ASSERT_GE(b.size(), 2u) << row.value;
      ASSERT_EQ(b.size(), 2u + b[1]) << row.value;
      items[b[0]] = std::string(b.begin() + 2, b.end());
    }
    auto& p = d["profile"];
    EXPECT_EQ(items[1], str(p, "category")) << name;
    EXPECT_EQ(items[2], str(p, "vendor")) << name;
    EXPECT_EQ(items[3], str(p, "product")) << name;
    EXPECT_EQ(items[4], str(p, "model_number")) << name;
    ++checked;
  }
  EXPECT_GE(checked, 4);
  EXPECT_TRUE(row_of.count("sw2")) << "sw1 does not see sw2\n" << names.out;
}

TEST_F(kagami_lab, traceroute_to_the_routed_cell_shows_the_router_hop) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto& cell = lab.device("cell-1");
  auto router = str(lab.truth()["router"], "lan_ip");
  auto r = lab.exec("gw", "traceroute -n -q 1 -w 2 -m 5 " + str(cell, "ip"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> hops;
  std::istringstream in{r.out};
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    std::istringstream f{line};
    std::string n, addr;
    f >> n >> addr;
    hops.push_back(addr);
  }
  ASSERT_EQ(hops.size(), 2u) << r.out;
  EXPECT_EQ(hops[0], router);
  EXPECT_EQ(hops[1], str(cell, "ip"));
}

TEST_F(kagami_lab, mirror_port_shows_a_frame_between_two_devices) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto& from = lab.device("plc-1");
  auto& to = lab.device("sensor-1");
  auto& mirror = lab.truth()["mirror"];
  auto out = lab.state_dir() + "/test-mirror.txt";
  auto script = capture_around(
    lab.ns(str(mirror, "namespace")),
    "-i " + str(mirror, "interface") + " -nn -e -l -c 3 'icmp and src host " + str(from, "ip")
      + " and dst host " + str(to, "ip") + "'",
    out, "ip netns exec " + lab.ns("plc-1") + " ping -c 3 -i 0.2 -W 1 " + str(to, "ip"));
  run(script, 20s);
  std::ifstream in{out};
  std::string text{std::istreambuf_iterator<char>(in), {}};
  EXPECT_NE(text.find(str(from, "mac") + " > " + str(to, "mac")), std::string::npos) << text;
  EXPECT_NE(text.find(str(from, "ip") + " > " + str(to, "ip") + ": ICMP echo request"),
            std::string::npos)
    << text;
  // The mirrored frames end at mon0's nft ingress, not in the gateway's IP stack.
  auto nft = lab.exec("gw", "nft list table netdev kagami_lab_mirror");
  auto at = nft.out.find("counter packets ");
  ASSERT_NE(at, std::string::npos) << nft.out << nft.err;
  EXPECT_GT(std::stol(nft.out.substr(at + 16)), 0) << nft.out;
  auto addr = lab.exec("gw", "ip -o addr show dev " + str(mirror, "interface"));
  EXPECT_EQ(addr.out, "") << "mon0 must have no address";
}

TEST_F(kagami_lab, every_simulated_device_answers) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  int answered = 0;
  for (auto& d : lab.truth()["devices"]) {
    auto kind = str(d, "kind");
    auto ip = str(d, "ip");
    auto port = std::to_string(d.value("service_port", 0));
    if (kind == "modbus") {
      auto r = lab.exec("gw", modbus_probe(ip));
      EXPECT_EQ(r.out, "3\n") << str(d, "name") << ": " << r.err;
      answered += r.out == "3\n";
    } else if (kind == "http") {
      auto r = lab.exec("gw", "curl -sS -m 3 http://" + ip + ":" + port + "/state");
      EXPECT_EQ(r.exit_code, 0) << r.err;
      auto j = json::parse(r.out, nullptr, false);
      EXPECT_TRUE(j.is_object() && j.contains("humidity")) << r.out;
      answered += j.is_object();
    } else if (kind == "upnp" && d.value("simulator_running", false)) {
      auto r = lab.exec("gw", "curl -sS -m 3 http://" + ip + ":" + port + "/state");
      EXPECT_EQ(r.exit_code, 0) << str(d, "name") << ": " << r.err;
      answered += r.exit_code == 0;
    }
  }
  EXPECT_GE(answered, upnp_skipped_for_debugging() ? 5 : 7);
}

TEST_F(kagami_lab, upnp_devices_answer_m_search_and_serve_their_description) {
  if (upnp_skipped_for_debugging()) {
    if (std::getenv("CI") != nullptr)
      GTEST_FAIL() << "KAGAMI_LAB_SKIP_UPNP=1 is for debugging the lab only, not for CI";
    GTEST_SKIP() << "KAGAMI_LAB_SKIP_UPNP=1: the UPnP simulators are not started";
  }
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto gw_ip = str(lab.truth()["gateway"], "ot_ip");
  // One multicast M-SEARCH from ot0 (upnp-1 on the LAN) and one unicast
  // M-SEARCH to the routed cell's device (UDA 1.1); prints every reply.
  auto search = [&](const std::string& to) {
    return lab.exec("gw", "/usr/bin/python3 -c " + shell_quote(R"(
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[1]))
host = "239.255.255.250:1900" if sys.argv[2] == "239.255.255.250" else sys.argv[2] + ":1900"
msg = ("M-SEARCH * HTTP/1.1\r\nHOST: %s\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
       "ST: ssdp:all\r\nUSER-AGENT: kagami-lab-test/1 UPnP/1.1 test/1\r\n\r\n" % host)
s.sendto(msg.encode(), (sys.argv[2], 1900))
s.settimeout(0.3)
end = time.time() + 2.5
while time.time() < end:
    try:
        data, peer = s.recvfrom(4096)
        print("FROM %s\n%s" % (peer[0], data.decode("utf-8", "replace")))
    except socket.timeout:
        pass
)") + " " + gw_ip + " " + to);
  };
  for (auto name : {"upnp-1", "cell-1"}) {
    auto& d = lab.device(name);
    auto ip = str(d, "ip");
    auto r = search(str(d, "switch").empty() ? ip : "239.255.255.250");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto location = "http://" + ip + ":" + std::to_string(d.value("service_port", 0)) + "/";
    EXPECT_NE(r.out.find("FROM " + ip), std::string::npos) << name << "\n" << r.out;
    EXPECT_NE(r.out.find(location), std::string::npos) << name << "\n" << r.out;
    auto xml = lab.exec("gw", "curl -sS -m 3 " + location + "description.xml");
    ASSERT_EQ(xml.exit_code, 0) << xml.err;
    auto& p = d["profile"];
    const std::vector<std::pair<std::string, const char*>> fields{
      {"manufacturer", "vendor"}, {"modelName", "product"}, {"modelNumber", "model_number"},
      {"serialNumber", "serial"}, {"UDN", "udn"}};
    for (auto& [tag, field] : fields)
      EXPECT_NE(xml.out.find("<" + std::string{tag} + ">" + str(p, field) + "</"),
                std::string::npos)
        << name << " " << tag << "\n" << xml.out;
  }
}

TEST_F(kagami_lab, rogue_and_spoofed_devices_announce_on_the_ot_lan) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto& rogue = lab.device("rogue-1");
  auto& spoof = lab.device("spoof-1");
  EXPECT_EQ(str(rogue, "role"), "rogue");
  EXPECT_EQ(str(spoof, "role"), "spoofed");
  auto out = lab.state_dir() + "/test-lldp.txt";
  // Both send at once (lldpcli update) while the gateway's ot0 listens.
  auto trigger = "ip netns exec " + lab.ns("rogue-1") + " lldpcli -u " + lab.state_dir()
                 + "/rogue-1/lldpd.sock update >/dev/null; ip netns exec " + lab.ns("spoof-1")
                 + " lldpcli -u " + lab.state_dir() + "/spoof-1/lldpd.sock update >/dev/null";
  run(capture_around(lab.ns("gw"),
                     "-i ot0 -nn -e -xx -c 2 'ether proto 0x88cc and (ether src "
                       + str(rogue, "mac") + " or ether src " + str(spoof, "mac") + ")'",
                     out, trigger, 12),
      20s);
  std::ifstream in{out};
  std::string text{std::istreambuf_iterator<char>(in), {}};
  bool rogue_seen = false, spoof_seen = false;
  const std::string htip_oui{"\xe0\x27\x1a\x01", 4};
  for (auto& f : frames_of(text)) {
    if (f.size() < 14)
      continue;
    auto src = mac_text(f, 6);
    if (src == str(rogue, "mac") && contains(f, htip_oui)
        && contains(f, str(rogue["profile"], "vendor")))
      rogue_seen = true;
    if (src == str(spoof, "mac") && contains(f, htip_oui)
        && contains(f, str(spoof["profile"], "product")))
      spoof_seen = true;
  }
  EXPECT_TRUE(rogue_seen) << text;
  EXPECT_TRUE(spoof_seen) << text;
}

TEST_F(kagami_lab, plc3_stays_reachable_while_spoof1_sends_with_its_mac) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto& plc3 = lab.device("plc-3");
  auto& spoof = lab.device("spoof-1");
  auto rx_packets = [&] {
    auto r = lab.exec(str(spoof, "switch"), "ip -s -j link show dev " + str(spoof, "switch_port"));
    auto j = json::parse(r.out, nullptr, false);
    return j.is_array() && !j.empty() ? j[0]["stats64"]["rx"].value("packets", 0L) : -1L;
  };
  auto before = rx_packets();
  // spoof-1 sends frames with plc-3's MAC (ARP, LLDP) for about 3 s ...
  auto spoof_cmd = "ip netns exec " + lab.ns("spoof-1") + " sh -c 'for i in $(seq 15); do lldpcli -u "
                   + lab.state_dir() + "/spoof-1/lldpd.sock update >/dev/null; "
                   + "ping -c1 -W 0.2 " + str(lab.truth()["gateway"], "ot_ip")
                   + " >/dev/null 2>&1; done' &";
  // ... while the gateway keeps reading plc-3's Modbus registers.
  auto r = run(spoof_cmd + " ok=0; for i in $(seq 10); do ip netns exec " + lab.ns("gw")
                 + " " + modbus_probe(str(plc3, "ip")) + " | grep -qx 3 && ok=$((ok+1)); "
                 + "sleep 0.2; done; wait; echo $ok",
               60s);
  EXPECT_EQ(r.out, "10\n") << "plc-3 did not answer every time: " << r.out << r.err;
  EXPECT_GT(rx_packets(), before + 10) << "spoof-1 did not send";
  // The legitimate path of the MAC did not move on either switch.
  const std::vector<std::pair<std::string, std::string>> paths{
    {"sw1", str(plc3, "switch_port")}, {"sw2", str(lab.switch_info("sw2")["uplink"], "port")}};
  for (auto& [sw, port] : paths) {
    auto fdb = lab.exec(sw, "bridge fdb show br br0 | grep -i '^" + str(plc3, "mac") + " '");
    EXPECT_NE(fdb.out.find("dev " + port + " "), std::string::npos) << sw << ": " << fdb.out;
    EXPECT_EQ(fdb.out.find("dev " + str(spoof, "switch_port")), std::string::npos) << fdb.out;
  }
}

TEST_F(kagami_lab, two_labs_run_at_once_and_down_removes_all_of_one) {
  factory_lab a;
  ASSERT_TRUE(a.is_up()) << a.up_result().out << a.up_result().err;
  factory_lab b;
  ASSERT_TRUE(b.is_up()) << b.up_result().out << b.up_result().err;
  ASSERT_NE(a.prefix(), b.prefix());
  for (auto* lab : {&a, &b}) {
    EXPECT_EQ(lab->exec("gw", "ping -c1 -W1 " + str(lab->device("plc-2"), "ip")).exit_code, 0);
    EXPECT_NE(kagami::lab::processes_of(lab->prefix()), "");
  }
  auto down = a.down();
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_TRUE(kagami::lab::namespaces_of(a.prefix()).empty());
  EXPECT_EQ(kagami::lab::processes_of(a.prefix()), "");
  EXPECT_NE(run("test -e " + a.state_dir()).exit_code, 0) << "state dir left behind";
  // The other lab is untouched.
  auto status = run(shell_quote(kagami::lab::lab_script()) + " status --prefix " + b.prefix());
  EXPECT_EQ(status.exit_code, 0) << status.out;
  EXPECT_EQ(b.exec("gw", "ping -c1 -W1 " + str(b.device("plc-2"), "ip")).exit_code, 0);
  EXPECT_EQ(b.down().exit_code, 0);
  EXPECT_TRUE(kagami::lab::namespaces_of(b.prefix()).empty());
  EXPECT_EQ(kagami::lab::processes_of(b.prefix()), "");
}

TEST_F(kagami_lab, a_prefix_in_use_is_refused_with_4_and_left_alone) {
  using kagami::lab::exit_prefix_in_use;
  factory_lab a;
  ASSERT_TRUE(a.is_up()) << a.up_result().out << a.up_result().err;
  auto status_of_a = [&] {
    return run(shell_quote(kagami::lab::lab_script()) + " status --prefix " + a.prefix())
      .exit_code;
  };
  // The script: a second up of a live prefix builds nothing and says so.
  auto again = run(shell_quote(kagami::lab::lab_script()) + " up --prefix " + a.prefix()
                   + " --devsim " + shell_quote(kagami::lab::devsim_exe()));
  EXPECT_EQ(again.exit_code, exit_prefix_in_use) << again.out << again.err;
  EXPECT_NE(again.err.find("already up"), std::string::npos) << again.err;
  EXPECT_EQ(status_of_a(), 0);
  // factory_lab on that prefix, no retry: not up, and neither down() nor
  // its destructor take a down.
  {
    factory_lab::options same;
    same.prefix = a.prefix();
    same.max_prefix_attempts = 1;
    factory_lab b{same};
    EXPECT_FALSE(b.is_up());
    EXPECT_FALSE(b.owns_prefix());
    EXPECT_EQ(b.up_result().exit_code, exit_prefix_in_use);
    EXPECT_EQ(b.down().exit_code, exit_prefix_in_use);
  }
  EXPECT_EQ(status_of_a(), 0) << "a collision tore down the other lab";
  EXPECT_EQ(a.exec("gw", "ping -c1 -W1 " + str(a.device("plc-2"), "ip")).exit_code, 0);
  // With retries (the default) it comes up under another prefix.
  {
    factory_lab::options same;
    same.prefix = a.prefix();
    factory_lab c{same};
    ASSERT_TRUE(c.is_up()) << c.up_result().err;
    EXPECT_TRUE(c.owns_prefix());
    EXPECT_NE(c.prefix(), a.prefix());
  }
  EXPECT_EQ(status_of_a(), 0);
  // A namespace left behind (no state directory) marks a prefix in use too,
  // and up leaves it as it is.
  auto p = kagami::lab::unique_prefix();
  ASSERT_EQ(run("ip netns add " + p + "-gw").exit_code, 0);
  auto stale = run(shell_quote(kagami::lab::lab_script()) + " up --prefix " + p + " --devsim "
                   + shell_quote(kagami::lab::devsim_exe()));
  EXPECT_EQ(stale.exit_code, exit_prefix_in_use) << stale.err;
  EXPECT_EQ(kagami::lab::namespaces_of(p), std::vector<std::string>{p + "-gw"});
  EXPECT_NE(run("test -e /run/kagami-lab/" + p).exit_code, 0);
  run("ip netns del " + p + "-gw");
}

TEST_F(kagami_lab, a_failed_up_tears_down_what_it_built) {
  // /bin/false exists and runs, so up gets as far as the devices and fails there.
  factory_lab::options opts;
  opts.devsim = "/bin/false";
  factory_lab lab{opts};
  EXPECT_FALSE(lab.is_up());
  EXPECT_NE(lab.up_result().exit_code, 0);
  auto& err = lab.up_result().err;
  EXPECT_NE(err.find("up failed"), std::string::npos) << err;
  EXPECT_NE(err.find("kagami-devsim of"), std::string::npos) << err;
  EXPECT_NE(lab.up_result().out.find("snmpd sw1 ready"), std::string::npos)
    << "up failed before it started anything:\n" << lab.up_result().out;
  EXPECT_TRUE(kagami::lab::namespaces_of(lab.prefix()).empty());
  EXPECT_EQ(kagami::lab::processes_of(lab.prefix()), "");
  EXPECT_NE(run("test -e " + lab.state_dir()).exit_code, 0);
  // down afterwards is harmless.
  EXPECT_EQ(lab.down().exit_code, 0);

  // A devsim path that does not exist is refused before anything is built.
  factory_lab::options missing;
  missing.devsim = "/nonexistent/kagami-devsim";
  factory_lab none{missing};
  EXPECT_NE(none.up_result().exit_code, 0);
  EXPECT_NE(none.up_result().err.find("not found"), std::string::npos) << none.up_result().err;
  EXPECT_TRUE(kagami::lab::namespaces_of(none.prefix()).empty());
}

TEST_F(kagami_lab, non_root_is_refused_with_a_clear_message) {
  auto prefix = kagami::lab::unique_prefix();
  for (auto verb : {"up", "down"}) {
    auto r = run("setpriv --reuid=65534 --regid=65534 --clear-groups "
                 + shell_quote(kagami::lab::lab_script()) + " " + verb + " --prefix " + prefix
                 + " --devsim " + shell_quote(kagami::lab::devsim_exe()));
    EXPECT_EQ(r.exit_code, 1) << verb;
    EXPECT_NE(r.err.find("must run as root"), std::string::npos) << verb << ": " << r.err;
  }
  EXPECT_TRUE(kagami::lab::namespaces_of(prefix).empty());
}

TEST_F(kagami_lab, bridge_mib_script_survives_malformed_requests) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  // The pass_persist protocol straight to the script, in sw2's namespace:
  // garbage, an overlong OID, an OID with huge arcs, a SET; then it must still
  // answer PING and a GETNEXT in order.
  std::string overlong(5000, '1');
  auto input = "PING\ngetnext\n.1.3.6.1.2.1.17\nbogus\nget\n" + overlong
               + "\nget\n.1.3.6.99999999999999999999.1\nset\n.1.3.6.1.2.1.17.1.2.0\ninteger 5\n"
               + "getnext\n.1.3.6.1.2.1.17.1.4.1.2\nPING\n";
  auto r = lab.exec("sw2", "printf '%s' " + shell_quote(input) + " | timeout 10 " + lab.state_dir()
                             + "/bridge-mib-pass br0");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in{r.out};
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  ASSERT_FALSE(lines.empty()) << r.err;
  EXPECT_EQ(lines.front(), "PONG");
  EXPECT_EQ(lines.back(), "PONG");
  // The first GETNEXT is the first object: dot1dBaseBridgeAddress = sw2's MAC.
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[1], ".1.3.6.1.2.1.17.1.1.0");
  EXPECT_EQ(lines[2], "octet");
  auto mac = str(lab.switch_info("sw2"), "mac");
  std::string mac_hex = mac;
  std::replace(mac_hex.begin(), mac_hex.end(), ':', ' ');
  EXPECT_EQ(lines[3], mac_hex);
  EXPECT_NE(r.out.find("not-writable"), std::string::npos) << r.out;
  // The GETNEXT after the port table's ifIndex column start: bridge port 1.
  auto at = r.out.find(".1.3.6.1.2.1.17.1.4.1.2.1\ninteger\n");
  EXPECT_NE(at, std::string::npos) << r.out;
}
