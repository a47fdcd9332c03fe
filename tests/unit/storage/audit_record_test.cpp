// The audit record format: keys, canonical hash, JSON encoding, decoding of
// corrupt records, sanitizing of client-supplied text.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "storage/audit_record.hpp"

namespace kagami::storage::test {
namespace {

audit_record sample_record() {
  audit_record rec;
  rec.event.time_ms = 1'790'000'000'123;
  rec.event.subject = "user:alice";
  rec.event.source = "192.0.2.7:51432";
  rec.event.thing = "urn:dev:press-7";
  rec.event.affordance = "setpoint";
  rec.event.op = "writeproperty";
  rec.event.outcome = audit_outcome::denied;
  rec.event.http_status = 403;
  rec.event.check = "authz.acl";
  rec.event.reason = "no rule allows writeproperty";
  rec.event.request_id = "req-42";
  rec.sequence = 7;
  rec.prev_hash = std::string(64, 'a');
  rec.hash = audit_hash(rec);
  return rec;
}

TEST(audit_key, orders_like_the_sequence) {
  const std::vector<uint64_t> seqs = {0, 1, 9, 10, 255, 256, 99999,
                                      1'000'000'007, UINT64_MAX};
  for (size_t i = 0; i < seqs.size(); ++i) {
    auto key = audit_key(seqs[i]);
    EXPECT_EQ(key.size(), 20u) << key;
    EXPECT_EQ(parse_audit_key(key), seqs[i]);
    if (i > 0)
      EXPECT_LT(audit_key(seqs[i - 1]), key);
  }
}

TEST(audit_key, rejects_other_keys) {
  for (std::string_view bad : {"", "1", "0000000000000000000x",
                               "000000000000000000001",
                               "99999999999999999999"}) // > UINT64_MAX
    EXPECT_FALSE(parse_audit_key(bad)) << bad;
}

TEST(audit_hash, is_sha256_hex_and_ignores_the_stored_hash) {
  auto rec = sample_record();
  EXPECT_EQ(rec.hash.size(), 64u);
  auto other = rec;
  other.hash = std::string(64, '0');
  EXPECT_EQ(audit_hash(other), rec.hash);
}

TEST(audit_hash, known_vector) {
  // The expected value was computed outside kagami (Python hashlib) from
  // the layout documented at canonical_audit_bytes: an empty event with
  // outcome denied (1), sequence 0 and the genesis prev_hash.
  audit_record rec;
  rec.prev_hash = genesis_hash();
  EXPECT_EQ(canonical_audit_bytes(rec).size(), 191u);
  EXPECT_EQ(audit_hash(rec),
            "1b686dc1fa9dc7867f598fcca917d38db9d978a3aac4e287b2c0d281f6c6ed6e");
}

TEST(audit_hash, covers_every_field) {
  using mutation = void (*)(audit_record&);
  const std::vector<std::pair<const char*, mutation>> cases = {
    {"sequence", [](audit_record& r) { r.sequence += 1; }},
    {"time", [](audit_record& r) { r.event.time_ms += 1; }},
    {"subject", [](audit_record& r) { r.event.subject = "user:bob"; }},
    {"source", [](audit_record& r) { r.event.source += "1"; }},
    {"thing", [](audit_record& r) { r.event.thing = "urn:dev:x"; }},
    {"affordance", [](audit_record& r) { r.event.affordance = "speed"; }},
    {"op", [](audit_record& r) { r.event.op = "readproperty"; }},
    {"outcome",
     [](audit_record& r) { r.event.outcome = audit_outcome::allowed; }},
    {"status", [](audit_record& r) { r.event.http_status = 401; }},
    {"check", [](audit_record& r) { r.event.check = "authn.basic"; }},
    {"reason", [](audit_record& r) { r.event.reason += "."; }},
    {"request_id", [](audit_record& r) { r.event.request_id = "req-43"; }},
    {"prev_hash", [](audit_record& r) { r.prev_hash[0] = 'b'; }},
    // Moving bytes between adjacent fields must change the hash too.
    {"field boundary",
     [](audit_record& r) {
       r.event.thing = "urn:dev:press-7s";
       r.event.affordance = "etpoint";
     }},
  };
  auto base = sample_record();
  for (const auto& [name, mutate] : cases) {
    auto rec = base;
    mutate(rec);
    EXPECT_NE(audit_hash(rec), base.hash) << name;
  }
}

TEST(audit_record_json, round_trips) {
  auto rec = sample_record();
  for (auto outcome :
       {audit_outcome::allowed, audit_outcome::denied, audit_outcome::error}) {
    rec.event.outcome = outcome;
    rec.hash = audit_hash(rec);
    auto key = audit_key(rec.sequence);
    auto decoded = decode_audit_record(key, encode_audit_record(rec));
    ASSERT_TRUE(decoded) << detail_of(decoded.error());
    EXPECT_EQ(*decoded, rec);
  }
}

TEST(audit_record_json, corrupt_records_are_named) {
  auto good = nlohmann::json::parse(encode_audit_record(sample_record()));
  auto with = [&](const char* field, nlohmann::json value) {
    auto obj = good;
    obj[field] = std::move(value);
    return obj.dump();
  };
  auto without = [&](const char* field) {
    auto obj = good;
    obj.erase(field);
    return obj.dump();
  };
  struct row {
    std::string bytes;
    std::string reason;
  };
  const std::vector<row> rows = {
    {"", "not valid JSON"},
    {"{\"seq\": 1", "not valid JSON"},
    {"[1,2]", "not a JSON object"},
    {"{}", "missing field 'schema_version'"},
    {with("schema_version", 2), "unknown schema_version 2"},
    {with("schema_version", "1"), "field 'schema_version' is not an integer"},
    {without("seq"), "missing field 'seq'"},
    {with("seq", -1), "field 'seq' is not an unsigned integer in range"},
    {without("time_ms"), "missing field 'time_ms'"},
    {with("time_ms", "now"), "field 'time_ms' is not an integer"},
    {without("subject"), "missing field 'subject'"},
    {with("thing", 5), "field 'thing' is not a string"},
    {with("outcome", "maybe"), "unknown outcome 'maybe'"},
    {with("http_status", 70000),
     "field 'http_status' is not an unsigned integer in range"},
    {with("hash", "abc"), "field 'hash' is not 64 lower-case hex digits"},
    {with("prev_hash", std::string(64, 'A')),
     "field 'prev_hash' is not 64 lower-case hex digits"},
  };
  for (const auto& r : rows) {
    auto res = decode_audit_record(audit_key(7), r.bytes);
    ASSERT_FALSE(res) << r.bytes;
    EXPECT_EQ(code_of(res.error()), ec::storage_failure);
    EXPECT_EQ(detail_of(res.error()),
              "corrupt audit record 'audit/00000000000000000007': "
                + r.reason)
      << r.bytes;
  }
}

TEST(audit_head_json, round_trips_and_rejects_garbage) {
  audit_head head{42, std::string(64, 'f')};
  auto decoded = decode_audit_head(encode_audit_head(head));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, head);
  for (std::string_view bad : {"", "{}", "{\"schema_version\":1}",
                               "{\"schema_version\":1,\"seq\":1,\"hash\":\"x\"}"})
    EXPECT_FALSE(decode_audit_head(bad)) << bad;
}

TEST(sanitize_audit_field, keeps_utf8_escapes_garbage_and_cuts) {
  struct row {
    std::string in;
    std::string out;
  };
  const std::vector<row> rows = {
    {"alice", "alice"},
    {"j\xc3\xbcrgen", "j\xc3\xbcrgen"},  // valid UTF-8 (ü)
    {"a\xff" "b", "a\\xffb"},            // invalid byte
    {"\xc3", "\\xc3"},                    // truncated sequence
    {"\xc0\xaf", "\\xc0\\xaf"},           // overlong
    {"\xed\xa0\x80", "\\xed\\xa0\\x80"},  // surrogate
    {std::string(2000, 'x'), std::string(max_audit_field, 'x')},
  };
  for (const auto& r : rows) {
    auto out = sanitize_audit_field(r.in);
    EXPECT_EQ(out, r.out);
    // Whatever comes out encodes as JSON and decodes to itself.
    auto rec = sample_record();
    rec.event.subject = out;
    rec.hash = audit_hash(rec);
    auto decoded = decode_audit_record(audit_key(7), encode_audit_record(rec));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->hash, audit_hash(*decoded));
  }
}

} // namespace
} // namespace kagami::storage::test
