#pragma once

// Checking the audit trail's hash chain: the tamper evidence of issue 4.

#include <cstdint>
#include <optional>
#include <string>

#include <caf/expected.hpp>

#include "storage/kv_store.hpp"

namespace kagami::storage {

/// The result of audit_verify.
struct audit_verify_report {
  /// Records read before the first problem (all records when ok()).
  uint64_t records = 0;
  /// The sequence of the first record that is modified, missing, out of
  /// place or unreadable; std::nullopt when the chain is intact.
  std::optional<uint64_t> first_bad_sequence;
  /// What is wrong with it, "" when ok().
  std::string reason;

  bool ok() const noexcept {
    return !first_bad_sequence.has_value();
  }
};

/// Walks the "audit" column family in key order and recomputes the chain:
/// record k must sit under audit_key(k), be readable, have sequence k = the
/// previous sequence + 1 (starting at 1), prev_hash = the previous record's
/// hash (genesis_hash() for record 1) and hash = audit_hash(record). The
/// newest record must match the stored audit_head (sequence and hash), so
/// deleting records at the end is detected too.
///
/// Detects: a modified record (its sequence: "hash mismatch"), a deleted
/// record (the missing sequence: "record missing"), records swapped or
/// moved (the first key holding the wrong record), a truncated tail (the
/// first missing sequence), a corrupt record (its sequence, with the decode
/// error). It cannot detect a consistent rewrite of the whole trail and
/// head by someone with write access to the store: anchor the head
/// elsewhere for that.
///
/// Fails (an error, not a report) only when the store cannot be read.
caf::expected<audit_verify_report> audit_verify(kv_store& store);

/// `report` as JSON: {"ok", "records"} and, on a break,
/// "first_bad_sequence" and "reason". For the admin API and the CLI.
std::string audit_report_json(const audit_verify_report& report);

} // namespace kagami::storage
