#pragma once

// IF-MIB: per-interface names, status and 64-bit counters from walks of
// ifTable (1.3.6.1.2.1.2.2.1) and ifXTable (1.3.6.1.2.1.31.1.1.1).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

struct interface_state {
  uint32_t if_index = 0;
  std::string descr;                 ///< ifDescr (2)
  std::string name;                  ///< ifName (ifXTable 1); "" when absent
  std::vector<uint8_t> phys_address; ///< ifPhysAddress (6); empty when absent
  /// ifAdminStatus (7) / ifOperStatus (8): 1 up, 2 down, 3 testing, ...
  std::optional<int64_t> admin_status;
  std::optional<int64_t> oper_status;
  /// ifXTable ifHCInOctets (6), ifHCInUcastPkts (7), ifHCOutOctets (10),
  /// ifHCOutUcastPkts (11).
  std::optional<uint64_t> in_octets, in_ucast_packets, out_octets, out_ucast_packets;
  /// Reasons the row is incomplete or malformed (each names the OID); empty
  /// when the row is sound.
  std::vector<std::string> degraded;

  friend bool operator==(const interface_state&, const interface_state&) = default;
};

/// ifIndex -> state. `varbinds` may hold both tables and anything else
/// (ignored). A row lacks nothing only if it has ifDescr, ifAdminStatus and
/// ifOperStatus, and, when the input holds any ifXTable cell, also ifName
/// and the four HC counters; each missing or mistyped cell is a reason in
/// `degraded`. Fails with ec::device_bad_reply naming the OID on an index
/// that is not one non-zero sub-identifier, and on check_limits violations.
/// Never throws.
caf::expected<std::map<uint32_t, interface_state>>
decode_interfaces(const std::vector<varbind>& varbinds, const decode_limits& limits = {});

} // namespace kagami::protocols::snmp
