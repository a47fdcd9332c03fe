#pragma once

// LLDP-MIB remote systems data (1.0.8802.1.1.2.1.4), as lldpd -x feeds it
// to snmpd: lldpRemTable (.1.1), lldpRemManAddrTable (.2.1) and
// lldpRemOrgDefInfoTable (.4.1, which carries the HTIP TLVs of OUI
// E0-27-1A). Every row is indexed timeMark.localPortNum.remIndex; map
// localPortNum to an interface with resolve_local_port
// (lldp_local_port.hpp).

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

/// The TTC OUI of HTIP's organizationally specific TLVs.
inline constexpr std::array<uint8_t, 3> htip_oui = {0xe0, 0x27, 0x1a};

/// lldpRemManAddrTable: the address comes from the row index.
struct lldp_management_address {
  uint32_t subtype = 0;           ///< IANA address family: 1 IPv4, 2 IPv6
  std::vector<uint8_t> address;   ///< raw bytes
  std::string text;               ///< "10.99.0.2", an IPv6 text, or hex

  friend bool operator==(const lldp_management_address&, const lldp_management_address&) = default;
};

/// One lldpRemOrgDefInfoTable row.
struct lldp_org_tlv {
  std::array<uint8_t, 3> oui{};
  uint32_t subtype = 0;
  uint32_t info_index = 0;
  std::vector<uint8_t> info; ///< the TLV's information string, raw

  friend bool operator==(const lldp_org_tlv&, const lldp_org_tlv&) = default;
};

/// One remote system seen on a local port.
struct lldp_neighbour {
  uint32_t time_mark = 0;
  uint32_t local_port_num = 0;
  uint32_t remote_index = 0;
  /// LldpChassisIdSubtype: 4 macAddress, 5 networkAddress, 1-3/6/7 text.
  int64_t chassis_id_subtype = 0;
  std::vector<uint8_t> chassis_id_raw;
  /// "02:99:00:00:01:01" for subtype 4, "10.99.0.2" for 5, else the text
  /// (hex when not printable).
  std::string chassis_id;
  /// LldpPortIdSubtype: 3 macAddress, 4 networkAddress, others text.
  int64_t port_id_subtype = 0;
  std::vector<uint8_t> port_id_raw;
  std::string port_id; ///< rendered like chassis_id, by the port subtype
  std::string port_description;
  std::string system_name;
  std::vector<lldp_management_address> management_addresses;
  /// Every org-defined TLV of this neighbour, in index order (HTIP ones
  /// have oui == htip_oui).
  std::vector<lldp_org_tlv> org_tlvs;
  /// Reasons the row is incomplete or malformed (each names the OID);
  /// empty when sound.
  std::vector<std::string> degraded;

  friend bool operator==(const lldp_neighbour&, const lldp_neighbour&) = default;
};

/// localPortNum -> its neighbours in index order.
using lldp_neighbours_by_port = std::map<uint32_t, std::vector<lldp_neighbour>>;

/// Renders an LLDP id by its subtype (`mac_subtype` is 4 for chassis ids and
/// 3 for port ids, `address_subtype` 5 and 4): six bytes as a MAC, an
/// address-family byte plus an IPv4/IPv6 address as the address, anything
/// else as printable text or hex.
std::string render_lldp_id(int64_t subtype, const std::vector<uint8_t>& id,
                           int64_t mac_subtype, int64_t address_subtype);

/// Decodes the three remote tables from `varbinds` (other varbinds are
/// ignored). A neighbour exists for every timeMark.localPortNum.remIndex
/// seen in any of them and needs lldpRemChassisIdSubtype,
/// lldpRemChassisId, lldpRemPortIdSubtype and lldpRemPortId: missing
/// (truncated table) or mistyped columns and duplicate cells are reasons in
/// `degraded`, never a throw. Fails with ec::device_bad_reply naming the
/// OID on an index that does not fit its table (lldpRemTable: three
/// sub-identifiers; lldpRemManAddrTable: the three, a subtype, a length and
/// that many octets; lldpRemOrgDefInfoTable: the three, three OUI octets, a
/// subtype and an info index), more than limits.max_rows rows in one table,
/// or check_limits violations.
caf::expected<lldp_neighbours_by_port>
decode_lldp_remote(const std::vector<varbind>& varbinds, const decode_limits& limits = {});

} // namespace kagami::protocols::snmp
