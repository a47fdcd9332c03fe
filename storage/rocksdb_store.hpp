#pragma once

// The production kv_store: one RocksDB database in the gateway's data
// directory, one column family per entry of `column_families`.

#include <memory>
#include <string>

#include "storage/kv_store.hpp"

namespace kagami::storage {

/// A RocksDB database opened by exactly one rocksdb_store at a time.
///
/// - Thread safety: as required by kv_store; RocksDB serializes writers
///   itself, no lock of ours is on the read path.
/// - Durability: see write_options. Every write goes through the write-ahead
///   log; `sync` makes the call wait for its fsync.
/// - Exclusive use: open() takes an advisory lock (flock) on
///   `DIR/kagami.lock` and writes its pid there; RocksDB also locks
///   `DIR/LOCK`. A second open of the same directory, from this or another
///   process, fails with ec::storage_failure and a message that says the
///   directory is in use and by which pid. The lock is released by the
///   destructor or when the process dies.
class rocksdb_store final : public kv_store {
public:
  /// The name of the lock file inside the data directory.
  static constexpr const char* lock_file_name = "kagami.lock";

  /// Opens (creating when missing) the database in `dir`. Creates missing
  /// parent directories and missing column families. On reopen, opens every
  /// column family the directory holds (RocksDB requires it), including
  /// families this version does not use.
  /// Fails with ec::storage_failure, naming `dir` and the reason, when `dir`
  /// cannot be created or is not a directory, when it is locked by another
  /// store, or when RocksDB refuses it (the RocksDB status text is kept).
  static caf::expected<std::unique_ptr<rocksdb_store>>
  open(const std::string& dir);

  /// Closes the database: column family handles first, then the DB, then the
  /// directory lock. Pending unsynced writes stay in the OS page cache.
  ~rocksdb_store() override;

  rocksdb_store(const rocksdb_store&) = delete;
  rocksdb_store& operator=(const rocksdb_store&) = delete;

  /// The directory given to open().
  const std::string& dir() const noexcept;

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
  /// Keeps RocksDB headers out of this header.
  struct impl;

  explicit rocksdb_store(std::unique_ptr<impl> ptr);

  std::unique_ptr<impl> impl_;
};

} // namespace kagami::storage
