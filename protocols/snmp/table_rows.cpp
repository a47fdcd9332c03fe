#include "protocols/snmp/table_rows.hpp"

#include "actors/core/error.hpp"

namespace kagami::protocols::snmp {

caf::expected<std::vector<table_row>>
gather_rows(const std::vector<varbind>& varbinds, const object_identifier& entry,
            const decode_limits& limits) {
  std::map<object_identifier, table_row> rows;
  for (auto& vb : varbinds) {
    if (vb.oid.size() <= entry.size() + 1 || !starts_with(vb.oid, entry))
      continue;
    if (std::holds_alternative<no_value>(vb.value))
      continue;
    auto column = vb.oid[entry.size()];
    object_identifier index(vb.oid.begin() + entry.size() + 1, vb.oid.end());
    auto it = rows.find(index);
    if (it == rows.end()) {
      if (rows.size() >= limits.max_rows)
        return make_error(ec::device_bad_reply,
                          to_string(vb.oid) + ": table " + to_string(entry)
                            + " has more than " + std::to_string(limits.max_rows)
                            + " rows");
      it = rows.emplace(index, table_row{index, {}, {}}).first;
    }
    auto [cell, inserted] = it->second.cells.emplace(column, &vb);
    if (!inserted)
      it->second.degraded.push_back("duplicate " + to_string(vb.oid));
  }
  std::vector<table_row> result;
  result.reserve(rows.size());
  for (auto& [index, row] : rows)
    result.push_back(std::move(row));
  return result;
}

namespace {

object_identifier cell_oid(const object_identifier& entry, uint32_t column,
                           const object_identifier& index) {
  auto oid = entry;
  oid.push_back(column);
  oid.insert(oid.end(), index.begin(), index.end());
  return oid;
}

} // namespace

caf::error index_error(const object_identifier& entry, const table_row& row,
                       const std::string& why) {
  return make_error(ec::device_bad_reply,
                    to_string(cell_oid(entry, row.cells.begin()->first, row.index)) + ": "
                      + why);
}

void require_columns(table_row& row, const object_identifier& entry,
                     const std::map<uint32_t, std::string>& required) {
  for (auto& [column, name] : required) {
    if (row.cells.count(column) > 0)
      continue;
    row.degraded.push_back("missing " + name + " ("
                           + to_string(cell_oid(entry, column, row.index)) + ")");
  }
}

namespace {

template <class T>
const T* typed_cell(table_row& row, uint32_t column, const char* name,
                    const char* expected) {
  auto it = row.cells.find(column);
  if (it == row.cells.end())
    return nullptr;
  if (auto* x = std::get_if<T>(&it->second->value))
    return x;
  row.degraded.push_back(std::string(name) + " (" + to_string(it->second->oid)
                         + ") is " + type_name(it->second->value) + ", expected "
                         + expected);
  return nullptr;
}

} // namespace

std::optional<int64_t> read_integer(table_row& row, uint32_t column, const char* name) {
  if (auto* x = typed_cell<integer_value>(row, column, name, "Integer"))
    return x->value;
  return std::nullopt;
}

std::optional<uint32_t> read_unsigned(table_row& row, uint32_t column, const char* name) {
  if (auto* x = typed_cell<unsigned_value>(row, column, name, "Unsigned32/Counter32/Gauge32"))
    return x->value;
  return std::nullopt;
}

std::optional<uint64_t> read_counter64(table_row& row, uint32_t column, const char* name) {
  if (auto* x = typed_cell<counter64_value>(row, column, name, "Counter64"))
    return x->value;
  return std::nullopt;
}

std::optional<std::vector<uint8_t>> read_bytes(table_row& row, uint32_t column,
                                               const char* name) {
  if (auto* x = typed_cell<octet_string_value>(row, column, name, "OctetString"))
    return x->bytes;
  return std::nullopt;
}

std::string hex_text(const std::vector<uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0)
      result += ':';
    result += digits[bytes[i] >> 4];
    result += digits[bytes[i] & 0xf];
  }
  return result;
}

std::string printable_or_hex(const std::vector<uint8_t>& bytes) {
  auto n = bytes.size();
  if (n > 0 && bytes[n - 1] == 0)
    --n;
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] < 0x20 || bytes[i] > 0x7e)
      return hex_text(bytes);
  return std::string(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
}

} // namespace kagami::protocols::snmp
