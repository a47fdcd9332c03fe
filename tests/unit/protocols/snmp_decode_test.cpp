// The SNMP walk decoders (protocols/snmp): LLDP-MIB remote and local-port
// tables, the local-port pitfall, BRIDGE-MIB, IF-MIB, the walk-order check
// and every kind of bad agent reply. Test data is written as `snmpwalk -On`
// prints what the lab's snmpd (with lldpd -x and the BRIDGE-MIB
// pass_persist) returns.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/snmp/bridge_mib.hpp"
#include "protocols/snmp/if_mib.hpp"
#include "protocols/snmp/lldp_local_port.hpp"
#include "protocols/snmp/lldp_mib.hpp"
#include "protocols/snmp/varbind.hpp"
#include "snmpwalk_text.hpp"

using namespace kagami;
using namespace kagami::protocols::snmp;
using kagami::protocols::snmp::testing::parse_oid;
using kagami::protocols::snmp::testing::parse_snmpwalk;

namespace {

bool mentions(const std::vector<std::string>& reasons, const std::string& part) {
  for (auto& r : reasons)
    if (r.find(part) != std::string::npos)
      return true;
  return false;
}

// sw1 as lldpd -x reports it: two neighbours, on ifIndex 3 (a device with an
// HTIP device-information TLV and a management address) and on ifIndex 4
// (the daisy-chained switch sw2, chassis id by network address).
const char* lldp_remote_walk = R"(.1.0.8802.1.1.2.1.4.1.1.4.0.3.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.4.0.4.2 = INTEGER: 5
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.1.1.5.0.4.2 = Hex-STRING: 01 0A 63 00 02 
.1.0.8802.1.1.2.1.4.1.1.6.0.3.1 = INTEGER: 3
.1.0.8802.1.1.2.1.4.1.1.6.0.4.2 = INTEGER: 5
.1.0.8802.1.1.2.1.4.1.1.7.0.3.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.1.1.7.0.4.2 = STRING: "p-sw1"
.1.0.8802.1.1.2.1.4.1.1.8.0.3.1 = STRING: "eth0"
.1.0.8802.1.1.2.1.4.1.1.8.0.4.2 = STRING: "uplink to sw1"
.1.0.8802.1.1.2.1.4.1.1.9.0.3.1 = STRING: "dev1"
.1.0.8802.1.1.2.1.4.1.1.9.0.4.2 = STRING: "sw2"
.1.0.8802.1.1.2.1.4.2.1.3.0.3.1.1.4.10.99.1.11 = INTEGER: 2
.1.0.8802.1.1.2.1.4.2.1.4.0.3.1.1.4.10.99.1.11 = INTEGER: 2
.1.0.8802.1.1.2.1.4.2.1.5.0.3.1.1.4.10.99.1.11 = OID: .0.0
.1.0.8802.1.1.2.1.4.4.1.4.0.3.1.224.39.26.1.1 = Hex-STRING: 01 01 03 02 06 4B 41 47 41 4D 49 03 0B 50 4C 43 2D 4D 4F 44 
45 4C 2D 31 
)";

TEST(snmp_lldp_remote, decodes_neighbours_per_local_port) {
  auto varbinds = parse_snmpwalk(lldp_remote_walk);
  ASSERT_EQ(varbinds.size(), 16u);
  auto decoded = decode_lldp_remote(varbinds);
  ASSERT_TRUE(decoded) << to_string(decoded.error());
  ASSERT_EQ(decoded->size(), 2u);
  ASSERT_EQ(decoded->at(3).size(), 1u);
  auto& dev1 = decoded->at(3)[0];
  EXPECT_TRUE(dev1.degraded.empty());
  EXPECT_EQ(dev1.local_port_num, 3u);
  EXPECT_EQ(dev1.remote_index, 1u);
  EXPECT_EQ(dev1.chassis_id_subtype, 4);
  EXPECT_EQ(dev1.chassis_id, "02:99:00:00:00:11");
  EXPECT_EQ(dev1.port_id, "02:99:00:00:00:11");
  EXPECT_EQ(dev1.port_description, "eth0");
  EXPECT_EQ(dev1.system_name, "dev1");
  ASSERT_EQ(dev1.management_addresses.size(), 1u);
  EXPECT_EQ(dev1.management_addresses[0].subtype, 1u);
  EXPECT_EQ(dev1.management_addresses[0].text, "10.99.1.11");
  ASSERT_EQ(dev1.org_tlvs.size(), 1u);
  EXPECT_EQ(dev1.org_tlvs[0].oui, htip_oui);
  EXPECT_EQ(dev1.org_tlvs[0].subtype, 1u);
  EXPECT_EQ(dev1.org_tlvs[0].info_index, 1u);
  // The wrapped Hex-STRING continues on the next line: 24 bytes in all.
  ASSERT_EQ(dev1.org_tlvs[0].info.size(), 24u);
  EXPECT_EQ(dev1.org_tlvs[0].info[0], 0x01);
  EXPECT_EQ(dev1.org_tlvs[0].info[23], '1');

  ASSERT_EQ(decoded->at(4).size(), 1u);
  auto& sw2 = decoded->at(4)[0];
  EXPECT_TRUE(sw2.degraded.empty());
  EXPECT_EQ(sw2.chassis_id_subtype, 5);
  EXPECT_EQ(sw2.chassis_id, "10.99.0.2");
  EXPECT_EQ(sw2.port_id_subtype, 5);
  EXPECT_EQ(sw2.port_id, "p-sw1");
  EXPECT_EQ(sw2.system_name, "sw2");
  EXPECT_TRUE(sw2.management_addresses.empty());
}

