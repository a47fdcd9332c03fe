// device_registry over every kv_store implementation.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "storage/device_registry.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

config::device_config make_device(std::string id) {
  config::device_config dev;
  dev.id = std::move(id);
  dev.title = "Press " + dev.id;
  dev.model = "press-v2";
  dev.address = "10.99.1.7:502";
  dev.unit_id = 3;
  dev.tags = {"hall-a", "line 2"};
  return dev;
}

template <class Factory>
class device_registry_test : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = Factory::make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  device_registry registry() {
    return device_registry{*store_};
  }

  /// Stores raw bytes under `key`, bypassing the registry.
  void put_raw(std::string_view key, std::string_view bytes) {
    ASSERT_FALSE(store_->put(cf::devices, key, bytes));
  }

  temp_dir dir_;
  std::unique_ptr<kv_store> store_;
};

TYPED_TEST_SUITE(device_registry_test, store_factories, factory_names);

TYPED_TEST(device_registry_test, round_trip_sorted_by_id) {
  auto reg = this->registry();
  auto a = make_device("a-1");
  auto b = make_device("B.2"); // Uppercase sorts first.
  auto c = make_device("c_3");
  c.title.clear();
  c.tags.clear();
  c.address = "http://10.99.1.8:8081";
  for (const auto& dev : {c, a, b})
    ASSERT_FALSE(reg.save(dev));
  auto all = reg.load_all();
  ASSERT_TRUE(all) << detail_of(all.error());
  EXPECT_EQ(*all, (std::vector{b, a, c}));
  auto one = reg.load("c_3");
  ASSERT_TRUE(one) << detail_of(one.error());
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ(**one, c);
}

TYPED_TEST(device_registry_test, save_replaces_and_remove_deletes) {
  auto reg = this->registry();
  auto dev = make_device("press-1");
  ASSERT_FALSE(reg.save(dev));
  dev.address = "10.99.1.9:502";
  dev.tags.push_back("moved");
  ASSERT_FALSE(reg.save(dev));
  auto all = reg.load_all();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front(), dev);
  ASSERT_FALSE(reg.remove("press-1"));
  EXPECT_FALSE(reg.remove("press-1")); // Idempotent.
  all = reg.load_all();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
  auto one = reg.load("press-1");
  ASSERT_TRUE(one);
  EXPECT_FALSE(one->has_value());
}

TYPED_TEST(device_registry_test, replace_all_keeps_exactly_the_given_devices) {
  auto reg = this->registry();
  for (auto id : {"a", "b", "c"})
    ASSERT_FALSE(reg.save(make_device(id)));
  this->put_raw("zz-corrupt", "{not json");
  auto b = make_device("b");
  b.address = "10.99.1.20:502";
  auto d = make_device("d");
  auto removed = reg.replace_all({b, d});
  ASSERT_TRUE(removed) << detail_of(removed.error());
  EXPECT_EQ(*removed, (std::vector<std::string>{"a", "c", "zz-corrupt"}));
  auto all = reg.load_all();
  ASSERT_TRUE(all) << detail_of(all.error());
  EXPECT_EQ(*all, (std::vector{b, d}));
  auto bad = reg.replace_all({make_device("")});
  EXPECT_FALSE(bad);
  all = reg.load_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u) << "a rejected replace changed the registry";
}

TYPED_TEST(device_registry_test, empty_id_is_rejected) {
  auto reg = this->registry();
  EXPECT_EQ(code_of(reg.save(make_device(""))), ec::invalid_value);
}

TYPED_TEST(device_registry_test, record_carries_a_schema_version) {
  auto reg = this->registry();
  ASSERT_FALSE(reg.save(make_device("d")));
  auto raw = this->store_->get(cf::devices, "d");
  ASSERT_TRUE(raw && *raw);
  auto obj = nlohmann::json::parse(**raw);
  EXPECT_EQ(obj.at("schema_version"), device_record_version);
  EXPECT_EQ(obj.at("id"), "d");
}

struct corrupt_case {
  const char* name;
  std::string key;
  std::string bytes;
  std::string reason;
};

TYPED_TEST(device_registry_test, corrupt_record_is_reported_by_key) {
  std::vector<corrupt_case> cases{
    {"not json", "bad-1", "{\"schema_version\":1,", "not valid JSON"},
    {"binary", "bad-2", std::string{"\xff\x00\x01", 3}, "not valid JSON"},
    {"array", "bad-3", "[1,2]", "not a JSON object"},
    {"no version", "bad-4", R"({"id":"bad-4","model":"m","address":"a"})",
     "missing field 'schema_version'"},
    {"future version", "bad-5",
     R"({"schema_version":2,"id":"bad-5","model":"m","address":"a"})",
     "unsupported schema version 2"},
    {"id mismatch", "bad-6",
     R"({"schema_version":1,"id":"other","model":"m","address":"a"})",
     "the record has id 'other'"},
    {"wrong type", "bad-7",
     R"({"schema_version":1,"id":"bad-7","model":7,"address":"a"})",
     "field 'model' is not a string"},
    {"missing address", "bad-8",
     R"({"schema_version":1,"id":"bad-8","model":"m"})",
     "missing field 'address'"},
    {"bad tags", "bad-9",
     R"({"schema_version":1,"id":"bad-9","model":"m","address":"a","tags":[1]})",
     "field 'tags' holds a value that is not a string"},
    {"bad unit", "bad-10",
     R"({"schema_version":1,"id":"bad-10","model":"m","address":"a","unit_id":"x"})",
     "field 'unit_id' is not an integer"},
    {"binary key", std::string{"k\x01", 2}, "x", "'devices/k\\x01'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    temp_dir dir;
    auto store = TypeParam::make(dir);
    ASSERT_NE(store, nullptr);
    device_registry reg{*store};
    ASSERT_FALSE(reg.save(make_device("good")));
    ASSERT_FALSE(store->put(cf::devices, c.key, c.bytes));
    auto all = reg.load_all();
    ASSERT_FALSE(all);
    EXPECT_EQ(code_of(all.error()), ec::storage_failure);
    auto msg = detail_of(all.error());
    EXPECT_NE(msg.find("corrupt device record"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.reason), std::string::npos) << msg;
    if (c.key.find('\x01') == std::string::npos) {
      EXPECT_NE(msg.find("'devices/" + c.key + "'"), std::string::npos) << msg;
    }
    auto one = reg.load(c.key);
    ASSERT_FALSE(one);
    EXPECT_EQ(detail_of(one.error()), msg);
    // The good record is still readable on its own.
    auto good = reg.load("good");
    ASSERT_TRUE(good && *good);
  }
}

TEST(device_record, decode_accepts_optional_fields_missing) {
  auto dev = decode_device_record(
    "x", R"({"schema_version":1,"id":"x","model":"m","address":"h:502"})");
  ASSERT_TRUE(dev) << detail_of(dev.error());
  EXPECT_EQ(dev->id, "x");
  EXPECT_EQ(dev->title, "");
  EXPECT_EQ(dev->unit_id, 1);
  EXPECT_TRUE(dev->tags.empty());
}

TEST(device_record, encode_then_decode_is_identity) {
  auto dev = make_device("round");
  dev.title = "Prüfstand \"7\" \\ Δ";
  auto back = decode_device_record("round", encode_device_record(dev));
  ASSERT_TRUE(back) << detail_of(back.error());
  EXPECT_EQ(*back, dev);
}

} // namespace
} // namespace kagami::storage::test
