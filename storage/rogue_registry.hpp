#pragma once

// The typed repository of rogue devices: devices onboarding refused, with
// the evidence. One record per device identity in the "rogues" column
// family, encoded as JSON. Isolation and the console read them; only an
// operator removes one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "protocols/discovery/discovery.hpp"
#include "storage/device_registry.hpp"
#include "storage/kv_store.hpp"

namespace kagami::storage {

/// A refused device and why.
struct rogue_record {
  /// The key: the device's identity as onboarding names it ("mac:02:99:..").
  std::string identity;
  std::string mac;
  std::string address;
  protocols::discovery_kind source = protocols::discovery_kind::htip;
  /// Where it was seen ("pcap:ot0", "ssdp:ot0", "neigh:ot0", ...).
  std::string seen_on;
  /// What it said about itself; nullopt when no profile could be read.
  std::optional<protocols::device_profile> profile;
  /// Why it was refused, most important first (the matcher's evidence).
  std::vector<std::string> reasons;
  /// The thing it was served as before it stopped matching, or "".
  std::string withdrawn_thing;
  timestamp first_seen{};
  timestamp last_seen{};
  /// How many times it was refused.
  uint64_t count = 1;
  /// "refused" when onboarding writes it; later states (isolation,
  /// release) belong to their writers.
  std::string state = "refused";

  friend bool operator==(const rogue_record&, const rogue_record&) = default;
};

/// The record format written by encode_rogue_record.
/// Version 1: {"schema_version": 1, "identity": S, "mac": S, "address": S,
///             "source": S, "seen_on": S, "profile": PROFILE (optional),
///             "reasons": [S...], "withdrawn_thing": S,
///             "first_seen_ms": I, "last_seen_ms": I, "count": I,
///             "state": S}
inline constexpr int rogue_record_version = 1;

std::string encode_rogue_record(const rogue_record& rec);

/// Decodes a record stored under `key`. Fails with ec::storage_failure and
/// "corrupt rogue record 'rogues/KEY': REASON" (not JSON, a missing or
/// mistyped field, an unknown version or source, an identity that differs
/// from `key`). Never throws.
caf::expected<rogue_record> decode_rogue_record(std::string_view key,
                                                std::string_view bytes);

/// Saves, updates, removes and lists rogue records over a kv_store.
///
/// Holds a reference to the store only: the store must outlive the registry.
/// Thread safety: that of the store; note() is a read-modify-write and must
/// not run concurrently for one identity (onboarding calls it from its
/// supervisor only). Durability: every write is synced.
class rogue_registry {
public:
  explicit rogue_registry(kv_store& store) noexcept : store_(store) {
    // nop
  }

  /// Inserts or replaces the record of `rec.identity`. An empty identity or
  /// state is ec::invalid_value.
  caf::error save(const rogue_record& rec);

  /// Records one more refusal: if a record of `seen.identity` exists, keeps
  /// its first_seen, adds 1 to its count and takes everything else from
  /// `seen` (the latest evidence); otherwise saves `seen` as is. Returns
  /// the record as stored. A corrupt existing record is replaced.
  caf::expected<rogue_record> note(const rogue_record& seen);

  /// note() for several refusals, written in one synced batch (group
  /// commit). Refusals of one identity in `seen` count in order. Returns
  /// the records as stored, in the order of `seen`. All or nothing.
  caf::expected<std::vector<rogue_record>>
  note_all(const std::vector<rogue_record>& seen);

  /// Removes the record of `identity`; removing a missing record succeeds.
  caf::error remove(std::string_view identity);

  /// The record of `identity`, or std::nullopt.
  caf::expected<std::optional<rogue_record>> load(std::string_view identity);

  /// Every record, sorted by identity. Fails on the first corrupt record
  /// with an error naming its key.
  caf::expected<std::vector<rogue_record>> load_all();

private:
  kv_store& store_;
};

} // namespace kagami::storage
