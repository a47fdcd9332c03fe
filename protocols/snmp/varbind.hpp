#pragma once

// SNMP variable bindings as the net-snmp adapter hands them to the decoders
// (lldp_mib.hpp, lldp_local_port.hpp, bridge_mib.hpp, if_mib.hpp), the
// limits every decoder enforces, and the walk-order check that catches a
// getnext loop. Pure: no net-snmp types, no I/O.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <caf/error.hpp>

namespace kagami::protocols::snmp {

/// An OBJECT IDENTIFIER as its sub-identifiers.
using object_identifier = std::vector<uint32_t>;

/// INTEGER (and enumerations such as ifOperStatus).
struct integer_value {
  int64_t value = 0;
  friend bool operator==(const integer_value&, const integer_value&) = default;
};

/// The 32-bit unsigned application types.
struct unsigned_value {
  enum class kind : uint8_t { unsigned32, counter32, gauge32, timeticks };
  kind type = kind::unsigned32;
  uint32_t value = 0;
  friend bool operator==(const unsigned_value&, const unsigned_value&) = default;
};

/// Counter64.
struct counter64_value {
  uint64_t value = 0;
  friend bool operator==(const counter64_value&, const counter64_value&) = default;
};

/// OCTET STRING (text or binary, such as a MAC or an LLDP TLV value).
struct octet_string_value {
  std::vector<uint8_t> bytes;
  friend bool operator==(const octet_string_value&, const octet_string_value&) = default;
};

/// OBJECT IDENTIFIER as a value.
struct object_id_value {
  object_identifier value;
  friend bool operator==(const object_id_value&, const object_id_value&) = default;
};

/// IpAddress.
struct ip_address_value {
  std::array<uint8_t, 4> bytes{};
  friend bool operator==(const ip_address_value&, const ip_address_value&) = default;
};

/// NULL and the SNMPv2 exceptions: no value for this name.
struct no_value {
  enum class kind : uint8_t { null, no_such_object, no_such_instance, end_of_mib_view };
  kind type = kind::null;
  friend bool operator==(const no_value&, const no_value&) = default;
};

using snmp_value = std::variant<integer_value, unsigned_value, counter64_value,
                                octet_string_value, object_id_value,
                                ip_address_value, no_value>;

struct varbind {
  object_identifier oid;
  snmp_value value;
  friend bool operator==(const varbind&, const varbind&) = default;
};

/// Bounds of one decode. Exceeding any of them makes the decoder fail with
/// ec::device_bad_reply naming the OID; nothing is allocated in proportion
/// to an unchecked count.
struct decode_limits {
  /// Varbinds handed to one decoder.
  size_t max_varbinds = 200'000;
  /// Rows of one table (distinct indexes).
  size_t max_rows = 8192;
  /// Bytes of one OCTET STRING value.
  size_t max_string_length = 1024;
  /// Sub-identifiers of one OID (name or value).
  size_t max_oid_length = 128;
};

/// "1.0.8802.1.1.2.1.4.1.1.9.0.3.1".
std::string to_string(const object_identifier& oid);

/// The value's type as SNMP names it ("Integer", "OctetString", ...).
std::string type_name(const snmp_value& value);

/// Whether `prefix` is a (not necessarily proper) prefix of `oid`.
bool starts_with(const object_identifier& oid, const object_identifier& prefix);

/// ec::device_bad_reply naming the first varbind that breaks `limits`
/// (count, OID length, string length, OID value length); an empty error when
/// all are within them.
caf::error check_limits(const std::vector<varbind>& varbinds, const decode_limits& limits);

/// Checks one walk (the replies of successive getnext/getbulk requests, in
/// order): every OID must be strictly greater than the one before it. A
/// repeated or decreasing OID means the agent loops (a getnext loop) and the
/// walk would never end: ec::device_bad_reply naming both OIDs. An empty
/// error when the order is strictly increasing. endOfMibView varbinds are
/// skipped. Checks walks, not decoder inputs that concatenate several walks.
caf::error check_walk_order(const std::vector<varbind>& varbinds);

} // namespace kagami::protocols::snmp
