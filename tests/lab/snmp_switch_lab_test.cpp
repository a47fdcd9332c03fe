// The SNMP switch adapter against the netns factory lab's two switches
// (tools/kagami-lab: snmpd + lldpd -x + the BRIDGE-MIB pass_persist on a
// Linux bridge), from inside the gateway namespace: a worker thread enters
// it with setns(CLONE_NEWNET), so the adapter's sockets live there. The
// readings must match lab.json (ports, ifIndexes, LLDP neighbours, learned
// MACs, the switch-to-switch link), and a port_down cut of an access port
// really takes the port down and restore brings it back.

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/snmp/snmp_switch_adapter.hpp"
#include "tests/lab/lab_fixture.hpp"

using namespace kagami;
using namespace kagami::protocols::snmp;
using kagami::lab::factory_lab;

namespace {

class snmp_switch_lab : public kagami::lab::lab_test {};

/// Runs `f` on a thread that has entered network namespace `ns`; false
/// (with a failure) when it cannot enter it.
bool in_namespace(const std::string& ns, const std::function<void()>& f) {
  bool entered = false;
  std::thread worker([&] {
    int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return;
    entered = setns(fd, CLONE_NEWNET) == 0;
    close(fd);
    if (entered)
      f();
  });
  worker.join();
  EXPECT_TRUE(entered) << "cannot enter " << ns;
  return entered;
}

snmp_switch_config config_for(const factory_lab& lab, const std::string& sw) {
  auto& info = lab.switch_info(sw);
  auto& snmp = lab.truth()["snmp"];
  snmp_switch_config config;
  config.element_id = sw;
  config.management_address = info["management_ip"].get<std::string>();
  config.read_community = snmp["ro_community"].get<std::string>();
  config.write_community = snmp["rw_community"].get<std::string>();
  config.timeout = std::chrono::milliseconds{1000};
  config.retries = 1;
  return config;
}

const topology::port_observation* port_at(const network::element_reading& r, uint32_t id) {
  for (auto& p : r.report.ports)
    if (p.port_id == id)
      return &p;
  return nullptr;
}

bool has_lldp_chassis(const topology::port_observation& p, const std::string& mac) {
  return std::any_of(p.lldp.begin(), p.lldp.end(),
                     [&](auto& n) { return n.chassis_id == mac; });
}

std::string joined(const std::vector<std::string>& reasons) {
  std::string result;
  for (auto& r : reasons)
    result += r + "\n";
  return result;
}

} // namespace

