// The kv_store behaviour suite, run against every implementation.

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "storage/kv_store.hpp"
#include "store_fixtures.hpp"

using namespace std::literals;

namespace kagami::storage::test {
namespace {

template <class Factory>
class kv_store_test : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = Factory::make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  kv_store& store() {
    return *store_;
  }

  /// The value under `key`, "<none>" when missing, "<error>" on failure.
  std::string value_of(std::string_view cf, std::string_view key) {
    auto res = store_->get(cf, key);
    if (!res)
      return "<error>";
    return *res ? **res : "<none>";
  }

  /// Every record of `cf` under `prefix`, in visiting order.
  std::vector<std::pair<std::string, std::string>>
  scan(std::string_view cf, std::string_view prefix) {
    std::vector<std::pair<std::string, std::string>> result;
    auto err = store_->for_each_prefix(cf, prefix,
                                       [&](std::string_view k,
                                           std::string_view v) {
                                         result.emplace_back(k, v);
                                         return true;
                                       });
    EXPECT_FALSE(err) << detail_of(err);
    return result;
  }

  temp_dir dir_;
  std::unique_ptr<kv_store> store_;
};

TYPED_TEST_SUITE(kv_store_test, store_factories, factory_names);

TYPED_TEST(kv_store_test, every_column_family_is_usable) {
  for (auto cf : column_families) {
    ASSERT_FALSE(this->store().put(cf, "k", std::string{cf}));
  }
  for (auto cf : column_families)
    EXPECT_EQ(this->value_of(cf, "k"), cf);
}

TYPED_TEST(kv_store_test, get_of_a_missing_key_is_nullopt) {
  auto res = this->store().get(cf::devices, "nope");
  ASSERT_TRUE(res) << detail_of(res.error());
  EXPECT_FALSE(res->has_value());
}

TYPED_TEST(kv_store_test, put_replaces_and_erase_removes) {
  ASSERT_FALSE(this->store().put(cf::meta, "k", "v1"));
  ASSERT_FALSE(this->store().put(cf::meta, "k", "v2"));
  EXPECT_EQ(this->value_of(cf::meta, "k"), "v2");
  ASSERT_FALSE(this->store().erase(cf::meta, "k"));
  EXPECT_EQ(this->value_of(cf::meta, "k"), "<none>");
  // Idempotent.
  EXPECT_FALSE(this->store().erase(cf::meta, "k"));
  EXPECT_FALSE(this->store().erase(cf::meta, "never-there"));
}

TYPED_TEST(kv_store_test, column_families_are_separate) {
  ASSERT_FALSE(this->store().put(cf::audit, "k", "audit"));
  ASSERT_FALSE(this->store().put(cf::rogues, "k", "rogue"));
  EXPECT_EQ(this->value_of(cf::audit, "k"), "audit");
  EXPECT_EQ(this->value_of(cf::rogues, "k"), "rogue");
  EXPECT_EQ(this->value_of(cf::devices, "k"), "<none>");
  ASSERT_FALSE(this->store().erase(cf::audit, "k"));
  EXPECT_EQ(this->value_of(cf::rogues, "k"), "rogue");
}

TYPED_TEST(kv_store_test, keys_and_values_are_bytes) {
  auto key = "a\0b\xff"s;
  auto value = "\0\x01\x02\xfe"s;
  ASSERT_FALSE(this->store().put(cf::topology, key, value));
  ASSERT_FALSE(this->store().put(cf::topology, "", "empty key"));
  EXPECT_EQ(this->value_of(cf::topology, key), value);
  EXPECT_EQ(this->value_of(cf::topology, "a"s), "<none>");
  EXPECT_EQ(this->value_of(cf::topology, ""), "empty key");
}

TYPED_TEST(kv_store_test, sync_writes_work) {
  ASSERT_FALSE(this->store().put(cf::isolations, "k", "v", {.sync = true}));
  EXPECT_EQ(this->value_of(cf::isolations, "k"), "v");
  ASSERT_FALSE(this->store().erase(cf::isolations, "k", {.sync = true}));
  EXPECT_EQ(this->value_of(cf::isolations, "k"), "<none>");
}

TYPED_TEST(kv_store_test, unknown_column_family_is_an_internal_error) {
  auto& s = this->store();
  EXPECT_EQ(code_of(s.put("nope", "k", "v")), ec::internal);
  auto got = s.get("nope", "k");
  ASSERT_FALSE(got);
  EXPECT_EQ(code_of(got.error()), ec::internal);
  EXPECT_NE(detail_of(got.error()).find("nope"), std::string::npos);
  EXPECT_EQ(code_of(s.erase("nope", "k")), ec::internal);
  EXPECT_EQ(code_of(s.for_each_prefix("nope", "",
                                      [](auto, auto) { return true; })),
            ec::internal);
  EXPECT_EQ(code_of(s.for_each_prefix("default", "",
                                      [](auto, auto) { return true; })),
            ec::internal);
}

TYPED_TEST(kv_store_test, prefix_scan_is_ordered_and_bounded) {
  auto& s = this->store();
  for (auto key : {"b"s, "a"s, "ab"s, "a\0"s, "a\xff"s, "aa"s, "\xff"s, ""s,
                   "ac\xff\xff"s})
    ASSERT_FALSE(s.put(cf::audit, key, "v:" + key));
  ASSERT_FALSE(s.put(cf::meta, "ab", "other family"));
  std::vector<std::string> keys;
  for (auto& [k, v] : this->scan(cf::audit, "a")) {
    EXPECT_EQ(v, "v:" + k);
    keys.push_back(k);
  }
  EXPECT_EQ(keys, (std::vector{"a"s, "a\0"s, "aa"s, "ab"s, "ac\xff\xff"s,
                               "a\xff"s}));
  EXPECT_EQ(this->scan(cf::audit, "").size(), 9u);
  EXPECT_EQ(this->scan(cf::audit, "")[0].first, "");
  EXPECT_EQ(this->scan(cf::audit, "\xff").size(), 1u);
  EXPECT_TRUE(this->scan(cf::audit, "c").empty());
  EXPECT_TRUE(this->scan(cf::audit, "aab").empty());
  EXPECT_TRUE(this->scan(cf::devices, "").empty());
}

TYPED_TEST(kv_store_test, prefix_scan_stops_when_told) {
  auto& s = this->store();
  for (int i = 0; i < 10; ++i)
    ASSERT_FALSE(s.put(cf::audit, "r" + std::to_string(i), "v"));
  int calls = 0;
  ASSERT_FALSE(s.for_each_prefix(cf::audit, "r", [&](auto, auto) {
    return ++calls < 3;
  }));
  EXPECT_EQ(calls, 3);
}

TYPED_TEST(kv_store_test, prefix_scan_sees_a_snapshot) {
  auto& s = this->store();
  ASSERT_FALSE(s.put(cf::topology, "p1", "old"));
  ASSERT_FALSE(s.put(cf::topology, "p3", "old"));
  std::vector<std::pair<std::string, std::string>> seen;
  // The visitor writes back into the store: no deadlock, no new records seen.
  auto err = s.for_each_prefix(cf::topology, "p", [&](std::string_view k,
                                                      std::string_view v) {
    seen.emplace_back(k, v);
    EXPECT_FALSE(s.put(cf::topology, "p2", "new"));
    EXPECT_FALSE(s.put(cf::topology, "p3", "new"));
    EXPECT_FALSE(s.put(cf::topology, "p4", "new"));
    return true;
  });
  ASSERT_FALSE(err) << detail_of(err);
  using kv = std::pair<std::string, std::string>;
  EXPECT_EQ(seen, (std::vector<kv>{{"p1", "old"}, {"p3", "old"}}));
  EXPECT_EQ(this->scan(cf::topology, "p").size(), 4u);
}

TYPED_TEST(kv_store_test, batch_applies_in_order_across_families) {
  auto& s = this->store();
  ASSERT_FALSE(s.put(cf::devices, "gone", "x"));
  write_batch batch;
  batch.put(cf::devices, "a", "1");
  batch.put(cf::audit, "e1", "event");
  batch.erase(cf::devices, "gone");
  batch.put(cf::devices, "a", "2"); // Later operations win.
  batch.put(cf::meta, "tmp", "t");
  batch.erase(cf::meta, "tmp");
  EXPECT_EQ(batch.size(), 6u);
  ASSERT_FALSE(s.write(batch, {.sync = true}));
  EXPECT_EQ(this->value_of(cf::devices, "a"), "2");
  EXPECT_EQ(this->value_of(cf::audit, "e1"), "event");
  EXPECT_EQ(this->value_of(cf::devices, "gone"), "<none>");
  EXPECT_EQ(this->value_of(cf::meta, "tmp"), "<none>");
  EXPECT_FALSE(s.write(write_batch{})); // Empty batch is fine.
}

TYPED_TEST(kv_store_test, batch_with_unknown_family_applies_nothing) {
  auto& s = this->store();
  write_batch batch;
  batch.put(cf::devices, "a", "1");
  batch.erase(cf::devices, "b");
  batch.put("bogus", "k", "v");
  ASSERT_FALSE(s.put(cf::devices, "b", "keep"));
  auto err = s.write(batch);
  EXPECT_EQ(code_of(err), ec::internal);
  EXPECT_NE(detail_of(err).find("bogus"), std::string::npos);
  EXPECT_EQ(this->value_of(cf::devices, "a"), "<none>");
  EXPECT_EQ(this->value_of(cf::devices, "b"), "keep");
}

TYPED_TEST(kv_store_test, readers_never_see_half_a_batch) {
  auto& s = this->store();
  constexpr int rounds = 300;
  std::atomic<bool> done = false;
  std::atomic<int> torn = 0;
  std::thread reader{[&] {
    while (!done) {
      std::map<std::string, std::string> snap;
      auto err = s.for_each_prefix(cf::isolations, "pair/",
                                   [&](std::string_view k, std::string_view v) {
                                     snap.emplace(k, v);
                                     return true;
                                   });
      if (err || snap.size() == 1 || (snap.size() == 2
                                      && snap["pair/x"] != snap["pair/y"]))
        ++torn;
    }
  }};
  for (int i = 0; i < rounds; ++i) {
    write_batch batch;
    batch.put(cf::isolations, "pair/x", std::to_string(i));
    batch.put(cf::isolations, "pair/y", std::to_string(i));
    ASSERT_FALSE(s.write(batch));
  }
  done = true;
  reader.join();
  EXPECT_EQ(torn, 0);
}

TYPED_TEST(kv_store_test, concurrent_writers_lose_nothing) {
  auto& s = this->store();
  constexpr int threads = 4;
  constexpr int per_thread = 200;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto key = "t" + std::to_string(t) + "/" + std::to_string(i);
        EXPECT_FALSE(s.put(cf::audit, key, key));
        EXPECT_EQ(this->value_of(cf::audit, key), key);
      }
    });
  for (auto& w : workers)
    w.join();
  EXPECT_EQ(this->scan(cf::audit, "t").size(),
            static_cast<size_t>(threads * per_thread));
}

} // namespace
} // namespace kagami::storage::test
