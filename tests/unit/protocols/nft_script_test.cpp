#include "protocols/nft/firewall_script.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::nft;

namespace {

table_name kagami_table() {
  return *table_name::parse("kagami");
}

refused_entries sample() {
  refused_entries x;
  x.macs.push_back(*parse_mac("02:99:fa:00:00:02"));
  x.addresses.push_back(*parse_ip("fd99:fa::2"));
  x.addresses.push_back(*parse_ip("10.99.250.3"));
  x.addresses.push_back(*parse_ip("10.99.250.2"));
  x.addresses.push_back(*parse_ip("10.99.250.2"));
  return x;
}

} // namespace

TEST(nft_script, table_names) {
  EXPECT_TRUE(table_name::parse("kagami"));
  EXPECT_TRUE(table_name::parse("kagami_test_42"));
  EXPECT_TRUE(table_name::parse(std::string(32, 'k')));
  for (std::string bad : std::vector<std::string>{"", "1kagami", "_k", "kagami; flush ruleset", "ka gami",
                          "kagami\n", "ka-gami", "k\"", std::string(33, 'k')}) {
    SCOPED_TRACE(bad);
    auto name = table_name::parse(bad);
    ASSERT_FALSE(name);
    EXPECT_EQ(code_of(name.error()), ec::invalid_value);
  }
}

TEST(nft_script, install_replaces_the_table_in_one_script) {
  auto text = install_script(kagami_table(), {});
  // Create-if-absent, delete, define: one transaction that works whether or
  // not the table exists.
  EXPECT_EQ(text.find("table inet kagami\ndelete table inet kagami\ntable inet kagami {\n"),
            0u);
  for (auto part : {"set refused_mac {\n    type ether_addr\n  }",
                    "set refused_v4 {\n    type ipv4_addr\n  }",
                    "set refused_v6 {\n    type ipv6_addr\n  }",
                    "chain input {\n    type filter hook input priority filter - 10; "
                    "policy accept;\n    ether saddr @refused_mac counter drop\n"
                    "    ip saddr @refused_v4 counter drop\n"
                    "    ip6 saddr @refused_v6 counter drop\n  }",
                    "ip daddr @refused_v4 counter drop", "chain forward {",
                    "chain output {\n    type filter hook output priority filter - 10; "
                    "policy accept;\n    ip daddr @refused_v4 counter drop\n"
                    "    ip6 daddr @refused_v6 counter drop\n  }"}) {
    SCOPED_TRACE(part);
    EXPECT_NE(text.find(part), std::string::npos);
  }
  EXPECT_EQ(text.find("elements"), std::string::npos);
}

TEST(nft_script, install_holds_the_initial_entries) {
  auto text = install_script(kagami_table(), sample());
  EXPECT_NE(text.find("set refused_mac {\n    type ether_addr\n"
                      "    elements = { 02:99:fa:00:00:02 }\n  }"),
            std::string::npos);
  // Sorted and without the duplicate.
  EXPECT_NE(text.find("elements = { 10.99.250.2, 10.99.250.3 }"), std::string::npos);
  EXPECT_NE(text.find("elements = { fd99:fa::2 }"), std::string::npos);
}

TEST(nft_script, element_commands) {
  auto t = kagami_table();
  EXPECT_EQ(add_elements_script(t, sample()),
            "add element inet kagami refused_mac { 02:99:fa:00:00:02 }\n"
            "add element inet kagami refused_v4 { 10.99.250.2, 10.99.250.3 }\n"
            "add element inet kagami refused_v6 { fd99:fa::2 }\n");
  refused_entries one;
  one.addresses.push_back(*parse_ip("10.99.250.2"));
  // Add, then delete: deleting an absent element is then no error.
  EXPECT_EQ(delete_elements_script(t, one),
            "add element inet kagami refused_v4 { 10.99.250.2 }\n"
            "delete element inet kagami refused_v4 { 10.99.250.2 }\n");
  EXPECT_EQ(add_elements_script(t, {}), "");
  EXPECT_EQ(delete_elements_script(t, {}), "");
}

TEST(nft_script, list_and_remove) {
  auto t = *table_name::parse("kagami_test");
  EXPECT_EQ(list_script(t), "list table inet kagami_test\n");
  EXPECT_EQ(remove_script(t), "table inet kagami_test\ndelete table inet kagami_test\n");
}