TEST_F(snmp_switch_lab, neighbours_match_the_lab_and_a_port_cut_takes_effect) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto gw = lab.ns("gw");

  std::map<std::string, network::element_reading> readings;
  for (std::string sw : {"sw1", "sw2"}) {
    in_namespace(gw, [&] {
      auto adapter = snmp_switch_adapter::make(config_for(lab, sw));
      ASSERT_TRUE(adapter) << to_string(adapter.error());
      // lldpd needs a moment after `up` to fill the remote tables; the lab
      // says each switch has heard its neighbours, so one reading suffices.
      auto r = (*adapter)->read_neighbours();
      ASSERT_TRUE(r) << sw << ": " << to_string(r.error());
      readings.emplace(sw, std::move(*r));
    });
  }
  ASSERT_EQ(readings.size(), 2u);

  for (auto& [sw, r] : readings) {
    SCOPED_TRACE(sw);
    EXPECT_TRUE(r.degraded.empty()) << joined(r.degraded);
    EXPECT_EQ(r.report.reporter.id, sw);
    EXPECT_FALSE(r.report.reporter.chassis_mac.empty());
    // Every bridge port of lab.json, by ifIndex and name.
    for (auto& p : lab.switch_info(sw)["ports"]) {
      auto* port = port_at(r, p["ifindex"].get<uint32_t>());
      ASSERT_NE(port, nullptr) << p.dump();
      EXPECT_EQ(port->name, p["name"].get<std::string>());
    }
    // Every HTIP device on this switch: its LLDP on its port.
    for (auto& d : lab.truth()["devices"]) {
      if (!d["switch"].is_string() || d["switch"].get<std::string>() != sw)
        continue;
      if (d["discovery"] != "htip")
        continue;
      auto* port = port_at(r, d["switch_port_ifindex"].get<uint32_t>());
      ASSERT_NE(port, nullptr) << d.dump();
      auto mac = d["mac"].get<std::string>();
      EXPECT_TRUE(has_lldp_chassis(*port, mac)) << d["name"] << " not on " << port->name;
      // Its LLDP frames taught the bridge its MAC, except the spoofer's:
      // that MAC is pinned (static) to another port.
      if (d["role"] != "spoofed") {
        auto& learned = port->learned_macs;
        EXPECT_NE(std::find(learned.begin(), learned.end(), mac), learned.end())
          << d["name"] << " not learned on " << port->name;
      }
    }
  }
  // The switch-to-switch link: each uplink hears the other switch's chassis.
  for (auto [a, b] : {std::pair{"sw1", "sw2"}, std::pair{"sw2", "sw1"}}) {
    auto& up = lab.switch_info(a)["uplink"];
    uint32_t if_index = 0;
    for (auto& p : lab.switch_info(a)["ports"])
      if (p["name"] == up["port"])
        if_index = p["ifindex"].get<uint32_t>();
    auto* port = port_at(readings.at(a), if_index);
    ASSERT_NE(port, nullptr) << a << " uplink " << up.dump();
    EXPECT_TRUE(has_lldp_chassis(*port, readings.at(b).report.reporter.chassis_mac))
      << a << "'s uplink does not hear " << b;
  }

  // Cut and restore plc-1's access port on its switch.
  auto& plc = lab.device("plc-1");
  auto sw = plc["switch"].get<std::string>();
  auto port_name = plc["switch_port"].get<std::string>();
  auto target = std::to_string(plc["switch_port_ifindex"].get<uint32_t>());
  auto link_up = [&] {
    auto out = lab.exec(sw, "ip -o link show " + kagami::lab::shell_quote(port_name)).out;
    auto flags = out.substr(0, out.find('>'));
    return flags.find(",UP") != std::string::npos || flags.find("<UP") != std::string::npos;
  };
  ASSERT_TRUE(link_up());
  in_namespace(gw, [&] {
    auto adapter = snmp_switch_adapter::make(config_for(lab, sw));
    ASSERT_TRUE(adapter);
    EXPECT_EQ((*adapter)->capabilities(),
              std::vector<network::cut_action>{network::cut_action::port_down});
    auto cut = (*adapter)->cut({"lab-order-1", network::cut_action::port_down, target});
    ASSERT_TRUE(cut) << to_string(cut.error());
    EXPECT_TRUE(cut->applied);
    EXPECT_TRUE(cut->verified) << cut->detail;
    EXPECT_NE(cut->detail.find("ifAdminStatus 2 (down)"), std::string::npos) << cut->detail;
    EXPECT_FALSE(link_up());
    auto counters = (*adapter)->read_counters();
    ASSERT_TRUE(counters) << to_string(counters.error());
    for (auto& p : counters->ports)
      if (p.name == port_name) {
        EXPECT_EQ(p.admin_status, 2);
      }
    auto restore = (*adapter)->restore({"lab-order-1", network::cut_action::port_down, target});
    ASSERT_TRUE(restore) << to_string(restore.error());
    EXPECT_TRUE(restore->verified) << restore->detail;
    EXPECT_NE(restore->detail.find("ifAdminStatus 1 (up)"), std::string::npos)
      << restore->detail;
    EXPECT_TRUE(link_up());
    // An ifIndex the switch does not have.
    auto bad = (*adapter)->cut({"lab-order-2", network::cut_action::port_down, "99999"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(code_of(bad.error()), ec::invalid_value);
  });
}
