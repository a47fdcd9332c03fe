#pragma once

// Loading the typed records of one column family: the read paths that
// device_registry and rogue_registry share. Internal to kagami_storage.
//
// `decode` is the repository's decoder, called as decode(key, bytes) and
// returning caf::expected<Record> (decode_device_record, ...). Nothing here
// throws; errors are those of the store or of the decoder, unchanged.

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "storage/kv_store.hpp"

namespace kagami::storage {

/// The record stored under `key` in `cf`, or nullopt when there is none.
template <class Record, class Decode>
caf::expected<std::optional<Record>>
load_record(kv_store& store, std::string_view cf, std::string_view key,
            Decode&& decode) {
  auto bytes = store.get(cf, key);
  if (!bytes)
    return std::move(bytes.error());
  if (!*bytes)
    return std::optional<Record>{};
  auto rec = decode(key, **bytes);
  if (!rec)
    return std::move(rec.error());
  return std::optional<Record>{std::move(*rec)};
}

/// Every record of `cf` in ascending key order. Fails with the first record
/// that does not decode: a corrupt record is never skipped in silence.
template <class Record, class Decode>
caf::expected<std::vector<Record>>
load_records(kv_store& store, std::string_view cf, Decode&& decode) {
  std::vector<Record> result;
  caf::error first_corrupt;
  auto err = store.for_each_prefix(
    cf, "", [&](std::string_view key, std::string_view bytes) {
      auto rec = decode(key, bytes);
      if (!rec) {
        first_corrupt = std::move(rec.error());
        return false;
      }
      result.push_back(std::move(*rec));
      return true;
    });
  if (err)
    return err;
  if (first_corrupt)
    return first_corrupt;
  return result;
}

} // namespace kagami::storage
