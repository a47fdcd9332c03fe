#pragma once

// Reading the audit trail with filters, for the admin API and the
// kagami-audit tool.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "storage/audit_record.hpp"
#include "storage/kv_store.hpp"

namespace kagami::storage {

/// The most records one query returns.
inline constexpr size_t max_audit_query_limit = 10000;

/// Filters of audit_query. Every set filter must match (AND); string
/// filters compare the whole field exactly.
struct audit_filter {
  std::optional<std::string> subject;
  std::optional<std::string> thing;
  std::optional<std::string> op;
  std::optional<audit_outcome> outcome;
  /// time_ms >= from_ms.
  std::optional<int64_t> from_ms;
  /// time_ms < to_ms.
  std::optional<int64_t> to_ms;
  /// Only records with a sequence greater than this (paging: pass the last
  /// sequence of the previous page).
  uint64_t after_sequence = 0;
  /// At most this many records; 0 and values above max_audit_query_limit
  /// mean max_audit_query_limit.
  size_t limit = 100;
};

/// The matching records in ascending sequence order. Fails with
/// ec::storage_failure when the store cannot be read or a record in the
/// scanned range is corrupt (the error names its key). Does not verify the
/// chain (audit_verify does). Cost: a scan of the column family from the
/// start (the kv_store interface has no seek); fine for the trail sizes of
/// one gateway, a seek belongs into kv_store when it is not.
caf::expected<std::vector<audit_record>> audit_query(kv_store& store,
                                                     const audit_filter& f);

/// `records` as a JSON array, each record as encode_audit_record writes it
/// (invalid UTF-8 from clients replaced). For the admin API and the CLI.
std::string audit_records_json(const std::vector<audit_record>& records);

/// Whether `rec` passes every filter of `f` except after_sequence and limit.
bool audit_matches(const audit_record& rec, const audit_filter& f) noexcept;

} // namespace kagami::storage
