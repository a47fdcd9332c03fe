#pragma once

// The key-value store behind every persistent record of the gateway: devices,
// the audit trail, rogue devices, topology snapshots, isolations and meta
// data. Implemented by rocksdb_store (production) and memory_store (unit tests
// of other components). Typed repositories (device_registry, ...) sit on top.

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace kagami::storage {

/// Names of the column families. The set is fixed: every store opens exactly
/// these (plus whatever a RocksDB directory already holds), and any other name
/// passed to a kv_store function is an error (ec::internal).
namespace cf {

inline constexpr std::string_view devices = "devices";
inline constexpr std::string_view audit = "audit";
inline constexpr std::string_view rogues = "rogues";
inline constexpr std::string_view topology = "topology";
inline constexpr std::string_view isolations = "isolations";
inline constexpr std::string_view meta = "meta";

} // namespace cf

/// Every column family a store provides.
inline constexpr std::array<std::string_view, 6> column_families
  = {cf::devices, cf::audit, cf::rogues, cf::topology, cf::isolations, cf::meta};

/// Returns whether `name` is one of `column_families`.
bool is_column_family(std::string_view name) noexcept;

/// Durability of one write.
struct write_options {
  /// false: the write survives a crash of the process but may be lost on a
  /// crash of the machine (power loss, kernel panic).
  /// true: the write is on stable storage (fsync of the write-ahead log)
  /// before the call returns. Costs about 70 µs per call on an SSD; batch
  /// several records into one write_batch when they must all be synced.
  bool sync = false;
};

/// A sequence of puts and erases applied atomically by kv_store::write: after
/// a crash either all of them or none of them are visible, and concurrent
/// readers never see a part of the batch. Later operations on the same key win.
/// Plain value type; not thread-safe.
class write_batch {
public:
  enum class op_kind { put, erase };

  struct op {
    op_kind kind;
    std::string cf;
    std::string key;
    /// Empty for erase.
    std::string value;
  };

  void put(std::string_view cf, std::string_view key, std::string_view value);

  void erase(std::string_view cf, std::string_view key);

  const std::vector<op>& ops() const noexcept {
    return ops_;
  }

  bool empty() const noexcept {
    return ops_.empty();
  }

  size_t size() const noexcept {
    return ops_.size();
  }

  void clear() noexcept {
    ops_.clear();
  }

private:
  std::vector<op> ops_;
};

/// Called by for_each_prefix with each key and value; returns true to go on
/// with the next record, false to stop. The views are valid only during the
/// call.
using record_visitor
  = std::function<bool(std::string_view key, std::string_view value)>;

/// Contract shared by every implementation:
/// - Thread safety: all member functions may be called concurrently from any
///   number of threads on one instance. Each single call is atomic.
/// - Keys and values are arbitrary byte strings (the empty key included).
///   Keys are ordered bytewise (memcmp order, shorter first on a tie).
/// - Errors are values: no member function throws. A failure of the backend
///   is ec::storage_failure with the backend's message; an unknown column
///   family name is ec::internal (a programming error).
/// - Durability: see write_options. A successful write is visible to every
///   later read on any thread.
class kv_store {
public:
  virtual ~kv_store();

  /// Stores `value` under `key` in `cf`, replacing any previous value.
  virtual caf::error put(std::string_view cf, std::string_view key,
                         std::string_view value, write_options opts = {})
    = 0;

  /// Returns the value stored under `key`, or std::nullopt when there is none.
  virtual caf::expected<std::optional<std::string>>
  get(std::string_view cf, std::string_view key) = 0;

  /// Removes `key` from `cf`. Removing a missing key succeeds (idempotent).
  virtual caf::error erase(std::string_view cf, std::string_view key,
                           write_options opts = {})
    = 0;

  /// Calls `fn` for every record of `cf` whose key starts with `prefix` (all
  /// records for an empty prefix), in ascending key order, until `fn` returns
  /// false. `fn` sees a consistent snapshot taken when the call starts: writes
  /// made during the iteration (also by `fn` itself, which may call back into
  /// the store) are not visited.
  virtual caf::error for_each_prefix(std::string_view cf,
                                     std::string_view prefix,
                                     const record_visitor& fn)
    = 0;

  /// Applies all operations of `batch` atomically (see write_batch). When an
  /// operation names an unknown column family, nothing is applied.
  virtual caf::error write(const write_batch& batch, write_options opts = {})
    = 0;
};

} // namespace kagami::storage
