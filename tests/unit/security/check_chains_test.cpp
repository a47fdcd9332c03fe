// The check registry and check_chains: registration, config errors with
// their JSON pointers, chain selection, order (the first denial wins and
// later checks are not consulted), observe() routing and the console view.
// "probe" is a test-only check type added through check_registry::add, the
// way any new check type is added.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "check_chain_fixture.hpp"

using namespace kagami;
using namespace kagami::security;
using namespace kagami::security::test;

namespace {

caf::expected<std::unique_ptr<security_check>>
make_nothing(const nlohmann::json&, const check_context&) {
  return std::unique_ptr<security_check>{};
}

// -- registry -----------------------------------------------------------------

TEST(check_registry, builtin_types) {
  check_registry r;
  ASSERT_FALSE(register_builtin_checks(r));
  EXPECT_EQ(r.types(),
            (std::vector<std::string>{"acl", "expected_use", "schema", "signatures"}));
}

TEST(check_registry, refuses_duplicates_and_empty_registrations) {
  check_registry r;
  ASSERT_FALSE(register_builtin_checks(r));
  auto again = register_builtin_checks(r);
  ASSERT_TRUE(again);
  EXPECT_EQ(code_of(again), ec::internal);
  EXPECT_EQ(detail_of(again), "check type \"acl\" is registered already");
  probe_log log;
  EXPECT_TRUE(r.add("acl", probe_factory(log)));
  EXPECT_TRUE(r.add("", probe_factory(log)));
  EXPECT_TRUE(r.add("probe", check_factory{}));
  EXPECT_FALSE(r.add("probe", probe_factory(log)));
  EXPECT_TRUE(r.add("probe", probe_factory(log)));
  EXPECT_EQ(r.types().size(), 5u);
}

TEST(check_registry, unknown_type_names_the_pointer_and_the_known_types) {
  check_registry r;
  probe_log log;
  ASSERT_FALSE(r.add("probe", probe_factory(log)));
  check_context ctx;
  ctx.pointer = "/security/checks/fw";
  auto made = r.create("firewall", nlohmann::json::object(), ctx);
  ASSERT_FALSE(made);
  EXPECT_EQ(code_of(made.error()), ec::config_invalid);
  EXPECT_EQ(detail_of(made.error()),
            "/security/checks/fw/type: unknown check type \"firewall\" (known: probe)");
  made = r.create("probe", nlohmann::json::object(), ctx);
  ASSERT_TRUE(made);
}

TEST(check_registry, a_factory_that_returns_nothing_or_throws_is_an_error) {
  check_registry r;
  ASSERT_FALSE(r.add("nothing", make_nothing));
  ASSERT_FALSE(r.add("thrower", [](const nlohmann::json& j, const check_context&)
                                  -> caf::expected<std::unique_ptr<security_check>> {
    (void) j.at("missing");
    return std::unique_ptr<security_check>{};
  }));
  check_context ctx;
  ctx.pointer = "/c";
  for (auto type : {"nothing", "thrower"}) {
    SCOPED_TRACE(type);
    auto made = r.create(type, nlohmann::json::object(), ctx);
    ASSERT_FALSE(made);
    EXPECT_EQ(code_of(made.error()), ec::internal);
    EXPECT_EQ(detail_of(made.error()).rfind("/c: the factory of check type", 0), 0u)
      << detail_of(made.error());
  }
}

// -- config errors ------------------------------------------------------------

class chains_config : public ::testing::Test {
protected:
  chains_config() {
    EXPECT_FALSE(register_builtin_checks(registry_));
    EXPECT_FALSE(registry_.add("probe", probe_factory(log_)));
    ctx_.base_dir = config_dir();
    ctx_.models = &models_;
    ctx_.pointer = "/security";
  }

  caf::expected<check_chains> make(const nlohmann::json& checks,
                                    const nlohmann::json& chains,
                                    const check_chain_limits& limits = {}) {
    return check_chains::make(checks, chains, registry_, ctx_, limits);
  }

