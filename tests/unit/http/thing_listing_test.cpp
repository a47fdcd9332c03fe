#include "http/thing_listing.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

using namespace kagami;
using http::listing_query;

namespace {

using params = std::multimap<std::string, std::string>;

std::vector<std::string> tds(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back("{\"title\":\"t" + std::to_string(i) + "\"}");
  return out;
}

std::vector<const std::string*> ptrs(const std::vector<std::string>& xs) {
  std::vector<const std::string*> out;
  for (auto& x : xs)
    out.push_back(&x);
  return out;
}

} // namespace

TEST(thing_listing, query_defaults_and_values) {
  auto q = http::parse_listing_query({}, 100, 1000);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->offset, 0u);
  EXPECT_EQ(q->limit, 100u);
  EXPECT_EQ(q->format, "array");
  q = http::parse_listing_query(params{{"offset", "5"}, {"limit", "7"},
                                       {"format", "collection"}, {"x", "y"}},
                                100, 1000);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->offset, 5u);
  EXPECT_EQ(q->limit, 7u);
  EXPECT_EQ(q->format, "collection");
}

TEST(thing_listing, bad_queries_name_the_parameter) {
  struct bad {
    params p;
    std::string word;
  };
  std::vector<bad> cases{
    {{{"offset", "-1"}}, "offset"},     {{{"offset", "1x"}}, "offset"},
    {{{"offset", ""}}, "offset"},       {{{"limit", "0"}}, "limit"},
    {{{"limit", "1001"}}, "limit"},     {{{"limit", "99999999999999999999999"}}, "limit"},
    {{{"format", "xml"}}, "format"},    {{{"limit", "1"}, {"limit", "2"}}, "twice"},
  };
  for (auto& c : cases) {
    auto q = http::parse_listing_query(c.p, 100, 1000);
    ASSERT_FALSE(q) << c.word;
    EXPECT_EQ(code_of(q.error()), ec::invalid_value);
    EXPECT_NE(detail_of(q.error()).find(c.word), std::string::npos) << detail_of(q.error());
  }
}

TEST(thing_listing, pages_and_next_links) {
  auto all = tds(5);
  listing_query q;
  q.limit = 2;
  auto p1 = http::make_listing_page(ptrs(all), q, "http://gw");
  EXPECT_EQ(nlohmann::json::parse(p1.body).size(), 2u);
  EXPECT_EQ(p1.link, "<http://gw/things?offset=2&limit=2>; rel=\"next\"");
  q.offset = 4;
  auto last = http::make_listing_page(ptrs(all), q, "http://gw");
  EXPECT_EQ(nlohmann::json::parse(last.body), nlohmann::json::parse("[{\"title\":\"t4\"}]"));
  EXPECT_EQ(last.link, "");
  q.offset = 99;
  EXPECT_EQ(http::make_listing_page(ptrs(all), q, "http://gw").body, "[]");
}

TEST(thing_listing, collection_format_carries_total_and_next) {
  auto all = tds(3);
  listing_query q;
  q.limit = 2;
  q.format = "collection";
  auto page = http::make_listing_page(ptrs(all), q, "http://gw");
  auto doc = nlohmann::json::parse(page.body);
  EXPECT_EQ(doc["@type"], "ThingCollection");
  EXPECT_EQ(doc["total"], 3);
  EXPECT_EQ(doc["members"].size(), 2u);
  EXPECT_EQ(doc["next"], "/things?offset=2&limit=2&format=collection");
}
