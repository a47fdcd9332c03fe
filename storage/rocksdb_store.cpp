#include "storage/rocksdb_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "actors/core/error.hpp"

namespace kagami::storage {

namespace {

caf::error failure(std::string what) {
  return make_error(ec::storage_failure, std::move(what));
}

caf::error failure(std::string_view op, std::string_view cf,
                   const rocksdb::Status& st) {
  std::string msg = "rocksdb ";
  msg += op;
  msg += " in column family '";
  msg += cf;
  msg += "': ";
  msg += st.ToString();
  return failure(std::move(msg));
}

caf::error unknown_cf(std::string_view cf) {
  return make_error(ec::internal,
                    "unknown column family '" + std::string{cf} + "'");
}

rocksdb::Slice to_slice(std::string_view x) {
  return {x.data(), x.size()};
}

std::string_view to_view(const rocksdb::Slice& x) {
  return {x.data(), x.size()};
}

rocksdb::WriteOptions to_rocksdb(write_options opts) {
  rocksdb::WriteOptions result;
  result.sync = opts.sync;
  return result;
}

/// An flock'ed file descriptor; -1 when empty.
class dir_lock {
public:
  dir_lock() = default;

  explicit dir_lock(int fd) : fd_(fd) {
    // nop
  }

  dir_lock(dir_lock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {
    // nop
  }

  dir_lock& operator=(dir_lock&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }

  ~dir_lock() {
    if (fd_ >= 0)
      ::close(fd_); // Also releases the flock.
  }

private:
  int fd_ = -1;
};

/// Reads the pid a holder wrote into the lock file, or "" if unreadable.
std::string read_holder(int fd) {
  char buf[32] = {};
  auto n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0)
    return {};
  std::string result{buf, static_cast<size_t>(n)};
  result.erase(std::remove_if(result.begin(), result.end(),
                              [](char c) { return c < '0' || c > '9'; }),
               result.end());
  return result;
}

/// Makes sure `dir` exists as a directory and takes its exclusive lock.
caf::expected<dir_lock> lock_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code err;
  fs::create_directories(dir, err);
  if (err)
    return failure("cannot use data directory '" + dir
                   + "': cannot create it: " + err.message());
  if (!fs::is_directory(dir, err))
    return failure("cannot use data directory '" + dir
                   + "': it is not a directory");
  auto path = (fs::path{dir} / rocksdb_store::lock_file_name).string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return failure("cannot use data directory '" + dir
                   + "': cannot open lock file '" + path
                   + "': " + std::strerror(errno));
  dir_lock guard{fd};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto code = errno;
    if (code != EWOULDBLOCK)
      return failure("cannot use data directory '" + dir + "': cannot lock '"
                     + path + "': " + std::strerror(code));
    auto holder = read_holder(fd);
    std::string msg = "data directory '" + dir + "' is locked ";
    if (holder == std::to_string(::getpid()))
      msg += "by another store in this process (pid " + holder + ")";
    else if (!holder.empty())
      msg += "by another process (pid " + holder
             + "); is another kagamid running on it?";
    else
      msg += "by another process; is another kagamid running on it?";
    return failure(std::move(msg));
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0
      || ::pwrite(fd, pid.data(), pid.size(), 0)
           != static_cast<ssize_t>(pid.size())) {
    // The pid only improves the error message of a competitor: go on.
  }
  return guard;
}

} // namespace

struct rocksdb_store::impl {
  std::string dir;
  /// Declared first, destroyed last: the lock outlives the DB.
  dir_lock lock;
  rocksdb::DB* db = nullptr;
  /// Every handle the DB was opened with, default family included.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  /// Our families by name; points into `handles`.
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> by_name;

  ~impl() {
    if (db == nullptr)
      return;
    for (auto* h : handles)
      db->DestroyColumnFamilyHandle(h);
    handles.clear();
    by_name.clear();
    db->Close();
    delete db;
    db = nullptr;
  }

  rocksdb::ColumnFamilyHandle* find(std::string_view cf) const {
    auto i = by_name.find(cf);
    return i == by_name.end() ? nullptr : i->second;
  }
};

