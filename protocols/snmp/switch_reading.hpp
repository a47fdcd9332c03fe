#pragma once

// What an SNMP switch's walks mean for the topology: the pure mapping from
// the varbinds of IF-MIB, BRIDGE-MIB and LLDP-MIB to an element_reading
// (neighbours) and a counter_reading. No I/O: snmp_switch_adapter collects
// the varbinds, these functions decide. Never throws, never fails: every
// table that cannot be decoded and every decoder `degraded` reason becomes a
// reason in the reading, which still holds whatever was sound.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/network/element_backend.hpp"
#include "actors/network/topology_model.hpp"
#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

/// The OIDs the switch adapter reads.
namespace switch_oids {
/// IF-MIB ifTable columns: ifIndex 1, ifDescr 2, ifPhysAddress 6,
/// ifAdminStatus 7, ifOperStatus 8 (append the column and the ifIndex).
inline const object_identifier if_entry = {1, 3, 6, 1, 2, 1, 2, 2, 1};
/// IF-MIB ifXTable columns: ifName 1, ifHCInOctets 6, ifHCInUcastPkts 7,
/// ifHCOutOctets 10, ifHCOutUcastPkts 11.
inline const object_identifier if_x_entry = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
/// BRIDGE-MIB dot1dBaseBridgeAddress.0.
inline const object_identifier bridge_address = {1, 3, 6, 1, 2, 1, 17, 1, 1, 0};
/// BRIDGE-MIB dot1dBasePortIfIndex.
inline const object_identifier bridge_port_if_index = {1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2};
/// BRIDGE-MIB dot1dTpFdbEntry (columns port 2, status 3).
inline const object_identifier fdb_entry = {1, 3, 6, 1, 2, 1, 17, 4, 3, 1};
/// LLDP-MIB lldpLocChassisIdSubtype.0 and lldpLocChassisId.0.
inline const object_identifier lldp_local_chassis_subtype = {1, 0, 8802, 1, 1, 2, 1, 3, 1, 0};
inline const object_identifier lldp_local_chassis_id = {1, 0, 8802, 1, 1, 2, 1, 3, 2, 0};
/// LLDP-MIB lldpLocPortEntry.
inline const object_identifier lldp_local_port_entry = {1, 0, 8802, 1, 1, 2, 1, 3, 7, 1};
/// LLDP-MIB lldpRemEntry, lldpRemManAddrEntry, lldpRemOrgDefInfoEntry.
inline const object_identifier lldp_remote_entry = {1, 0, 8802, 1, 1, 2, 1, 4, 1, 1};
inline const object_identifier lldp_remote_address_entry = {1, 0, 8802, 1, 1, 2, 1, 4, 2, 1};
inline const object_identifier lldp_remote_org_entry = {1, 0, 8802, 1, 1, 2, 1, 4, 4, 1};

/// `entry` + column.
object_identifier column(const object_identifier& entry, uint32_t column);

/// The columns read for neighbours and counters, in walk order: ifDescr,
/// ifPhysAddress, ifAdminStatus, ifOperStatus, ifName and the four HC
/// counters.
std::vector<object_identifier> interface_columns();
} // namespace switch_oids

/// The raw material of one neighbour reading: each table's varbinds as one
/// walk (or the GET) returned them. A table that could not be read is empty
/// and has its reason in `degraded`.
struct switch_walks {
  /// The GET of lldpLocChassisIdSubtype.0, lldpLocChassisId.0 and
  /// dot1dBaseBridgeAddress.0 (absent objects as no_value).
  std::vector<varbind> chassis;
  /// ifTable and ifXTable columns (switch_oids::interface_columns()).
  std::vector<varbind> interfaces;
  /// dot1dBasePortIfIndex.
  std::vector<varbind> bridge_ports;
  /// dot1dTpFdbTable.
  std::vector<varbind> fdb;
  /// lldpLocPortTable.
  std::vector<varbind> lldp_local_ports;
  /// lldpRemTable, lldpRemManAddrTable and lldpRemOrgDefInfoTable.
  std::vector<varbind> lldp_remote;
  /// Why a table is missing ("dot1dTpFdbTable (1.3.6.1.2.1.17.4.3.1): ...").
  std::vector<std::string> degraded;
};

/// The chassis MAC ("aa:bb:cc:dd:ee:ff", lower case) the switch reports for
/// itself: lldpLocChassisId when its subtype is macAddress (4) and it has
/// six bytes (what LLDP peers see), else dot1dBaseBridgeAddress when it has
/// six bytes, else "" and a reason in `degraded` (also for a mistyped
/// value, naming the OID).
std::string reported_chassis_mac(const std::vector<varbind>& chassis,
                                 std::vector<std::string>& degraded);

/// The neighbour reading of switch `reporter` (its chassis_mac is replaced
/// by reported_chassis_mac when that is not empty). Ports:
/// - one per IF-MIB interface (port_id the ifIndex, name its ifName, or its
///   ifDescr when ifName is empty), in ifIndex order;
/// - LLDP neighbours (chassis id and port id as rendered by the LLDP-MIB
///   decoder) on the interface resolve_local_port finds for their
///   localPortNum: lldpLocPortTable's port id against ifName/ifDescr/
///   ifPhysAddress, then the bridge port map, then the number as ifIndex.
///   A local port that resolves to nothing drops its neighbours with a
///   reason; a neighbour without a chassis id is dropped (the decoder's
///   reason says why);
/// - learned MACs from the FDB (status learned only), mapped through
///   dot1dBasePortIfIndex, sorted.
/// A neighbour or MAC on an ifIndex the interface walk did not list gets a
/// port of its own (name ""). `degraded` = walks.degraded, then every
/// decoder failure (naming the table) and every decoder reason.
network::element_reading to_element_reading(const topology::element& reporter,
                                            const switch_walks& walks,
                                            std::int64_t observed_at_ms,
                                            const decode_limits& limits = {});

/// The counter reading of the interface columns (switch_oids::
/// interface_columns()): one port per interface in ifIndex order, name as
/// in to_element_reading, statuses 0 and counters 0 where absent. `degraded`
/// = `walk_degraded`, then the decoder's failure or reasons.
network::counter_reading to_counter_reading(const std::vector<varbind>& interfaces,
                                            std::vector<std::string> walk_degraded,
                                            std::int64_t observed_at_ms,
                                            const decode_limits& limits = {});

} // namespace kagami::protocols::snmp
