#pragma once

// The typed repository of rogue devices: devices onboarding refused, with
// the evidence. One record per device identity in the "rogues" column
// family, encoded as JSON. Isolation and the console read them; only an
// operator removes one.

#include <cstddef>
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
///
/// The record keeps the first evidence: an auditor needs to know why the
/// device was refused, what it announced and where, even after many later
/// sightings. Later sightings only add reasons, fill in what was missing,
/// and update last_seen, last_seen_on, last_address and count (see
/// rogue_registry::note).
struct rogue_record {
  /// The key: the device's identity as onboarding names it ("mac:02:99:..").
  std::string identity;
  /// The MAC of the first sighting that had one, or "".
  std::string mac;
  /// The address of the first sighting that had one, or "".
  std::string address;
  /// How the device was first found.
  protocols::discovery_kind source = protocols::discovery_kind::htip;
  /// Where it was first seen ("pcap:ot0", "ssdp:ot0", "neigh:ot0", ...).
  std::string seen_on;
  /// What it first said about itself; nullopt when no profile could be read
  /// yet.
  std::optional<protocols::device_profile> profile;
  /// Why it was refused: the first refusal's reasons, most important first,
  /// then the new reasons of later refusals in the order they came, without
  /// duplicates, at most max_rogue_reasons (rogue_registry::note).
  std::vector<std::string> reasons;
  /// The thing it was served as before it stopped matching, or "".
  std::string withdrawn_thing;
  timestamp first_seen{};
  timestamp last_seen{};
  /// Where and at which address it was seen last ("" when that sighting
  /// had none). note() sets them from the sighting's seen_on and address;
  /// the values the caller puts here are ignored by note().
  std::string last_seen_on;
  std::string last_address;
  /// How many times it was refused.
  uint64_t count = 1;
  /// "refused" when onboarding writes it; later states (isolation,
  /// release) belong to their writers.
  std::string state = "refused";

  friend bool operator==(const rogue_record&, const rogue_record&) = default;
};

/// The most reasons a record keeps (rogue_registry::note).
inline constexpr size_t max_rogue_reasons = 16;

/// The record format written by encode_rogue_record.
/// Version 2: {"schema_version": 2, "identity": S, "mac": S, "address": S,
///             "source": S, "seen_on": S, "profile": PROFILE (optional),
///             "reasons": [S...], "withdrawn_thing": S,
///             "first_seen_ms": I, "last_seen_ms": I,
///             "last_seen_on": S, "last_address": S, "count": I,
///             "state": S}
/// Version 1 (read only): version 2 without last_seen_on and last_address.
/// Its fields were those of the latest refusal (the writer replaced them);
/// it is read with last_seen_on = seen_on and last_address = address.
inline constexpr int rogue_record_version = 2;

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

  /// Records one more refusal `seen` (one sighting: its seen_on, address,
  /// last_seen, profile and reasons describe that sighting).
  ///
  /// Without a record of `seen.identity`, saves `seen` with last_seen_on =
  /// seen.seen_on, last_address = seen.address, and its reasons put through
  /// the rule below. With one, keeps the first evidence and adds the new:
  ///  - kept: first_seen, source, state, and mac, address, seen_on,
  ///    profile and withdrawn_thing unless the stored one is empty (or has
  ///    no profile), in which case the one from `seen` is taken;
  ///  - reasons: each reason of `seen` that the record does not hold yet is
  ///    appended; once the record holds max_rogue_reasons, a new reason
  ///    replaces the last one (the first max_rogue_reasons - 1 stay, the
  ///    last slot holds the newest new reason);
  ///  - updated: last_seen = seen.last_seen, last_seen_on = seen.seen_on,
  ///    last_address = seen.address, count + 1.
  /// Returns the record as stored. An existing record that cannot be read
  /// (corrupt, or the read fails) is replaced by `seen` as if there were
  /// none. An empty identity or state is ec::invalid_value.
  caf::expected<rogue_record> note(const rogue_record& seen);

  /// note() for several refusals, written in one synced batch (group
  /// commit). Refusals of one identity in `seen` merge in order, with the
  /// same rule as note(). Returns the records as stored, in the order of
  /// `seen` (each as it was after its refusal). All or nothing.
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
