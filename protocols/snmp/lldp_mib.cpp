#include "protocols/snmp/lldp_mib.hpp"

#include <arpa/inet.h>

#include <tuple>

#include "actors/core/error.hpp"
#include "protocols/snmp/table_rows.hpp"

namespace kagami::protocols::snmp {

namespace {

const object_identifier rem_entry = {1, 0, 8802, 1, 1, 2, 1, 4, 1, 1};
const object_identifier man_addr_entry = {1, 0, 8802, 1, 1, 2, 1, 4, 2, 1};
const object_identifier org_def_entry = {1, 0, 8802, 1, 1, 2, 1, 4, 4, 1};

using remote_key = std::tuple<uint32_t, uint32_t, uint32_t>;

bool octets(const object_identifier& index, size_t from, size_t count,
            std::vector<uint8_t>& out) {
  if (from + count > index.size())
    return false;
  out.clear();
  for (size_t i = from; i < from + count; ++i) {
    if (index[i] > 255)
      return false;
    out.push_back(static_cast<uint8_t>(index[i]));
  }
  return true;
}

std::string address_text(uint32_t family, const std::vector<uint8_t>& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (family == 1 && address.size() == 4
      && ::inet_ntop(AF_INET, address.data(), text, sizeof(text)) != nullptr)
    return text;
  if (family == 2 && address.size() == 16
      && ::inet_ntop(AF_INET6, address.data(), text, sizeof(text)) != nullptr)
    return text;
  return hex_text(address);
}

lldp_neighbour& neighbour_at(std::map<remote_key, lldp_neighbour>& all,
                             const object_identifier& index) {
  remote_key key{index[0], index[1], index[2]};
  auto [it, fresh] = all.try_emplace(key);
  if (fresh) {
    it->second.time_mark = index[0];
    it->second.local_port_num = index[1];
    it->second.remote_index = index[2];
  }
  return it->second;
}

std::string no_remote_row(const object_identifier& index) {
  return "no lldpRemTable row " + to_string(object_identifier(index.begin(), index.begin() + 3))
         + " (truncated table)";
}

void take_reasons(lldp_neighbour& n, table_row& row) {
  n.degraded.insert(n.degraded.end(), row.degraded.begin(), row.degraded.end());
}

} // namespace

std::string render_lldp_id(int64_t subtype, const std::vector<uint8_t>& id,
                           int64_t mac_subtype, int64_t address_subtype) {
  if (subtype == mac_subtype && id.size() == 6)
    return hex_text(id);
  if (subtype == address_subtype && id.size() >= 2)
    return address_text(id[0], std::vector<uint8_t>(id.begin() + 1, id.end()));
  return printable_or_hex(id);
}

caf::expected<lldp_neighbours_by_port>
decode_lldp_remote(const std::vector<varbind>& varbinds, const decode_limits& limits) {
  if (auto err = check_limits(varbinds, limits))
    return err;
  auto rem_rows = gather_rows(varbinds, rem_entry, limits);
  if (!rem_rows)
    return rem_rows.error();
  auto man_rows = gather_rows(varbinds, man_addr_entry, limits);
  if (!man_rows)
    return man_rows.error();
  auto org_rows = gather_rows(varbinds, org_def_entry, limits);
  if (!org_rows)
    return org_rows.error();
  std::map<remote_key, lldp_neighbour> all;
  for (auto& row : *rem_rows) {
    if (row.index.size() != 3)
      return index_error(rem_entry, row, "lldpRemTable index is not timeMark.localPortNum.remIndex");
    auto& n = neighbour_at(all, row.index);
    require_columns(row, rem_entry,
                    {{4, "lldpRemChassisIdSubtype"},
                     {5, "lldpRemChassisId"},
                     {6, "lldpRemPortIdSubtype"},
                     {7, "lldpRemPortId"}});
    n.chassis_id_subtype = read_integer(row, 4, "lldpRemChassisIdSubtype").value_or(0);
    n.chassis_id_raw = read_bytes(row, 5, "lldpRemChassisId").value_or(std::vector<uint8_t>{});
    n.chassis_id = render_lldp_id(n.chassis_id_subtype, n.chassis_id_raw, 4, 5);
    n.port_id_subtype = read_integer(row, 6, "lldpRemPortIdSubtype").value_or(0);
    n.port_id_raw = read_bytes(row, 7, "lldpRemPortId").value_or(std::vector<uint8_t>{});
    n.port_id = render_lldp_id(n.port_id_subtype, n.port_id_raw, 3, 4);
    if (auto desc = read_bytes(row, 8, "lldpRemPortDesc"))
      n.port_description = printable_or_hex(*desc);
    if (auto name = read_bytes(row, 9, "lldpRemSysName"))
      n.system_name = printable_or_hex(*name);
    take_reasons(n, row);
  }
  for (auto& row : *man_rows) {
    // timeMark.localPortNum.remIndex.subtype.length.address...
    std::vector<uint8_t> address;
    if (row.index.size() < 5 || row.index[4] != row.index.size() - 5
        || !octets(row.index, 5, row.index[4], address))
      return index_error(man_addr_entry, row, "lldpRemManAddrTable index is malformed");
    bool known = all.count({row.index[0], row.index[1], row.index[2]}) > 0;
    auto& n = neighbour_at(all, row.index);
    if (!known)
      n.degraded.push_back(no_remote_row(row.index));
    n.management_addresses.push_back(
      {row.index[3], address, address_text(row.index[3], address)});
    take_reasons(n, row);
  }
  for (auto& row : *org_rows) {
    // timeMark.localPortNum.remIndex.oui(3).subtype.infoIndex
    std::vector<uint8_t> oui;
    if (row.index.size() != 8 || !octets(row.index, 3, 3, oui))
      return index_error(org_def_entry, row, "lldpRemOrgDefInfoTable index is malformed");
    bool known = all.count({row.index[0], row.index[1], row.index[2]}) > 0;
    auto& n = neighbour_at(all, row.index);
    if (!known)
      n.degraded.push_back(no_remote_row(row.index));
    require_columns(row, org_def_entry, {{4, "lldpRemOrgDefInfo"}});
    lldp_org_tlv tlv;
    tlv.oui = {oui[0], oui[1], oui[2]};
    tlv.subtype = row.index[6];
    tlv.info_index = row.index[7];
    if (auto info = read_bytes(row, 4, "lldpRemOrgDefInfo")) {
      tlv.info = std::move(*info);
      n.org_tlvs.push_back(std::move(tlv));
    }
    take_reasons(n, row);
  }
  lldp_neighbours_by_port result;
  for (auto& [key, n] : all)
    result[n.local_port_num].push_back(std::move(n));
  return result;
}

} // namespace kagami::protocols::snmp
