// The mapping of an SNMP switch's walks to topology readings
// (protocols/snmp/switch_reading): ports from IF-MIB, LLDP neighbours on the
// right port (the local-port pitfall), learned MACs from BRIDGE-MIB, the
// chassis MAC, and every kind of missing or malformed table as a degraded
// reason. Walks are written as `snmpwalk -On` prints them.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocols/snmp/switch_reading.hpp"
#include "snmpwalk_text.hpp"

using namespace kagami;
using namespace kagami::protocols::snmp;
using kagami::protocols::snmp::testing::parse_snmpwalk;

namespace {

bool mentions(const std::vector<std::string>& reasons, const std::string& part) {
  for (auto& r : reasons)
    if (r.find(part) != std::string::npos)
      return true;
  return false;
}

std::string joined(const std::vector<std::string>& reasons) {
  std::string result;
  for (auto& r : reasons)
    result += r + "\n";
  return result;
}

const topology::port_observation* port(const network::element_reading& r, uint32_t id) {
  for (auto& p : r.report.ports)
    if (p.port_id == id)
      return &p;
  return nullptr;
}

topology::element sw1() {
  topology::element e;
  e.id = "sw1";
  e.management_address = "10.99.1.2";
  return e;
}

// A Linux bridge with lldpd -x, as in the lab: lo, br0, and two bridge
// ports; lldpd numbers LLDP local ports by ifIndex.
const char* lab_chassis = R"(.1.0.8802.1.1.2.1.3.1.0 = INTEGER: 4
.1.0.8802.1.1.2.1.3.2.0 = Hex-STRING: 02 99 01 00 00 00 
.1.3.6.1.2.1.17.1.1.0 = Hex-STRING: 02 99 01 00 00 00 
)";

const char* lab_interfaces = R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: lo
.1.3.6.1.2.1.2.2.1.2.2 = STRING: br0
.1.3.6.1.2.1.2.2.1.2.7 = STRING: p-plc-1
.1.3.6.1.2.1.2.2.1.2.9 = STRING: p-sw2
.1.3.6.1.2.1.2.2.1.6.1 = ""
.1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: 02 99 01 00 00 00 
.1.3.6.1.2.1.2.2.1.6.7 = Hex-STRING: 02 99 01 00 00 04 
.1.3.6.1.2.1.2.2.1.6.9 = Hex-STRING: 02 99 01 00 00 08 
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.7 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.9 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.7 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.9 = INTEGER: 1
)";

const char* lab_bridge_ports = R"(.1.3.6.1.2.1.17.1.4.1.2.4 = INTEGER: 7
.1.3.6.1.2.1.17.1.4.1.2.8 = INTEGER: 9
)";

const char* lab_fdb = R"(.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 4
.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.18 = INTEGER: 8
.1.3.6.1.2.1.17.4.3.1.2.2.153.1.0.0.4 = INTEGER: 4
.1.3.6.1.2.1.17.4.3.1.2.2.153.2.0.0.0 = INTEGER: 8
.1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17 = INTEGER: 3
.1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.18 = INTEGER: 3
.1.3.6.1.2.1.17.4.3.1.3.2.153.1.0.0.4 = INTEGER: 4
.1.3.6.1.2.1.17.4.3.1.3.2.153.2.0.0.0 = INTEGER: 3
)";

// lldpd's lldpLocPortTable: port id = the port's MAC (subtype 3).
const char* lab_local_ports = R"(.1.0.8802.1.1.2.1.3.7.1.2.7 = INTEGER: 3
.1.0.8802.1.1.2.1.3.7.1.2.9 = INTEGER: 3
.1.0.8802.1.1.2.1.3.7.1.3.7 = Hex-STRING: 02 99 01 00 00 04 
.1.0.8802.1.1.2.1.3.7.1.3.9 = Hex-STRING: 02 99 01 00 00 08 
.1.0.8802.1.1.2.1.3.7.1.4.7 = STRING: "p-plc-1"
.1.0.8802.1.1.2.1.3.7.1.4.9 = STRING: "p-sw2"
)";

