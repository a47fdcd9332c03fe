// rogue_registry over every kv_store implementation.

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

TYPED_TEST(rogue_registry_test, note_counts_and_keeps_first_seen) {
  auto reg = this->registry();
  auto first = make_rogue("mac:02:99:00:00:00:15");
  auto stored = reg.note(first);
  ASSERT_TRUE(stored) << detail_of(stored.error());
  EXPECT_EQ(*stored, first);
  auto again = first;
  again.first_seen = at(5'000);
  again.last_seen = at(5'000);
  again.address = "10.99.2.99";
  again.reasons = {"blocked by blocked[1]: MAC 02:99:00:00:00:15 = "
                   "02:99:00:00:00:15"};
  stored = reg.note(again);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->count, 2u);
  EXPECT_EQ(stored->first_seen, at(1'000));
  EXPECT_EQ(stored->last_seen, at(5'000));
  EXPECT_EQ(stored->address, "10.99.2.99");
  EXPECT_EQ(stored->reasons, again.reasons);
  auto loaded = reg.load(first.identity);
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(**loaded, *stored);
  ASSERT_FALSE(reg.remove(first.identity));
  EXPECT_FALSE(reg.remove(first.identity)); // idempotent
  loaded = reg.load(first.identity);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TYPED_TEST(rogue_registry_test, note_all_counts_within_and_across_batches) {
  auto reg = this->registry();
  ASSERT_TRUE(reg.note(make_rogue("x")));
  auto x2 = make_rogue("x");
  x2.last_seen = at(2'000);
  auto y = make_rogue("y");
  auto x3 = make_rogue("x");
  x3.last_seen = at(3'000);
  auto stored = reg.note_all({x2, y, x3});
  ASSERT_TRUE(stored) << detail_of(stored.error());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].count, 2u);
  EXPECT_EQ((*stored)[1].count, 1u);
  EXPECT_EQ((*stored)[2].count, 3u);
  auto x = reg.load("x");
  ASSERT_TRUE(x && *x);
  EXPECT_EQ((*x)->count, 3u);
  EXPECT_EQ((*x)->first_seen, at(1'000));
  EXPECT_EQ((*x)->last_seen, at(3'000));
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
    {"/schema_version", "2",
     "unsupported schema version 2 (this gateway reads version 1)"},
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
    EXPECT_EQ(*stored, fresh);
  }
  auto rec = decode_rogue_record(std::string{"k\x01", 2}, "{");
  ASSERT_FALSE(rec);
  EXPECT_EQ(detail_of(rec.error()),
            "corrupt rogue record 'rogues/k\\x01': not valid JSON");
}

} // namespace
} // namespace kagami::storage::test
