// rogue_registry over every kv_store implementation.

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "storage/rogue_registry.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

timestamp at(int64_t ms) {
  return timestamp{std::chrono::milliseconds{ms}};
}

rogue_record make_rogue(std::string identity) {
  rogue_record r;
  r.identity = std::move(identity);
  r.mac = "02:99:00:00:00:15";
  r.address = "10.99.2.15";
  r.source = protocols::discovery_kind::htip;
  r.seen_on = "pcap:ot0";
  r.profile = protocols::device_profile{"KAGAMI", "KS-PLC900", "9", "2.0"};
  r.reasons = {"MAC 02:99:00:00:00:15 belongs to entry press-plc, but "
               "product KS-PLC900 \u2260 KS-PLC200"};
  r.first_seen = at(1'000);
  r.last_seen = at(1'000);
  return r;
}

// What note() stores for a first refusal `r`: `r` with its sighting place
// as the last one.
rogue_record as_first(rogue_record r) {
  r.last_seen_on = r.seen_on;
  r.last_address = r.address;
  return r;
}

// The refusal notice later sightings of a recorded rogue often carry alone.
const std::string release_notice
  = "recorded as rogue; only an operator can release it";

std::string reason_no(size_t i) {
  return "reason " + std::to_string(i);
}

template <class Factory>
class rogue_registry_test : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = Factory::make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  rogue_registry registry() {
    return rogue_registry{*store_};
  }

  temp_dir dir_;
  std::unique_ptr<kv_store> store_;
};

TYPED_TEST_SUITE(rogue_registry_test, store_factories, factory_names);

TYPED_TEST(rogue_registry_test, round_trip_sorted_by_identity) {
  auto reg = this->registry();
  auto a = make_rogue("mac:02:99:00:00:00:15");
  auto b = make_rogue("addr:10.99.2.16");
  b.mac.clear();
  b.profile.reset(); // no profile could be read
  b.reasons = {"profile fetch timed out"};
  b.withdrawn_thing = "press-1";
  b.state = "isolated";
  b.last_seen_on = "neigh:ot0";
  b.last_address = "10.99.2.17";
  ASSERT_FALSE(reg.save(a));
  ASSERT_FALSE(reg.save(b));
  auto all = reg.load_all();
  ASSERT_TRUE(all) << detail_of(all.error());
  EXPECT_EQ(*all, (std::vector{b, a}));
  auto one = reg.load("addr:10.99.2.16");
  ASSERT_TRUE(one && *one);
  EXPECT_EQ(**one, b);
  auto none = reg.load("mac:00:00:00:00:00:01");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TYPED_TEST(rogue_registry_test, note_keeps_the_first_evidence) {
  const auto r1 = make_rogue("x").reasons.front();
  const std::string r2 = "blocked by blocked[1]: MAC 02:99:00:00:00:15 = "
                         "02:99:00:00:00:15";
  auto evil = *make_rogue("x").profile;
  evil.vendor = "EVIL";
  evil.firmware = "6.6.6";
  struct row {
    std::string name;
    // Changes the first refusal (make_rogue, withdrawn from "press-1").
    std::function<void(rogue_record&)> first;
    // Changes the later refusal: a copy of the first seen at 5 s on
    // ssdp:ot0 from 10.99.2.99, with last_seen_on/last_address the
    // caller may not set (note() ignores them).
    std::function<void(rogue_record&)> later;
    // Changes what is expected: the first as stored, last seen at 5 s on
    // ssdp:ot0 from 10.99.2.99, count 2.
    std::function<void(rogue_record&)> expect;
  };
  auto none = [](rogue_record&) {};
  std::vector<row> rows{
    {"the release notice alone adds itself and changes nothing else", none,
     [&](rogue_record& r) {
       r.reasons = {release_notice};
       r.profile.reset();
       r.withdrawn_thing.clear();
       r.source = protocols::discovery_kind::upnp;
     },
     [&](rogue_record& r) { r.reasons = {r1, release_notice}; }},
    {"a new reason is appended, a known one is not", none,
     [&](rogue_record& r) { r.reasons = {r2, r1, r2}; },
     [&](rogue_record& r) { r.reasons = {r1, r2}; }},
    {"the same reasons leave the list as it is", none, none, none},
    {"a later profile does not replace the first", none,
     [&](rogue_record& r) { r.profile = evil; }, none},
    {"a missing first profile is filled in",
     [](rogue_record& r) { r.profile.reset(); },
     [&](rogue_record& r) { r.profile = evil; },
     [&](rogue_record& r) { r.profile = evil; }},
    {"the thing it was withdrawn from is kept", none,
     [](rogue_record& r) { r.withdrawn_thing = "press-9"; }, none},
    {"a missing withdrawn thing is filled in",
     [](rogue_record& r) { r.withdrawn_thing.clear(); },
     [](rogue_record& r) { r.withdrawn_thing = "press-9"; },
     [](rogue_record& r) { r.withdrawn_thing = "press-9"; }},
    {"missing MAC, address and place are filled in",
     [](rogue_record& r) {
       r.mac.clear();
       r.address.clear();
       r.seen_on.clear();
     },
     [](rogue_record& r) { r.mac = "02:99:00:00:00:16"; },
     [](rogue_record& r) {
       r.mac = "02:99:00:00:00:16";
       r.address = "10.99.2.99";
       r.seen_on = "ssdp:ot0";
     }},
    {"a later sighting without address clears only the last address", none,
     [](rogue_record& r) { r.address.clear(); },
     [](rogue_record& r) { r.last_address.clear(); }},
    {"a state set by its writer is kept",
     [](rogue_record& r) { r.state = "isolated"; }, none, none},
  };
  // Each row through note() twice, through one note_all() batch, and
  // through note() then note_all().
  enum class way { note, one_batch, note_then_batch };
  for (auto& r : rows) {
    for (auto w : {way::note, way::one_batch, way::note_then_batch}) {
      SCOPED_TRACE(r.name + " / way " + std::to_string(static_cast<int>(w)));
      temp_dir dir;
      auto store = TypeParam::make(dir);
      ASSERT_NE(store, nullptr);
      rogue_registry reg{*store};
      auto first = make_rogue("mac:02:99:00:00:00:15");
      first.withdrawn_thing = "press-1";
      r.first(first);
      auto later = first;
      later.first_seen = later.last_seen = at(5'000);
      later.seen_on = "ssdp:ot0";
      later.address = "10.99.2.99";
      later.last_seen_on = "ignored:ot9";
      later.last_address = "10.0.0.1";
      r.later(later);
      auto expected = as_first(first);
      expected.last_seen = at(5'000);
      expected.last_seen_on = "ssdp:ot0";
      expected.last_address = "10.99.2.99";
      expected.count = 2;
      r.expect(expected);
      rogue_record stored;
      if (w == way::one_batch) {
        auto both = reg.note_all({first, later});
        ASSERT_TRUE(both) << detail_of(both.error());
        ASSERT_EQ(both->size(), 2u);
        EXPECT_EQ(both->front(), as_first(first));
        stored = both->back();
      } else {
        auto one = reg.note(first);
        ASSERT_TRUE(one) << detail_of(one.error());
        EXPECT_EQ(*one, as_first(first));
        if (w == way::note) {
          auto two = reg.note(later);
          ASSERT_TRUE(two) << detail_of(two.error());
          stored = *two;
        } else {
          auto two = reg.note_all({later});
          ASSERT_TRUE(two) << detail_of(two.error());
          ASSERT_EQ(two->size(), 1u);
          stored = two->front();
        }
      }
      EXPECT_EQ(stored, expected);
      auto loaded = reg.load(first.identity);
      ASSERT_TRUE(loaded && *loaded);
      EXPECT_EQ(**loaded, expected);
    }
  }
}

TYPED_TEST(rogue_registry_test, note_bounds_the_reasons) {
  static_assert(max_rogue_reasons == 16);
  struct row {
    std::string name;
    // The reasons of each refusal, in order.
    std::vector<std::vector<std::string>> refusals;
    std::vector<std::string> expect;
  };
  auto numbered = [](size_t from, size_t to) { // [from, to)
    std::vector<std::string> out;
    for (auto i = from; i < to; ++i)
      out.push_back(reason_no(i));
    return out;
  };
  auto one_each = [&](size_t from, size_t to) {
    std::vector<std::vector<std::string>> out;
    for (auto& r : numbered(from, to))
      out.push_back({r});
    return out;
  };
  auto concat = [](auto a, const auto& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  auto first_15_and = [&](size_t newest) {
    return concat(numbered(0, 15), std::vector{reason_no(newest)});
  };
  std::vector<row> rows{
    {"16 reasons fill the list", one_each(0, 16), numbered(0, 16)},
    {"then the newest new reason takes the last slot", one_each(0, 20),
     first_15_and(19)},
    {"a first refusal with too many reasons is bounded too",
     {numbered(0, 20)}, first_15_and(19)},
    {"known reasons do not take the last slot",
     concat(one_each(0, 20), std::vector{numbered(0, 15), {reason_no(19)}}),
     first_15_and(19)},
    {"a reason that lost the last slot comes back as new",
     concat(one_each(0, 20), one_each(16, 17)), first_15_and(16)},
    {"the release notice repeated is kept once",
     concat(one_each(0, 3), std::vector<std::vector<std::string>>(
                              5, {release_notice})),
     concat(numbered(0, 3), std::vector{release_notice})},
  };
  for (auto& r : rows) {
    for (bool batch : {false, true}) {
      SCOPED_TRACE(r.name + (batch ? " / note_all" : " / note"));
      temp_dir dir;
      auto store = TypeParam::make(dir);
      ASSERT_NE(store, nullptr);
      rogue_registry reg{*store};
      std::vector<rogue_record> seen;
      for (size_t i = 0; i < r.refusals.size(); ++i) {
        auto s = make_rogue("x");
        s.reasons = r.refusals[i];
        s.last_seen = at(1'000 + static_cast<int64_t>(i));
        seen.push_back(std::move(s));
      }
      if (batch) {
        auto stored = reg.note_all(seen);
        ASSERT_TRUE(stored) << detail_of(stored.error());
      } else {
        for (auto& s : seen)
          ASSERT_TRUE(reg.note(s));
      }
      auto x = reg.load("x");
      ASSERT_TRUE(x && *x);
      EXPECT_EQ((*x)->reasons, r.expect);
      EXPECT_EQ((*x)->count, r.refusals.size());
      EXPECT_EQ((*x)->last_seen, seen.back().last_seen);
    }
  }
}

TYPED_TEST(rogue_registry_test, version_1_records_are_read_and_upgraded) {
  // A version 1 record as the previous writer stored it: the fields of the
  // latest refusal.
  auto v1 = nlohmann::json::parse(encode_rogue_record(make_rogue("k")));
  v1["schema_version"] = 1;
  v1.erase("last_seen_on");
  v1.erase("last_address");
  v1["count"] = 7;
  ASSERT_FALSE(this->store_->put(cf::rogues, "k", v1.dump()));
  auto reg = this->registry();
  auto old = reg.load("k");
  ASSERT_TRUE(old && *old) << (old ? "missing" : detail_of(old.error()));
  auto expected = as_first(make_rogue("k"));
  expected.count = 7;
  EXPECT_EQ(**old, expected);
  // note() keeps its evidence and writes the current version.
  auto later = make_rogue("k");
  later.reasons = {release_notice};
  later.profile.reset();
  later.seen_on = "neigh:ot0";
  later.last_seen = at(9'000);
  auto stored = reg.note(later);
  ASSERT_TRUE(stored) << detail_of(stored.error());
  expected.reasons.push_back(release_notice);
  expected.last_seen = at(9'000);
  expected.last_seen_on = "neigh:ot0";
  expected.count = 8;
  EXPECT_EQ(*stored, expected);
  auto raw = this->store_->get(cf::rogues, "k");
  ASSERT_TRUE(raw && *raw);
  EXPECT_EQ(nlohmann::json::parse(**raw).at("schema_version"),
            rogue_record_version);
  auto loaded = reg.load("k");
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(**loaded, expected);
}

TYPED_TEST(rogue_registry_test, remove_is_idempotent) {
  auto reg = this->registry();
  auto first = make_rogue("mac:02:99:00:00:00:15");
  ASSERT_TRUE(reg.note(first));
  ASSERT_FALSE(reg.remove(first.identity));
  EXPECT_FALSE(reg.remove(first.identity));
  auto loaded = reg.load(first.identity);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->has_value());
  // A refusal after the removal starts a new record.
  auto again = make_rogue(first.identity);
  again.first_seen = again.last_seen = at(5'000);
  again.reasons = {release_notice};
  auto stored = reg.note(again);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, as_first(again));
}

TYPED_TEST(rogue_registry_test, note_all_counts_within_and_across_batches) {
  auto reg = this->registry();
  ASSERT_TRUE(reg.note(make_rogue("x")));
  auto x2 = make_rogue("x");
  x2.last_seen = at(2'000);
  x2.reasons = {release_notice};
  auto y = make_rogue("y");
  auto x3 = make_rogue("x");
  x3.last_seen = at(3'000);
  x3.seen_on = "neigh:ot0";
  auto stored = reg.note_all({x2, y, x3});
  ASSERT_TRUE(stored) << detail_of(stored.error());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].count, 2u);
  EXPECT_EQ((*stored)[1].count, 1u);
  EXPECT_EQ((*stored)[2].count, 3u);
  // Each result is the record as it was after its refusal.
  EXPECT_EQ((*stored)[0].last_seen, at(2'000));
  EXPECT_EQ((*stored)[0].last_seen_on, "pcap:ot0");
  auto x = reg.load("x");
  ASSERT_TRUE(x && *x);
  EXPECT_EQ(**x, (*stored)[2]);
  EXPECT_EQ((*x)->count, 3u);
  EXPECT_EQ((*x)->first_seen, at(1'000));
  EXPECT_EQ((*x)->last_seen, at(3'000));
  EXPECT_EQ((*x)->seen_on, "pcap:ot0");
  EXPECT_EQ((*x)->last_seen_on, "neigh:ot0");
  EXPECT_EQ((*x)->reasons,
            (std::vector{make_rogue("x").reasons.front(), release_notice}));
  EXPECT_EQ(code_of(reg.note_all({make_rogue("z"), make_rogue("")}).error()),
            ec::invalid_value);
  auto z = reg.load("z");
  ASSERT_TRUE(z);
  EXPECT_FALSE(z->has_value()) << "a rejected batch wrote a record";
}

TYPED_TEST(rogue_registry_test, empty_identity_or_state_is_rejected) {
  auto reg = this->registry();
  EXPECT_EQ(code_of(reg.save(make_rogue(""))), ec::invalid_value);
  auto r = make_rogue("x");
  r.state.clear();
  EXPECT_EQ(code_of(reg.save(r)), ec::invalid_value);
}

TYPED_TEST(rogue_registry_test, rogues_live_in_their_own_column_family) {
  auto reg = this->registry();
  ASSERT_FALSE(reg.save(make_rogue("k")));
  auto raw = this->store_->get(cf::rogues, "k");
  ASSERT_TRUE(raw && *raw);
  auto obj = nlohmann::json::parse(**raw);
  EXPECT_EQ(obj.at("schema_version"), rogue_record_version);
  EXPECT_EQ(obj.at("state"), "refused");
  auto dev = this->store_->get(cf::devices, "k");
  ASSERT_TRUE(dev);
  EXPECT_FALSE(*dev);
}

TYPED_TEST(rogue_registry_test, corrupt_records_name_key_and_reason) {
  auto good = nlohmann::json::parse(encode_rogue_record(make_rogue("r")));
  struct row {
    std::string pointer;
    std::string value; // "<delete>" removes the field
    std::string reason;
  };
  std::vector<row> rows{
    {"/schema_version", "3",
     "unsupported schema version 3 (this gateway reads versions 1 to 2)"},
    {"/schema_version", "0",
     "unsupported schema version 0 (this gateway reads versions 1 to 2)"},
    {"/schema_version", R"("2")", "field 'schema_version' is not an integer"},
    {"/last_seen_on", "<delete>", "missing field 'last_seen_on'"},
    {"/last_address", "7", "field 'last_address' is not a string"},
    {"/identity", R"("other")", "the record has identity 'other'"},
    {"/source", R"("smoke")", "unknown source 'smoke'"},
    {"/reasons", "<delete>", "missing field 'reasons'"},
    {"/reasons", R"([1])", "field 'reasons' holds a value that is not a string"},
    {"/count", "-1", "field 'count' is not a non-negative integer"},
    {"/first_seen_ms", R"("yesterday")", "field 'first_seen_ms' is not an integer"},
    {"/state", "<delete>", "missing field 'state'"},
    {"/profile/serial", R"(")" + std::string(129, 's') + R"(")",
     "profile: field 'serial' is longer than 128 bytes"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.pointer);
    temp_dir dir;
    auto store = TypeParam::make(dir);
    ASSERT_NE(store, nullptr);
    rogue_registry reg{*store};
    ASSERT_FALSE(reg.save(make_rogue("a-good-one")));
    auto doc = good;
    nlohmann::json::json_pointer ptr{r.pointer};
    if (r.value == "<delete>")
      doc[ptr.parent_pointer()].erase(ptr.back());
    else
      doc[ptr] = nlohmann::json::parse(r.value);
    ASSERT_FALSE(store->put(cf::rogues, "r", doc.dump()));
    auto expected = "corrupt rogue record 'rogues/r': " + r.reason;
    auto all = reg.load_all();
    ASSERT_FALSE(all);
    EXPECT_EQ(code_of(all.error()), ec::storage_failure);
    EXPECT_EQ(detail_of(all.error()), expected);
    auto one = reg.load("r");
    ASSERT_FALSE(one);
    EXPECT_EQ(detail_of(one.error()), expected);
    // note() replaces a corrupt record instead of failing forever.
    auto fresh = make_rogue("r");
    auto stored = reg.note(fresh);
    ASSERT_TRUE(stored) << detail_of(stored.error());
    EXPECT_EQ(*stored, as_first(fresh));
  }
  auto rec = decode_rogue_record(std::string{"k\x01", 2}, "{");
  ASSERT_FALSE(rec);
  EXPECT_EQ(detail_of(rec.error()),
            "corrupt rogue record 'rogues/k\\x01': not valid JSON");
}

} // namespace
} // namespace kagami::storage::test