// plc-1 on ifIndex 7, sw2 on ifIndex 9 (with its port name as port id).
const char* lab_remote = R"(.1.0.8802.1.1.2.1.4.1.1.4.0.7.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.4.0.9.2 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.5.0.7.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.1.1.5.0.9.2 = Hex-STRING: 02 99 02 00 00 00 
.1.0.8802.1.1.2.1.4.1.1.6.0.7.1 = INTEGER: 3
.1.0.8802.1.1.2.1.4.1.1.6.0.9.2 = INTEGER: 5
.1.0.8802.1.1.2.1.4.1.1.7.0.7.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.1.1.7.0.9.2 = STRING: "p-sw1"
.1.0.8802.1.1.2.1.4.2.1.3.0.7.1.1.4.10.99.1.11 = INTEGER: 2
)";

switch_walks lab_walks() {
  switch_walks w;
  w.chassis = parse_snmpwalk(lab_chassis);
  w.interfaces = parse_snmpwalk(lab_interfaces);
  w.bridge_ports = parse_snmpwalk(lab_bridge_ports);
  w.fdb = parse_snmpwalk(lab_fdb);
  w.lldp_local_ports = parse_snmpwalk(lab_local_ports);
  w.lldp_remote = parse_snmpwalk(lab_remote);
  return w;
}

} // namespace

TEST(snmp_switch_reading, maps_a_sound_switch) {
  auto r = to_element_reading(sw1(), lab_walks(), 1234);
  EXPECT_TRUE(r.degraded.empty()) << joined(r.degraded);
  EXPECT_EQ(r.report.reporter.id, "sw1");
  EXPECT_EQ(r.report.reporter.kind, topology::element_kind::switch_element);
  EXPECT_EQ(r.report.reporter.management_address, "10.99.1.2");
  EXPECT_EQ(r.report.reporter.chassis_mac, "02:99:01:00:00:00");
  EXPECT_EQ(r.report.observed_at_ms, 1234);
  ASSERT_EQ(r.report.ports.size(), 4u);
  std::vector<uint32_t> ids;
  for (auto& p : r.report.ports)
    ids.push_back(p.port_id);
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 2, 7, 9}));
  EXPECT_EQ(port(r, 1)->name, "lo");
  EXPECT_TRUE(port(r, 1)->lldp.empty());
  EXPECT_TRUE(port(r, 1)->learned_macs.empty());
  auto* plc = port(r, 7);
  EXPECT_EQ(plc->name, "p-plc-1");
  ASSERT_EQ(plc->lldp.size(), 1u);
  EXPECT_EQ(plc->lldp[0].chassis_id, "02:99:00:00:00:11");
  EXPECT_EQ(plc->lldp[0].port_id, "02:99:00:00:00:11");
  // The bridge's own port address is self(4): not learned.
  EXPECT_EQ(plc->learned_macs, (std::vector<std::string>{"02:99:00:00:00:11"}));
  auto* up = port(r, 9);
  ASSERT_EQ(up->lldp.size(), 1u);
  EXPECT_EQ(up->lldp[0].chassis_id, "02:99:02:00:00:00");
  EXPECT_EQ(up->lldp[0].port_id, "p-sw1");
  EXPECT_EQ(up->learned_macs,
            (std::vector<std::string>{"02:99:00:00:00:12", "02:99:02:00:00:00"}));
  EXPECT_TRUE(port(r, 2)->lldp.empty());
}

TEST(snmp_switch_reading, if_name_wins_over_if_descr) {
  auto w = lab_walks();
  auto more = parse_snmpwalk(R"(.1.3.6.1.2.1.31.1.1.1.1.7 = STRING: ge-0/0/7
)");
  w.interfaces.insert(w.interfaces.end(), more.begin(), more.end());
  auto r = to_element_reading(sw1(), w, 1);
  EXPECT_EQ(port(r, 7)->name, "ge-0/0/7");
  EXPECT_EQ(port(r, 9)->name, "p-sw2");
  // An ifXTable cell makes the other ifXTable columns required.
  EXPECT_TRUE(mentions(r.degraded, "ifHCInOctets")) << joined(r.degraded);
}

// The pitfall: this switch numbers LLDP local ports by bridge port, and
// ifIndex 3 exists too (a VLAN interface). Local port 3 is bridge port 3,
// which is ifIndex 12 (swp3), not ifIndex 3.
namespace {

const char* pitfall_interfaces = R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: lo
.1.3.6.1.2.1.2.2.1.2.3 = STRING: vlan10
.1.3.6.1.2.1.2.2.1.2.10 = STRING: swp1
.1.3.6.1.2.1.2.2.1.2.11 = STRING: swp2
.1.3.6.1.2.1.2.2.1.2.12 = STRING: swp3
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.10 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.11 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.12 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.10 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.11 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.12 = INTEGER: 1
)";

