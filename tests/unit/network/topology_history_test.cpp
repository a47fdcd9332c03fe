// The topology history: merge inputs survive the JSON round trip exactly
// (so a stored version rebuilds the same graph), corrupt records are errors
// naming the field, versions grow across reopen of a real RocksDB, and
// pruning keeps the newest `retain` versions.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/network/topology_graph.hpp"
#include "actors/network/topology_history.hpp"
#include "storage/memory_store.hpp"
#include "storage/rocksdb_store.hpp"

using namespace kagami;
using namespace kagami::topology;

namespace {

merge_inputs sample_inputs() {
  merge_inputs in;
  in.gateway_mac = "02:99:00:00:00:01";
  neighbour_report sw1;
  sw1.reporter = {"sw1", element_kind::switch_element, "02:99:01:00:00:00", "10.99.1.2"};
  sw1.observed_at_ms = 1000;
  sw1.degraded = {"lldpRemTable: truncated"};
  port_observation p1;
  p1.port_id = 3;
  p1.name = "p-gw";
  p1.lldp = {{"02:99:00:00:00:01", "ot0"}};
  port_observation p2;
  p2.port_id = 4;
  p2.name = "p-plc-1";
  p2.learned_macs = {"02:99:00:00:00:11"};
  sw1.ports = {p1, p2};
  neighbour_report ap;
  ap.reporter = {"ap-1", element_kind::access_point, "", "10.99.1.20"};
  ap.observed_at_ms = 1001;
  port_observation radio;
  radio.port_id = 1;
  radio.name = "radio0";
  radio.clients = {{"02:99:00:00:00:31", "factory-iot"}};
  ap.ports = {radio};
  in.reports = {sw1, ap};
  in.known_devices = {{"02:99:00:00:00:11", std::string{"plc-1"}, criticality::high},
                      {"ip:10.99.2.11", std::nullopt, criticality::low}};
  return in;
}

topology_version version_with(std::string cause, merge_inputs in, std::int64_t at) {
  topology_version v;
  v.cause = std::move(cause);
  v.inputs = std::move(in);
  v.at_ms = at;
  return v;
}

} // namespace

TEST(topology_json, round_trip_is_exact_and_rebuilds_the_same_graph) {
  auto in = sample_inputs();
  auto text = to_json(in).dump();
  auto back = parse_merge_inputs(text);
  ASSERT_TRUE(back) << detail_of(back.error());
  EXPECT_EQ(*back, in);
  auto g1 = topology_graph::merge(in.reports, in.known_devices, in.gateway_mac);
  auto g2 = topology_graph::merge(back->reports, back->known_devices, back->gateway_mac);
  EXPECT_EQ(g1.to_json(), g2.to_json());
  // The degraded reason reaches the element's flags.
  auto flags = g1.elements().at("sw1").flags;
  ASSERT_FALSE(flags.empty());
  EXPECT_EQ(flags.front(), "degraded: lldpRemTable: truncated");
}

TEST(topology_json, malformed_inputs_name_the_field) {
  auto doc = to_json(sample_inputs());
  struct row {
    const char* what;
    std::function<void(nlohmann::json&)> corrupt;
    const char* field;
  };
  std::vector<row> rows{
    {"unknown format", [](auto& d) { d["format"] = 2; }, "/format"},
    {"kind", [](auto& d) { d["reports"][0]["kind"] = "hub"; }, "/reports/0/kind"},
    {"port id negative", [](auto& d) { d["reports"][0]["ports"][0]["id"] = -1; },
     "/reports/0/ports/0/id"},
    {"port id too big", [](auto& d) { d["reports"][0]["ports"][0]["id"] = 1ull << 33; },
     "/reports/0/ports/0/id"},
    {"mac not a string", [](auto& d) { d["reports"][0]["ports"][1]["macs"][0] = 7; },
     "/reports/0/ports/1/macs/0"},
    {"device level", [](auto& d) { d["devices"][1]["level"] = "urgent"; },
     "/devices/1/level"},
    {"thing missing", [](auto& d) { d["devices"][0].erase("thing"); }, "/devices/0/thing"},
    {"reports not an array", [](auto& d) { d["reports"] = "x"; }, "/reports"},
  };
  for (auto& r : rows) {
    auto copy = doc;
    r.corrupt(copy);
    auto parsed = parse_merge_inputs(copy.dump());
    ASSERT_FALSE(parsed) << r.what;
    EXPECT_NE(detail_of(parsed.error()).find(r.field), std::string::npos)
      << r.what << ": " << detail_of(parsed.error());
    EXPECT_EQ(code_of(parsed.error()), ec::storage_failure);
  }
  EXPECT_FALSE(parse_merge_inputs("not json"));
  EXPECT_FALSE(parse_merge_inputs(std::string(100, '[') + std::string(100, ']')));
  topology_json_limits tight;
  tight.max_reports = 1;
  EXPECT_FALSE(parse_merge_inputs(doc.dump(), tight));
  tight = {};
  tight.max_string = 4;
  EXPECT_FALSE(parse_merge_inputs(doc.dump(), tight));
}