struct id_case {
  int64_t subtype;
  std::vector<uint8_t> id;
  std::string rendered;
};

TEST(snmp_lldp_remote, renders_ids_by_subtype) {
  const id_case chassis_cases[] = {
    {4, {0x02, 0x99, 0, 0, 0, 0x11}, "02:99:00:00:00:11"},
    {4, {'a', 'b'}, "ab"}, // a MAC subtype with a short id: not a MAC
    {5, {1, 10, 99, 0, 2}, "10.99.0.2"},
    {5, {2, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
    {5, {1, 10, 99}, "0a:63"},  // truncated IPv4: hex of the address part
    {7, {'s', 'w', '1'}, "sw1"},
    {7, {'s', 'w', '1', 0}, "sw1"},
    {1, {0x01, 0xff}, "01:ff"},
  };
  for (auto& c : chassis_cases)
    EXPECT_EQ(render_lldp_id(c.subtype, c.id, 4, 5), c.rendered) << c.rendered;
  // Port ids: the MAC subtype is 3, network address 4.
  EXPECT_EQ(render_lldp_id(3, {2, 0x99, 0, 0, 0, 0x11}, 3, 4), "02:99:00:00:00:11");
  EXPECT_EQ(render_lldp_id(4, {1, 10, 0, 0, 1}, 3, 4), "10.0.0.1");
  EXPECT_EQ(render_lldp_id(5, {'e', 't', 'h', '0'}, 3, 4), "eth0");
}

TEST(snmp_lldp_remote, wrong_types_degrade_the_row) {
  auto varbinds = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.4.1.1.4.0.3.1 = STRING: "4"
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = INTEGER: 17
.1.0.8802.1.1.2.1.4.1.1.6.0.3.1 = INTEGER: 3
.1.0.8802.1.1.2.1.4.1.1.7.0.3.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.1.1.9.0.3.1 = Counter32: 5
)");
  auto decoded = decode_lldp_remote(varbinds);
  ASSERT_TRUE(decoded);
  auto& n = decoded->at(3).at(0);
  EXPECT_TRUE(mentions(n.degraded, "lldpRemChassisIdSubtype (1.0.8802.1.1.2.1.4.1.1.4.0.3.1) "
                                   "is OctetString, expected Integer"));
  EXPECT_TRUE(mentions(n.degraded, "lldpRemChassisId (1.0.8802.1.1.2.1.4.1.1.5.0.3.1) is Integer"));
  EXPECT_TRUE(mentions(n.degraded, "lldpRemSysName (1.0.8802.1.1.2.1.4.1.1.9.0.3.1) is Counter32"));
  EXPECT_EQ(n.port_id, "02:99:00:00:00:11"); // the sound columns still decode
  EXPECT_EQ(n.degraded.size(), 3u);
}

TEST(snmp_lldp_remote, truncated_rows_and_orphans_degrade) {
  // The walk stopped after lldpRemChassisId: no port id columns. The org TLV
  // of remIndex 2 has no lldpRemTable row at all.
  auto varbinds = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.4.1.1.4.0.3.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = Hex-STRING: 02 99 00 00 00 11 
.1.0.8802.1.1.2.1.4.4.1.4.0.3.2.224.39.26.2.1 = Hex-STRING: 01 
)");
  auto decoded = decode_lldp_remote(varbinds);
  ASSERT_TRUE(decoded);
  auto& port = decoded->at(3);
  ASSERT_EQ(port.size(), 2u);
  EXPECT_TRUE(mentions(port[0].degraded, "missing lldpRemPortIdSubtype (1.0.8802.1.1.2.1.4.1.1.6.0.3.1)"));
  EXPECT_TRUE(mentions(port[0].degraded, "missing lldpRemPortId (1.0.8802.1.1.2.1.4.1.1.7.0.3.1)"));
  EXPECT_EQ(port[0].chassis_id, "02:99:00:00:00:11");
  EXPECT_TRUE(mentions(port[1].degraded, "no lldpRemTable row 0.3.2"));
  ASSERT_EQ(port[1].org_tlvs.size(), 1u);
  EXPECT_EQ(port[1].org_tlvs[0].subtype, 2u);
}

