// kill -9 of a process in the middle of a burst of durable appends: every
// event it acknowledged is in the trail after reopening, and the chain is
// intact (issue 4, "no acknowledged request is missing").

#include <csignal>
#include <cstdio>
#include <set>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "storage/audit_query.hpp"
#include "storage/audit_verify.hpp"
#include "storage/audit_writer.hpp"
#include "storage/rocksdb_store.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

/// Runs the child on `dir`, reads `min_acks` acknowledgements, kills it
/// with SIGKILL and returns every acknowledgement it printed.
std::set<std::string> run_and_kill(const std::string& dir,
                                   const std::string& tag, size_t min_acks) {
  int out[2];
  if (::pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  auto pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    ::execl(KAGAMI_AUDIT_CRASH_CHILD, KAGAMI_AUDIT_CRASH_CHILD, dir.c_str(),
            tag.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  auto* in = ::fdopen(out[0], "r");
  std::set<std::string> acks;
  char line[128];
  while (acks.size() < min_acks && std::fgets(line, sizeof(line), in)) {
    std::string s{line};
    if (!s.empty() && s.back() == '\n')
      s.pop_back();
    acks.insert(s);
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
    << "child ended with status " << status;
  // Whatever it printed before dying was acknowledged too.
  while (std::fgets(line, sizeof(line), in)) {
    std::string s{line};
    if (!s.empty() && s.back() == '\n')
      s.pop_back();
    else
      break; // a line cut by the kill: not a complete acknowledgement
    acks.insert(s);
  }
  std::fclose(in);
  return acks;
}

TEST(audit_crash, acknowledged_events_survive_kill_9) {
  temp_dir dir;
  auto db = dir.str("db");
  size_t total_acks = 0;
  // Two crashes in a row: the second run continues the chain of the first.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    auto acks = run_and_kill(db, "run" + std::to_string(round), 2000);
    ASSERT_GE(acks.size(), 2000u);
    total_acks += acks.size();
    auto store = rocksdb_store::open(db);
    ASSERT_TRUE(store) << detail_of(store.error());
    auto report = audit_verify(**store);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok()) << report->reason;
    std::set<std::string> stored;
    audit_filter f;
    f.limit = max_audit_query_limit;
    for (;;) {
      auto page = audit_query(**store, f);
      ASSERT_TRUE(page);
      if (page->empty())
        break;
      for (const auto& rec : *page)
        stored.insert(rec.event.request_id);
      f.after_sequence = page->back().sequence;
    }
    size_t missing = 0;
    for (const auto& id : acks)
      if (stored.count(id) == 0)
        ++missing;
    EXPECT_EQ(missing, 0u) << "of " << acks.size() << " acknowledged";
    EXPECT_GE(report->records, total_acks);
  }
}

} // namespace
} // namespace kagami::storage::test
