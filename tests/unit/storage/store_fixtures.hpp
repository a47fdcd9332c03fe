#pragma once

// Temporary directories and the store factories the typed suites run over.

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "storage/kv_store.hpp"
#include "storage/memory_store.hpp"
#include "storage/rocksdb_store.hpp"

namespace kagami::storage::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class temp_dir {
public:
  temp_dir() {
    auto base = std::filesystem::temp_directory_path() / "kagami-test-XXXXXX";
    std::string tmpl = base.string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }

  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const {
    return path_;
  }

  std::string str(const std::string& sub = "") const {
    return sub.empty() ? path_.string() : (path_ / sub).string();
  }

private:
  std::filesystem::path path_;
};

struct memory_factory {
  static constexpr const char* name = "memory";
  static std::unique_ptr<kv_store> make(const temp_dir&) {
    return std::make_unique<memory_store>();
  }
};

struct rocksdb_factory {
  static constexpr const char* name = "rocksdb";
  static std::unique_ptr<kv_store> make(const temp_dir& dir) {
    auto store = rocksdb_store::open(dir.str("db"));
    if (!store) {
      ADD_FAILURE() << "cannot open rocksdb store: "
                    << detail_of(store.error());
      return nullptr;
    }
    return std::move(*store);
  }
};

using store_factories = ::testing::Types<memory_factory, rocksdb_factory>;

struct factory_names {
  template <class T>
  static std::string GetName(int) {
    return T::name;
  }
};

} // namespace kagami::storage::test