TEST(snmp_lldp_remote, duplicate_cells_degrade_and_keep_the_first) {
  auto varbinds = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.4.1.1.4.0.3.1 = INTEGER: 7
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = STRING: "first"
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = STRING: "second"
.1.0.8802.1.1.2.1.4.1.1.6.0.3.1 = INTEGER: 7
.1.0.8802.1.1.2.1.4.1.1.7.0.3.1 = STRING: "1"
)");
  auto decoded = decode_lldp_remote(varbinds);
  ASSERT_TRUE(decoded);
  auto& n = decoded->at(3).at(0);
  EXPECT_EQ(n.chassis_id, "first");
  EXPECT_TRUE(mentions(n.degraded, "duplicate 1.0.8802.1.1.2.1.4.1.1.5.0.3.1"));
}

TEST(snmp_lldp_remote, malformed_indexes_fail_naming_the_oid) {
  const char* cases[] = {
    // lldpRemTable index with two sub-identifiers.
    ".1.0.8802.1.1.2.1.4.1.1.9.3.1 = STRING: \"x\"\n",
    // lldpRemManAddrTable: the length says 4, three octets follow.
    ".1.0.8802.1.1.2.1.4.2.1.3.0.3.1.1.4.10.99.1 = INTEGER: 2\n",
    // ... an octet above 255.
    ".1.0.8802.1.1.2.1.4.2.1.3.0.3.1.1.4.10.99.1.300 = INTEGER: 2\n",
    // lldpRemOrgDefInfoTable without the info index.
    ".1.0.8802.1.1.2.1.4.4.1.4.0.3.1.224.39.26.1 = Hex-STRING: 01\n",
  };
  for (auto text : cases) {
    auto decoded = decode_lldp_remote(parse_snmpwalk(text));
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(code_of(decoded.error()), ec::device_bad_reply);
    auto oid = std::string(text).substr(1, std::string(text).find(' ') - 1);
    EXPECT_NE(detail_of(decoded.error()).find(oid), std::string::npos)
      << detail_of(decoded.error());
  }
}

TEST(snmp_lldp_remote, exceptions_count_as_absent_cells) {
  auto varbinds = parse_snmpwalk(R"(.1.0.8802.1.1.2.1.4.1.1.4.0.3.1 = INTEGER: 4
.1.0.8802.1.1.2.1.4.1.1.5.0.3.1 = No Such Instance currently exists at this OID
.1.0.8802.1.1.2.1.4.1.1.6.0.3.1 = INTEGER: 3
.1.0.8802.1.1.2.1.4.1.1.7.0.3.1 = Hex-STRING: 02 99 00 00 00 11 
)");
  auto decoded = decode_lldp_remote(varbinds);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(mentions(decoded->at(3).at(0).degraded, "missing lldpRemChassisId"));
}

// --- limits ---------------------------------------------------------------

TEST(snmp_limits, every_limit_is_an_error_value) {
  decode_limits tight;
  tight.max_rows = 2;
  tight.max_string_length = 8;
  tight.max_oid_length = 20;
  tight.max_varbinds = 10;
  auto rows = parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: "lo"
.1.3.6.1.2.1.2.2.1.2.2 = STRING: "eth0"
.1.3.6.1.2.1.2.2.1.2.3 = STRING: "eth1"
)");
  auto long_string = parse_snmpwalk(".1.3.6.1.2.1.2.2.1.2.1 = STRING: \"123456789\"\n");
  auto long_oid = parse_snmpwalk(".1.3.6.1.2.1.2.2.1.2.1.2.3.4.5.6.7.8.9.10.11.12 = INTEGER: 1\n");
  std::vector<varbind> long_oid_value{
    {parse_oid(".1.3.6.1.2.1.2.2.1.2.1"), object_id_value{object_identifier(21, 1)}}};
  std::vector<varbind> many(11, rows[0]);
  for (auto* input : {&rows, &long_string, &long_oid, &long_oid_value, &many}) {
    auto if_result = decode_interfaces(*input, tight);
    ASSERT_FALSE(if_result);
    EXPECT_EQ(code_of(if_result.error()), ec::device_bad_reply);
    EXPECT_FALSE(decode_lldp_remote(*input, tight) && input != &rows);
    EXPECT_FALSE(decode_bridge_port_if_index(*input, tight) && input != &rows);
    EXPECT_FALSE(decode_lldp_local_ports(*input, tight) && input != &rows);
  }
  EXPECT_NE(detail_of(decode_interfaces(rows, tight).error()).find("more than 2 rows"),
            std::string::npos);
  EXPECT_NE(detail_of(decode_interfaces(long_string, tight).error())
              .find("1.3.6.1.2.1.2.2.1.2.1: OctetString of 9 bytes"),
            std::string::npos);
  EXPECT_TRUE(decode_interfaces(rows, decode_limits{}));
}

