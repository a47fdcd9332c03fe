// The built-in check types, each created through the registry and asked
// directly: acl (incl. "*" for readallproperties), signatures, schema and
// expected_use (rate limit, write interval, envelope with observe()).

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "actors/security/chain/expected_use/expected_use_check.hpp"
#include "check_chain_fixture.hpp"

using namespace kagami;
using namespace kagami::security;
using namespace kagami::security::test;
using namespace std::chrono_literals;

namespace {

class builtin_check : public ::testing::Test {
protected:
  builtin_check() {
    EXPECT_FALSE(register_builtin_checks(registry_));
    ctx_.base_dir = config_dir();
    ctx_.models = &models_;
    ctx_.pointer = "/security/checks/x";
  }

  std::unique_ptr<security_check> make(const char* name) {
    auto section = builtin_checks_section()[name];
    auto type = section["type"].get<std::string>();
    section.erase("type");
    auto made = registry_.create(type, section, ctx_);
    EXPECT_TRUE(made) << detail_of(made.error());
    return made ? std::move(*made) : nullptr;
  }

  std::map<std::string, config::device_model> models_ = press_models();
  check_registry registry_;
  check_context ctx_;
};

struct expectation {
  bool allowed;
  unsigned status;
  const char* reason; // substring; nullptr: not checked
};

void expect_verdict(const verdict& v, const expectation& e) {
  EXPECT_EQ(v.allowed, e.allowed) << v.reason;
  EXPECT_EQ(v.status, e.status) << v.reason;
  if (e.reason != nullptr) {
    EXPECT_NE(v.reason.find(e.reason), std::string::npos) << v.reason;
  }
}

// -- acl ----------------------------------------------------------------------

TEST_F(builtin_check, acl_table) {
  auto acl = make("acl");
  ASSERT_TRUE(acl);
  struct acl_case {
    const char* name;
    std::function<void(request_builder&)> setup;
    expectation want;
  };
  using sk = authn::subject_kind;
  const acl_case cases[] = {
    {"operator reads setpoint", [](request_builder&) {}, {true, 0, nullptr}},
    {"operator writes setpoint", [](request_builder& b) { b.write("setpoint", "5"); },
     {true, 0, nullptr}},
    {"operator reads secret: explicit deny",
     [](request_builder& b) { b.read("secret"); },
     {false, 403, "rule 1 denies role operator to readproperty secret of press-1"}},
    {"operator subscribes: no rule",
     [](request_builder& b) { b.affordance = "overheat"; b.op = authz::operation::subscribeevent; },
     {false, 403, "no rule allows user alice (role operator) to subscribeevent overheat"}},
    {"operator reads all: secret is among them",
     [](request_builder& b) { b.read("*"); },
     {false, 403, "readproperty secret of press-1"}},
    {"hmi reads all", [](request_builder& b) { b.as("hmi", sk::app).read("*"); },
     {true, 0, nullptr}},
    {"hmi writes", [](request_builder& b) { b.as("hmi", sk::app).write("setpoint", "1"); },
     {false, 403, "no rule allows app hmi to writeproperty setpoint of press-1"}},
    {"user hmi is not app hmi", [](request_builder& b) { b.as("hmi", sk::user); },
     {false, 403, "no rule allows user hmi"}},
    {"operator on another model", [](request_builder& b) { b.model = "oven"; },
     {false, 403, "no rule allows"}},
    {"night user by day: window named",
     [](request_builder& b) { b.as("night", sk::user); },
     {false, 403, "rule 3 allows readproperty setpoint of press-1 only"}},
    {"night user at night",
     [](request_builder& b) { b.as("night", sk::user); b.now += 11h; },
     {true, 0, nullptr}},
    {"no roles, no rules", [](request_builder& b) { b.as("mallory", sk::user); },
     {false, 403, "no rule allows user mallory"}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    request_builder b;
    c.setup(b);
    expect_verdict(acl->decide(b.get()), c.want);
  }
}

TEST_F(builtin_check, acl_read_all_without_models_checks_every_named_affordance) {
  ctx_.models = nullptr;
  auto acl = make("acl");
  ASSERT_TRUE(acl);
  request_builder b;
  b.read("*");
  // "*" itself is allowed by rule 0; rule 1 denies the named "secret".
  expect_verdict(acl->decide(b.get()), {false, 403, "secret"});
  b.as("hmi", authn::subject_kind::app);
  expect_verdict(acl->decide(b.get()), {true, 0, nullptr});
  b.as("viewer", authn::subject_kind::user, {"viewer"});
  expect_verdict(acl->decide(b.get()), {false, 403, "no rule allows"});
}

TEST_F(builtin_check, acl_rules_file_relative_to_base_dir) {
  ctx_.base_dir = "/site";
  ctx_.read_file = [](const std::string& path,
                      std::string& why) -> std::optional<std::string> {
    if (path == "/site/acl.json")
      return R"({"rules": [{"subject": "user:alice", "thing": "id:press-1",
                            "op": "*"}]})";
    why = "no such file";
    return std::nullopt;
  };
  auto made = registry_.create("acl", {{"rulesFile", "acl.json"}}, ctx_);
  ASSERT_TRUE(made) << detail_of(made.error());
  request_builder b;
  expect_verdict((*made)->decide(b.get()), {true, 0, nullptr});
  b.thing = "press-2";
  expect_verdict((*made)->decide(b.get()), {false, 403, "no rule allows"});
}

