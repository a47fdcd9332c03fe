// libFuzzer target for the SNMP walk decoders (protocols/snmp).
//
// Input: a varbind list in the harness's own TLV, repeated to the end:
//   [table][n][n sub-identifiers][type][len][len value bytes]
// `table` % 9 picks the OID prefix (lldpRemEntry, lldpRemManAddrEntry,
// lldpRemOrgDefInfoEntry, lldpLocPortEntry, dot1dBasePortEntry,
// dot1dTpFdbEntry, ifEntry, ifXEntry, or none); each sub-identifier is one
// byte, 0xff introducing a 4-byte big-endian one. `type` % 12 picks the
// value: Integer, Unsigned32, Counter32, Gauge32, Timeticks, Counter64 (the
// value bytes big-endian), OctetString, ObjectIdentifier (one sub-id per
// byte), IpAddress (first 4 bytes), Null, noSuchInstance, endOfMibView.
// A truncated element ends the list.
//
// Invariants: no decoder crashes or throws; decoding is deterministic; no
// table has more rows than the limit; a list that breaks check_limits fails
// every decoder; a list in strictly increasing order (check_walk_order)
// produces no "duplicate" reason; resolve_local_port resolves every LLDP
// local port or fails with not_found, and only into a known ifIndex unless
// it trusts an unknown agent.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "actors/core/error.hpp"
#include "protocols/snmp/bridge_mib.hpp"
#include "protocols/snmp/if_mib.hpp"
#include "protocols/snmp/lldp_local_port.hpp"
#include "protocols/snmp/lldp_mib.hpp"
#include "protocols/snmp/varbind.hpp"

using namespace kagami;
using namespace kagami::protocols::snmp;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

const object_identifier prefixes[] = {
  {1, 0, 8802, 1, 1, 2, 1, 4, 1, 1}, {1, 0, 8802, 1, 1, 2, 1, 4, 2, 1},
  {1, 0, 8802, 1, 1, 2, 1, 4, 4, 1}, {1, 0, 8802, 1, 1, 2, 1, 3, 7, 1},
  {1, 3, 6, 1, 2, 1, 17, 1, 4, 1},   {1, 3, 6, 1, 2, 1, 17, 4, 3, 1},
  {1, 3, 6, 1, 2, 1, 2, 2, 1},       {1, 3, 6, 1, 2, 1, 31, 1, 1, 1},
  {},
};

struct reader {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  bool byte(uint8_t& out) {
    if (at >= size)
      return false;
    out = data[at++];
    return true;
  }
};

uint64_t big_endian(const std::vector<uint8_t>& bytes) {
  uint64_t x = 0;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i)
    x = (x << 8) | bytes[i];
  return x;
}

std::vector<varbind> varbinds_of(const uint8_t* data, size_t size) {
  std::vector<varbind> result;
  reader in{data, size};
  for (;;) {
    uint8_t table, n, type, len;
    if (!in.byte(table) || !in.byte(n))
      return result;
    varbind vb;
    vb.oid = prefixes[table % 9];
    for (uint8_t i = 0; i < n; ++i) {
      uint8_t b;
      if (!in.byte(b))
        return result;
      uint32_t sub = b;
      if (b == 0xff) {
        sub = 0;
        for (int k = 0; k < 4; ++k) {
          if (!in.byte(b))
            return result;
          sub = (sub << 8) | b;
        }
      }
      vb.oid.push_back(sub);
    }
    if (!in.byte(type) || !in.byte(len) || in.size - in.at < len)
      return result;
    std::vector<uint8_t> bytes(in.data + in.at, in.data + in.at + len);
    in.at += len;
    auto number = big_endian(bytes);
    using k = unsigned_value::kind;
    switch (type % 12) {
      case 0: vb.value = integer_value{static_cast<int64_t>(number)}; break;
      case 1: vb.value = unsigned_value{k::unsigned32, static_cast<uint32_t>(number)}; break;
      case 2: vb.value = unsigned_value{k::counter32, static_cast<uint32_t>(number)}; break;
      case 3: vb.value = unsigned_value{k::gauge32, static_cast<uint32_t>(number)}; break;
      case 4: vb.value = unsigned_value{k::timeticks, static_cast<uint32_t>(number)}; break;
      case 5: vb.value = counter64_value{number}; break;
      case 6: vb.value = octet_string_value{bytes}; break;
      case 7: vb.value = object_id_value{{bytes.begin(), bytes.end()}}; break;
      case 8: {
        ip_address_value ip;
        for (size_t i = 0; i < 4 && i < bytes.size(); ++i)
          ip.bytes[i] = bytes[i];
        vb.value = ip;
        break;
      }
      case 9: vb.value = no_value{no_value::kind::null}; break;
      case 10: vb.value = no_value{no_value::kind::no_such_instance}; break;
      default: vb.value = no_value{no_value::kind::end_of_mib_view}; break;
    }
    result.push_back(std::move(vb));
  }
}

