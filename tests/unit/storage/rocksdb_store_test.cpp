// What only the RocksDB store does: persistence, reopen, exclusive use of the
// data directory.

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "actors/core/error.hpp"
#include "storage/rocksdb_store.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

std::unique_ptr<rocksdb_store> open_ok(const std::string& dir) {
  auto store = rocksdb_store::open(dir);
  if (!store) {
    ADD_FAILURE() << detail_of(store.error());
    return nullptr;
  }
  return std::move(*store);
}

std::string value_of(kv_store& s, std::string_view cf, std::string_view key) {
  auto res = s.get(cf, key);
  if (!res)
    return "<error>";
  return *res ? **res : "<none>";
}

/// A child process running the lock_holder helper on `dir`.
class holder_process {
public:
  explicit holder_process(const std::string& dir) {
    int to_child[2];
    int from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0)
      throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::execl(KAGAMI_LOCK_HOLDER, KAGAMI_LOCK_HOLDER, dir.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    stdout_ = ::fdopen(from_child[0], "r");
  }

  ~holder_process() {
    release();
    if (stdout_ != nullptr)
      std::fclose(stdout_);
  }

  /// The first line the helper printed.
  std::string first_line() {
    char buf[512] = {};
    if (std::fgets(buf, sizeof(buf), stdout_) == nullptr)
      return "<eof>";
    std::string line{buf};
    if (!line.empty() && line.back() == '\n')
      line.pop_back();
    return line;
  }

  /// Closes the helper's stdin and waits for it to exit; returns its status.
  int release() {
    if (stdin_ >= 0) {
      ::close(stdin_);
      stdin_ = -1;
    }
    if (pid_ > 0) {
      ::waitpid(pid_, &status_, 0);
      pid_ = -1;
    }
    return status_;
  }

  pid_t pid() const {
    return pid_;
  }

private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  FILE* stdout_ = nullptr;
  int status_ = -1;
};

TEST(rocksdb_store, reopen_keeps_every_column_family) {
  temp_dir dir;
  {
    auto s = open_ok(dir.str("db"));
    ASSERT_NE(s, nullptr);
    for (auto cf : column_families)
      ASSERT_FALSE(s->put(cf, "key", "in " + std::string{cf}));
    write_batch batch;
    batch.put(cf::audit, "batched", "yes");
    batch.erase(cf::meta, "key");
    ASSERT_FALSE(s->write(batch, {.sync = true}));
  }
  auto s = open_ok(dir.str("db"));
  ASSERT_NE(s, nullptr);
  for (auto cf : column_families) {
    if (cf == cf::meta)
      EXPECT_EQ(value_of(*s, cf, "key"), "<none>");
    else
      EXPECT_EQ(value_of(*s, cf, "key"), "in " + std::string{cf});
  }
  EXPECT_EQ(value_of(*s, cf::audit, "batched"), "yes");
  EXPECT_EQ(s->dir(), dir.str("db"));
}

TEST(rocksdb_store, reopen_opens_families_it_does_not_know) {
  temp_dir dir;
  {
    // A directory written by some other version, with an extra family and
    // only some of ours.
    rocksdb::Options opts;
    opts.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(opts, dir.str("db"), &db).ok());
    rocksdb::ColumnFamilyHandle* legacy = nullptr;
    rocksdb::ColumnFamilyHandle* devices = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily({}, "legacy", &legacy).ok());
    ASSERT_TRUE(db->CreateColumnFamily({}, "devices", &devices).ok());
    ASSERT_TRUE(db->Put({}, devices, "old", "record").ok());
    db->DestroyColumnFamilyHandle(legacy);
    db->DestroyColumnFamilyHandle(devices);
    delete db;
  }
  auto s = open_ok(dir.str("db"));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(value_of(*s, cf::devices, "old"), "record");
  EXPECT_FALSE(s->put(cf::rogues, "new", "family"));
  EXPECT_EQ(code_of(s->put("legacy", "k", "v")), ec::internal);
  s.reset();
  std::vector<std::string> names;
  ASSERT_TRUE(
    rocksdb::DB::ListColumnFamilies({}, dir.str("db"), &names).ok());
  EXPECT_EQ(names.size(), 2u + column_families.size()); // default + legacy
}

TEST(rocksdb_store, creates_missing_parents) {
  temp_dir dir;
  auto s = open_ok(dir.str("a/b/c"));
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->put(cf::meta, "k", "v"));
}

TEST(rocksdb_store, unusable_directory_fails_clearly) {
  temp_dir dir;
  std::ofstream{dir.str("file")} << "not a directory";
  for (auto path : {dir.str("file"), dir.str("file/sub")}) {
    auto s = rocksdb_store::open(path);
    ASSERT_FALSE(s) << path;
    EXPECT_EQ(code_of(s.error()), ec::storage_failure);
    auto msg = detail_of(s.error());
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("cannot use data directory"), std::string::npos) << msg;
  }
}

TEST(rocksdb_store, second_open_in_the_same_process_fails_clearly) {
  temp_dir dir;
  auto first = open_ok(dir.str("db"));
  ASSERT_NE(first, nullptr);
  auto second = rocksdb_store::open(dir.str("db"));
  ASSERT_FALSE(second);
  EXPECT_EQ(code_of(second.error()), ec::storage_failure);
  auto msg = detail_of(second.error());
  EXPECT_NE(msg.find("is locked by another store in this process"),
            std::string::npos)
    << msg;
  EXPECT_NE(msg.find(dir.str("db")), std::string::npos) << msg;
  // The failed open did not disturb the first store.
  EXPECT_FALSE(first->put(cf::meta, "still", "works"));
  // Closing releases the directory.
  first.reset();
  EXPECT_NE(open_ok(dir.str("db")), nullptr);
}

TEST(rocksdb_store, second_kagamid_on_the_same_directory_fails_clearly) {
  temp_dir dir;
  holder_process other{dir.str("db")};
  ASSERT_EQ(other.first_line(), "ready");
  auto pid = std::to_string(other.pid());
  auto s = rocksdb_store::open(dir.str("db"));
  ASSERT_FALSE(s);
  EXPECT_EQ(code_of(s.error()), ec::storage_failure);
  auto msg = detail_of(s.error());
  EXPECT_NE(msg.find("is locked by another process (pid " + pid + ")"),
            std::string::npos)
    << msg;
  EXPECT_NE(msg.find("another kagamid"), std::string::npos) << msg;
  // And the other way round: we hold it, the other process is refused.
  auto status = other.release();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto mine = open_ok(dir.str("db"));
  ASSERT_NE(mine, nullptr);
  holder_process late{dir.str("db")};
  auto line = late.first_line();
  EXPECT_EQ(line.rfind("error: data directory", 0), 0u) << line;
  EXPECT_NE(line.find("(pid " + std::to_string(::getpid()) + ")"),
            std::string::npos)
    << line;
  status = late.release();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

} // namespace
} // namespace kagami::storage::test
