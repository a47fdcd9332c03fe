// The admin API's topology views: query parsing (every parameter and its
// errors), and the answers over a real history (graph, history, diff, DOT).

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/network/topology_views.hpp"
#include "storage/memory_store.hpp"

using namespace kagami;
using namespace kagami::topology;

namespace {

using params = std::multimap<std::string, std::string>;

merge_inputs inputs_with(std::vector<std::string> macs) {
  merge_inputs in;
  in.gateway_mac = "02:99:00:00:00:01";
  neighbour_report r;
  r.reporter = {"sw1", element_kind::switch_element, "02:99:01:00:00:00", "10.99.1.2"};
  port_observation gwp;
  gwp.port_id = 1;
  gwp.name = "p-gw";
  gwp.learned_macs = {in.gateway_mac};
  port_observation dev;
  dev.port_id = 2;
  dev.name = "p-dev";
  dev.learned_macs = std::move(macs);
  r.ports = {gwp, dev};
  in.reports = {r};
  return in;
}

} // namespace

TEST(topology_views, query_parameters) {
  auto q = parse_topology_query("graph", {});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->what, topology_query::view::graph);
  EXPECT_EQ(q->version, 0u);
  q = parse_topology_query("graph", params{{"version", "3"}, {"format", "svg"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->what, topology_query::view::svg);
  EXPECT_EQ(q->version, 3u);
  q = parse_topology_query("graph", params{{"format", "dot"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->what, topology_query::view::dot);
  q = parse_topology_query("history", params{{"limit", "5"}, {"before", "9"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->what, topology_query::view::history);
  EXPECT_EQ(q->limit, 5u);
  EXPECT_EQ(q->before, 9u);
  q = parse_topology_query("diff", params{{"from", "1"}, {"to", "2"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->from, 1u);
  EXPECT_EQ(q->to, 2u);
  struct bad {
    const char* view;
    params p;
    const char* detail;
  };
  std::vector<bad> rows{
    {"graph", {{"format", "png"}}, "query parameter 'format': expected json, dot or svg"},
    {"graph", {{"version", "-1"}}, "query parameter 'version': expected a non-negative integer"},
    {"graph", {{"version", "1"}, {"version", "2"}}, "query parameter 'version' given twice"},
    {"graph", {{"limit", "1"}}, "unknown query parameter 'limit'"},
    {"history", {{"limit", "0"}}, "query parameter 'limit': expected 1 to 1000"},
    {"history", {{"limit", "1001"}}, "query parameter 'limit': expected 1 to 1000"},
    {"diff", {{"to", "2"}}, "query parameter 'from' is required"},
    {"diff", {{"from", "0"}}, "query parameter 'from': versions start at 1"},
    {"diff", {{"from", "1x"}}, "query parameter 'from': expected a non-negative integer"},
  };
  for (auto& r : rows) {
    auto got = parse_topology_query(r.view, r.p);
    ASSERT_FALSE(got) << r.detail;
    EXPECT_EQ(code_of(got.error()), ec::invalid_value);
    EXPECT_EQ(detail_of(got.error()), r.detail);
  }
}

TEST(topology_views, answers_from_the_history) {
  storage::memory_store store;
  topology_history h{store, 10};
  auto none = answer(h, topology_query{}, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(code_of(none.error()), ec::not_found);
  topology_version v1;
  v1.cause = "start";
  v1.inputs = inputs_with({"02:99:00:00:00:11"});
  ASSERT_FALSE(h.append(v1));
  topology_version v2;
  v2.cause = "refresh";
  v2.inputs = inputs_with({"02:99:00:00:00:12"});
  ASSERT_FALSE(h.append(v2));
  // The newest graph.
  auto text = answer(h, topology_query{}, {});
  ASSERT_TRUE(text) << detail_of(text.error());
  auto doc = nlohmann::json::parse(*text);
  EXPECT_EQ(doc["version"], 2);
  EXPECT_EQ(doc["cause"], "refresh");
  EXPECT_TRUE(doc["graph"].is_object());
  EXPECT_NE(text->find("02:99:00:00:00:12"), std::string::npos);
  // An older one, rebuilt.
  topology_query q;
  q.version = 1;
  text = answer(h, q, {});
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("02:99:00:00:00:11"), std::string::npos);
  EXPECT_EQ(text->find("02:99:00:00:00:12"), std::string::npos);
  q.version = 7;
  EXPECT_EQ(code_of(answer(h, q, {}).error()), ec::not_found);
  // The diff 1 -> newest.
  topology_query d;
  d.what = topology_query::view::diff;
  d.from = 1;
  text = answer(h, d, {});
  ASSERT_TRUE(text);
  doc = nlohmann::json::parse(*text);
  EXPECT_EQ(doc["from"], 1);
  EXPECT_EQ(doc["to"], 2);
  EXPECT_EQ(doc["diff"]["added_devices"], nlohmann::json::array({"02:99:00:00:00:12"}));
  EXPECT_EQ(doc["diff"]["removed_devices"], nlohmann::json::array({"02:99:00:00:00:11"}));
  // The history, newest first.
  topology_query hq;
  hq.what = topology_query::view::history;
  text = answer(h, hq, {});
  ASSERT_TRUE(text);
  doc = nlohmann::json::parse(*text);
  ASSERT_EQ(doc["versions"].size(), 2u);
  EXPECT_EQ(doc["versions"][0]["version"], 2);
  EXPECT_EQ(doc["versions"][1]["cause"], "start");
  // DOT with a rogue mark.
  topology_query dq;
  dq.what = topology_query::view::dot;
  dot_marks marks;
  marks.rogue.insert("02:99:00:00:00:12");
  text = answer(h, dq, marks);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->rfind("digraph", 0), 0u);
  EXPECT_NE(text->find("rogue"), std::string::npos);
}
