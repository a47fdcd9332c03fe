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
  EXPECT_EQ((*one)->device, c);
  EXPECT_EQ((*one)->origin, device_origin::config);
  EXPECT_FALSE((*one)->onboarding);
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
     R"({"schema_version":3,"id":"bad-5","model":"m","address":"a"})",
     "unsupported schema version 3"},
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
  EXPECT_EQ(dev->device.id, "x");
  EXPECT_EQ(dev->device.title, "");
  EXPECT_EQ(dev->device.unit_id, 1);
  EXPECT_TRUE(dev->device.tags.empty());
  EXPECT_EQ(dev->origin, device_origin::config);
}

TEST(device_record, encode_then_decode_is_identity) {
  auto dev = make_device("round");
  dev.title = "Prüfstand \"7\" \\ Δ";
  auto back = decode_device_record("round", encode_device_record(dev));
  ASSERT_TRUE(back) << detail_of(back.error());
  EXPECT_EQ(back->device, dev);
  EXPECT_EQ(back->origin, device_origin::config);
}

device_record make_onboarded(std::string id) {
  device_record rec;
  rec.device = make_device(std::move(id));
  rec.device.address = "10.99.2.11:502";
  rec.origin = device_origin::onboarded;
  onboarding_facts f;
  f.identity = "mac:02:99:00:00:00:11";
  f.mac = "02:99:00:00:00:11";
  f.address = "10.99.2.11";
  f.source = protocols::discovery_kind::upnp;
  f.seen_on = "ssdp:ot0";
  f.profile.vendor = "KAGAMI";
  f.profile.product = "KS-PLC200";
  f.profile.firmware = "2.4.1";
  f.profile.udn = "uuid:1234";
  f.design_entry = "press-plc";
  f.criticality = config::criticality::high;
  f.admitted_at = timestamp{std::chrono::milliseconds{1'790'000'000'123}};
  rec.onboarding = f;
  return rec;
}

TYPED_TEST(device_registry_test, onboarded_records_round_trip) {
  auto reg = this->registry();
  auto rec = make_onboarded("press-1");
  ASSERT_FALSE(reg.save(rec));
  ASSERT_FALSE(reg.save(make_device("cfg")));
  auto one = reg.load("press-1");
  ASSERT_TRUE(one) << detail_of(one.error());
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ(**one, rec);
  auto onboarded = reg.load_onboarded();
  ASSERT_TRUE(onboarded) << detail_of(onboarded.error());
  EXPECT_EQ(*onboarded, std::vector{rec});
  auto configured = reg.load_all();
  ASSERT_TRUE(configured);
  EXPECT_EQ(*configured, std::vector{make_device("cfg")});
}

TYPED_TEST(device_registry_test, replace_all_keeps_onboarded_records) {
  auto reg = this->registry();
  ASSERT_FALSE(reg.save(make_device("old-cfg")));
  ASSERT_FALSE(reg.save(make_onboarded("press-1")));
  ASSERT_FALSE(reg.save(make_onboarded("taken")));
  auto removed = reg.replace_all({make_device("new-cfg"), make_device("taken")});
  ASSERT_TRUE(removed) << detail_of(removed.error());
  EXPECT_EQ(*removed, std::vector<std::string>{"old-cfg"});
  auto onboarded = reg.load_onboarded();
  ASSERT_TRUE(onboarded);
  ASSERT_EQ(onboarded->size(), 1u) << "the config replaces 'taken'";
  EXPECT_EQ(onboarded->front(), make_onboarded("press-1"));
  auto configured = reg.load_all();
  ASSERT_TRUE(configured);
  EXPECT_EQ(*configured,
            (std::vector{make_device("new-cfg"), make_device("taken")}));
}