TEST(topology_history, versions_grow_and_list_newest_first) {
  storage::memory_store store;
  topology_history h{store, 10};
  auto empty = h.latest();
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);
  auto v1 = version_with("start", sample_inputs(), 10);
  ASSERT_FALSE(h.append(v1));
  EXPECT_EQ(v1.version, 1u);
  auto in2 = sample_inputs();
  in2.reports[0].ports.pop_back();
  auto v2 = version_with("refresh", in2, 20);
  v2.diff = {{"removed_devices", {"02:99:00:00:00:11"}}};
  ASSERT_FALSE(h.append(v2));
  EXPECT_EQ(v2.version, 2u);
  auto latest = h.latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->version, 2u);
  EXPECT_EQ((*latest)->inputs, in2);
  EXPECT_EQ((*latest)->cause, "refresh");
  auto first = h.get(1);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->inputs, sample_inputs());
  auto listing = h.list(10);
  ASSERT_TRUE(listing);
  ASSERT_EQ(listing->size(), 2u);
  EXPECT_EQ((*listing)[0].version, 2u);
  EXPECT_EQ((*listing)[0].diff, v2.diff);
  EXPECT_EQ((*listing)[1].version, 1u);
  auto older = h.list(10, 2);
  ASSERT_TRUE(older);
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].version, 1u);
  auto none = h.get(7);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST(topology_history, prunes_beyond_retain) {
  storage::memory_store store;
  topology_history h{store, 3};
  for (int i = 0; i < 7; ++i) {
    auto v = version_with("refresh", sample_inputs(), i);
    ASSERT_FALSE(h.append(v));
  }
  auto listing = h.list(100);
  ASSERT_TRUE(listing);
  ASSERT_EQ(listing->size(), 3u);
  EXPECT_EQ((*listing)[0].version, 7u);
  EXPECT_EQ((*listing)[2].version, 5u);
  auto gone = h.get(4);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  int stored = 0;
  ASSERT_FALSE(store.for_each_prefix(storage::cf::topology, "v/",
                                     [&](std::string_view, std::string_view) {
                                       ++stored;
                                       return true;
                                     }));
  EXPECT_EQ(stored, 3);
}

TEST(topology_history, corrupt_records_are_errors_naming_the_key) {
  storage::memory_store store;
  topology_history h{store, 10};
  auto v = version_with("start", sample_inputs(), 1);
  ASSERT_FALSE(h.append(v));
  ASSERT_FALSE(store.put(storage::cf::topology, version_key(1), "{\"version\": 1}"));
  auto got = h.latest();
  ASSERT_FALSE(got);
  EXPECT_NE(detail_of(got.error()).find("topology/v/0000000000000001"), std::string::npos);
  ASSERT_FALSE(store.put(storage::cf::topology, "head", "x1"));
  EXPECT_FALSE(h.latest());
  // A record stored under the wrong key.
  ASSERT_FALSE(store.put(storage::cf::topology, "head", "2"));
  nlohmann::json moved{{"version", 1}, {"at_ms", 1}, {"cause", "x"},
                       {"diff", nlohmann::json::object()},
                       {"inputs", to_json(sample_inputs())}};
  ASSERT_FALSE(store.put(storage::cf::topology, version_key(2), moved.dump()));
  EXPECT_FALSE(h.latest());
}

TEST(topology_history, survives_reopen_of_rocksdb) {
  auto dir = std::filesystem::temp_directory_path()
             / ("kagami-topology-history-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = storage::rocksdb_store::open(dir.string());
    ASSERT_TRUE(store) << detail_of(store.error());
    topology_history h{**store, 5};
    auto v = version_with("start", sample_inputs(), 5);
    ASSERT_FALSE(h.append(v));
    auto v2 = version_with("refresh", sample_inputs(), 6);
    ASSERT_FALSE(h.append(v2));
  }
  {
    auto store = storage::rocksdb_store::open(dir.string());
    ASSERT_TRUE(store) << detail_of(store.error());
    topology_history h{**store, 5};
    auto latest = h.latest();
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->version, 2u);
    auto v3 = version_with("refresh", sample_inputs(), 7);
    ASSERT_FALSE(h.append(v3));
    EXPECT_EQ(v3.version, 3u);
  }
  std::filesystem::remove_all(dir);
}
