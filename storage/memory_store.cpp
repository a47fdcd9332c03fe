#include "storage/memory_store.hpp"

#include <utility>
#include <vector>

#include "actors/core/error.hpp"

namespace kagami::storage {

namespace {

caf::error unknown_cf(std::string_view cf) {
  return make_error(ec::internal,
                    "unknown column family '" + std::string{cf} + "'");
}

} // namespace

memory_store::memory_store() {
  for (auto name : column_families)
    tables_.emplace(std::string{name}, table{});
}

memory_store::table* memory_store::find_table(std::string_view cf) {
  auto i = tables_.find(cf);
  return i == tables_.end() ? nullptr : &i->second;
}

caf::error memory_store::put(std::string_view cf, std::string_view key,
                             std::string_view value, write_options) {
  std::lock_guard guard{mtx_};
  auto* t = find_table(cf);
  if (t == nullptr)
    return unknown_cf(cf);
  t->insert_or_assign(std::string{key}, std::string{value});
  return caf::none;
}

caf::expected<std::optional<std::string>>
memory_store::get(std::string_view cf, std::string_view key) {
  std::lock_guard guard{mtx_};
  auto* t = find_table(cf);
  if (t == nullptr)
    return unknown_cf(cf);
  auto i = t->find(key);
  if (i == t->end())
    return std::optional<std::string>{};
  return std::optional<std::string>{i->second};
}

caf::error memory_store::erase(std::string_view cf, std::string_view key,
                               write_options) {
  std::lock_guard guard{mtx_};
  auto* t = find_table(cf);
  if (t == nullptr)
    return unknown_cf(cf);
  if (auto i = t->find(key); i != t->end())
    t->erase(i);
  return caf::none;
}

caf::error memory_store::for_each_prefix(std::string_view cf,
                                         std::string_view prefix,
                                         const record_visitor& fn) {
  // Copy the matching records under the lock (the snapshot), then call `fn`
  // without it so that `fn` may use the store.
  std::vector<std::pair<std::string, std::string>> snapshot;
  {
    std::lock_guard guard{mtx_};
    auto* t = find_table(cf);
    if (t == nullptr)
      return unknown_cf(cf);
    for (auto i = t->lower_bound(prefix);
         i != t->end() && std::string_view{i->first}.starts_with(prefix); ++i)
      snapshot.emplace_back(i->first, i->second);
  }
  for (const auto& [key, value] : snapshot)
    if (!fn(key, value))
      break;
  return caf::none;
}

caf::error memory_store::write(const write_batch& batch, write_options) {
  std::lock_guard guard{mtx_};
  // Check first, apply second: an unknown column family applies nothing.
  for (const auto& op : batch.ops())
    if (find_table(op.cf) == nullptr)
      return unknown_cf(op.cf);
  for (const auto& op : batch.ops()) {
    auto* t = find_table(op.cf);
    if (op.kind == write_batch::op_kind::put)
      t->insert_or_assign(op.key, op.value);
    else
      t->erase(op.key);
  }
  return caf::none;
}

} // namespace kagami::storage