const char* pitfall_bridge_ports = R"(.1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: 10
.1.3.6.1.2.1.17.1.4.1.2.2 = INTEGER: 11
.1.3.6.1.2.1.17.1.4.1.2.3 = INTEGER: 12
)";

const char* pitfall_local_ports = R"(.1.0.8802.1.1.2.1.3.7.1.2.3 = INTEGER: 5
.1.0.8802.1.1.2.1.3.7.1.3.3 = STRING: "swp3"
)";

const char* pitfall_remote = R"(.1.0.8802.1.1.2.1.4.1.1.4.0.3.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = Hex-STRING: 02 99 02 00 00 00 
.1.0.8802.1.1.2.1.4.1.1.6.0.3.1 = INTEGER: 5
.1.0.8802.1.1.2.1.4.1.1.7.0.3.1 = STRING: "p-sw1"
)";

switch_walks pitfall_walks() {
  switch_walks w;
  w.interfaces = parse_snmpwalk(pitfall_interfaces);
  w.bridge_ports = parse_snmpwalk(pitfall_bridge_ports);
  w.lldp_local_ports = parse_snmpwalk(pitfall_local_ports);
  w.lldp_remote = parse_snmpwalk(pitfall_remote);
  w.chassis = parse_snmpwalk(".1.3.6.1.2.1.17.1.1.0 = Hex-STRING: 02 99 01 00 00 00\n");
  return w;
}

} // namespace

TEST(snmp_switch_reading, lldp_local_port_by_port_id_is_not_the_if_index) {
  auto r = to_element_reading(sw1(), pitfall_walks(), 1);
  EXPECT_TRUE(r.degraded.empty()) << joined(r.degraded);
  ASSERT_EQ(port(r, 12)->lldp.size(), 1u);
  EXPECT_EQ(port(r, 12)->lldp[0].chassis_id, "02:99:02:00:00:00");
  EXPECT_TRUE(port(r, 3)->lldp.empty());
  // No lldpLocChassisId: the bridge address is the chassis.
  EXPECT_EQ(r.report.reporter.chassis_mac, "02:99:01:00:00:00");
}

TEST(snmp_switch_reading, lldp_local_port_by_bridge_port_without_local_port_table) {
  auto w = pitfall_walks();
  w.lldp_local_ports.clear();
  w.degraded.push_back("lldpLocPortTable (1.0.8802.1.1.2.1.3.7.1) not read: timeout");
  auto r = to_element_reading(sw1(), w, 1);
  ASSERT_EQ(port(r, 12)->lldp.size(), 1u);
  EXPECT_TRUE(port(r, 3)->lldp.empty());
  EXPECT_EQ(r.degraded, w.degraded);
}

TEST(snmp_switch_reading, unresolvable_local_port_drops_its_neighbours_with_a_reason) {
  auto w = pitfall_walks();
  auto more = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.4.1.1.4.0.99.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.5.0.99.1 = Hex-STRING: 02 99 00 00 00 66 
.1.0.8802.1.1.2.1.4.1.1.6.0.99.1 = INTEGER: 3
.1.0.8802.1.1.2.1.4.1.1.7.0.99.1 = Hex-STRING: 02 99 00 00 00 66 
)");
  w.lldp_remote.insert(w.lldp_remote.end(), more.begin(), more.end());
  auto r = to_element_reading(sw1(), w, 1);
  EXPECT_TRUE(mentions(r.degraded, "LLDP local port 99")) << joined(r.degraded);
  EXPECT_EQ(port(r, 99), nullptr);
  EXPECT_EQ(port(r, 12)->lldp.size(), 1u);
}

