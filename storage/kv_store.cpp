#include "storage/kv_store.hpp"

#include <algorithm>

namespace kagami::storage {

bool is_column_family(std::string_view name) noexcept {
  return std::find(column_families.begin(), column_families.end(), name)
         != column_families.end();
}

void write_batch::put(std::string_view cf, std::string_view key,
                      std::string_view value) {
  ops_.push_back(op{op_kind::put, std::string{cf}, std::string{key},
                    std::string{value}});
}

void write_batch::erase(std::string_view cf, std::string_view key) {
  ops_.push_back(op{op_kind::erase, std::string{cf}, std::string{key}, {}});
}

kv_store::~kv_store() = default;

} // namespace kagami::storage