// --- walk order -------------------------------------------------------------

TEST(snmp_walk_order, accepts_increasing_and_detects_loops) {
  EXPECT_FALSE(check_walk_order(parse_snmpwalk(lldp_remote_walk)));
  EXPECT_FALSE(check_walk_order({}));
  // An agent whose getnext returns the same OID again: a loop.
  auto repeated = parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: "lo"
.1.3.6.1.2.1.2.2.1.2.2 = STRING: "eth0"
.1.3.6.1.2.1.2.2.1.2.2 = STRING: "eth0"
)");
  auto err = check_walk_order(repeated);
  ASSERT_TRUE(err);
  EXPECT_EQ(code_of(err), ec::device_bad_reply);
  EXPECT_NE(detail_of(err).find("1.3.6.1.2.1.2.2.1.2.2 after 1.3.6.1.2.1.2.2.1.2.2"),
            std::string::npos);
  // Going back to an earlier OID, and a prefix after its extension.
  EXPECT_TRUE(check_walk_order(parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.3 = STRING: "a"
.1.3.6.1.2.1.2.2.1.2.1 = STRING: "b"
)")));
  EXPECT_TRUE(check_walk_order(parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: "a"
.1.3.6.1.2.1.2.2.1.2 = STRING: "b"
)")));
  // endOfMibView at the end of a walk is not a step.
  auto ended = parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: "lo"
.1.3.6.1.2.1.2.2.1.2.1 = No more variables left in this MIB View (It is past the end of the MIB tree)
)");
  EXPECT_FALSE(check_walk_order(ended));
}

// --- IF-MIB -----------------------------------------------------------------

const char* if_walk = R"(.1.3.6.1.2.1.2.2.1.2.1 = STRING: "lo"
.1.3.6.1.2.1.2.2.1.2.3 = STRING: "p-dev1"
.1.3.6.1.2.1.2.2.1.6.1 = ""
.1.3.6.1.2.1.2.2.1.6.3 = Hex-STRING: 9A 1B 2C 3D 4E 03 
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 2
.1.3.6.1.2.1.31.1.1.1.1.1 = STRING: "lo"
.1.3.6.1.2.1.31.1.1.1.1.3 = STRING: "p-dev1"
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 1200
.1.3.6.1.2.1.31.1.1.1.6.3 = Counter64: 18446744073709551615
.1.3.6.1.2.1.31.1.1.1.7.1 = Counter64: 12
.1.3.6.1.2.1.31.1.1.1.7.3 = Counter64: 40
.1.3.6.1.2.1.31.1.1.1.10.1 = Counter64: 1200
.1.3.6.1.2.1.31.1.1.1.10.3 = Counter64: 5000
.1.3.6.1.2.1.31.1.1.1.11.1 = Counter64: 12
.1.3.6.1.2.1.31.1.1.1.11.3 = Counter64: 50
)";

TEST(snmp_if_mib, decodes_state_and_64_bit_counters) {
  auto decoded = decode_interfaces(parse_snmpwalk(if_walk));
  ASSERT_TRUE(decoded) << to_string(decoded.error());
  ASSERT_EQ(decoded->size(), 2u);
  auto& port = decoded->at(3);
  EXPECT_TRUE(port.degraded.empty()) << port.degraded.front();
  EXPECT_EQ(port.descr, "p-dev1");
  EXPECT_EQ(port.name, "p-dev1");
  EXPECT_EQ(port.phys_address, (std::vector<uint8_t>{0x9a, 0x1b, 0x2c, 0x3d, 0x4e, 0x03}));
  EXPECT_EQ(port.admin_status, 2);
  EXPECT_EQ(port.oper_status, 2);
  EXPECT_EQ(port.in_octets, 18446744073709551615ull);
  EXPECT_EQ(port.in_ucast_packets, 40u);
  EXPECT_EQ(port.out_octets, 5000u);
  EXPECT_EQ(port.out_ucast_packets, 50u);
  EXPECT_EQ(decoded->at(1).admin_status, 1);
  EXPECT_TRUE(decoded->at(1).phys_address.empty());
}

