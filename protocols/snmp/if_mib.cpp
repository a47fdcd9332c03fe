#include "protocols/snmp/if_mib.hpp"

#include "protocols/snmp/table_rows.hpp"

namespace kagami::protocols::snmp {

namespace {

const object_identifier if_entry = {1, 3, 6, 1, 2, 1, 2, 2, 1};
const object_identifier if_x_entry = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};

caf::expected<uint32_t> if_index_of(const table_row& row, const object_identifier& entry) {
  if (row.index.size() == 1 && row.index[0] != 0)
    return row.index[0];
  return index_error(entry, row, "not a valid ifIndex");
}

std::string text_of(const std::optional<std::vector<uint8_t>>& bytes) {
  return bytes ? printable_or_hex(*bytes) : std::string{};
}

} // namespace

caf::expected<std::map<uint32_t, interface_state>>
decode_interfaces(const std::vector<varbind>& varbinds, const decode_limits& limits) {
  if (auto err = check_limits(varbinds, limits))
    return err;
  auto if_rows = gather_rows(varbinds, if_entry, limits);
  if (!if_rows)
    return if_rows.error();
  auto x_rows = gather_rows(varbinds, if_x_entry, limits);
  if (!x_rows)
    return x_rows.error();
  std::map<uint32_t, interface_state> result;
  for (auto& row : *if_rows) {
    auto index = if_index_of(row, if_entry);
    if (!index)
      return index.error();
    require_columns(row, if_entry,
                    {{2, "ifDescr"}, {7, "ifAdminStatus"}, {8, "ifOperStatus"}});
    auto& state = result[*index];
    state.if_index = *index;
    state.descr = text_of(read_bytes(row, 2, "ifDescr"));
    if (auto mac = read_bytes(row, 6, "ifPhysAddress"))
      state.phys_address = *mac;
    state.admin_status = read_integer(row, 7, "ifAdminStatus");
    state.oper_status = read_integer(row, 8, "ifOperStatus");
    state.degraded.insert(state.degraded.end(), row.degraded.begin(), row.degraded.end());
  }
  for (auto& row : *x_rows) {
    auto index = if_index_of(row, if_x_entry);
    if (!index)
      return index.error();
    require_columns(row, if_x_entry,
                    {{1, "ifName"},
                     {6, "ifHCInOctets"},
                     {7, "ifHCInUcastPkts"},
                     {10, "ifHCOutOctets"},
                     {11, "ifHCOutUcastPkts"}});
    auto [it, fresh] = result.try_emplace(*index);
    auto& state = it->second;
    state.if_index = *index;
    if (fresh)
      state.degraded.push_back("ifIndex " + std::to_string(*index)
                               + " is in ifXTable but not in ifTable");
    state.name = text_of(read_bytes(row, 1, "ifName"));
    state.in_octets = read_counter64(row, 6, "ifHCInOctets");
    state.in_ucast_packets = read_counter64(row, 7, "ifHCInUcastPkts");
    state.out_octets = read_counter64(row, 10, "ifHCOutOctets");
    state.out_ucast_packets = read_counter64(row, 11, "ifHCOutUcastPkts");
    state.degraded.insert(state.degraded.end(), row.degraded.begin(), row.degraded.end());
  }
  if (!x_rows->empty())
    for (auto& [index, state] : result)
      if (state.name.empty() && !state.in_octets && state.degraded.empty())
        state.degraded.push_back("ifIndex " + std::to_string(index)
                                 + " is missing from ifXTable");
  return result;
}

} // namespace kagami::protocols::snmp
