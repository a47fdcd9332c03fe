#include "protocols/snmp/lldp_local_port.hpp"

#include <optional>

#include "actors/core/error.hpp"
#include "protocols/snmp/lldp_mib.hpp"
#include "protocols/snmp/table_rows.hpp"

namespace kagami::protocols::snmp {

namespace {

const object_identifier loc_port_entry = {1, 0, 8802, 1, 1, 2, 1, 3, 7, 1};

constexpr int64_t port_id_mac_subtype = 3;

/// The one interface for which `matches` holds, if exactly one does.
template <class Predicate>
std::optional<uint32_t> only_match(const std::map<uint32_t, interface_state>& interfaces,
                                   Predicate matches) {
  std::optional<uint32_t> found;
  for (auto& [index, state] : interfaces) {
    if (!matches(state))
      continue;
    if (found)
      return std::nullopt;
    found = index;
  }
  return found;
}

} // namespace

caf::expected<std::map<uint32_t, lldp_local_port>>
decode_lldp_local_ports(const std::vector<varbind>& varbinds, const decode_limits& limits) {
  if (auto err = check_limits(varbinds, limits))
    return err;
  auto rows = gather_rows(varbinds, loc_port_entry, limits);
  if (!rows)
    return rows.error();
  std::map<uint32_t, lldp_local_port> result;
  for (auto& row : *rows) {
    if (row.index.size() != 1)
      return index_error(loc_port_entry, row, "lldpLocPortTable index is not one lldpLocPortNum");
    require_columns(row, loc_port_entry,
                    {{2, "lldpLocPortIdSubtype"}, {3, "lldpLocPortId"}});
    lldp_local_port port;
    port.local_port_num = row.index[0];
    port.port_id_subtype = read_integer(row, 2, "lldpLocPortIdSubtype").value_or(0);
    port.port_id_raw = read_bytes(row, 3, "lldpLocPortId").value_or(std::vector<uint8_t>{});
    port.port_id = render_lldp_id(port.port_id_subtype, port.port_id_raw, 3, 4);
    if (auto desc = read_bytes(row, 4, "lldpLocPortDesc"))
      port.description = printable_or_hex(*desc);
    port.degraded = std::move(row.degraded);
    result.emplace(port.local_port_num, std::move(port));
  }
  return result;
}

caf::expected<resolved_local_port>
resolve_local_port(uint32_t local_port_num,
                   const std::map<uint32_t, lldp_local_port>& local_ports,
                   const std::map<uint32_t, uint32_t>& bridge_port_if_index,
                   const std::map<uint32_t, interface_state>& interfaces) {
  if (auto it = local_ports.find(local_port_num); it != local_ports.end()) {
    auto& port = it->second;
    auto& id = port.port_id_raw;
    if (!id.empty() && port.port_id_subtype != port_id_mac_subtype) {
      std::string text(id.begin(), id.end());
      if (auto hit = only_match(interfaces, [&](auto& s) { return s.name == text; }))
        return resolved_local_port{*hit, local_port_match::port_id_name};
      if (auto hit = only_match(interfaces, [&](auto& s) { return s.descr == text; }))
        return resolved_local_port{*hit, local_port_match::port_id_name};
    }
    if (id.size() == 6)
      if (auto hit = only_match(interfaces, [&](auto& s) { return s.phys_address == id; }))
        return resolved_local_port{*hit, local_port_match::port_id_mac};
  }
  if (auto it = bridge_port_if_index.find(local_port_num); it != bridge_port_if_index.end())
    return resolved_local_port{it->second, local_port_match::bridge_port};
  if (!interfaces.empty() && interfaces.count(local_port_num) == 0)
    return make_error(ec::not_found,
                      "LLDP local port " + std::to_string(local_port_num)
                        + " matches no interface by port id, bridge port or ifIndex");
  return resolved_local_port{local_port_num, local_port_match::if_index};
}

} // namespace kagami::protocols::snmp