TEST(snmp_switch_reading, truncated_tables_keep_what_is_sound) {
  auto w = lab_walks();
  // lldpRemTable cut off after the first columns of the second neighbour:
  // no lldpRemChassisId/PortId for 0.9.2; the FDB lost its status column
  // (the walk failed) so no row is complete.
  w.lldp_remote = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.4.1.1.4.0.7.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.4.0.9.2 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.5.0.7.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.1.1.6.0.7.1 = INTEGER: 3
.1.0.8802.1.1.2.1.4.1.1.7.0.7.1 = Hex-STRING: 02 99 00 00 00 11 
)");
  w.fdb = parse_snmpwalk(R"(.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 4
)");
  w.degraded.push_back("dot1dTpFdbStatus (1.3.6.1.2.1.17.4.3.1.3) not read: getnext loop at OID x");
  auto r = to_element_reading(sw1(), w, 1);
  EXPECT_EQ(r.degraded.front(), w.degraded.front());
  EXPECT_TRUE(mentions(r.degraded, "lldpRemChassisId (1.0.8802.1.1.2.1.4.1.1.5.0.9.2)"))
    << joined(r.degraded);
  EXPECT_TRUE(mentions(r.degraded, "dot1dTpFdbStatus (1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17)"))
    << joined(r.degraded);
  ASSERT_EQ(port(r, 7)->lldp.size(), 1u);
  EXPECT_TRUE(port(r, 7)->learned_macs.empty());
  EXPECT_TRUE(port(r, 9)->lldp.empty());
  EXPECT_EQ(r.report.ports.size(), 4u);
}

TEST(snmp_switch_reading, a_table_that_fails_to_decode_is_a_reason_not_a_failure) {
  auto w = lab_walks();
  // An lldpRemTable index of two sub-identifiers cannot be decoded.
  auto bad = parse_snmpwalk(".1.0.8802.1.1.2.1.4.1.1.9.0.7 = STRING: \"x\"\n");
  w.lldp_remote.insert(w.lldp_remote.end(), bad.begin(), bad.end());
  // A bridge port map with a string value.
  w.bridge_ports = parse_snmpwalk(".1.3.6.1.2.1.17.1.4.1.2.4 = STRING: \"seven\"\n");
  auto r = to_element_reading(sw1(), w, 1);
  EXPECT_TRUE(mentions(r.degraded, "LLDP-MIB lldpRemTable not decoded: "
                                   "1.0.8802.1.1.2.1.4.1.1.9.0.7"))
    << joined(r.degraded);
  EXPECT_TRUE(mentions(r.degraded, "BRIDGE-MIB dot1dBasePortIfIndex not decoded: "))
    << joined(r.degraded);
  // Without the port map no FDB row has an ifIndex.
  EXPECT_TRUE(mentions(r.degraded, "bridge port 4 has no dot1dBasePortIfIndex"))
    << joined(r.degraded);
  for (auto& p : r.report.ports) {
    EXPECT_TRUE(p.lldp.empty());
    EXPECT_TRUE(p.learned_macs.empty());
  }
  EXPECT_EQ(r.report.ports.size(), 4u);
  EXPECT_EQ(r.report.reporter.chassis_mac, "02:99:01:00:00:00");
}

TEST(snmp_switch_reading, neighbours_on_unlisted_interfaces_get_a_port) {
  auto w = lab_walks();
  w.interfaces.clear();
  w.lldp_local_ports.clear();
  w.degraded = {"ifDescr (1.3.6.1.2.1.2.2.1.2) not read: bad reply"};
  auto r = to_element_reading(sw1(), w, 1);
  // Without interfaces the local port number is trusted as the ifIndex, and
  // the FDB still maps through the bridge port map.
  ASSERT_NE(port(r, 7), nullptr);
  EXPECT_EQ(port(r, 7)->name, "");
  EXPECT_EQ(port(r, 7)->lldp.size(), 1u);
  EXPECT_EQ(port(r, 7)->learned_macs, (std::vector<std::string>{"02:99:00:00:00:11"}));
  EXPECT_EQ(port(r, 9)->lldp.size(), 1u);
  EXPECT_EQ(r.report.ports.size(), 2u);
  EXPECT_EQ(r.degraded, w.degraded);
}

TEST(snmp_switch_reading, chassis_mac_sources) {
  std::vector<std::string> degraded;
  // lldpLocChassisId of subtype local (7): the bridge address instead.
  auto local = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.3.1.0 = INTEGER: 7
.1.0.8802.1.1.2.1.3.2.0 = STRING: "sw1"
.1.3.6.1.2.1.17.1.1.0 = Hex-STRING: 02 99 01 00 00 AA 
)");
  EXPECT_EQ(reported_chassis_mac(local, degraded), "02:99:01:00:00:aa");
  EXPECT_TRUE(degraded.empty());
  // Absent objects: no MAC, one reason.
  auto none = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.3.1.0 = No Such Object available on this agent at this OID
