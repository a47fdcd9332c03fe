#pragma once

// The typed repository of devices: one record per device in the "devices"
// column family, keyed by the device id, encoded as JSON. A record says
// where the device came from: the site config (the config is the source of
// truth for those) or onboarding (a discovered device the design admitted;
// onboarding owns those).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "config/site_config.hpp"
#include "protocols/discovery/discovery.hpp"
#include "storage/kv_store.hpp"

namespace kagami::storage {

/// Wall-clock time in milliseconds since the Unix epoch, as records hold it.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Where a device record came from.
enum class device_origin : uint8_t {
  config,   ///< The site config's "devices".
  onboarded ///< Admitted by onboarding against the design information.
};

/// "config" or "onboarded".
const char* to_string(device_origin x);

/// What onboarding knew when it admitted a device.
struct onboarding_facts {
  /// The device's identity as onboarding names it (e.g. "mac:02:99:..").
  std::string identity;
  std::string mac;
  /// The IP address it was seen at.
  std::string address;
  protocols::discovery_kind source = protocols::discovery_kind::htip;
  /// Where it was seen ("pcap:ot0", "neigh:ot0", ...).
  std::string seen_on;
  protocols::device_profile profile;
  /// The name of the design entry that admitted it.
  std::string design_entry;
  config::criticality criticality = config::criticality::medium;
  timestamp admitted_at{};

  friend bool operator==(const onboarding_facts&, const onboarding_facts&)
    = default;
};

/// One device record.
struct device_record {
  config::device_config device;
  device_origin origin = device_origin::config;
  /// Set exactly when origin is onboarded.
  std::optional<onboarding_facts> onboarding;

  friend bool operator==(const device_record&, const device_record&) = default;
};

/// The record format written by encode_device_record.
/// Version 2: {"schema_version": 2, "origin": "config"|"onboarded",
///             "id": S, "title": S, "model": S, "address": S, "unit_id": I,
///             "tags": [S...],
///             "onboarding": {"identity": S, "mac": S, "address": S,
///                            "source": S, "seen_on": S,
///                            "profile": PROFILE (profile_json.hpp),
///                            "design_entry": S, "criticality": S,
///                            "admitted_at_ms": I}}   (onboarded only)
/// Version 1 (read only): version 2 without origin and onboarding; read as
/// origin config.
inline constexpr int device_record_version = 2;

/// Encodes `rec` as one record (JSON text, versioned).
std::string encode_device_record(const device_record& rec);

/// Encodes a configured device (origin config).
std::string encode_device_record(const config::device_config& dev);

/// Decodes a record stored under `key`. Fails with ec::storage_failure and a
/// message "corrupt device record 'devices/KEY': REASON" when the bytes are
/// no JSON object, a field is missing or has the wrong type, the schema
/// version or the origin is unknown, onboarding facts are missing from an
/// onboarded record (or present in a config one), or the id in the record
/// differs from `key`. Never throws.
caf::expected<device_record> decode_device_record(std::string_view key,
                                                  std::string_view bytes);

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

  /// Inserts or replaces the record of `dev.id` as a configured device. An
  /// empty id is ec::invalid_value.
  caf::error save(const config::device_config& dev);

  /// Inserts or replaces the record of `rec.device.id`. ec::invalid_value for
  /// an empty id, or onboarding facts that do not fit the origin.
  caf::error save(const device_record& rec);

  /// Saves every record in one synced batch (group commit: one fsync for
  /// all, so onboarding a burst of devices is not bound by one fsync per
  /// device). All or nothing: fails like save() on the first invalid record
  /// and then writes none.
  caf::error save_all(const std::vector<device_record>& recs);

  /// Removes the record of `id` (any origin); removing a missing record
  /// succeeds.
  caf::error remove(std::string_view id);

  /// Makes the configured devices exactly `devices`, in one synced batch:
  /// saves each, removes every other config record and every corrupt
  /// record, and keeps the onboarded records (a configured device replaces
  /// an onboarded record with its id: the config is the source of truth).
  /// Returns the ids removed, sorted. Used when the site config is the
  /// source of truth.
  caf::expected<std::vector<std::string>>
  replace_all(const std::vector<config::device_config>& devices);

  /// Returns the record of `id` (any origin), or std::nullopt when there is
  /// none.
  caf::expected<std::optional<device_record>> load(std::string_view id);

  /// Returns the configured devices, sorted by id. Fails on the first
  /// corrupt record (of any origin) with an error naming its key (see
  /// decode_device_record): the gateway does not start with a partial
  /// device list.
  caf::expected<std::vector<config::device_config>> load_all();

  /// Returns the onboarded records, sorted by id. Fails like load_all.
  caf::expected<std::vector<device_record>> load_onboarded();

private:
  /// Every record, sorted by id; fails on the first corrupt one.
  caf::expected<std::vector<device_record>> load_records();

  kv_store& store_;
};

} // namespace kagami::storage