TYPED_TEST(device_registry_test, save_all_writes_all_or_nothing) {
  auto reg = this->registry();
  auto a = make_onboarded("a");
  auto b = make_onboarded("b");
  b.onboarding->design_entry = "other";
  ASSERT_FALSE(reg.save_all({a, b}));
  auto onboarded = reg.load_onboarded();
  ASSERT_TRUE(onboarded);
  EXPECT_EQ(*onboarded, (std::vector{a, b}));
  auto bad = make_onboarded("c");
  bad.onboarding.reset();
  EXPECT_EQ(code_of(reg.save_all({make_onboarded("d"), bad})),
            ec::invalid_value);
  auto d = reg.load("d");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->has_value()) << "a rejected batch wrote a record";
  EXPECT_FALSE(reg.save_all({}));
}

TYPED_TEST(device_registry_test, origin_and_facts_must_agree) {
  auto reg = this->registry();
  auto no_facts = make_onboarded("a");
  no_facts.onboarding.reset();
  EXPECT_EQ(code_of(reg.save(no_facts)), ec::invalid_value);
  auto config_with_facts = make_onboarded("b");
  config_with_facts.origin = device_origin::config;
  EXPECT_EQ(code_of(reg.save(config_with_facts)), ec::invalid_value);
  auto all = this->store_->get(cf::devices, "a");
  ASSERT_TRUE(all);
  EXPECT_FALSE(*all) << "a rejected save wrote a record";
}

TEST(device_record, version_1_reads_as_config) {
  auto rec = decode_device_record(
    "x", R"({"schema_version":1,"id":"x","model":"m","address":"h:502",
            "title":"T","unit_id":4,"tags":["a"]})");
  ASSERT_TRUE(rec) << detail_of(rec.error());
  EXPECT_EQ(rec->origin, device_origin::config);
  EXPECT_FALSE(rec->onboarding);
  EXPECT_EQ(rec->device.unit_id, 4);
  EXPECT_EQ(rec->device.tags, std::vector<std::string>{"a"});
}

TEST(device_record, corrupt_onboarded_records_name_the_reason) {
  auto good = nlohmann::json::parse(encode_device_record(make_onboarded("p")));
  struct row {
    std::string pointer;
    std::string value; // "<delete>" removes the field
    std::string reason;
  };
  std::vector<row> rows{
    {"/origin", "<delete>", "missing field 'origin'"},
    {"/origin", R"("found")", "unknown origin 'found'"},
    {"/onboarding", "<delete>", "missing field 'onboarding'"},
    {"/onboarding", "7", "field 'onboarding' is not an object"},
    {"/onboarding/source", R"("wifi")", "onboarding: unknown source 'wifi'"},
    {"/onboarding/criticality", R"("huge")",
     "onboarding: unknown criticality 'huge'"},
    {"/onboarding/mac", "<delete>", "onboarding: missing field 'mac'"},
    {"/onboarding/profile", "<delete>", "onboarding: missing field 'profile'"},
    {"/onboarding/profile/vendor", "1",
     "onboarding: profile: field 'vendor' is not a string"},
    {"/onboarding/profile/colour", R"("red")",
     "onboarding: profile: unknown field 'colour'"},
    {"/onboarding/admitted_at_ms", R"("now")",
     "onboarding: field 'admitted_at_ms' is not an integer"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.pointer);
    auto doc = good;
    nlohmann::json::json_pointer ptr{r.pointer};
    if (r.value == "<delete>")
      doc[ptr.parent_pointer()].erase(ptr.back());
    else
      doc[ptr] = nlohmann::json::parse(r.value);
    auto rec = decode_device_record("p", doc.dump());
    ASSERT_FALSE(rec);
    EXPECT_EQ(detail_of(rec.error()),
              "corrupt device record 'devices/p': " + r.reason);
  }
  auto config_with_facts = good;
  config_with_facts["origin"] = "config";
  auto rec = decode_device_record("p", config_with_facts.dump());
  ASSERT_FALSE(rec);
  EXPECT_NE(detail_of(rec.error()).find("a config record has field 'onboarding'"),
            std::string::npos);
}

} // namespace
} // namespace kagami::storage::test