TEST(snmp_if_mib, ifTable_alone_is_sound) {
  auto decoded = decode_interfaces(parse_snmpwalk(R"(.1.3.6.1.2.1.2.2.1.2.3 = STRING: "p-dev1"
.1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 1
)"));
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->at(3).degraded.empty());
  EXPECT_FALSE(decoded->at(3).in_octets);
}

struct bad_if_case {
  const char* name;
  const char* walk;
  uint32_t if_index;
  const char* reason;
};

TEST(snmp_if_mib, bad_rows_are_degraded_with_the_oid) {
  const bad_if_case cases[] = {
    {"OctetString for ifOperStatus",
     ".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"p\"\n.1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 1\n"
     ".1.3.6.1.2.1.2.2.1.8.3 = STRING: \"up\"\n",
     3, "ifOperStatus (1.3.6.1.2.1.2.2.1.8.3) is OctetString, expected Integer"},
    {"Counter32 for ifHCInOctets",
     ".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"p\"\n.1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 1\n"
     ".1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 1\n.1.3.6.1.2.1.31.1.1.1.1.3 = STRING: \"p\"\n"
     ".1.3.6.1.2.1.31.1.1.1.6.3 = Counter32: 5\n",
     3, "ifHCInOctets (1.3.6.1.2.1.31.1.1.1.6.3) is Counter32, expected Counter64"},
    {"truncated ifTable row",
     ".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"p\"\n", 3,
     "missing ifAdminStatus (1.3.6.1.2.1.2.2.1.7.3)"},
    {"truncated ifXTable row",
     ".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"p\"\n.1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 1\n"
     ".1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 1\n.1.3.6.1.2.1.31.1.1.1.1.3 = STRING: \"p\"\n",
     3, "missing ifHCOutOctets (1.3.6.1.2.1.31.1.1.1.10.3)"},
    {"ifXTable only",
     ".1.3.6.1.2.1.31.1.1.1.1.5 = STRING: \"p\"\n", 5,
     "ifIndex 5 is in ifXTable but not in ifTable"},
    {"duplicate row",
     ".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"p\"\n.1.3.6.1.2.1.2.2.1.2.3 = STRING: \"q\"\n"
     ".1.3.6.1.2.1.2.2.1.7.3 = INTEGER: 1\n.1.3.6.1.2.1.2.2.1.8.3 = INTEGER: 1\n",
     3, "duplicate 1.3.6.1.2.1.2.2.1.2.3"},
  };
  for (auto& c : cases) {
    auto decoded = decode_interfaces(parse_snmpwalk(c.walk));
    ASSERT_TRUE(decoded) << c.name;
    ASSERT_EQ(decoded->count(c.if_index), 1u) << c.name;
    EXPECT_TRUE(mentions(decoded->at(c.if_index).degraded, c.reason)) << c.name;
  }
}

TEST(snmp_if_mib, bad_indexes_fail) {
  for (auto text : {".1.3.6.1.2.1.2.2.1.2.0 = STRING: \"x\"\n",
                    ".1.3.6.1.2.1.2.2.1.2.3.1 = STRING: \"x\"\n",
                    ".1.3.6.1.2.1.31.1.1.1.1.0 = STRING: \"x\"\n"}) {
    auto decoded = decode_interfaces(parse_snmpwalk(text));
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(code_of(decoded.error()), ec::device_bad_reply);
    EXPECT_NE(detail_of(decoded.error()).find("not a valid ifIndex"), std::string::npos);
  }
}

// --- BRIDGE-MIB ---------------------------------------------------------------

