#pragma once

// The topology history in the store (column family "topology"): one record
// per version, holding the merge inputs (topology_json.hpp), the time, the
// cause and the diff from the version before. A version is written only
// when the graph changed. Plain C++ over kv_store, no actors.
//
// Keys: "v/" + the version as 16 decimal digits (so keys sort by version),
// "head" = the newest version in decimal. Versions start at 1 and only grow,
// also across restarts. At most `retain` versions are kept; older ones are
// erased in the same batch that adds a new one.
//
// Thread safety: none of its own; one owner (the topology supervisor).
// Durability: every append is synced.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/network/topology_json.hpp"
#include "storage/kv_store.hpp"

namespace kagami::topology {

struct topology_version {
  std::uint64_t version = 0;
  std::int64_t at_ms = 0;
  /// Why it was taken: "refresh", "start", "device onboarded", ...
  std::string cause;
  merge_inputs inputs;
  /// topology_diff::to_json() from the version before (empty object for the
  /// first version).
  nlohmann::json diff = nlohmann::json::object();
};

/// One line of the history listing (no inputs).
struct version_summary {
  std::uint64_t version = 0;
  std::int64_t at_ms = 0;
  std::string cause;
  nlohmann::json diff;
};

class topology_history {
public:
  /// `store` must outlive the history. `retain` >= 1.
  topology_history(storage::kv_store& store, std::size_t retain);

  /// The newest version, or nothing when the history is empty.
  /// ec::storage_failure for a corrupt record (naming its key).
  caf::expected<std::optional<topology_version>> latest();

  /// Version `v`, or nothing when it is not (or no longer) stored.
  caf::expected<std::optional<topology_version>> get(std::uint64_t v);

  /// Stores `v` as the next version (v.version is set to it) and prunes.
  caf::error append(topology_version& v);

  /// The newest `limit` versions, newest first, strictly older than
  /// `before` when given.
  caf::expected<std::vector<version_summary>>
  list(std::size_t limit, std::optional<std::uint64_t> before = std::nullopt);

private:
  caf::expected<std::uint64_t> head();

  storage::kv_store& store_;
  std::size_t retain_;
};

/// The record key of version `v` ("v/0000000000000042").
std::string version_key(std::uint64_t v);

} // namespace kagami::topology
