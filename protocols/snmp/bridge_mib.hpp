#pragma once

// BRIDGE-MIB: the bridge-port to ifIndex map (dot1dBasePortIfIndex,
// 1.3.6.1.2.1.17.1.4.1.2) and the learned forwarding table (dot1dTpFdbTable,
// 1.3.6.1.2.1.17.4.3.1), which locate devices that send no LLDP.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

/// Bridge port number -> ifIndex, from dot1dBasePortIfIndex
/// (1.3.6.1.2.1.17.1.4.1.2.<port> = INTEGER ifIndex). Other varbinds are
/// ignored. Fails with ec::device_bad_reply naming the OID on a port index
/// that is not one sub-identifier, a value that is not an Integer in
/// 1..2^31-1, a duplicate port, more than limits.max_rows ports, or
/// check_limits violations.
caf::expected<std::map<uint32_t, uint32_t>>
decode_bridge_port_if_index(const std::vector<varbind>& varbinds,
                            const decode_limits& limits = {});

/// The learned entries of the forwarding table, located.
struct forwarding_table {
  /// "02:99:00:00:00:11" (lower case) -> ifIndex, for rows with status
  /// learned(3) or mgmt(5) (a static, pinned entry) whose port maps through
  /// dot1dBasePortIfIndex.
  std::map<std::string, uint32_t> if_index_by_mac;
  /// One reason per row that was skipped because it is malformed or
  /// incomplete (each names the OID), or learned on a port without an
  /// ifIndex. Rows with other statuses (self, other, invalid) are skipped
  /// silently.
  std::vector<std::string> degraded;

  friend bool operator==(const forwarding_table&, const forwarding_table&) = default;
};

/// Decodes dot1dTpFdbTable (index: the MAC as six sub-identifiers; columns
/// address 1, port 2, status 3) and maps ports through `port_if_index`
/// (decode_bridge_port_if_index). Fails with ec::device_bad_reply on more
/// than limits.max_rows rows or check_limits violations; row problems go to
/// `degraded`. Never throws.
caf::expected<forwarding_table>
decode_forwarding_table(const std::vector<varbind>& varbinds,
                        const std::map<uint32_t, uint32_t>& port_if_index,
                        const decode_limits& limits = {});

} // namespace kagami::protocols::snmp
