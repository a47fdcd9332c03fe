#include "http/target.hpp"

#include <gtest/gtest.h>

namespace kagami::http {
namespace {

struct target_case {
  std::string target;
  bool ok;
  std::string path;
  std::multimap<std::string, std::string> query = {};
};

std::ostream& operator<<(std::ostream& os, const target_case& c) {
  return os << c.target;
}

class target_table : public ::testing::TestWithParam<target_case> {};

TEST_P(target_table, parses) {
  const auto& c = GetParam();
  target_parts out;
  auto err = parse_target(c.target, out);
  if (!c.ok) {
    EXPECT_TRUE(err);
    return;
  }
  ASSERT_FALSE(err) << *err;
  EXPECT_EQ(out.path, c.path);
  EXPECT_EQ(out.query, c.query);
}

INSTANTIATE_TEST_SUITE_P(
  targets, target_table,
  ::testing::Values(
    target_case{"/", true, "/"},
    target_case{"/things", true, "/things"},
    target_case{"/things/a%20b", true, "/things/a b"},
    target_case{"/things/%41%62", true, "/things/Ab"},
    target_case{"/things/a+b", true, "/things/a+b"}, // '+' is literal in paths
    target_case{"/t?a=1&b=x+y&a=2&&c&d=%26", true, "/t",
                {{"a", "1"}, {"a", "2"}, {"b", "x y"}, {"c", ""}, {"d", "&"}}},
    target_case{"/t?", true, "/t"},
    target_case{"/t?x=a%2Fb", true, "/t", {{"x", "a/b"}}},
    target_case{"/things/a%2Fb", false, ""},
    target_case{"/things/a%2fb", false, ""},
    target_case{"/things/a%00b", false, ""},
    target_case{"/things/a%0d%0a", false, ""},
    target_case{"/things/a%7F", false, ""},
    target_case{"/t?x=%00", false, ""},
    target_case{"/things/%", false, ""},
    target_case{"/things/%4", false, ""},
    target_case{"/things/%zz", false, ""},
    target_case{"/t?x=%g0", false, ""},
    target_case{"/t#frag", false, ""},
    target_case{"", false, ""},
    target_case{"*", false, ""},
    target_case{"things", false, ""},
    target_case{"http://evil/things", false, ""},
    target_case{"/a b", false, ""},
    target_case{"/caf\xc3\xa9", false, ""}));

} // namespace
} // namespace kagami::http
