#pragma once

// An in-memory kv_store for unit tests of other components. Same semantics as
// rocksdb_store (ordering, snapshots, atomic batches, errors), no durability.

#include <map>
#include <mutex>
#include <string>

#include "storage/kv_store.hpp"

namespace kagami::storage {

/// Holds every column family of `column_families` in ordered maps behind one
/// mutex. Thread-safe as required by kv_store. `write_options::sync` is
/// accepted and ignored: nothing survives the object.
class memory_store final : public kv_store {
public:
  memory_store();

  caf::error put(std::string_view cf, std::string_view key,
                 std::string_view value, write_options opts = {}) override;

  caf::expected<std::optional<std::string>>
  get(std::string_view cf, std::string_view key) override;

  caf::error erase(std::string_view cf, std::string_view key,
                   write_options opts = {}) override;

  caf::error for_each_prefix(std::string_view cf, std::string_view prefix,
                             const record_visitor& fn) override;

  caf::error write(const write_batch& batch, write_options opts = {}) override;

private:
  /// std::less<> for heterogeneous lookup with string_view; std::string
  /// compares as unsigned bytes, which is RocksDB's bytewise order.
  using table = std::map<std::string, std::string, std::less<>>;

  /// Returns the table of `cf` or nullptr. Requires mtx_ held.
  table* find_table(std::string_view cf);

  std::mutex mtx_;
  std::map<std::string, table, std::less<>> tables_;
};

} // namespace kagami::storage