// What the lab's pass_persist script serves from `bridge fdb show`: bridge
// ports 1 and 2 are ifIndex 3 and 4; the bridge's own address is self(4).
const char* bridge_walk = R"(.1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: 3
.1.3.6.1.2.1.17.1.4.1.2.2 = INTEGER: 4
.1.3.6.1.2.1.17.4.3.1.1.2.153.0.0.0.17 = Hex-STRING: 02 99 00 00 00 11 
.1.3.6.1.2.1.17.4.3.1.1.2.153.0.0.0.18 = Hex-STRING: 02 99 00 00 00 12 
.1.3.6.1.2.1.17.4.3.1.1.2.153.0.0.0.21 = Hex-STRING: 02 99 00 00 00 15 
.1.3.6.1.2.1.17.4.3.1.1.2.153.0.0.0.22 = Hex-STRING: 02 99 00 00 00 16 
.1.3.6.1.2.1.17.4.3.1.1.154.27.44.61.78.3 = Hex-STRING: 9A 1B 2C 3D 4E 03 
.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 1
.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.18 = INTEGER: 2
.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.21 = INTEGER: 2
.1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.22 = INTEGER: 2
.1.3.6.1.2.1.17.4.3.1.2.154.27.44.61.78.3 = INTEGER: 0
.1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17 = INTEGER: 3
.1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.18 = INTEGER: 3
.1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.21 = INTEGER: 5
.1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.22 = INTEGER: 2
.1.3.6.1.2.1.17.4.3.1.3.154.27.44.61.78.3 = INTEGER: 4
)";

TEST(snmp_bridge_mib, maps_learned_macs_to_if_index) {
  auto varbinds = parse_snmpwalk(bridge_walk);
  EXPECT_FALSE(check_walk_order(varbinds));
  auto ports = decode_bridge_port_if_index(varbinds);
  ASSERT_TRUE(ports) << to_string(ports.error());
  EXPECT_EQ(*ports, (std::map<uint32_t, uint32_t>{{1, 3}, {2, 4}}));
  auto fdb = decode_forwarding_table(varbinds, *ports);
  ASSERT_TRUE(fdb) << to_string(fdb.error());
  // learned(3) and mgmt(5, a pinned static entry) locate a MAC; self(4)
  // and invalid(2) do not.
  EXPECT_EQ(fdb->if_index_by_mac, (std::map<std::string, uint32_t>{{"02:99:00:00:00:11", 3},
                                                                    {"02:99:00:00:00:12", 4},
                                                                    {"02:99:00:00:00:15", 4}}));
  EXPECT_TRUE(fdb->degraded.empty());
}

TEST(snmp_bridge_mib, bad_port_map_fails) {
  const char* cases[] = {
    ".1.3.6.1.2.1.17.1.4.1.2.1 = STRING: \"3\"\n",
    ".1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: 0\n",
    ".1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: -4\n",
    ".1.3.6.1.2.1.17.1.4.1.2.1.1 = INTEGER: 3\n",
    ".1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: 3\n.1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: 4\n",
  };
  for (auto text : cases) {
    auto ports = decode_bridge_port_if_index(parse_snmpwalk(text));
    ASSERT_FALSE(ports) << text;
    EXPECT_EQ(code_of(ports.error()), ec::device_bad_reply);
    EXPECT_NE(detail_of(ports.error()).find("1.3.6.1.2.1.17.1.4.1.2.1"), std::string::npos);
  }
}

TEST(snmp_bridge_mib, bad_fdb_rows_are_reported_and_skipped) {
  const std::map<uint32_t, uint32_t> ports{{1, 3}};
  struct fdb_case {
    const char* walk;
    const char* reason;
  };
  const fdb_case cases[] = {
    {".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = STRING: \"1\"\n"
     ".1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17 = INTEGER: 3\n",
     "dot1dTpFdbPort (1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17) is OctetString"},
    {".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 1\n",
     "missing dot1dTpFdbStatus (1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17)"},
    {".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 7\n"
     ".1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17 = INTEGER: 3\n",
     "bridge port 7 has no dot1dBasePortIfIndex"},
    {".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.17 = INTEGER: 1\n"
     ".1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.17 = INTEGER: 3\n",
     "index is not a MAC address"},
    {".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.999 = INTEGER: 1\n"
     ".1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.999 = INTEGER: 3\n",
     "index is not a MAC address"},
    {".1.3.6.1.2.1.17.4.3.1.1.2.153.0.0.0.17 = Hex-STRING: 02 99 00 00 00 18\n"
     ".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 1\n"
     ".1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17 = INTEGER: 3\n",
     "dot1dTpFdbAddress 02:99:00:00:00:18 differs from the index"},
    {".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 1\n"
     ".1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17 = INTEGER: 1\n"
     ".1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17 = INTEGER: 3\n",
     "duplicate 1.3.6.1.2.1.17.4.3.1.2.2.153.0.0.0.17"},
  };
  for (auto& c : cases) {
    auto fdb = decode_forwarding_table(parse_snmpwalk(c.walk), ports);
    ASSERT_TRUE(fdb) << c.walk;
    EXPECT_TRUE(fdb->if_index_by_mac.empty()) << c.walk;
    EXPECT_TRUE(mentions(fdb->degraded, c.reason)) << c.walk << "\n" << fdb->degraded.at(0);
  }
}

