// Helper of audit_crash_test: appends audit events durably from 4 threads
// until killed, printing the request id of every acknowledged event (one
// per line, flushed) only after append_durable returned its sequence.
// Usage: kagami_audit_crash_child DATA_DIR RUN_TAG (request ids are
// RUN_TAG/THREAD/I)

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/core/error.hpp"
#include "storage/audit_writer.hpp"
#include "storage/rocksdb_store.hpp"

int main(int argc, char** argv) {
  using namespace kagami::storage;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR RUN_TAG\n", argv[0]);
    return 2;
  }
  auto store = rocksdb_store::open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "%s\n", kagami::detail_of(store.error()).c_str());
    return 1;
  }
  auto writer = audit_writer::start(**store);
  if (!writer) {
    std::fprintf(stderr, "%s\n", kagami::detail_of(writer.error()).c_str());
    return 1;
  }
  std::mutex out_mtx;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (long i = 0;; ++i) {
        audit_event ev;
        ev.time_ms = i;
        ev.subject = "app:crash" + std::to_string(t);
        ev.op = "readproperty";
        ev.outcome = audit_outcome::allowed;
        ev.http_status = 200;
        ev.request_id = std::string{argv[2]} + "/" + std::to_string(t) + "/" + std::to_string(i);
        auto seq = (*writer)->append_durable(ev);
        if (!seq)
          std::_Exit(3);
        std::lock_guard<std::mutex> guard{out_mtx};
        std::printf("%s\n", ev.request_id.c_str());
        std::fflush(stdout);
      }
    });
  for (auto& th : threads)
    th.join();
}
