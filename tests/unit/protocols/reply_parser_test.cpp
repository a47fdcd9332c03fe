#include "protocols/http_device/reply_parser.hpp"

#include <string>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::http_device;
using nlohmann::json;

TEST(reply_parser, parses_json) {
  auto doc = parse_reply(R"({"humidity": 45.5, "nested": {"list": [1, 2]}})");
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["humidity"], json(45.5));
}

TEST(reply_parser, rejects_bad_bodies) {
  for (std::string bad : {"", "{", "not json", "{\"a\": 1} trailing", "\"\xff\"",
                          "{\"a\": 1,}", "// comment\n1"}) {
    SCOPED_TRACE(bad);
    auto doc = parse_reply(bad);
    ASSERT_FALSE(doc);
    EXPECT_EQ(code_of(doc.error()), ec::device_bad_reply);
  }
}

TEST(reply_parser, depth_limit) {
  auto nested = [](size_t n) {
    return std::string(n, '[') + std::string(n, ']');
  };
  EXPECT_TRUE(parse_reply(nested(reply_limits::max_depth)));
  auto deep = parse_reply(nested(reply_limits::max_depth + 1));
  ASSERT_FALSE(deep);
  EXPECT_EQ(code_of(deep.error()), ec::device_bad_reply);
  // A megabyte of brackets is rejected without recursion.
  EXPECT_FALSE(parse_reply(std::string(reply_limits::body_limit, '[')));
  // Brackets inside strings do not count; escaped quotes do not end strings.
  EXPECT_EQ(json_nesting_depth(R"({"a": "[[[[\"{{{{"})", 100), 1u);
  EXPECT_EQ(json_nesting_depth("]]]][", 100), 1u);
}

TEST(reply_parser, body_limit) {
  std::string big = "\"" + std::string(reply_limits::body_limit, 'x') + "\"";
  auto doc = parse_reply(big);
  ASSERT_FALSE(doc);
  EXPECT_EQ(code_of(doc.error()), ec::device_bad_reply);
}

TEST(reply_parser, select_pointer) {
  auto doc = json::parse(R"({"a": {"b": [10, 20]}, "c/d": 1, "e~f": 2})");
  EXPECT_EQ(*select_pointer(doc, "/a/b/1"), json(20));
  EXPECT_EQ(*select_pointer(doc, "/c~1d"), json(1));
  EXPECT_EQ(*select_pointer(doc, "/e~0f"), json(2));
  EXPECT_EQ(*select_pointer(doc, ""), doc);
  for (const char* missing : {"/x", "/a/b/2", "/a/b/-", "/a/b/01", "/a/b/x", "/a/b/0/z"}) {
    SCOPED_TRACE(missing);
    auto v = select_pointer(doc, missing);
    ASSERT_FALSE(v);
    EXPECT_EQ(code_of(v.error()), ec::device_bad_reply);
  }
  for (const char* bad : {"a", "/~2", "/~"}) {
    auto v = select_pointer(doc, bad);
    ASSERT_FALSE(v);
    EXPECT_EQ(code_of(v.error()), ec::config_invalid);
  }
}