// --- the local-port pitfall ---------------------------------------------------

// lldpd on Linux: lldpLocPortNum is the ifIndex and the port id is the
// port's MAC (subtype 3), the description its name.
const char* lldpd_local_walk = R"(.1.0.8802.1.1.2.1.3.7.1.2.3 = INTEGER: 3
.1.0.8802.1.1.2.1.3.7.1.2.4 = INTEGER: 3
.1.0.8802.1.1.2.1.3.7.1.3.3 = Hex-STRING: 9A 1B 2C 3D 4E 03 
.1.0.8802.1.1.2.1.3.7.1.3.4 = Hex-STRING: 9A 1B 2C 3D 4E 04 
.1.0.8802.1.1.2.1.3.7.1.4.3 = STRING: "p-dev1"
.1.0.8802.1.1.2.1.3.7.1.4.4 = STRING: "p-sw2"
)";

// A switch that numbers LLDP ports by bridge port: port ids are local (7)
// "1", "2", ifIndexes are 10001.. and ifIndex 2 is a VLAN interface, so
// taking localPortNum 2 as an ifIndex would be wrong.
const char* bridge_style_walk = R"(.1.0.8802.1.1.2.1.3.7.1.2.1 = INTEGER: 7
.1.0.8802.1.1.2.1.3.7.1.2.2 = INTEGER: 7
.1.0.8802.1.1.2.1.3.7.1.3.1 = STRING: "1"
.1.0.8802.1.1.2.1.3.7.1.3.2 = STRING: "2"
.1.3.6.1.2.1.2.2.1.2.2 = STRING: "VLAN 1"
.1.3.6.1.2.1.2.2.1.2.10001 = STRING: "GigabitEthernet1/0/1"
.1.3.6.1.2.1.2.2.1.2.10002 = STRING: "GigabitEthernet1/0/2"
.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.10001 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.10002 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.10001 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.10002 = INTEGER: 1
.1.3.6.1.2.1.17.1.4.1.2.1 = INTEGER: 10001
.1.3.6.1.2.1.17.1.4.1.2.2 = INTEGER: 10002
)";

// A switch whose port ids are interface names (subtype 5) matching ifName,
// with LLDP port numbers that are neither bridge ports nor ifIndexes.
const char* ifname_style_walk = R"(.1.0.8802.1.1.2.1.3.7.1.2.7 = INTEGER: 5
.1.0.8802.1.1.2.1.3.7.1.3.7 = STRING: "Gi1/0/2"
.1.3.6.1.2.1.2.2.1.2.10001 = STRING: "GigabitEthernet1/0/1"
.1.3.6.1.2.1.2.2.1.2.10002 = STRING: "GigabitEthernet1/0/2"
.1.3.6.1.2.1.2.2.1.7.10001 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.10002 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.10001 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.10002 = INTEGER: 1
.1.3.6.1.2.1.31.1.1.1.1.10001 = STRING: "Gi1/0/1"
.1.3.6.1.2.1.31.1.1.1.1.10002 = STRING: "Gi1/0/2"
.1.3.6.1.2.1.31.1.1.1.6.10001 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.6.10002 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.7.10001 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.7.10002 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.10.10001 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.10.10002 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.11.10001 = Counter64: 0
.1.3.6.1.2.1.31.1.1.1.11.10002 = Counter64: 0
)";

struct agent_tables {
  std::map<uint32_t, lldp_local_port> local_ports;
  std::map<uint32_t, uint32_t> bridge_ports;
  std::map<uint32_t, interface_state> interfaces;
};

agent_tables tables_of(const std::string& walk) {
  auto varbinds = parse_snmpwalk(walk);
  agent_tables t;
  auto local = decode_lldp_local_ports(varbinds);
  auto bridge = decode_bridge_port_if_index(varbinds);
  auto interfaces = decode_interfaces(varbinds);
  EXPECT_TRUE(local && bridge && interfaces);
  if (local && bridge && interfaces)
    t = {*local, *bridge, *interfaces};
  return t;
}

struct resolve_case {
  const char* agent;
  std::string walk;
  uint32_t local_port_num;
  uint32_t if_index;
  local_port_match how;
};