bool no_duplicates(const std::vector<std::string>& reasons) {
  for (auto& r : reasons)
    if (r.rfind("duplicate ", 0) == 0)
      return false;
  return true;
}

void run(const std::vector<varbind>& varbinds, const decode_limits& limits) {
  bool within = !check_limits(varbinds, limits);
  bool ordered = !check_walk_order(varbinds);
  auto remote = decode_lldp_remote(varbinds, limits);
  auto local = decode_lldp_local_ports(varbinds, limits);
  auto bridge = decode_bridge_port_if_index(varbinds, limits);
  auto interfaces = decode_interfaces(varbinds, limits);
  check(remote == decode_lldp_remote(varbinds, limits));
  check(interfaces == decode_interfaces(varbinds, limits));
  if (!within)
    check(!remote && !local && !bridge && !interfaces);
  if (remote) {
    for (auto& [port, neighbours] : *remote) {
      check(!neighbours.empty());
      for (auto& n : neighbours) {
        check(n.local_port_num == port);
        check(!ordered || no_duplicates(n.degraded));
      }
    }
  }
  if (local) {
    check(local->size() <= limits.max_rows);
    for (auto& [num, port] : *local)
      check(port.local_port_num == num && (!ordered || no_duplicates(port.degraded)));
  }
  if (bridge) {
    check(bridge->size() <= limits.max_rows);
    auto fdb = decode_forwarding_table(varbinds, *bridge, limits);
    check(!fdb || fdb->if_index_by_mac.size() <= limits.max_rows);
    if (fdb) {
      check(!ordered || no_duplicates(fdb->degraded));
      for (auto& [mac, index] : fdb->if_index_by_mac) {
        check(mac.size() == 17);
        bool mapped = false;
        for (auto& [p, i] : *bridge)
          mapped = mapped || i == index;
        check(mapped);
      }
    }
  }
  if (interfaces) {
    check(interfaces->size() <= 2 * limits.max_rows);
    for (auto& [index, state] : *interfaces)
      check(index != 0 && state.if_index == index && (!ordered || no_duplicates(state.degraded)));
  }
  if (remote && local && bridge && interfaces) {
    for (auto& [port, neighbours] : *remote) {
      auto resolved = resolve_local_port(port, *local, *bridge, *interfaces);
      if (!resolved) {
        check(code_of(resolved.error()) == ec::not_found);
        continue;
      }
      if (resolved->how == local_port_match::bridge_port)
        check(bridge->at(port) == resolved->if_index);
      else if (!interfaces->empty())
        check(interfaces->count(resolved->if_index) == 1);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto varbinds = varbinds_of(data, size);
  run(varbinds, decode_limits{});
  decode_limits tight;
  tight.max_varbinds = 64;
  tight.max_rows = 4;
  tight.max_string_length = 16;
  tight.max_oid_length = 24;
  run(varbinds, tight);
  return 0;
}
