// The field reader: pointers, parse errors, duplicate keys, unknown keys and
// typed reads.

#include <gtest/gtest.h>

#include "config/json_reader.hpp"
#include "config/syntax.hpp"

using namespace kagami::config;

namespace {

config_error error_of(const std::string& text) {
  auto result = parse_json(text, "f.json");
  auto err = std::get_if<config_error>(&result);
  if (!err) {
    ADD_FAILURE() << "accepted: " << text;
    return {};
  }
  return *err;
}

TEST(json_reader, pointer_tokens_are_escaped) {
  EXPECT_EQ(pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(pointer_token(""), "");
}

TEST(json_reader, json_pointer_syntax) {
  for (auto p : {"", "/", "/a", "/a/0", "/a~0b", "/a~1b", "//", "/ "})
    EXPECT_TRUE(is_json_pointer(p)) << p;
  for (auto p : {"a", "a/b", "/a~", "/a~2", "~0", "/~x"})
    EXPECT_FALSE(is_json_pointer(p)) << p;
}

TEST(json_reader, numbers_in_messages) {
  EXPECT_EQ(format_number(3), "3");
  EXPECT_EQ(format_number(-2147483648.0), "-2147483648");
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(65535 * 0.1), "6553.5");
}

TEST(json_reader, duplicate_keys_are_named_by_pointer) {
  EXPECT_EQ(error_of(R"({"a": 1, "a": 2})").field, "/a");
  EXPECT_EQ(error_of(R"({"a": [0, {"b/c": 1, "b/c": 2}]})").field,
            "/a/1/b~1c");
  EXPECT_EQ(error_of(R"({"a": [[1], [2, {"x": {}, "y": [], "x": 0}]]})").field,
            "/a/1/1/x");
  EXPECT_EQ(error_of(R"({"a": {"k": 1}, "b": {"k": 1}, "c": 1, "c": 2})")
              .field,
            "/c");
  EXPECT_EQ(error_of(R"({"a": 1, "a": 2})").reason, "duplicate key");
}

TEST(json_reader, same_keys_in_sibling_objects_are_fine) {
  auto result = parse_json(R"([{"a": 1}, {"a": 2}, {"a": {"a": 3}}])", "f");
  EXPECT_NE(std::get_if<json_value>(&result), nullptr);
}

TEST(json_reader, syntax_errors) {
  auto err = error_of("{\n\"a\": tru\n}");
  EXPECT_EQ(err.file, "f.json");
  EXPECT_EQ(err.field, "");
  EXPECT_EQ(err.reason.rfind("invalid JSON at line ", 0), 0u) << err.reason;
  EXPECT_EQ(error_of("").reason.rfind("invalid JSON at line 1", 0), 0u);
  EXPECT_EQ(error_of("{} x").reason.rfind("invalid JSON", 0), 0u);
  EXPECT_EQ(error_of("{\"a\": 1} // c").reason.rfind("invalid JSON", 0), 0u);
}

TEST(json_reader, typed_reads) {
  auto doc = json_value::parse(R"({"s": "x", "b": true, "n": 1.5, "i": 7,
    "big": 18446744073709551615, "o": {}, "a": [], "nul": null})");
  error_sink sink{"f.json"};
  object_reader r{sink, doc, "/root"};
  std::string s;
  bool b = false;
  double n = 0;
  int64_t i = 0;
  EXPECT_TRUE(r.read("s", s));
  EXPECT_TRUE(r.read("b", b));
  EXPECT_TRUE(r.read("n", n));
  EXPECT_TRUE(r.read_int("i", i, 0, 10));
  EXPECT_EQ(s, "x");
  EXPECT_TRUE(b);
  EXPECT_EQ(n, 1.5);
  EXPECT_EQ(i, 7);
  EXPECT_FALSE(r.read("missing", s));
  EXPECT_NE(r.get_object("o"), nullptr);
  EXPECT_NE(r.get_array("a"), nullptr);
  EXPECT_TRUE(sink.ok());
  EXPECT_FALSE(r.read_int("big", i, 0, 10));
  EXPECT_EQ(sink.error().to_string(),
            "f.json: /root/big: must be an integer from 0 to 10");
}

TEST(json_reader, the_first_error_wins) {
  auto doc = json_value::parse(R"({"s": 1, "b": 2})");
  error_sink sink{"f.json"};
  object_reader r{sink, doc, ""};
  std::string s;
  bool b = false;
  EXPECT_FALSE(r.read("s", s));
  EXPECT_FALSE(r.read("b", b));
  EXPECT_FALSE(r.read("missing", s, need::required));
  EXPECT_EQ(sink.error().to_string(), "f.json: /s: must be a string, not 1");
}

TEST(json_reader, unknown_keys_get_suggestions) {
  auto doc = json_value::parse(R"({"id": 1, "Protokol": 2})");
  error_sink sink{"f.json"};
  object_reader r{sink, doc, "/m"};
  EXPECT_FALSE(r.known_keys({"id", "protocol", "properties"}));
  EXPECT_EQ(sink.error().to_string(),
            "f.json: /m/Protokol: unknown key \"Protokol\" (did you mean "
            "\"protocol\"?)");
  error_sink sink2{"f.json"};
  auto doc2 = json_value::parse(R"({"zzzzzz": 1})");
  object_reader r2{sink2, doc2, ""};
  EXPECT_FALSE(r2.known_keys({"id"}));
  EXPECT_EQ(sink2.error().reason, "unknown key \"zzzzzz\"");
}

TEST(json_reader, a_non_object_is_an_error) {
  auto doc = json_value::parse("[]");
  error_sink sink{"f.json"};
  object_reader r{sink, doc, "/x"};
  EXPECT_FALSE(r.valid());
  EXPECT_FALSE(r.has("a"));
  EXPECT_EQ(sink.error().to_string(),
            "f.json: /x: must be an object, not an array");
}

TEST(syntax, names) {
  EXPECT_TRUE(is_affordance_name("a"));
  EXPECT_TRUE(is_affordance_name("cycleCount_2"));
  EXPECT_TRUE(is_affordance_name(std::string(64, 'a')));
  EXPECT_FALSE(is_affordance_name(std::string(65, 'a')));
  EXPECT_FALSE(is_affordance_name(""));
  EXPECT_FALSE(is_affordance_name("_a"));
  EXPECT_FALSE(is_affordance_name("1a"));
  EXPECT_FALSE(is_affordance_name("a-b"));
  EXPECT_FALSE(is_affordance_name("ä"));
  EXPECT_TRUE(is_id("plc-1.a_B"));
  EXPECT_TRUE(is_id(std::string(64, '-')));
  EXPECT_FALSE(is_id(std::string(65, 'a')));
  EXPECT_FALSE(is_id(""));
  EXPECT_FALSE(is_id("a/b"));
  EXPECT_FALSE(is_id("a b"));
}

TEST(syntax, http_paths) {
  for (auto p : {"/", "/a/b", "/a?b=c&d=%20", "/a..b", "/~user/x:y@z"})
    EXPECT_EQ(http_path_error(p), "") << p;
  for (auto p : {"", "a", "/a b", "/a#b", "/a/../b", "/..", "/a%2", "/a\\b",
                 "/a\"b"})
    EXPECT_NE(http_path_error(p), "") << p;
  EXPECT_NE(http_path_error("/" + std::string(1024, 'a')), "");
}

} // namespace
