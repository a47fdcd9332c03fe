#include "protocols/nft/nft_listing.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::nft;

namespace {

// Real output of `nft -j list table inet kagami` (nft 1.0.6) after one
// dropped ping, with the forward chain's rules left out.
constexpr const char* listing = R"({"nftables": [
{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
{"table": {"family": "inet", "name": "kagami", "handle": 3}},
{"set": {"family": "inet", "name": "refused_mac", "table": "kagami", "type": "ether_addr", "handle": 4, "elem": ["02:99:fa:00:00:02"]}},
{"set": {"family": "inet", "name": "refused_v4", "table": "kagami", "type": "ipv4_addr", "handle": 5, "elem": ["10.99.250.3", "10.99.250.2"]}},
{"set": {"family": "inet", "name": "refused_v6", "table": "kagami", "type": "ipv6_addr", "handle": 6, "elem": ["fd99:fa::2"]}},
{"chain": {"family": "inet", "table": "kagami", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": -10, "policy": "accept"}},
{"rule": {"family": "inet", "table": "kagami", "chain": "input", "handle": 7, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ether", "field": "saddr"}}, "right": "@refused_mac"}}, {"counter": {"packets": 1, "bytes": 84}}, {"drop": null}]}},
{"rule": {"family": "inet", "table": "kagami", "chain": "input", "handle": 8, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@refused_v4"}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}},
{"rule": {"family": "inet", "table": "kagami", "chain": "output", "handle": 15, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "@refused_v4"}}, {"counter": {"packets": 3, "bytes": 252}}, {"drop": null}]}}
]})";

// A listing of table `inet kagami` with the given sets' JSON.
std::string with_sets(const std::string& mac, const std::string& v4,
                      const std::string& v6) {
  auto set = [](const char* name, const std::string& rest) {
    return R"({"set": {"family": "inet", "table": "kagami", "name": ")"
           + std::string{name} + "\"" + rest + "}}";
  };
  return R"({"nftables": [{"table": {"family": "inet", "name": "kagami"}}, )"
         + set("refused_mac", mac) + ", " + set("refused_v4", v4) + ", "
         + set("refused_v6", v6) + "]}";
}

} // namespace

TEST(nft_listing, parses_a_real_listing) {
  auto x = parse_listing(listing, "kagami");
  ASSERT_TRUE(x) << to_string(x.error());
  ASSERT_EQ(x->refused.macs.size(), 1u);
  EXPECT_EQ(to_string(x->refused.macs[0]), "02:99:fa:00:00:02");
  ASSERT_EQ(x->refused.addresses.size(), 3u);
  // Sorted: IPv4 before IPv6, then by address.
  EXPECT_EQ(to_string(x->refused.addresses[0]), "10.99.250.2");
  EXPECT_EQ(to_string(x->refused.addresses[1]), "10.99.250.3");
  EXPECT_EQ(to_string(x->refused.addresses[2]), "fd99:fa::2");
  ASSERT_EQ(x->counters.size(), 3u);
  EXPECT_EQ(x->counters[0], (drop_counter{"input", "ether saddr @refused_mac", 1, 84}));
  EXPECT_EQ(x->counters[1], (drop_counter{"input", "ip saddr @refused_v4", 0, 0}));
  EXPECT_EQ(x->counters[2], (drop_counter{"output", "ip daddr @refused_v4", 3, 252}));
  EXPECT_EQ(x->dropped_packets(), 4u);
}

TEST(nft_listing, empty_sets_have_no_elem) {
  auto x = parse_listing(with_sets("", "", ""), "kagami");
  ASSERT_TRUE(x) << to_string(x.error());
  EXPECT_TRUE(x->refused.empty());
  EXPECT_TRUE(x->counters.empty());
}

TEST(nft_listing, element_objects) {
  auto x = parse_listing(
    with_sets("", R"(, "elem": [{"elem": {"val": "10.99.250.2", "comment": "x"}}])", ""),
    "kagami");
  ASSERT_TRUE(x) << to_string(x.error());
  ASSERT_EQ(x->refused.addresses.size(), 1u);
  EXPECT_EQ(to_string(x->refused.addresses[0]), "10.99.250.2");
}

TEST(nft_listing, reads_only_its_table) {
  // Another table's sets, with elements our parsers would reject, are not read.
  auto text = with_sets("", "", "");
  text.insert(text.size() - 2,
              R"(, {"set": {"family": "inet", "table": "other", "name": "refused_v4", )"
              R"("elem": ["not an address"]}})");
  auto x = parse_listing(text, "kagami");
  ASSERT_TRUE(x) << to_string(x.error());
  EXPECT_TRUE(x->refused.empty());
  EXPECT_FALSE(parse_listing(text, "other"));
}

TEST(nft_listing, rejects_what_is_not_the_table) {
  for (std::string bad : std::vector<std::string>
       {"", "{", "[]", R"({"nftables": {}})", R"({"nftables": [1]})",
        R"({"nftables": []})",
        // A set is missing.
        R"({"nftables": [{"table": {"family": "inet", "name": "kagami"}}]})",
        // Elements that are not addresses, or of the wrong family.
        with_sets(R"(, "elem": ["zz:99:fa:00:00:02"])", "", ""),
        with_sets("", R"(, "elem": ["1.2.3.4; flush ruleset"])", ""),
        with_sets("", R"(, "elem": ["fd99::2"])", ""),
        with_sets("", "", R"(, "elem": ["10.99.250.2"])"),
        with_sets("", R"(, "elem": [["10.99.250.2"]])", ""),
        with_sets("", R"(, "elem": "10.99.250.2")", ""),
        with_sets("", R"(, "elem": [{"prefix": {"addr": "10.0.0.0", "len": 8}}])", "")}) {
    SCOPED_TRACE(bad);
    auto x = parse_listing(bad, "kagami");
    ASSERT_FALSE(x);
    EXPECT_EQ(code_of(x.error()), ec::internal);
  }
}

TEST(nft_listing, rejects_bad_counters) {
  std::string text = listing;
  auto at = text.find(R"("packets": 1)");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, R"("packets": -1)");
  EXPECT_FALSE(parse_listing(text, "kagami"));
}

TEST(nft_listing, limits) {
  auto nested = [](size_t n) {
    return R"({"nftables": [)" + std::string(n, '[') + std::string(n, ']') + "]}";
  };
  // Deep nesting fails as too deep, not as a crash.
  auto deep = parse_listing(nested(100000), "kagami");
  ASSERT_FALSE(deep);
  EXPECT_NE(detail_of(deep.error()).find("deeper"), std::string::npos);
  EXPECT_FALSE(parse_listing(std::string(listing_limits::max_bytes + 1, ' '), "kagami"));
  std::string many = R"(, "elem": [)";
  for (size_t i = 0; i <= listing_limits::max_elements; ++i)
    many += i == 0 ? R"("10.99.250.2")" : R"(, "10.99.250.2")";
  many += "]";
  auto big = parse_listing(with_sets("", many, ""), "kagami");
  ASSERT_FALSE(big);
  EXPECT_NE(detail_of(big.error()).find("elements"), std::string::npos);
}
