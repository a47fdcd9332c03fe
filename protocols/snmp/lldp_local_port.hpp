#pragma once

// The LLDP local-port pitfall. LLDP-MIB rows name the local port by
// lldpLocPortNum; lldpd on Linux uses the ifIndex, many switches use the
// bridge port number. lldpLocPortTable (1.0.8802.1.1.2.1.3.7.1) describes
// each local port; resolve_local_port turns a localPortNum into an ifIndex.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/snmp/if_mib.hpp"
#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

struct lldp_local_port {
  uint32_t local_port_num = 0;
  /// LldpPortIdSubtype (lldpLocPortIdSubtype, column 2): 3 macAddress,
  /// 5 interfaceName, 7 local, ...
  int64_t port_id_subtype = 0;
  std::vector<uint8_t> port_id_raw; ///< lldpLocPortId (3)
  std::string port_id;              ///< rendered by render_lldp_id
  std::string description;          ///< lldpLocPortDesc (4)
  /// Reasons the row is incomplete or malformed; empty when sound.
  std::vector<std::string> degraded;

  friend bool operator==(const lldp_local_port&, const lldp_local_port&) = default;
};

/// lldpLocPortNum -> the port. Needs lldpLocPortIdSubtype and
/// lldpLocPortId per row (missing or mistyped: a reason in `degraded`).
/// Fails with ec::device_bad_reply on an index that is not one
/// sub-identifier, more than limits.max_rows rows, or check_limits
/// violations.
caf::expected<std::map<uint32_t, lldp_local_port>>
decode_lldp_local_ports(const std::vector<varbind>& varbinds, const decode_limits& limits = {});

/// How resolve_local_port found the ifIndex.
enum class local_port_match {
  /// lldpLocPortId equals exactly one interface's ifName (preferred) or,
  /// failing that, ifDescr.
  port_id_name,
  /// lldpLocPortId is a MAC equal to exactly one interface's ifPhysAddress.
  port_id_mac,
  /// localPortNum is a bridge port in dot1dBasePortIfIndex.
  bridge_port,
  /// None of the above: localPortNum is taken as the ifIndex (lldpd on
  /// Linux).
  if_index,
};

struct resolved_local_port {
  uint32_t if_index = 0;
  local_port_match how = local_port_match::if_index;

  friend bool operator==(const resolved_local_port&, const resolved_local_port&) = default;
};

/// The ifIndex of LLDP local port `local_port_num`, trying in order:
///  1. its lldpLocPortTable row's port id against the interfaces: a
///     name-like id (any subtype but macAddress 3) against ifName, then
///     ifDescr; a 6-byte id (subtype 3, or any subtype) against
///     ifPhysAddress. Only a match with exactly one interface counts.
///  2. `bridge_port_if_index` (decode_bridge_port_if_index), when it has
///     the number.
///  3. the number itself as an ifIndex.
/// Step 3 fails with ec::not_found when `interfaces` is not empty and has
/// no such ifIndex (the number is then neither a known bridge port nor an
/// interface); with no interfaces known it is taken on trust.
caf::expected<resolved_local_port>
resolve_local_port(uint32_t local_port_num,
                   const std::map<uint32_t, lldp_local_port>& local_ports,
                   const std::map<uint32_t, uint32_t>& bridge_port_if_index,
                   const std::map<uint32_t, interface_state>& interfaces);

} // namespace kagami::protocols::snmp
