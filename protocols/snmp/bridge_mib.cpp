#include "protocols/snmp/bridge_mib.hpp"

#include <limits>

#include "actors/core/error.hpp"
#include "protocols/snmp/table_rows.hpp"

namespace kagami::protocols::snmp {

namespace {

const object_identifier base_port_if_index = {1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2};
const object_identifier fdb_entry = {1, 3, 6, 1, 2, 1, 17, 4, 3, 1};

constexpr int64_t fdb_learned = 3;
/// A static entry an administrator pinned (MAC pinning): where the device is
/// by the switch's own configuration.
constexpr int64_t fdb_mgmt = 5;

caf::error bad(const object_identifier& oid, const std::string& why) {
  return make_error(ec::device_bad_reply, to_string(oid) + ": " + why);
}

} // namespace

caf::expected<std::map<uint32_t, uint32_t>>
decode_bridge_port_if_index(const std::vector<varbind>& varbinds,
                            const decode_limits& limits) {
  if (auto err = check_limits(varbinds, limits))
    return err;
  std::map<uint32_t, uint32_t> result;
  for (auto& vb : varbinds) {
    if (!starts_with(vb.oid, base_port_if_index))
      continue;
    if (std::holds_alternative<no_value>(vb.value))
      continue;
    if (vb.oid.size() != base_port_if_index.size() + 1)
      return bad(vb.oid, "dot1dBasePortIfIndex index is not one bridge port");
    auto* value = std::get_if<integer_value>(&vb.value);
    if (value == nullptr)
      return bad(vb.oid, "dot1dBasePortIfIndex is " + type_name(vb.value)
                           + ", expected Integer");
    if (value->value < 1 || value->value > std::numeric_limits<int32_t>::max())
      return bad(vb.oid, "dot1dBasePortIfIndex " + std::to_string(value->value)
                           + " is not an ifIndex");
    if (result.size() >= limits.max_rows)
      return bad(vb.oid, "more than " + std::to_string(limits.max_rows) + " bridge ports");
    if (!result.emplace(vb.oid.back(), static_cast<uint32_t>(value->value)).second)
      return bad(vb.oid, "duplicate bridge port");
  }
  return result;
}

caf::expected<forwarding_table>
decode_forwarding_table(const std::vector<varbind>& varbinds,
                        const std::map<uint32_t, uint32_t>& port_if_index,
                        const decode_limits& limits) {
  if (auto err = check_limits(varbinds, limits))
    return err;
  auto rows = gather_rows(varbinds, fdb_entry, limits);
  if (!rows)
    return rows.error();
  forwarding_table result;
  for (auto& row : *rows) {
    auto where = to_string(fdb_entry) + ".*." + to_string(row.index);
    auto reject = [&](const std::string& why) {
      result.degraded.push_back(where + ": " + why);
    };
    if (row.index.size() != 6) {
      reject("index is not a MAC address");
      continue;
    }
    std::vector<uint8_t> mac;
    for (auto sub : row.index) {
      if (sub > 255)
        break;
      mac.push_back(static_cast<uint8_t>(sub));
    }
    if (mac.size() != 6) {
      reject("index is not a MAC address");
      continue;
    }
    require_columns(row, fdb_entry, {{2, "dot1dTpFdbPort"}, {3, "dot1dTpFdbStatus"}});
    if (auto address = read_bytes(row, 1, "dot1dTpFdbAddress"); address && *address != mac)
      row.degraded.push_back("dot1dTpFdbAddress " + hex_text(*address)
                             + " differs from the index");
    auto status = read_integer(row, 3, "dot1dTpFdbStatus");
    auto port = read_integer(row, 2, "dot1dTpFdbPort");
    if (!row.degraded.empty()) {
      for (auto& why : row.degraded)
        reject(why);
      continue;
    }
    if (*status != fdb_learned && *status != fdb_mgmt)
      continue;
    if (*port < 0 || *port > std::numeric_limits<uint32_t>::max()) {
      reject("dot1dTpFdbPort " + std::to_string(*port) + " out of range");
      continue;
    }
    auto it = port_if_index.find(static_cast<uint32_t>(*port));
    if (it == port_if_index.end()) {
      reject("bridge port " + std::to_string(*port) + " has no dot1dBasePortIfIndex");
      continue;
    }
    result.if_index_by_mac[hex_text(mac)] = it->second;
  }
  return result;
}

} // namespace kagami::protocols::snmp