.1.3.6.1.2.1.17.1.1.0 = No Such Object available on this agent at this OID
)");
  EXPECT_EQ(reported_chassis_mac(none, degraded), "");
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_TRUE(mentions(degraded, "no chassis MAC"));
  // Mistyped values: named, then no MAC.
  degraded.clear();
  auto wrong = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.3.1.0 = STRING: "4"
.1.3.6.1.2.1.17.1.1.0 = INTEGER: 5
)");
  EXPECT_EQ(reported_chassis_mac(wrong, degraded), "");
  EXPECT_TRUE(mentions(degraded, "lldpLocChassisIdSubtype (1.0.8802.1.1.2.1.3.1.0): OctetString"))
    << joined(degraded);
  EXPECT_TRUE(mentions(degraded, "dot1dBaseBridgeAddress (1.3.6.1.2.1.17.1.1.0): Integer"))
    << joined(degraded);
  // A configured chassis MAC stays when the switch reports none.
  auto e = sw1();
  e.chassis_mac = "02:99:01:00:00:01";
  switch_walks w;
  auto r = to_element_reading(e, w, 1);
  EXPECT_EQ(r.report.reporter.chassis_mac, "02:99:01:00:00:01");
  EXPECT_TRUE(r.report.ports.empty());
}

TEST(snmp_switch_reading, counters) {
  auto walk = parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: lo
.1.3.6.1.2.1.2.2.1.2.7 = STRING: p-plc-1
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.7 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.7 = INTEGER: 2
.1.3.6.1.2.1.31.1.1.1.1.1 = STRING: lo
.1.3.6.1.2.1.31.1.1.1.1.7 = STRING: p-plc-1
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 100
.1.3.6.1.2.1.31.1.1.1.6.7 = Counter64: 18446744073709551615
.1.3.6.1.2.1.31.1.1.1.7.1 = Counter64: 2
.1.3.6.1.2.1.31.1.1.1.7.7 = Counter64: 3
.1.3.6.1.2.1.31.1.1.1.10.1 = Counter64: 100
.1.3.6.1.2.1.31.1.1.1.10.7 = Counter64: 5
.1.3.6.1.2.1.31.1.1.1.11.1 = Counter64: 2
)");
  auto r = to_counter_reading(walk, {"ifPhysAddress (x) not read: y"}, 77);
  EXPECT_EQ(r.observed_at_ms, 77);
  ASSERT_EQ(r.ports.size(), 2u);
  EXPECT_EQ(r.ports[0].port_id, 1u);
  EXPECT_EQ(r.ports[0].name, "lo");
  EXPECT_EQ(r.ports[0].in_octets, 100u);
  EXPECT_EQ(r.ports[0].out_packets, 2u);
  auto& p = r.ports[1];
  EXPECT_EQ(p.port_id, 7u);
  EXPECT_EQ(p.admin_status, 2);
  EXPECT_EQ(p.oper_status, 2);
  EXPECT_EQ(p.in_octets, 18446744073709551615u);
  EXPECT_EQ(p.in_packets, 3u);
  EXPECT_EQ(p.out_octets, 5u);
  EXPECT_EQ(p.out_packets, 0u); // absent: 0, and a reason
  ASSERT_GE(r.degraded.size(), 2u);
  EXPECT_EQ(r.degraded[0], "ifPhysAddress (x) not read: y");
  EXPECT_TRUE(mentions(r.degraded, "1.3.6.1.2.1.31.1.1.1.11.7")) << joined(r.degraded);
  // A walk that cannot be decoded: no ports, a reason.
  auto bad = parse_snmpwalk(".1.3.6.1.2.1.2.2.1.2.0 = STRING: zero\n");
  auto b = to_counter_reading(bad, {}, 1);
  EXPECT_TRUE(b.ports.empty());
  EXPECT_TRUE(mentions(b.degraded, "IF-MIB ifTable/ifXTable not decoded")) << joined(b.degraded);
}
