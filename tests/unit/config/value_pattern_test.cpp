// Globs, versions and ranges, and the evidence a pattern gives, row by row.

#include <string>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/value_pattern.hpp"

using namespace kagami::config;

namespace {

struct glob_row {
  std::string pattern;
  std::string text;
  bool match;
};

TEST(glob_match, table) {
  std::vector<glob_row> rows{
    {"", "", true},
    {"", "a", false},
    {"*", "", true},
    {"*", "anything at all", true},
    {"**", "", true},
    {"?", "", false},
    {"?", "a", true},
    {"?", "ab", false},
    {"abc", "abc", true},
    {"abc", "ABC", false}, // case-sensitive
    {"abc", "abcd", false},
    {"abc*", "abc", true},
    {"abc*", "abcd", true},
    {"*abc", "xxabc", true},
    {"*abc", "xxabcx", false},
    {"a*c", "ac", true},
    {"a*c", "abbbc", true},
    {"a*c", "abbbcd", false},
    {"a*b*c", "aXbYc", true},
    {"a*b*c", "aXcYb", false},
    {"a*a*a*a*b", std::string(100, 'a'), false},
    {"*a*a*a*a*a*a*a*a*", std::string(128, 'a'), true},
    {"a?c", "abc", true},
    {"a?c", "ac", false},
    {"2.*", "2.", true},
    {"2.*", "2.1.7", true},
    {"2.*", "12.1", false},
    {"EVIL*", "EVILCO", true},
    {"EVIL*", "evilco", false},
    {"K*-PLC?00", "KAGAMI-PLC200", true},
    {"K*-PLC?00", "KAGAMI-PLC2000", false},
    {"*-*-*", "a-b-c-d", true},
    {"a*", "b*", false},
    {"x*y", "x*y", true}, // '*' in the text is just a byte
  };
  for (auto& r : rows)
    EXPECT_EQ(glob_match(r.pattern, r.text), r.match)
      << "'" << r.pattern << "' vs '" << r.text << "'";
}

TEST(versions, is_version_table) {
  for (auto v : {"0", "2", "2.1", "2.10.0", "007.1", "99999999999999999999999.1"})
    EXPECT_TRUE(is_version(v)) << v;
  for (auto v : {"", ".", "2.", ".2", "2..1", "v2", "2.1-rc1", "2.1 ", " 2.1",
                 "2,1", "2.1a", "-1", "+1", "1e3"})
    EXPECT_FALSE(is_version(v)) << v;
}

struct cmp_row {
  std::string x;
  std::string y;
  int result;
};

TEST(versions, compare_table) {
  std::vector<cmp_row> rows{
    {"2.1", "2.1.0", 0},
    {"2.1.0.0", "2.1", 0},
    {"2.01", "2.1", 0},
    {"2.10", "2.9", 1},
    {"2.9", "2.10", -1},
    {"3", "2.99.99", 1},
    {"0", "0.0.1", -1},
    {"10", "9", 1},
    {"000010", "9", 1},
    {"18446744073709551616", "18446744073709551615", 1}, // 2^64 vs 2^64-1
    {"99999999999999999999999999999", "99999999999999999999999999999.0", 0},
    {"1.99999999999999999999999", "2", -1},
  };
  for (auto& r : rows) {
    EXPECT_EQ(compare_versions(r.x, r.y), r.result) << r.x << " vs " << r.y;
    EXPECT_EQ(compare_versions(r.y, r.x), -r.result) << r.y << " vs " << r.x;
  }
}

struct range_row {
  std::string range;
  std::string value;
  bool match;
};

TEST(ranges, match_table) {
  std::vector<range_row> rows{
    {">=2.0.0 <3.0.0", "2.0", true},
    {">=2.0.0 <3.0.0", "2.9.99", true},
    {">=2.0.0 <3.0.0", "3", false},
    {">=2.0.0 <3.0.0", "1.99", false},
    {">2.0", "2.0.0", false},
    {">2.0", "2.0.1", true},
    {"<=2.1", "2.1.0", true},
    {"<2.1", "2.1", false},
    {"=2.1", "2.1.0", true},
    {"=2.1", "2.1.1", false},
    {"  >=1   <=1  ", "1.0", true},
    {">=1", "1.0-rc1", false},      // pre-release strings are not versions
    {">=1", "v1.2", false},
    {">=1", "", false},             // unknown
    {">=18446744073709551615", "18446744073709551616", true},
    {"<18446744073709551615", "18446744073709551616", false},
  };
  for (auto& r : rows) {
    auto p = value_pattern::range(r.range);
    ASSERT_TRUE(p) << r.range << ": " << kagami::detail_of(p.error());
    EXPECT_EQ(p->matches(r.value), r.match) << r.range << " vs " << r.value;
  }
}

TEST(ranges, parse_errors) {
  std::vector<std::pair<std::string, std::string>> rows{
    {"", "the range is empty"},
    {"2.0", "\"2.0\" does not start with a comparator (>=, >, <=, <, =)"},
    {">=", "\"\" is not a dotted numeric version"},
    {">= 2.0", "\"\" is not a dotted numeric version"},
    {"~2.0", "\"~2.0\" does not start with a comparator (>=, >, <=, <, =)"},
    {"^2", "\"^2\" does not start with a comparator (>=, >, <=, <, =)"},
    {">=2.*", "\"2.*\" is not a dotted numeric version"},
    {std::string(65, '1'), "a range has at most 64 characters"},
  };
  for (auto& [text, reason] : rows) {
    auto r = parse_version_range(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(kagami::code_of(r.error()), kagami::ec::config_invalid);
    EXPECT_EQ(kagami::detail_of(r.error()), reason) << text;
  }
}

struct explain_row {
  value_pattern pattern;
  std::string value;
  bool match;
  std::string evidence;
};

TEST(value_pattern, explain_table) {
  auto range = *value_pattern::range(">=2.0 <3.0");
  std::vector<explain_row> rows{
    {value_pattern::exact("KS-PLC200"), "KS-PLC200", true,
     "product KS-PLC200 = KS-PLC200"},
    {value_pattern::exact("KS-PLC200"), "KS-PLC900", false,
     "product KS-PLC900 \u2260 KS-PLC200"},
    {value_pattern::exact("KS-PLC200"), "ks-plc200", false,
     "product ks-plc200 \u2260 KS-PLC200"},
    {value_pattern::exact("KS-PLC200"), "", false, "product unknown"},
    {value_pattern::glob("EVIL*"), "EVILCO", true,
     "product EVILCO matches EVIL*"},
    {value_pattern::glob("EVIL*"), "GOODCO", false,
     "product GOODCO does not match EVIL*"},
    {value_pattern::glob("*"), "", false, "product unknown"},
    {range, "2.5", true, "product 2.5 in >=2.0 <3.0"},
    {range, "3.0", false, "product 3.0 not in >=2.0 <3.0"},
    {range, "2.5-beta", false,
     "product 2.5-beta is not a dotted numeric version (range >=2.0 <3.0)"},
  };
  for (auto& r : rows) {
    EXPECT_EQ(r.pattern.matches(r.value), r.match) << r.evidence;
    EXPECT_EQ(r.pattern.explain("product", r.value), r.evidence);
  }
  EXPECT_EQ(range.describe(), "range >=2.0 <3.0");
  EXPECT_EQ(value_pattern::glob("A*").describe(), "glob A*");
  EXPECT_EQ(value_pattern::exact("A").describe(), "A");
}

} // namespace