// -- signatures ---------------------------------------------------------------

TEST_F(builtin_check, signatures_table) {
  auto sig = make("sig");
  ASSERT_TRUE(sig);
  struct sig_case {
    const char* name;
    std::function<void(request_builder&)> setup;
    expectation want;
  };
  const sig_case cases[] = {
    {"benign read", [](request_builder&) {}, {true, 0, nullptr}},
    {"benign write", [](request_builder& b) { b.write("setpoint", "42.5"); },
     {true, 0, nullptr}},
    {"command injection in the body",
     [](request_builder& b) { b.write("mode", "\"auto; rm -rf /\""); },
     {false, 403, "blocked by signature KG-1001 (high)"}},
    {"path traversal in the target",
     [](request_builder& b) { b.target = "/things/press-1/../../etc/passwd"; },
     {false, 403, "blocked by signature KG-1010 (high)"}},
    {"JNDI lookup in a header",
     [](request_builder& b) { b.headers["user-agent"] = "${jndi:ldap://x/a}"; },
     {false, 403, "blocked by signature KG-1030 (high)"}},
    {"Modbus content type", [](request_builder& b) {
       b.headers["content-type"] = "application/x-modbus";
     },
     {false, 403, "blocked by signature KG-1041 (medium)"}},
    // Escapes must not hide a pattern: what the device gets is decoded.
    {"command injection behind JSON escapes",
     [](request_builder& b) { b.write("mode", R"("auto\u003b rm -rf /")"); },
     {false, 403, "blocked by signature KG-1001 (high)"}},
    {"command injection in a nested JSON string",
     [](request_builder& b) { b.write("mode", R"({"a": ["x", "auto\u003B rm -rf /"]})"); },
     {false, 403, "blocked by signature KG-1001 (high)"}},
    {"path traversal behind percent-encoding",
     [](request_builder& b) { b.target = "/things/press-1/%2e%2e/%2e%2e/etc/passwd"; },
     {false, 403, "blocked by signature KG-1010 (high)"}},
    {"benign escapes", [](request_builder& b) { b.write("mode", R"("caf\u00e9 auto")"); },
     {true, 0, nullptr}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    request_builder b;
    c.setup(b);
    expect_verdict(sig->decide(b.get()), c.want);
  }
  auto state = sig->inspect();
  EXPECT_EQ(state["hits"]["KG-1001"], 3);
  EXPECT_EQ(state["hits"]["KG-1041"], 1);
  EXPECT_EQ(state["scan_errors"], 0);
}

TEST_F(builtin_check, signatures_inline_rules) {
  nlohmann::json section = {
    {"rules",
     {{{"id", "T-1"}, {"pattern", "forbidden"}, {"severity", "low"},
       {"fields", {"body"}}}}}};
  auto made = registry_.create("signatures", section, ctx_);
  ASSERT_TRUE(made) << detail_of(made.error());
  request_builder b;
  b.write("mode", "\"forbidden\"");
  expect_verdict((*made)->decide(b.get()), {false, 403, "blocked by signature T-1 (low)"});
  // Only the body is scanned by this rule.
  b.write("mode", "\"auto\"");
  b.target = "/forbidden";
  expect_verdict((*made)->decide(b.get()), {true, 0, nullptr});
}

// -- schema -------------------------------------------------------------------

TEST_F(builtin_check, schema_table) {
  auto schema = make("schema");
  ASSERT_TRUE(schema);
  struct schema_case {
    const char* name;
    std::function<void(request_builder&)> setup;
    expectation want;
  };
  const schema_case cases[] = {
    {"write in range", [](request_builder& b) { b.write("setpoint", "50"); },
     {true, 0, nullptr}},
    {"write above maximum", [](request_builder& b) { b.write("setpoint", "130"); },
     {false, 400, "value 130 is above the maximum 120"}},
    {"write of the wrong type", [](request_builder& b) { b.write("setpoint", "\"hot\""); },
     {false, 400, "expected number, got string"}},
    {"write outside the enumeration", [](request_builder& b) { b.write("mode", "\"turbo\""); },
     {false, 400, nullptr}},
    {"write of broken JSON", [](request_builder& b) { b.write("setpoint", "{"); },
     {false, 400, "the body is not a JSON value"}},
    {"write without a body", [](request_builder& b) { b.write("setpoint", " "); },
     {false, 400, "missing value"}},
    {"write to an unknown property passes (404 later)",
     [](request_builder& b) { b.write("nope", "{"); }, {true, 0, nullptr}},
    {"write to a thing of an unknown model",
     [](request_builder& b) { b.model = "oven"; b.write("setpoint", "1"); },
     {false, 403, "no data model"}},
    {"read with any body passes", [](request_builder& b) { b.body = "{"; },
     {true, 0, nullptr}},
    {"read of an unknown model passes", [](request_builder& b) { b.model = "oven"; },
     {true, 0, nullptr}},
    {"action without input, empty body", [](request_builder& b) { b.invoke("start", ""); },
     {true, 0, nullptr}},
    {"action without input, null", [](request_builder& b) { b.invoke("start", "null"); },
     {true, 0, nullptr}},
    {"action without input, a value", [](request_builder& b) { b.invoke("start", "5"); },
     {false, 400, "action start takes no input"}},
    {"action input in range", [](request_builder& b) { b.invoke("ramp", "5"); },
     {true, 0, nullptr}},
    {"action input not an integer", [](request_builder& b) { b.invoke("ramp", "5.5"); },
     {false, 400, "expected integer"}},
    {"action input above maximum", [](request_builder& b) { b.invoke("ramp", "11"); },
     {false, 400, "above the maximum 10"}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    request_builder b;
    c.setup(b);
    expect_verdict(schema->decide(b.get()), c.want);
  }
}

// -- expected_use -------------------------------------------------------------

TEST_F(builtin_check, rate_limit_answers_429_with_retry_after) {
  auto use = make("use"); // 0.25 requests per second, burst 3
  ASSERT_TRUE(use);
  request_builder b;
  for (int i = 0; i < 3; ++i)
    expect_verdict(use->decide(b.get()), {true, 0, nullptr});
  auto v = use->decide(b.get());
  expect_verdict(v, {false, 429, "rate limit"});
  ASSERT_TRUE(v.retry_after);
  EXPECT_EQ(*v.retry_after, 4s); // one token takes 4 s at 0.25/s
  // Another subject has its own bucket; an app and a user of one name too.
  b.as("bob", authn::subject_kind::user);
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
  b.as("alice", authn::subject_kind::app);
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
  // Alice (user) again, 3 s later: still one second short.
  b.as("alice", authn::subject_kind::user, {"operator"});
  b.mono_now += 3s;
  v = use->decide(b.get());
  expect_verdict(v, {false, 429, nullptr});
  EXPECT_EQ(v.retry_after, 1s);
  b.mono_now += 1s;
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
}

TEST_F(builtin_check, write_interval_answers_429_with_retry_after) {
  auto made = registry_.create(
    "expected_use",
    nlohmann::json::parse(R"({"write_interval": {"devices": {"press-1": 1500}}})"),
    ctx_);
  ASSERT_TRUE(made) << detail_of(made.error());
  auto& use = *made;
  request_builder b;
  b.as("hmi", authn::subject_kind::app).invoke("start", "");
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
  b.as("bob", authn::subject_kind::user).invoke("start", "");
  b.mono_now += 200ms;
  auto v = use->decide(b.get());
  expect_verdict(v, {false, 429, "writes to press-1 are limited to one per 1500 ms"});
  EXPECT_EQ(v.retry_after, 2s); // 1300 ms rounded up
  // Reads are not writes.
  b.read("setpoint");
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
  // Other things have no interval.
  b.thing = "press-2";
  b.invoke("start", "");
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
  b.thing = "press-1";
  b.mono_now += 1300ms;
  expect_verdict(use->decide(b.get()), {true, 0, nullptr});
}

TEST_F(builtin_check, one_enveloped_write_at_a_time) {
  auto made = make("use"); // setpoint of press-1: 0..100, step 10
  ASSERT_TRUE(made);
  auto& use = static_cast<expected_use_check&>(*made);
  request_builder b;
  b.read("setpoint");
  use.observe(b.get(), "40");
  auto write = [&](const char* id, const char* value) {
    b.mono_now += 10s; // clear of rate limit and write interval
    b.request_id = id;
    b.write("setpoint", value);
    return use.decide(b.get());
  };
  // Two concurrent writes of +8 each would add up to 16 > step 10.
  expect_verdict(write("w1", "48"), {true, 0, nullptr});
  auto second = write("w2", "56");
  expect_verdict(second, {false, 429, "a write to setpoint of press-1 is in progress"});
  EXPECT_EQ(second.retry_after, 1s);
  // Other properties and reads are not held.
  b.request_id = "r1";
  b.read("setpoint");
  expect_verdict(use.decide(b.get()), {true, 0, nullptr});
  // The first write is confirmed: the next one steps from 48.
  b.request_id = "w1";
  b.write("setpoint", "48");
  use.observe(b.get(), "48");
  expect_verdict(write("w3", "56"), {true, 0, nullptr});
  // A failed write releases its hold without moving the base.
  b.write("setpoint", "56");
  use.forget(b.get());
  EXPECT_EQ(use.envelope().last_value("press-1", "setpoint"), 48.0);
  expect_verdict(write("w4", "59"), {false, 403, "change 11 from 48 exceeds"});
  expect_verdict(write("w5", "58"), {true, 0, nullptr});
  // forget() of another request does not release it.
  b.request_id = "w4";
  use.forget(b.get());
  expect_verdict(write("w6", "50"), {false, 429, "a write to setpoint of press-1 is in progress"});
  // A hold lapses after 30 s (a backstop).
  b.mono_now += 31s;
  b.request_id = "w7";
  b.write("setpoint", "50");
  expect_verdict(use.decide(b.get()), {true, 0, nullptr});
  EXPECT_EQ(use.inspect()["refused"]["write_in_progress"], 2);
}

TEST_F(builtin_check, envelope_learns_the_previous_value_from_observe) {
  auto made = make("use"); // setpoint of press-1: 0..100, step 10
  ASSERT_TRUE(made);
  auto& use = static_cast<expected_use_check&>(*made);
  request_builder b;
  auto step = [&](const char* value) {
    b.mono_now += 10s; // clear of rate limit and write interval
    b.write("setpoint", value);
    return use.decide(b.get());
  };
  expect_verdict(step("50"), {false, 403, "setpoint of press-1: current value unknown"});
  b.read("setpoint");
  use.observe(b.get(), "45");
  EXPECT_EQ(use.envelope().last_value("press-1", "setpoint"), 45.0);
  expect_verdict(step("60"), {false, 403, "change 15 from 45 exceeds the operational step 10"});
  expect_verdict(step("101"), {false, 403, "above the operational maximum 100"});
  expect_verdict(step("\"50\""), {false, 400, "setpoint of press-1: expected a number"});
  expect_verdict(step("50"), {true, 0, nullptr});
  use.observe(b.get(), "50"); // the device took the write
  expect_verdict(step("60"), {true, 0, nullptr});
  // A read of all properties updates the envelope too; others are ignored.
  b.read("*");
  use.observe(b.get(), R"({"setpoint": 90, "mode": "auto", "temperature": 20})");
  EXPECT_EQ(use.envelope().last_value("press-1", "setpoint"), 90.0);
  expect_verdict(step("95"), {true, 0, nullptr});
  // Garbage from a device changes nothing.
  b.read("setpoint");
  use.observe(b.get(), "not json");
  EXPECT_EQ(use.envelope().last_value("press-1", "setpoint"), 90.0);
  // Properties without an envelope pass unchecked.
  b.mono_now += 10s;
  b.write("mode", "\"x\"");
  expect_verdict(use.decide(b.get()), {true, 0, nullptr});
  auto state = use.inspect();
  EXPECT_EQ(state["envelopes"], 1);
  EXPECT_EQ(state["refused"]["envelope"], 4);
}

} // namespace
