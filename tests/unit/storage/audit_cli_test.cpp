// The kagami-audit tool on a real data directory: verify reports an intact
// chain and a tampered record (exit 1, the sequence), query filters.

#include <cstdio>
#include <string>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "storage/audit_record.hpp"
#include "storage/audit_writer.hpp"
#include "storage/rocksdb_store.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

struct run_result {
  int exit_code = -1;
  std::string out;
};

run_result run_tool(const std::string& args) {
  run_result res;
  std::string cmd = std::string{KAGAMI_AUDIT_TOOL} + " " + args + " 2>&1";
  auto* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr)
    return res;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0)
    res.out.append(buf, n);
  int status = ::pclose(p);
  res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return res;
}

void fill(const std::string& db, int n) {
  auto store = rocksdb_store::open(db);
  ASSERT_TRUE(store) << detail_of(store.error());
  auto writer = audit_writer::start(**store);
  ASSERT_TRUE(writer);
  for (int i = 1; i <= n; ++i) {
    audit_event ev;
    ev.time_ms = 1000 + i;
    ev.subject = i % 2 == 0 ? "user:alice" : "user:mallory";
    ev.thing = "urn:dev:press";
    ev.op = "writeproperty";
    ev.outcome = i % 2 == 0 ? audit_outcome::allowed : audit_outcome::denied;
    ev.http_status = i % 2 == 0 ? 200 : 403;
    ev.check = "authz.acl";
    ev.reason = "request " + std::to_string(i);
    ev.request_id = "r" + std::to_string(i);
    ASSERT_TRUE((*writer)->append_durable(ev));
  }
}

TEST(audit_cli, verify_and_query) {
  temp_dir dir;
  auto db = dir.str("db");
  fill(db, 6);
  auto ok = run_tool("verify --data-dir " + db);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  auto ok_json = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_TRUE(ok_json.is_object()) << ok.out;
  EXPECT_EQ(ok_json["ok"], true);
  EXPECT_EQ(ok_json["records"], 6);

  auto q = run_tool("query --data-dir " + db
                    + " --subject user:mallory --outcome denied --from 1002");
  EXPECT_EQ(q.exit_code, 0) << q.out;
  auto q_json = nlohmann::json::parse(q.out, nullptr, false);
  ASSERT_TRUE(q_json.is_array()) << q.out;
  ASSERT_EQ(q_json.size(), 2u);
  EXPECT_EQ(q_json[0]["seq"], 3);
  EXPECT_EQ(q_json[1]["seq"], 5);
  EXPECT_EQ(q_json[1]["request_id"], "r5");

  auto bad_outcome = run_tool("query --data-dir " + db + " --outcome maybe");
  EXPECT_EQ(bad_outcome.exit_code, 2);

  { // Tamper: a denied write turned into an allowed one.
    auto store = rocksdb_store::open(db);
    ASSERT_TRUE(store);
    auto bytes = (*store)->get(cf::audit, audit_key(3));
    ASSERT_TRUE(bytes && *bytes);
    auto text = **bytes;
    auto pos = text.find("\"denied\"");
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, 8, "\"allowed\"");
    ASSERT_FALSE((*store)->put(cf::audit, audit_key(3), text));
  }
  auto bad = run_tool("verify --data-dir " + db);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  auto bad_json = nlohmann::json::parse(bad.out, nullptr, false);
  ASSERT_TRUE(bad_json.is_object()) << bad.out;
  EXPECT_EQ(bad_json["ok"], false);
  EXPECT_EQ(bad_json["first_bad_sequence"], 3);
  EXPECT_EQ(bad_json["records"], 2);
}

TEST(audit_cli, a_locked_directory_is_an_error) {
  temp_dir dir;
  auto db = dir.str("db");
  fill(db, 1);
  auto store = rocksdb_store::open(db);
  ASSERT_TRUE(store);
  auto res = run_tool("verify --data-dir " + db);
  EXPECT_EQ(res.exit_code, 2) << res.out;
}

} // namespace
} // namespace kagami::storage::test
