// isolation_registry over every kv_store implementation, and the decoder's
// handling of corrupt records.

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "storage/isolation_registry.hpp"
#include "store_fixtures.hpp"

namespace kagami::storage::test {
namespace {

isolation_record make_isolation(std::string mac, std::int64_t at) {
  isolation_record r;
  r.id = isolation_id(mac, at);
  r.suspect_mac = mac;
  r.suspect_ip = "10.99.1.99";
  r.cause = "flow";
  r.kind = "port_scan";
  r.evidence = {{"packets", 807}, {"destinations", {{{"ip", "10.99.1.11"}}}}};
  r.state = isolation_state::cut;
  r.cuts.push_back({"sw1", "port_down", "4", 4, r.id + "#1", at + 40, true});
  r.plan = {{"verdict", "cut"}};
  add_step(r, at, "violation: port_scan", {{"first_seen_ms", at}});
  add_step(r, at + 40, "cut verified");
  r.created_ms = at;
  r.updated_ms = at + 40;
  return r;
}

template <class Factory>
class isolation_registry_test : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = Factory::make(dir_);
    ASSERT_NE(store_, nullptr);
  }

  temp_dir dir_;
  std::unique_ptr<kv_store> store_;
};

TYPED_TEST_SUITE(isolation_registry_test, store_factories, factory_names);

TYPED_TEST(isolation_registry_test, round_trip_sorted_by_id) {
  isolation_registry reg{*this->store_};
  auto b = make_isolation("02:99:00:00:00:99", 2'000);
  auto a = make_isolation("02:99:00:00:00:66", 1'000);
  a.state = isolation_state::released;
  a.released_by = "lab-admin";
  a.released_ms = 5'000;
  ASSERT_FALSE(reg.save(b));
  ASSERT_FALSE(reg.save(a));
  auto all = reg.load_all();
  ASSERT_TRUE(all) << to_string(all.error());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], a);
  EXPECT_EQ((*all)[1], b);
  auto one = reg.load(b.id);
  ASSERT_TRUE(one && *one);
  EXPECT_EQ(**one, b);
  EXPECT_EQ(isolation_id("02:99:00:00:00:99", 5), "iso-029900000099-5");
  auto none = reg.load("02:99:00:00:00:01@1");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TYPED_TEST(isolation_registry_test, an_empty_id_is_refused) {
  isolation_registry reg{*this->store_};
  isolation_record r;
  EXPECT_EQ(code_of(reg.save(r)), ec::invalid_value);
}

TYPED_TEST(isolation_registry_test, a_corrupt_record_is_named) {
  isolation_registry reg{*this->store_};
  ASSERT_FALSE(this->store_->put(cf::isolations, "x@1", "{not json"));
  auto all = reg.load_all();
  ASSERT_FALSE(all);
  EXPECT_EQ(code_of(all.error()), ec::storage_failure);
  EXPECT_NE(detail_of(all.error()).find("isolations/x@1"), std::string::npos);
}

TEST(isolation_record, the_trail_rolls_and_keeps_the_first_steps) {
  isolation_record r;
  for (std::size_t i = 0; i < 3 * max_isolation_steps; ++i)
    add_step(r, static_cast<std::int64_t>(i), "step " + std::to_string(i));
  ASSERT_EQ(r.trail.size(), max_isolation_steps);
  for (std::size_t i = 0; i < kept_first_steps; ++i)
    EXPECT_EQ(r.trail[i].what, "step " + std::to_string(i));
  EXPECT_EQ(r.trail.back().what,
            "step " + std::to_string(3 * max_isolation_steps - 1));
}

TEST(isolation_record, malformed_records_are_errors_not_crashes) {
  auto good = make_isolation("02:99:00:00:00:99", 1'000);
  auto doc = to_json(good);
  auto key = good.id;
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto d = doc;
    edit(d);
    return decode_isolation_record(key, d.dump());
  };
  auto reason_of = [](const caf::expected<isolation_record>& r) {
    return r ? std::string{"decoded"} : detail_of(r.error());
  };
  EXPECT_TRUE(with([](nlohmann::json&) {}));
  EXPECT_NE(reason_of(with([](auto& d) { d["state"] = "gone"; })).find("unknown state"),
            std::string::npos);
  EXPECT_NE(reason_of(with([](auto& d) { d["id"] = "other"; })).find("has id"),
            std::string::npos);
  EXPECT_NE(reason_of(with([](auto& d) { d["cuts"][0]["port"] = -1; })).find("port"),
            std::string::npos);
  EXPECT_NE(reason_of(with([](auto& d) { d["cuts"][0].erase("verified"); }))
              .find("verified"),
            std::string::npos);
  EXPECT_NE(reason_of(with([](auto& d) { d["trail"][0]["detail"] = 3; })).find("detail"),
            std::string::npos);
  EXPECT_NE(reason_of(with([](auto& d) { d["schema_version"] = 9; })).find("version"),
            std::string::npos);
  EXPECT_NE(reason_of(with([](auto& d) { d.erase("evidence"); })).find("evidence"),
            std::string::npos);
  std::string deep(200, '[');
  EXPECT_NE(reason_of(decode_isolation_record(key, deep)).find("nested"),
            std::string::npos);
  std::string big(max_isolation_record_bytes + 1, ' ');
  EXPECT_NE(reason_of(decode_isolation_record(key, big)).find("larger"),
            std::string::npos);
}

TEST(isolation_record, evidence_with_bad_utf8_still_encodes) {
  auto r = make_isolation("02:99:00:00:00:99", 1'000);
  r.evidence["sample"] = std::string{"\xff\xfe payload"};
  auto text = encode_isolation_record(r);
  auto back = decode_isolation_record(r.id, text);
  ASSERT_TRUE(back) << to_string(back.error());
  EXPECT_EQ(back->id, r.id);
}

TEST(isolation_state, names_round_trip) {
  for (auto s : {isolation_state::pending, isolation_state::awaiting_operator,
                 isolation_state::no_option, isolation_state::cut,
                 isolation_state::failed, isolation_state::released}) {
    auto back = isolation_state_from_string(to_string(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(isolation_state_from_string("cutt"));
  EXPECT_FALSE(is_active(isolation_state::released));
  EXPECT_TRUE(is_active(isolation_state::awaiting_operator));
}

} // namespace
} // namespace kagami::storage::test
