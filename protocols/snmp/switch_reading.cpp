#include "protocols/snmp/switch_reading.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "actors/core/error.hpp"
#include "protocols/snmp/bridge_mib.hpp"
#include "protocols/snmp/if_mib.hpp"
#include "protocols/snmp/lldp_local_port.hpp"
#include "protocols/snmp/lldp_mib.hpp"
#include "protocols/snmp/table_rows.hpp"

namespace kagami::protocols::snmp {

namespace switch_oids {

object_identifier column(const object_identifier& entry, uint32_t column) {
  auto result = entry;
  result.push_back(column);
  return result;
}

std::vector<object_identifier> interface_columns() {
  return {column(if_entry, 2),    column(if_entry, 6),    column(if_entry, 7),
          column(if_entry, 8),    column(if_x_entry, 1),  column(if_x_entry, 6),
          column(if_x_entry, 7),  column(if_x_entry, 10), column(if_x_entry, 11)};
}

} // namespace switch_oids

namespace {

constexpr int64_t chassis_id_mac_subtype = 4;

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

std::string decoder_failure(const char* table, const caf::error& err) {
  return std::string{table} + " not decoded: " + detail_of(err);
}

const varbind* find(const std::vector<varbind>& varbinds, const object_identifier& oid) {
  for (auto& vb : varbinds)
    if (vb.oid == oid)
      return &vb;
  return nullptr;
}

/// The six bytes of an OctetString varbind; nullopt (with a reason for a
/// value of another type or length) otherwise. Absent objects give no
/// reason.
std::optional<std::vector<uint8_t>> mac_bytes(const varbind* vb, const char* name,
                                              std::vector<std::string>& degraded) {
  if (vb == nullptr || std::holds_alternative<no_value>(vb->value))
    return std::nullopt;
  auto* s = std::get_if<octet_string_value>(&vb->value);
  if (s == nullptr) {
    degraded.push_back(std::string{name} + " (" + to_string(vb->oid) + "): "
                       + type_name(vb->value) + " instead of OctetString");
    return std::nullopt;
  }
  if (s->bytes.size() != 6)
    return std::nullopt;
  return s->bytes;
}

std::string port_name(const interface_state& state) {
  return state.name.empty() ? state.descr : state.name;
}

/// interfaces: the decoded IF-MIB, or empty (with a reason) when it failed.
std::map<uint32_t, interface_state> decode_interfaces_or_reason(
  const std::vector<varbind>& varbinds, const decode_limits& limits,
  std::vector<std::string>& degraded) {
  auto decoded = decode_interfaces(varbinds, limits);
  if (!decoded) {
    degraded.push_back(decoder_failure("IF-MIB ifTable/ifXTable", decoded.error()));
    return {};
  }
  for (auto& [index, state] : *decoded)
    append(degraded, state.degraded);
  return std::move(*decoded);
}

} // namespace

std::string reported_chassis_mac(const std::vector<varbind>& chassis,
                                 std::vector<std::string>& degraded) {
  using namespace switch_oids;
  auto* subtype = find(chassis, lldp_local_chassis_subtype);
  auto* id = find(chassis, lldp_local_chassis_id);
  auto* bridge = find(chassis, bridge_address);
  std::optional<int64_t> lldp_subtype;
  if (subtype != nullptr && !std::holds_alternative<no_value>(subtype->value)) {
    if (auto* i = std::get_if<integer_value>(&subtype->value))
      lldp_subtype = i->value;
    else
      degraded.push_back("lldpLocChassisIdSubtype (" + to_string(subtype->oid)
                         + "): " + type_name(subtype->value) + " instead of Integer");
  }
  auto lldp_id = mac_bytes(id, "lldpLocChassisId", degraded);
  if (lldp_subtype == chassis_id_mac_subtype && lldp_id)
    return hex_text(*lldp_id);
  if (auto mac = mac_bytes(bridge, "dot1dBaseBridgeAddress", degraded))
    return hex_text(*mac);
  degraded.push_back("no chassis MAC: neither lldpLocChassisId ("
                     + to_string(lldp_local_chassis_id)
                     + ") as a macAddress nor dot1dBaseBridgeAddress ("
                     + to_string(bridge_address) + ") of six bytes");
  return {};
}

network::element_reading to_element_reading(const topology::element& reporter,
                                            const switch_walks& walks,
                                            std::int64_t observed_at_ms,
                                            const decode_limits& limits) {
  network::element_reading result;
  auto& degraded = result.degraded;
  degraded = walks.degraded;
  auto& report = result.report;
  report.reporter = reporter;
  report.observed_at_ms = observed_at_ms;
  if (auto mac = reported_chassis_mac(walks.chassis, degraded); !mac.empty())
    report.reporter.chassis_mac = mac;

  auto interfaces = decode_interfaces_or_reason(walks.interfaces, limits, degraded);

  std::map<uint32_t, uint32_t> bridge_ports;
  if (auto decoded = decode_bridge_port_if_index(walks.bridge_ports, limits))
    bridge_ports = std::move(*decoded);
  else
    degraded.push_back(decoder_failure("BRIDGE-MIB dot1dBasePortIfIndex", decoded.error()));

  std::map<uint32_t, topology::port_observation> ports;
  for (auto& [index, state] : interfaces) {
    auto& port = ports[index];
    port.port_id = index;
    port.name = port_name(state);
    if (state.phys_address.size() == 6)
      port.mac = hex_text(state.phys_address);
  }
  auto port_at = [&](uint32_t if_index) -> topology::port_observation& {
    auto& port = ports[if_index];
    port.port_id = if_index;
    return port;
  };

  if (auto fdb = decode_forwarding_table(walks.fdb, bridge_ports, limits)) {
    append(degraded, fdb->degraded);
    for (auto& [mac, if_index] : fdb->if_index_by_mac)
      port_at(if_index).learned_macs.push_back(mac);
  } else {
    degraded.push_back(decoder_failure("BRIDGE-MIB dot1dTpFdbTable", fdb.error()));
  }

  std::map<uint32_t, lldp_local_port> local_ports;
  if (auto decoded = decode_lldp_local_ports(walks.lldp_local_ports, limits)) {
    local_ports = std::move(*decoded);
    for (auto& [num, port] : local_ports)
      append(degraded, port.degraded);
  } else {
    degraded.push_back(decoder_failure("LLDP-MIB lldpLocPortTable", decoded.error()));
  }

  if (auto remote = decode_lldp_remote(walks.lldp_remote, limits)) {
    for (auto& [local_port_num, neighbours] : *remote) {
      for (auto& n : neighbours)
        append(degraded, n.degraded);
      auto resolved = resolve_local_port(local_port_num, local_ports, bridge_ports, interfaces);
      if (!resolved) {
        degraded.push_back("LLDP-MIB lldpRemTable: " + std::to_string(neighbours.size())
                           + " neighbour(s) dropped: " + detail_of(resolved.error()));
        continue;
      }
      auto& port = port_at(resolved->if_index);
      for (auto& n : neighbours) {
        if (n.chassis_id.empty())
          continue;
        port.lldp.push_back(topology::lldp_neighbour{n.chassis_id, n.port_id});
      }
    }
  } else {
    degraded.push_back(decoder_failure("LLDP-MIB lldpRemTable", remote.error()));
  }

  report.ports.reserve(ports.size());
  for (auto& [index, port] : ports)
    report.ports.push_back(std::move(port));
  return result;
}

network::counter_reading to_counter_reading(const std::vector<varbind>& interfaces,
                                            std::vector<std::string> walk_degraded,
                                            std::int64_t observed_at_ms,
                                            const decode_limits& limits) {
  network::counter_reading result;
  result.observed_at_ms = observed_at_ms;
  result.degraded = std::move(walk_degraded);
  auto decoded = decode_interfaces_or_reason(interfaces, limits, result.degraded);
  result.ports.reserve(decoded.size());
  for (auto& [index, state] : decoded) {
    network::port_counters port;
    port.port_id = index;
    port.name = port_name(state);
    port.admin_status = state.admin_status.value_or(0);
    port.oper_status = state.oper_status.value_or(0);
    port.in_octets = state.in_octets.value_or(0);
    port.out_octets = state.out_octets.value_or(0);
    port.in_packets = state.in_ucast_packets.value_or(0);
    port.out_packets = state.out_ucast_packets.value_or(0);
    result.ports.push_back(std::move(port));
  }
  return result;
}

} // namespace kagami::protocols::snmp