TEST(snmp_local_port, resolves_both_agent_styles) {
  const resolve_case cases[] = {
    // lldpd: the port id MAC is ifPhysAddress of ifIndex 3.
    {"lldpd", std::string(lldpd_local_walk) + if_walk, 3, 3, local_port_match::port_id_mac},
    // lldpd without ifPhysAddress in the walk: the number is the ifIndex.
    {"lldpd, no MACs", std::string(lldpd_local_walk)
                         + ".1.3.6.1.2.1.2.2.1.2.3 = STRING: \"p-dev1\"\n"
                           ".1.3.6.1.2.1.2.2.1.2.4 = STRING: \"p-sw2\"\n",
     4, 4, local_port_match::if_index},
    // Bridge-port numbering: 2 is bridge port 2 = ifIndex 10002, not the
    // VLAN interface with ifIndex 2.
    {"bridge ports", bridge_style_walk, 1, 10001, local_port_match::bridge_port},
    {"bridge ports", bridge_style_walk, 2, 10002, local_port_match::bridge_port},
    // Interface-name port ids beat the number.
    {"ifName ids", ifname_style_walk, 7, 10002, local_port_match::port_id_name},
    // Interface-name port id matching ifDescr when there is no ifName.
    {"ifDescr ids",
     ".1.0.8802.1.1.2.1.3.7.1.2.9 = INTEGER: 5\n"
     ".1.0.8802.1.1.2.1.3.7.1.3.9 = STRING: \"GigabitEthernet1/0/1\"\n"
       + std::string(bridge_style_walk),
     9, 10001, local_port_match::port_id_name},
  };
  for (auto& c : cases) {
    auto t = tables_of(c.walk);
    auto resolved = resolve_local_port(c.local_port_num, t.local_ports, t.bridge_ports,
                                       t.interfaces);
    ASSERT_TRUE(resolved) << c.agent << ": " << to_string(resolved.error());
    EXPECT_EQ(resolved->if_index, c.if_index) << c.agent;
    EXPECT_EQ(resolved->how, c.how) << c.agent;
  }
}

TEST(snmp_local_port, ambiguous_or_unknown_ports) {
  // Two interfaces share the port id's name: no name match; the number is
  // then taken as the ifIndex.
  auto t = tables_of(".1.0.8802.1.1.2.1.3.7.1.2.1 = INTEGER: 5\n"
                     ".1.0.8802.1.1.2.1.3.7.1.3.1 = STRING: \"eth0\"\n"
                     ".1.3.6.1.2.1.2.2.1.2.1 = STRING: \"eth0\"\n"
                     ".1.3.6.1.2.1.2.2.1.2.2 = STRING: \"eth0\"\n");
  auto resolved = resolve_local_port(1, t.local_ports, t.bridge_ports, t.interfaces);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->how, local_port_match::if_index);
  // A number that is no bridge port and no ifIndex.
  auto unknown = resolve_local_port(5, t.local_ports, t.bridge_ports, t.interfaces);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(code_of(unknown.error()), ec::not_found);
  EXPECT_NE(detail_of(unknown.error()).find("LLDP local port 5"), std::string::npos);
  // Nothing known about the agent: taken on trust.
  auto trusted = resolve_local_port(5, {}, {}, {});
  ASSERT_TRUE(trusted);
  EXPECT_EQ(*trusted, (resolved_local_port{5, local_port_match::if_index}));
}

TEST(snmp_local_port, decodes_rows_and_degrades_bad_ones) {
  auto ports = decode_lldp_local_ports(parse_snmpwalk(lldpd_local_walk));
  ASSERT_TRUE(ports);
  ASSERT_EQ(ports->size(), 2u);
  EXPECT_EQ(ports->at(3).port_id, "9a:1b:2c:3d:4e:03");
  EXPECT_EQ(ports->at(3).description, "p-dev1");
  EXPECT_TRUE(ports->at(3).degraded.empty());

  auto bad = decode_lldp_local_ports(parse_snmpwalk(R"(.1.0.8802.1.1.2.1.3.7.1.2.1 = Gauge32: 7
.1.0.8802.1.1.2.1.3.7.1.2.2 = INTEGER: 7
)"));
  ASSERT_TRUE(bad);
  EXPECT_TRUE(mentions(bad->at(1).degraded, "lldpLocPortIdSubtype (1.0.8802.1.1.2.1.3.7.1.2.1) is Gauge32"));
  EXPECT_TRUE(mentions(bad->at(2).degraded, "missing lldpLocPortId (1.0.8802.1.1.2.1.3.7.1.3.2)"));

  auto bad_index = decode_lldp_local_ports(parse_snmpwalk(".1.0.8802.1.1.2.1.3.7.1.3.1.1 = STRING: \"x\"\n"));
  ASSERT_FALSE(bad_index);
  EXPECT_NE(detail_of(bad_index.error()).find("1.0.8802.1.1.2.1.3.7.1.3.1.1"), std::string::npos);
}

} // namespace
