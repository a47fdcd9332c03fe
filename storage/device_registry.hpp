#pragma once

// The typed repository of onboarded devices: one record per device in the
// "devices" column family, keyed by the device id, encoded as JSON.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "config/site_config.hpp"
#include "storage/kv_store.hpp"

namespace kagami::storage {

/// The record format written by encode_device_record.
/// Version 1: {"schema_version": 1, "id": S, "title": S, "model": S,
///             "address": S, "unit_id": I, "tags": [S...]}
inline constexpr int device_record_version = 1;

/// Encodes `dev` as one record (JSON text, versioned).
std::string encode_device_record(const config::device_config& dev);

/// Decodes a record stored under `key`. Fails with ec::storage_failure and a
/// message "corrupt device record 'devices/KEY': REASON" when the bytes are
/// no JSON object, a field is missing or has the wrong type, the schema
/// version is unknown, or the id in the record differs from `key`.
/// Never throws.
caf::expected<config::device_config>
decode_device_record(std::string_view key, std::string_view bytes);

/// Saves, removes and lists device records over a kv_store.
///
/// Holds a reference to the store only: the store must outlive the registry.
/// Thread safety: that of the store; the registry has no state of its own.
/// Durability: every write is synced (write_options::sync), since device
/// records change rarely and must survive a power loss.
class device_registry {
public:
  explicit device_registry(kv_store& store) noexcept : store_(store) {
    // nop
  }

  /// Inserts or replaces the record of `dev.id`. An empty id is
  /// ec::invalid_value.
  caf::error save(const config::device_config& dev);

  /// Removes the record of `id`; removing a missing record succeeds.
  caf::error remove(std::string_view id);

  /// Makes the registry hold exactly `devices`, in one synced batch: saves
  /// each and removes every other record (corrupt ones too). Returns the ids
  /// removed, sorted. Used when the site config is the source of truth.
  caf::expected<std::vector<std::string>>
  replace_all(const std::vector<config::device_config>& devices);

  /// Returns the record of `id`, or std::nullopt when there is none.
  caf::expected<std::optional<config::device_config>> load(std::string_view id);

  /// Returns every record, sorted by id. Fails on the first corrupt record
  /// with an error naming its key (see decode_device_record): the gateway does
  /// not start with a partial device list.
  caf::expected<std::vector<config::device_config>> load_all();

private:
  kv_store& store_;
};

} // namespace kagami::storage