caf::expected<std::unique_ptr<rocksdb_store>>
rocksdb_store::open(const std::string& dir) {
  auto lock = lock_dir(dir);
  if (!lock)
    return std::move(lock.error());
  auto state = std::make_unique<impl>();
  state->dir = dir;
  state->lock = std::move(*lock);
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.create_missing_column_families = true;
  opts.keep_log_file_num = 10;
  opts.max_log_file_size = 16 * 1024 * 1024;
  // Families to open: what the directory holds plus what we need.
  std::vector<std::string> names;
  std::error_code fs_err;
  if (std::filesystem::exists(std::filesystem::path{dir} / "CURRENT",
                              fs_err)) {
    auto st = rocksdb::DB::ListColumnFamilies(opts, dir, &names);
    if (!st.ok())
      return failure("cannot open store in '" + dir
                     + "': listing column families failed: " + st.ToString());
  } else {
    names.push_back(rocksdb::kDefaultColumnFamilyName);
  }
  for (auto name : column_families)
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.emplace_back(name);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions{opts});
  auto st = rocksdb::DB::Open(rocksdb::DBOptions{opts}, dir, descriptors,
                              &state->handles, &state->db);
  if (!st.ok()) {
    state->db = nullptr; // Open leaves no handles behind on failure.
    state->handles.clear();
    return failure("cannot open store in '" + dir + "': " + st.ToString());
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (is_column_family(names[i]))
      state->by_name.emplace(names[i], state->handles[i]);
  return std::unique_ptr<rocksdb_store>{new rocksdb_store(std::move(state))};
}

rocksdb_store::rocksdb_store(std::unique_ptr<impl> ptr)
  : impl_(std::move(ptr)) {
  // nop
}

rocksdb_store::~rocksdb_store() = default;

const std::string& rocksdb_store::dir() const noexcept {
  return impl_->dir;
}

caf::error rocksdb_store::put(std::string_view cf, std::string_view key,
                              std::string_view value, write_options opts) {
  auto* h = impl_->find(cf);
  if (h == nullptr)
    return unknown_cf(cf);
  auto st = impl_->db->Put(to_rocksdb(opts), h, to_slice(key), to_slice(value));
  if (!st.ok())
    return failure("put", cf, st);
  return caf::none;
}

caf::expected<std::optional<std::string>>
rocksdb_store::get(std::string_view cf, std::string_view key) {
  auto* h = impl_->find(cf);
  if (h == nullptr)
    return unknown_cf(cf);
  std::string value;
  auto st = impl_->db->Get(rocksdb::ReadOptions{}, h, to_slice(key), &value);
  if (st.IsNotFound())
    return std::optional<std::string>{};
  if (!st.ok())
    return failure("get", cf, st);
  return std::optional<std::string>{std::move(value)};
}

caf::error rocksdb_store::erase(std::string_view cf, std::string_view key,
                                write_options opts) {
  auto* h = impl_->find(cf);
  if (h == nullptr)
    return unknown_cf(cf);
  auto st = impl_->db->Delete(to_rocksdb(opts), h, to_slice(key));
  if (!st.ok())
    return failure("erase", cf, st);
  return caf::none;
}

caf::error rocksdb_store::for_each_prefix(std::string_view cf,
                                          std::string_view prefix,
                                          const record_visitor& fn) {
  auto* h = impl_->find(cf);
  if (h == nullptr)
    return unknown_cf(cf);
  // An iterator reads from the implicit snapshot taken at its creation.
  std::unique_ptr<rocksdb::Iterator> it{
    impl_->db->NewIterator(rocksdb::ReadOptions{}, h)};
  for (it->Seek(to_slice(prefix));
       it->Valid() && to_view(it->key()).starts_with(prefix); it->Next())
    if (!fn(to_view(it->key()), to_view(it->value())))
      break;
  auto st = it->status();
  if (!st.ok())
    return failure("iteration", cf, st);
  return caf::none;
}

caf::error rocksdb_store::write(const write_batch& batch, write_options opts) {
  rocksdb::WriteBatch wb;
  for (const auto& op : batch.ops()) {
    auto* h = impl_->find(op.cf);
    if (h == nullptr)
      return unknown_cf(op.cf);
    auto st = op.kind == write_batch::op_kind::put
                ? wb.Put(h, op.key, op.value)
                : wb.Delete(h, op.key);
    if (!st.ok())
      return failure("batch", op.cf, st);
  }
  auto st = impl_->db->Write(to_rocksdb(opts), &wb);
  if (!st.ok())
    return failure("rocksdb write of a batch of "
                   + std::to_string(batch.size())
                   + " operations: " + st.ToString());
  return caf::none;
}

} // namespace kagami::storage