  std::map<std::string, config::device_model> models_ = press_models();
  probe_log log_;
  check_registry registry_;
  check_context ctx_;
};

TEST_F(chains_config, the_builtin_config_compiles) {
  auto chains = make(builtin_checks_section(), builtin_chains_section());
  ASSERT_TRUE(chains) << detail_of(chains.error());
  request_builder b;
  auto& chain = chains->select(b.thing, b.model, b.tags, b.who);
  ASSERT_EQ(chain.size(), 4u);
  EXPECT_EQ(chain[0], chains->find("acl"));
  EXPECT_EQ(chain[3], chains->find("use"));
  EXPECT_EQ(chains->find("nope"), nullptr);
}

TEST_F(chains_config, errors_name_the_json_pointer) {
  struct bad_case {
    const char* name;
    const char* checks_patch; // RFC 7386 merge patch onto the built-in sections
    const char* chains_patch;
    const char* error_prefix;
  };
  const bad_case cases[] = {
    // The checks section.
    {"checks not an object", "[]", "{}", "/security/checks: expected an object"},
    {"bad check name", R"({"a b": {"type": "probe"}})", "{}",
     "/security/checks/a b: a check name must match"},
    {"check not an object", R"({"use": 1})", "{}",
     "/security/checks/use: expected an object"},
    {"missing type", R"({"p": {"deny": true}})", "{}", "/security/checks/p/type: missing"},
    {"type not a string", R"({"p": {"type": 7}})", "{}",
     "/security/checks/p/type: expected a string"},
    {"unknown type", R"({"fw": {"type": "firewall"}})", "{}",
     "/security/checks/fw/type: unknown check type \"firewall\""},
    {"acl unknown key", R"({"acl": {"rulez": []}})", "{}",
     "/security/checks/acl/rulez: unknown key"},
    {"acl rules and rulesFile", R"({"acl": {"rulesFile": "acl.json"}})", "{}",
     "/security/checks/acl: give either \"rules\" or \"rulesFile\", not both"},
    {"acl without rules", R"({"acl": {"rules": null}})", "{}",
     "/security/checks/acl: missing \"rules\" or \"rulesFile\""},
    {"acl bad rule", R"({"acl": {"rules": [{"subject": "role:x", "op": "delete"}]}})", "{}",
     "/security/checks/acl/rules/0/op: unknown op"},
    {"acl missing file", R"({"acl": {"rules": null, "rulesFile": "missing/acl.json"}})", "{}",
     "/security/checks/acl/rulesFile: cannot read \""},
    {"acl file not a name", R"({"acl": {"rules": null, "rulesFile": ""}})", "{}",
     "/security/checks/acl/rulesFile: expected a file name"},
    {"acl bad rules file", R"({"acl": {"rules": null, "rulesFile": "demo/site.json"}})", "{}",
     "/security/checks/acl/rulesFile: \"demo/site.json\": /"},
    {"signatures bad severity",
     R"({"sig": {"rulesFile": null, "rules": [{"id": "A", "pattern": "x", "severity": "urgent", "fields": ["body"]}]}})",
     "{}", "/security/checks/sig/rules/0/severity: expected one of"},
    {"signatures pattern does not compile",
     R"({"sig": {"rulesFile": null, "rules": [{"id": "A", "pattern": "(", "severity": "low", "fields": ["body"]}]}})",
     "{}", "/security/checks/sig/rules: rule A (/0/pattern): "},
    {"signatures unknown key", R"({"sig": {"fields": ["body"]}})", "{}",
     "/security/checks/sig/fields: unknown key"},
    {"schema unknown key", R"({"schema": {"strict": true}})", "{}",
     "/security/checks/schema/strict: unknown key"},
    {"expected_use bad burst", R"({"use": {"rate_limit": {"burst": 0}}})", "{}",
     "/security/checks/use/rate_limit/burst: must be >= 1"},
    {"expected_use unknown key", R"({"use": {"limits": 1}})", "{}",
     "/security/checks/use/limits: unknown key"},
    // The chains section.
    {"chains not an object", "{}", "[]", "/security/chains: expected an object"},
    {"chains unknown key", "{}", R"({"fallback": ["acl"]})",
     "/security/chains/fallback: unknown key"},
    {"no default", "{}", R"({"default": null})", "/security/chains/default: missing"},
    {"default not an array", "{}", R"({"default": "acl"})",
     "/security/chains/default: expected an array of check names"},
    {"empty default", "{}", R"({"default": []})", "/security/chains/default: empty chain"},
    {"name not a string", "{}", R"({"default": ["acl", 1]})",
     "/security/chains/default/1: expected a check name"},
    {"unknown check in a chain", "{}", R"({"default": ["acl", "nope"]})",
     "/security/chains/default/1: unknown check \"nope\""},
    {"check twice in a chain", "{}", R"({"default": ["acl", "sig", "acl"]})",
     "/security/chains/default/2: check \"acl\" appears twice"},
    {"default without acl", "{}", R"({"default": ["sig", "schema", "use"]})",
     "/security/chains/default: no check of type acl in the chain"},
    {"rules not an array", "{}", R"({"rules": {}})",
     "/security/chains/rules: expected an array of rules"},
    {"rule unknown key", "{}", R"({"rules": [{"thing": "*", "chain": ["acl"], "when": 1}]})",
     "/security/chains/rules/0/when: unknown key"},
    {"rule missing thing", "{}", R"({"rules": [{"chain": ["acl"]}]})",
     "/security/chains/rules/0/thing: missing"},
    {"rule bad thing selector", "{}", R"({"rules": [{"thing": "host:10.0.0.1", "chain": ["acl"]}]})",
     "/security/chains/rules/0/thing: unknown thing selector \"host\""},
    {"rule thing without colon", "{}", R"({"rules": [{"thing": "press-1", "chain": ["acl"]}]})",
     "/security/chains/rules/0/thing: expected \"*\""},
    {"rule empty id", "{}", R"({"rules": [{"thing": "id:", "chain": ["acl"]}]})",
     "/security/chains/rules/0/thing: not a valid id"},
    {"rule bad tag", "{}", R"({"rules": [{"thing": "tag:a b", "chain": ["acl"]}]})",
     "/security/chains/rules/0/thing: not a valid tag"},
    {"rule bad subject", "{}",
     R"({"rules": [{"thing": "*", "subject": "group:ops", "chain": ["acl"]}]})",
     "/security/chains/rules/0/subject: unknown subject selector \"group\""},
    {"rule subject not a string", "{}",
     R"({"rules": [{"thing": "*", "subject": ["role:a"], "chain": ["acl"]}]})",
     "/security/chains/rules/0/subject: expected a string"},
    {"rule missing chain", "{}", R"({"rules": [{"thing": "*"}]})",
     "/security/chains/rules/0/chain: missing"},
    {"rule chain without acl", "{}",
     R"({"rules": [{"thing": "*", "chain": ["acl"]}, {"thing": "tag:x", "chain": ["sig"]}]})",
     "/security/chains/rules/1/chain: no check of type acl in the chain"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto checks = builtin_checks_section();
    checks.merge_patch(nlohmann::json::parse(c.checks_patch));
    auto chains = builtin_chains_section();
    chains.merge_patch(nlohmann::json::parse(c.chains_patch));
    auto made = make(checks, chains);
    ASSERT_FALSE(made);
    EXPECT_EQ(code_of(made.error()), ec::config_invalid);
    auto detail = detail_of(made.error());
    EXPECT_EQ(detail.rfind(c.error_prefix, 0), 0u) << detail;
  }
}

TEST_F(chains_config, limits) {
  check_chain_limits limits;
  limits.max_checks = 3;
  auto made = make(builtin_checks_section(), builtin_chains_section(), limits);
  ASSERT_FALSE(made);
  EXPECT_EQ(detail_of(made.error()), "/security/checks: more than 3 checks");
  limits = {};
  limits.max_chain_length = 3;
  made = make(builtin_checks_section(), builtin_chains_section(), limits);
  ASSERT_FALSE(made);
  EXPECT_EQ(detail_of(made.error()),
            "/security/chains/default: more than 3 checks in one chain");
  limits = {};
  limits.max_rules = 1;
  auto chains = builtin_chains_section();
  chains["rules"] = {{{"thing", "*"}, {"chain", {"acl"}}},
                     {{"thing", "*"}, {"chain", {"acl"}}}};
  made = make(builtin_checks_section(), chains, limits);
  ASSERT_FALSE(made);
  EXPECT_EQ(detail_of(made.error()), "/security/chains/rules: more than 1 rules");
}

TEST_F(chains_config, schema_needs_models_and_acl_may_have_any_name) {
  ctx_.models = nullptr;
  auto made = make(builtin_checks_section(), builtin_chains_section());
  ASSERT_FALSE(made);
  EXPECT_EQ(detail_of(made.error()),
            "/security/checks/schema: the schema check needs the device models");
  // Without the schema check the rest needs no models; the acl-type check
  // may have any name.
  nlohmann::json checks = {{"authz", {{"type", "acl"}, {"rules", acl_rules()}}}};
  made = make(checks, {{"default", {"authz"}}});
  ASSERT_TRUE(made) << detail_of(made.error());
}

// -- selection ----------------------------------------------------------------

class chains_run : public chains_config {
protected:
  /// acl plus probes p0..p5; p0 is in the default chain, p1..p4 in rules 0..3.
  check_chains make_probes(nlohmann::json extra_checks = nlohmann::json::object()) {
    auto checks = nlohmann::json{{"acl", {{"type", "acl"}, {"rules", acl_rules()}}}};
    for (auto name : {"p0", "p1", "p2", "p3", "p4", "p5"})
      checks[name] = {{"type", "probe"}};
    checks.merge_patch(extra_checks);
    auto chains = nlohmann::json::parse(R"({
      "default": ["acl", "p0"],
      "rules": [
        {"thing": "id:press-1", "subject": "user:alice", "chain": ["p1", "acl"]},
        {"thing": "model:press", "subject": "role:maintenance", "chain": ["acl", "p2"]},
        {"thing": "tag:line-2", "chain": ["acl", "p3"]},
        {"thing": "*", "subject": "app:hmi", "chain": ["acl", "p4"]}]})");
    auto made = make(checks, chains);
    EXPECT_TRUE(made) << detail_of(made.error());
    return std::move(*made);
  }
};

TEST_F(chains_run, selection_table) {
  auto chains = make_probes();
  using sk = authn::subject_kind;
  struct select_case {
    const char* name;
    const char* thing;
    const char* model;
    std::vector<std::string> tags;
    authn::subject who;
    const char* probe; // the probe in the selected chain
  };
  const select_case cases[] = {
    {"by id and user", "press-1", "press", {}, {"alice", sk::user, {}}, "p1"},
    {"user rule needs a user", "press-1", "press", {}, {"alice", sk::app, {}}, "p0"},
    {"by model and role", "press-2", "press", {}, {"bob", sk::user, {"maintenance"}}, "p2"},
    {"first match wins", "press-1", "press", {"line-2"}, {"alice", sk::user, {"maintenance"}}, "p1"},
    {"by tag for anyone", "oven-1", "oven", {"line-1", "line-2"}, {"bob", sk::user, {}}, "p3"},
    {"any thing for one app", "oven-1", "oven", {"line-1"}, {"hmi", sk::app, {}}, "p4"},
    {"the tag rule comes first", "press-1", "press", {"line-2"}, {"hmi", sk::app, {}}, "p3"},
    {"model rule needs the role", "press-2", "press", {}, {"bob", sk::user, {"operator"}}, "p0"},
    {"nothing matches", "oven-1", "oven", {}, {"carol", sk::user, {}}, "p0"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto& chain = chains.select(c.thing, c.model, c.tags, c.who);
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_NE(std::find(chain.begin(), chain.end(), chains.find(c.probe)), chain.end());
    EXPECT_NE(std::find(chain.begin(), chain.end(), chains.find("acl")), chain.end());
  }
  // The order is the chain's: p1 runs before acl in rule 0.
  request_builder b;
  auto& rule0 = chains.select(b.thing, b.model, b.tags, b.who);
  EXPECT_EQ(rule0[0], chains.find("p1"));
  EXPECT_EQ(rule0[1], chains.find("acl"));
}

// -- running ------------------------------------------------------------------

TEST_F(chains_run, first_denial_wins_and_later_checks_are_not_consulted) {
  auto checks = builtin_checks_section();
  checks["p1"] = {{"type", "probe"}};
  checks["p2"] = {{"type", "probe"}, {"deny", true}};
  checks["p3"] = {{"type", "probe"}};
  checks["p4"] = {{"type", "probe"}, {"deny", true}, {"status", 429}};
  auto made = make(checks, {{"default", {"p1", "acl", "p2", "p3"}},
                            {"rules", {{{"thing", "id:press-2"},
                                        {"chain", {"p4", "p3", "acl"}}}}}});
  ASSERT_TRUE(made) << detail_of(made.error());
  auto& chains = *made;
  request_builder b;
  auto v = chains.run(b.get());
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.status, 403); // the probe left it 0
  EXPECT_EQ(v.check, "p2");
  EXPECT_EQ(v.reason, "denied by probe p2");
  EXPECT_EQ(log_.calls, (std::vector<std::string>{"p1", "p2"}));
  // acl denies mallory before p2 is asked.
  log_.calls.clear();
  b.as("mallory", authn::subject_kind::user);
  v = chains.run(b.get());
  EXPECT_EQ(v.check, "acl");
  EXPECT_EQ(v.status, 403);
  EXPECT_EQ(log_.calls, (std::vector<std::string>{"p1"}));
  // A denying first check: nothing after it runs, its status stays.
  log_.calls.clear();
  b.thing = "press-2";
  v = chains.run(b.get());
  EXPECT_EQ(v.check, "p4");
  EXPECT_EQ(v.status, 429);
  EXPECT_EQ(log_.calls, (std::vector<std::string>{"p4"}));
  auto state = chains.inspect();
  EXPECT_EQ(state["checks"]["p1"]["decided"], 2);
  EXPECT_EQ(state["checks"]["p1"]["denied"], 0);
  EXPECT_EQ(state["checks"]["acl"]["decided"], 2);
  EXPECT_EQ(state["checks"]["acl"]["denied"], 1);
  EXPECT_EQ(state["checks"]["p2"]["denied"], 1);
  EXPECT_EQ(state["checks"]["p3"]["decided"], 0);
  EXPECT_EQ(state["checks"]["p4"]["state"]["probe"], "p4");
  EXPECT_EQ(state["chains"]["default"]["selected"], 2);
  EXPECT_EQ(state["chains"]["default"]["checks"],
            (nlohmann::json{"p1", "acl", "p2", "p3"}));
  EXPECT_EQ(state["chains"]["rules"][0]["thing"], "id:press-2");
  EXPECT_EQ(state["chains"]["rules"][0]["subject"], "*");
  EXPECT_EQ(state["chains"]["rules"][0]["selected"], 1);
}

TEST_F(chains_run, allowed_when_every_check_allows) {
  auto made = make(builtin_checks_section(), builtin_chains_section());
  ASSERT_TRUE(made) << detail_of(made.error());
  request_builder b;
  auto v = made->run(b.get());
  EXPECT_TRUE(v.allowed) << v.check << ": " << v.reason;
  EXPECT_EQ(v.status, 0u);
  EXPECT_TRUE(v.check.empty());
  // The default chain runs each built-in check in turn: the signature check
  // denies before the schema check would have.
  b.write("mode", "\"a; rm -rf /\"");
  v = made->run(b.get());
  EXPECT_EQ(v.check, "sig");
  EXPECT_EQ(v.reason, "blocked by signature KG-1001 (high)");
  b.write("setpoint", "130");
  v = made->run(b.get());
  EXPECT_EQ(v.check, "schema");
  EXPECT_EQ(v.status, 400);
  EXPECT_EQ(v.reason, "value 130 is above the maximum 120");
  // Three requests reached the rate limit (burst 3, 0.25/s): the first
  // read and two more; the fourth is throttled.
  b.read("setpoint");
  EXPECT_TRUE(made->run(b.get()).allowed);
  EXPECT_TRUE(made->run(b.get()).allowed);
  v = made->run(b.get());
  EXPECT_EQ(v.check, "use");
  EXPECT_EQ(v.status, 429);
  EXPECT_EQ(v.retry_after, std::chrono::seconds{4});
}

TEST_F(chains_run, a_throwing_check_denies_and_a_null_subject_is_refused) {
  auto chains = make_probes({{"p0", {{"throws", true}}}});
  request_builder b;
  b.as("carol", authn::subject_kind::user, {"operator"});
  auto v = chains.run(b.get());
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.status, 403);
  EXPECT_EQ(v.check, "p0");
  EXPECT_EQ(v.reason, "security check failed");
  EXPECT_EQ(chains.inspect()["checks"]["p0"]["failed"], 1);
  auto req = b.get();
  req.subject = nullptr;
  log_.calls.clear();
  v = chains.run(req);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.status, 403);
  EXPECT_TRUE(log_.calls.empty());
}

TEST_F(chains_run, observe_reaches_the_selected_chain_only) {
  auto chains = make_probes();
  request_builder b; // alice on press-1: rule 0, chain [p1, acl]
  chains.observe(b.get(), "42");
  b.as("carol", authn::subject_kind::user); // default chain [acl, p0]
  chains.observe(b.get(), "43");
  EXPECT_EQ(log_.calls, (std::vector<std::string>{"p1:observe 42", "p0:observe 43"}));
}

TEST_F(chains_run, observe_feeds_the_envelope_of_the_chain) {
  auto made = make(builtin_checks_section(), builtin_chains_section());
  ASSERT_TRUE(made) << detail_of(made.error());
  request_builder b;
  b.write("setpoint", "50");
  auto v = made->run(b.get());
  EXPECT_EQ(v.check, "use");
  EXPECT_EQ(v.status, 403);
  EXPECT_NE(v.reason.find("current value unknown"), std::string::npos) << v.reason;
  b.read("setpoint");
  made->observe(b.get(), "48");
  b.write("setpoint", "50");
  b.mono_now += std::chrono::seconds{10};
  v = made->run(b.get());
  EXPECT_TRUE(v.allowed) << v.check << ": " << v.reason;
}

} // namespace
