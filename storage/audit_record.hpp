#pragma once

// One record of the audit trail: a security decision of the gateway, with
// its place in the hash chain. Stored in the "audit" column family under
// audit_key(sequence), encoded as JSON (encode_audit_record). The chain
// hash is SHA-256 over a canonical binary encoding (audit_hash), not over
// the JSON, so that the JSON layout may change without breaking old chains.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "storage/kv_store.hpp"

namespace kagami::storage {

/// How a request ended.
enum class audit_outcome : uint8_t { allowed, denied, error };

/// "allowed", "denied", "error".
const char* to_string(audit_outcome x) noexcept;

/// The inverse of to_string, or std::nullopt for any other text.
std::optional<audit_outcome> parse_audit_outcome(std::string_view text);

/// The longest a string field of an audit record may be. Longer values are
/// cut by sanitize_audit_field (the writer does it on append).
inline constexpr size_t max_audit_field = 1024;

/// What the caller of audit_writer::append describes: one decision.
struct audit_event {
  /// Milliseconds since the Unix epoch.
  int64_t time_ms = 0;
  /// The authenticated subject ("app:plc-dashboard", "user:alice") or what
  /// the client claimed when authentication failed, or "".
  std::string subject;
  /// The client's address ("192.0.2.7:51432").
  std::string source;
  std::string thing;
  std::string affordance;
  /// "readproperty", "writeproperty", "invokeaction", "subscribeevent", or
  /// whatever the request path names.
  std::string op;
  audit_outcome outcome = audit_outcome::denied;
  /// The HTTP status sent (200, 401, 403, 429, 500, ...).
  uint16_t http_status = 0;
  /// The check that decided ("authn.basic", "authz.acl", "signatures", ...).
  std::string check;
  std::string reason;
  std::string request_id;

  friend bool operator==(const audit_event&, const audit_event&) = default;
};

/// An event with its place in the chain.
struct audit_record {
  audit_event event;
  /// 1 for the first record, then +1 per record without gaps.
  uint64_t sequence = 0;
  /// The hash of the record with sequence - 1 (lower-case hex, 64
  /// characters), genesis_hash for the first record.
  std::string prev_hash;
  /// audit_hash(*this), lower-case hex.
  std::string hash;

  friend bool operator==(const audit_record&, const audit_record&) = default;
};

/// The prev_hash of record 1: 64 zeros.
inline const std::string& genesis_hash() {
  static const std::string zeros(64, '0');
  return zeros;
}

/// The key of record `sequence`: 20 decimal digits, zero-padded, so that
/// bytewise key order is sequence order.
std::string audit_key(uint64_t sequence);

/// The sequence of `key`, or std::nullopt when `key` is not 20 digits.
std::optional<uint64_t> parse_audit_key(std::string_view key);

/// The canonical encoding the hash covers: a domain tag, then sequence,
/// every field of the event and prev_hash, each string as its 8-byte
/// big-endian length and bytes, each integer as 8 bytes big-endian. Two
/// records have the same encoding only if all those fields are equal.
std::string canonical_audit_bytes(const audit_record& rec);

/// SHA-256 (OpenSSL EVP) of canonical_audit_bytes(rec), lower-case hex.
/// Ignores rec.hash.
std::string audit_hash(const audit_record& rec);

/// Cuts `value` to max_audit_field bytes and, when it is not valid UTF-8,
/// replaces every byte >= 0x80 by "\xNN", so that any client-supplied text
/// can be stored as JSON. Control characters are kept (JSON escapes them).
std::string sanitize_audit_field(std::string_view value);

/// The record format written by encode_audit_record.
/// Version 1: {"schema_version": 1, "seq": I, "time_ms": I, "subject": S,
///             "source": S, "thing": S, "affordance": S, "op": S,
///             "outcome": "allowed"|"denied"|"error", "http_status": I,
///             "check": S, "reason": S, "request_id": S,
///             "prev_hash": S, "hash": S}
inline constexpr int audit_record_version = 1;

/// The JSON of `rec`. Requires valid UTF-8 in every field (the writer
/// sanitizes); invalid UTF-8 is replaced by U+FFFD rather than throwing.
std::string encode_audit_record(const audit_record& rec);

/// Decodes the record stored under `key`. Fails with ec::storage_failure
/// and "corrupt audit record 'audit/KEY': REASON" (not JSON, a missing or
/// mistyped field, an unknown version or outcome, a hash that is not 64
/// hex digits). Does not check the hash or the key: that is audit_verify's
/// job. Never throws.
caf::expected<audit_record> decode_audit_record(std::string_view key,
                                                std::string_view bytes);

} // namespace kagami::storage

namespace kagami::storage {

/// The end of the chain, written by the writer in the same batch as the
/// records (key audit_head_key in the "meta" column family), so that
/// deleting the newest records is detected too and a restart continues
/// without scanning the trail.
struct audit_head {
  /// The sequence of the newest record; 0 for an empty trail.
  uint64_t sequence = 0;
  /// Its hash; genesis_hash() for an empty trail.
  std::string hash = genesis_hash();

  friend bool operator==(const audit_head&, const audit_head&) = default;
};

inline constexpr std::string_view audit_head_key = "audit_head";

/// {"schema_version": 1, "seq": I, "hash": S}
std::string encode_audit_head(const audit_head& head);

/// Fails with "corrupt audit head record 'meta/audit_head': REASON".
caf::expected<audit_head> decode_audit_head(std::string_view bytes);

/// The stored head, or std::nullopt when the store has none.
caf::expected<std::optional<audit_head>> load_audit_head(kv_store& store);

} // namespace kagami::storage
