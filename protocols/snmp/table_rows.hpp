#pragma once

// The conceptual rows of an SNMP table, gathered from its column varbinds,
// and typed reads of one cell. Shared by the MIB decoders; a row problem
// (wrong type, duplicate cell) becomes a reason on the row, never a throw.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

/// One row: its index (the sub-identifiers after entry.column) and its cells.
struct table_row {
  object_identifier index;
  /// column number -> the varbind holding it (points into the input).
  std::map<uint32_t, const varbind*> cells;
  /// Why the row is incomplete or suspicious; empty when it is sound.
  std::vector<std::string> degraded;
};

/// The rows of the table whose entry OID is `entry` (e.g. lldpRemEntry
/// 1.0.8802.1.1.2.1.4.1.1), in index order. Varbinds outside the table are
/// ignored; NULL and exception values count as an absent cell; a second
/// value for the same cell marks the row degraded and keeps the first.
/// Fails (ec::device_bad_reply) when the table has more than
/// limits.max_rows rows.
caf::expected<std::vector<table_row>>
gather_rows(const std::vector<varbind>& varbinds, const object_identifier& entry,
            const decode_limits& limits);

/// ec::device_bad_reply "<OID of the row's first cell>: <why>", for an index
/// that does not fit the table.
caf::error index_error(const object_identifier& entry, const table_row& row,
                       const std::string& why);

/// Marks `row` degraded for every column of `required` it lacks, naming the
/// column as "<column name> (<entry>.<column>.<index>)".
void require_columns(table_row& row, const object_identifier& entry,
                     const std::map<uint32_t, std::string>& required);

/// Typed reads of a cell: std::nullopt when absent; when present with
/// another type, std::nullopt and a reason on the row naming the OID, the
/// column and both types.
std::optional<int64_t> read_integer(table_row& row, uint32_t column, const char* name);
std::optional<uint32_t> read_unsigned(table_row& row, uint32_t column, const char* name);
std::optional<uint64_t> read_counter64(table_row& row, uint32_t column, const char* name);
std::optional<std::vector<uint8_t>> read_bytes(table_row& row, uint32_t column,
                                               const char* name);

/// "e0:27:1a" (lower-case hex, colon separated); "" for no bytes.
std::string hex_text(const std::vector<uint8_t>& bytes);

/// The bytes as text when every byte is printable ASCII (a trailing NUL is
/// dropped), else hex_text.
std::string printable_or_hex(const std::vector<uint8_t>& bytes);

} // namespace kagami::protocols::snmp
