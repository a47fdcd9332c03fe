// The request gate: the "authentication" config section, the order of the
// authentication steps, brute-force throttling before any verification,
// the login cache, and the TD security terms.

#include <chrono>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/authn/authn_config.hpp"
#include "actors/security/authn/password_hash.hpp"
#include "actors/security/authn/secret_digest.hpp"
#include "actors/security/gate/request_gate.hpp"
#include "actors/security/gate/td_security.hpp"
#include "tests/unit/security/authn_test_tokens.hpp"

namespace kagami::security {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const authn::argon2_params cheap{1, 1024, 1};

json section_with_users() {
  auto hash = authn::hash_password("correct horse", cheap);
  EXPECT_TRUE(hash);
  return {
    {"credentials",
     {{"users", {{{"name", "alice"}, {"passwordHash", *hash}, {"roles", {"operator"}}}}},
      {"apiKeys",
       {{{"app", "dashboard"},
         {"keyHash", authn::to_hex(authn::digest_secret("dash-key"))},
         {"roles", {"viewer"}}}}}}},
    {"bruteForce", {{"sourceFreeFailures", 3}, {"accountFreeFailures", 2},
                    {"lockoutFailures", 4}, {"lockoutDurationS", 60}}},
  };
}

request_gate make_gate(json section, std::map<std::string, std::string> apps = {}) {
  auto cfg = authn::parse_authn_config(section, "/security/authentication", "/nonexistent");
  EXPECT_TRUE(cfg) << (cfg ? "" : detail_of(cfg.error()));
  request_gate_config gc;
  gc.authn = std::move(*cfg);
  gc.certificate_apps = std::move(apps);
  auto gate = request_gate::make(std::move(gc));
  EXPECT_TRUE(gate);
  return std::move(*gate);
}

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + authn::test::base64(user + ":" + password);
}

/// Runs one authentication to its end, verifying a password job inline.
authn_outcome authenticate(request_gate& gate, std::map<std::string, std::string> headers,
                           std::string source, request_gate::clock::time_point now,
                           std::string cn = {}, bool* needed_job = nullptr) {
  authn_input in;
  in.headers = &headers;
  in.source_address = source;
  in.peer_certificate_subject = cn;
  auto step = gate.authenticate(in, now);
  if (auto* out = std::get_if<authn_outcome>(&step)) {
    if (needed_job)
      *needed_job = false;
    return *out;
  }
  if (needed_job)
    *needed_job = true;
  auto& job = std::get<password_job>(step);
  return gate.finish(job, gate.verify(job), now);
}

struct bad_section {
  json section;
  std::string pointer_prefix;
};

TEST(authn_config, bad_sections_name_the_field) {
  std::vector<bad_section> cases{
    {json::object(), "/security/authentication: configures no way to authenticate"},
    {{{"passwords", json::array()}}, "/security/authentication/passwords: unknown key"},
    {{{"anonymous", {{"roles", {"x"}}}}}, "/security/authentication/anonymous/subject"},
    {{{"anonymous", {{"subject", "guest"}, {"roles", {1}}}}},
     "/security/authentication/anonymous/roles/0"},
    {{{"jwt", {{"algorithm", "RS256"}, {"key", std::string(32, 'k')}, {"audience", "a"}}}},
     "/security/authentication/jwt/algorithm"},
    {{{"jwt", {{"key", std::string(32, 'k')}, {"keyFile", "k.pem"}, {"audience", "a"}}}},
     "/security/authentication/jwt: needs exactly one of key and keyFile"},
    {{{"jwt", {{"key", std::string(32, 'k')}}}}, "/security/authentication/jwt/audience"},
    {{{"jwt", {{"keyFile", "missing.pem"}, {"audience", "a"}}}},
     "/security/authentication/jwt/keyFile: cannot read"},
    {{{"anonymous", {{"subject", "guest"}}}, {"bruteForce", {{"lockoutFailures", 0}}}},
     "/security/authentication/bruteForce/lockoutFailures"},
    {{{"anonymous", {{"subject", "guest"}}},
      {"bruteForce", {{"accountFreeFailures", 9}, {"lockoutFailures", 5}}}},
     "/security/authentication/bruteForce: "},
    {{{"credentials", {{"users", {{{"name", "bob"}, {"passwordHash", "plain"}}}}}}},
     "/security/authentication/credentials: /users/0/passwordHash"},
  };
  for (auto& c : cases) {
    auto cfg = authn::parse_authn_config(c.section, "/security/authentication", "/nonexistent");
    ASSERT_FALSE(cfg) << c.section.dump();
    EXPECT_EQ(code_of(cfg.error()), ec::config_invalid);
    EXPECT_EQ(detail_of(cfg.error()).rfind(c.pointer_prefix, 0), 0u)
      << detail_of(cfg.error()) << " for " << c.section.dump();
  }
}

TEST(authn_config, schemes_follow_what_is_configured) {
  auto users = authn::parse_authn_config(section_with_users(), "/a", "/");
  ASSERT_TRUE(users);
  auto s = users->schemes();
  EXPECT_TRUE(s.basic);
  EXPECT_TRUE(s.api_key);
  EXPECT_FALSE(s.bearer);
  EXPECT_FALSE(s.nosec);
  auto jwt = authn::parse_authn_config(
    {{"jwt", {{"key", std::string(32, 'k')}, {"audience", "kagami"}}}}, "/a", "/");
  ASSERT_TRUE(jwt) << detail_of(jwt.error());
  EXPECT_TRUE(jwt->schemes().bearer);
  EXPECT_EQ(jwt->schemes().bearer_format, "jwt");
  EXPECT_EQ(jwt->schemes().bearer_alg, "HS256");
  EXPECT_FALSE(jwt->schemes().basic);
}

TEST(td_security, one_scheme_alone_several_in_a_combo_nosec_only_when_asked) {
  authn::enforced_schemes basic_only;
  basic_only.basic = true;
  auto one = td_security_of(basic_only);
  EXPECT_EQ(one.security, std::vector<std::string>{"basic_sc"});
  EXPECT_EQ(one.definitions["basic_sc"]["scheme"], "basic");
  EXPECT_FALSE(one.definitions.contains("nosec_sc"));

  authn::enforced_schemes several = basic_only;
  several.api_key = true;
  several.bearer = true;
  several.bearer_format = "jwt";
  several.bearer_alg = "ES256";
  auto combo = td_security_of(several);
  EXPECT_EQ(combo.security, std::vector<std::string>{"combo_sc"});
  EXPECT_EQ(combo.definitions["combo_sc"]["oneOf"],
            json({"basic_sc", "bearer_sc", "apikey_sc"}));
  EXPECT_EQ(combo.definitions["bearer_sc"]["alg"], "ES256");
  EXPECT_EQ(combo.definitions["apikey_sc"]["name"], "X-API-Key");
  EXPECT_FALSE(combo.definitions.contains("nosec_sc"));

  authn::enforced_schemes open;
  open.nosec = true;
  EXPECT_EQ(td_security_of(open).security, std::vector<std::string>{"nosec_sc"});
  EXPECT_TRUE(td_security_of({}).security.empty());
}

TEST(request_gate, no_credentials_is_401_unless_an_anonymous_subject_is_configured) {
  auto gate = make_gate(section_with_users());
  auto now = request_gate::clock::now();
  auto out = authenticate(gate, {}, "192.0.2.1", now);
  EXPECT_FALSE(out.who);
  EXPECT_EQ(out.status, 401u);
  EXPECT_EQ(out.check, "authn.missing");
  EXPECT_EQ(gate.challenges().size(), 2u);

  auto open = section_with_users();
  open["anonymous"] = {{"subject", "guest"}, {"roles", {"viewer"}}};
  auto gate2 = make_gate(open);
  auto anon = authenticate(gate2, {}, "192.0.2.1", now);
  ASSERT_TRUE(anon.who);
  EXPECT_EQ(anon.who->name, "guest");
  EXPECT_EQ(anon.who->kind, authn::subject_kind::app);
  EXPECT_EQ(anon.check, "authn.anonymous");
  // Wrong credentials are not silently anonymous.
  auto wrong = authenticate(gate2, {{"x-api-key", "nope"}}, "192.0.2.1", now);
  EXPECT_EQ(wrong.status, 401u);
}

TEST(request_gate, basic_runs_argon2_off_the_caller_and_caches_success) {
  auto gate = make_gate(section_with_users());
  auto now = request_gate::clock::now();
  bool job = false;
  auto ok = authenticate(gate, {{"authorization", basic("alice", "correct horse")}},
                         "192.0.2.1", now, {}, &job);
  EXPECT_TRUE(job);
  ASSERT_TRUE(ok.who);
  EXPECT_EQ(ok.who->name, "alice");
  EXPECT_EQ(ok.who->roles, std::vector<std::string>{"operator"});
  EXPECT_EQ(ok.check, "authn.basic");
  auto again = authenticate(gate, {{"authorization", basic("alice", "correct horse")}},
                            "192.0.2.1", now + 1s, {}, &job);
  EXPECT_FALSE(job);
  ASSERT_TRUE(again.who);
  EXPECT_EQ(gate.cache_hits(), 1u);
  // A different password is never a cache hit.
  auto other = authenticate(gate, {{"authorization", basic("alice", "correct horsE")}},
                            "192.0.2.1", now + 2s, {}, &job);
  EXPECT_TRUE(job);
  EXPECT_FALSE(other.who);
  // Expired entries are verified again.
  authenticate(gate, {{"authorization", basic("alice", "correct horse")}}, "192.0.2.1",
               now + 400s, {}, &job);
  EXPECT_TRUE(job);
}

TEST(request_gate, unknown_user_and_wrong_password_look_the_same) {
  auto gate = make_gate(section_with_users());
  auto now = request_gate::clock::now();
  auto wrong = authenticate(gate, {{"authorization", basic("alice", "guess")}}, "192.0.2.1", now);
  auto unknown = authenticate(gate, {{"authorization", basic("mallory", "guess")}},
                              "192.0.2.2", now);
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong.reason, unknown.reason);
  EXPECT_EQ(wrong.check, unknown.check);
  EXPECT_EQ(wrong.claimed, "user:alice");
  EXPECT_EQ(unknown.claimed, "user:mallory");
}

TEST(request_gate, guessing_is_throttled_before_verification_and_others_keep_working) {
  auto gate = make_gate(section_with_users());
  auto now = request_gate::clock::now();
  const std::string attacker = "198.51.100.9";
  unsigned unauthorized = 0;
  unsigned throttled = 0;
  unsigned jobs = 0;
  for (int i = 0; i < 8; ++i) {
    bool job = false;
    auto out = authenticate(gate, {{"authorization", basic("alice", "guess" + std::to_string(i))}},
                            attacker, now, {}, &job);
    jobs += job;
    if (out.status == 401)
      ++unauthorized;
    if (out.status == 429) {
      ++throttled;
      EXPECT_EQ(out.check, "authn.bruteforce");
      ASSERT_TRUE(out.retry_after);
      EXPECT_GE(out.retry_after->count(), 1);
    }
  }
  // sourceFreeFailures 3, accountFreeFailures 2: the third failure makes
  // alice wait; from then on nothing is verified (no argon2 job).
  EXPECT_EQ(unauthorized, 3u);
  EXPECT_EQ(throttled, 5u);
  EXPECT_EQ(jobs, 3u);
  // The right password from the attacker's address is refused too while it
  // waits: the guard is asked before any credential is looked at.
  auto right = authenticate(gate, {{"authorization", basic("alice", "correct horse")}},
                            attacker, now);
  EXPECT_EQ(right.status, 429u);
  // Another app from another address is not affected.
  auto app = authenticate(gate, {{"x-api-key", "dash-key"}}, "192.0.2.50", now);
  ASSERT_TRUE(app.who);
  EXPECT_EQ(app.who->name, "dashboard");
  EXPECT_EQ(app.check, "authn.apikey");
}

TEST(request_gate, one_password_check_per_source_and_account_in_flight) {
  auto gate = make_gate(section_with_users());
  auto now = request_gate::clock::now();
  std::map<std::string, std::string> first{{"authorization", basic("alice", "guess-1")}};
  std::map<std::string, std::string> second{{"authorization", basic("alice", "guess-2")}};
  std::map<std::string, std::string> other_user{{"authorization", basic("bob", "guess-3")}};
  authn_input in;
  in.source_address = "198.51.100.7";
  in.headers = &first;
  auto a = gate.authenticate(in, now);
  ASSERT_TRUE(std::holds_alternative<password_job>(a));
  EXPECT_EQ(gate.verifications_in_flight(), 1u);
  // A parallel guess from the same source waits, whatever the account.
  for (auto* headers : {&second, &other_user}) {
    in.headers = headers;
    auto b = gate.authenticate(in, now);
    ASSERT_TRUE(std::holds_alternative<authn_outcome>(b));
    EXPECT_EQ(std::get<authn_outcome>(b).status, 429u);
    EXPECT_EQ(std::get<authn_outcome>(b).retry_after, std::chrono::seconds{1});
  }
  // So does a guess for the same account from elsewhere.
  authn_input elsewhere = in;
  elsewhere.source_address = "203.0.113.5";
  elsewhere.headers = &second;
  auto c = gate.authenticate(elsewhere, now);
  ASSERT_TRUE(std::holds_alternative<authn_outcome>(c));
  EXPECT_EQ(std::get<authn_outcome>(c).status, 429u);
  // Once the first finished, the next guess is verified (and counted).
  auto& job = std::get<password_job>(a);
  EXPECT_EQ(gate.finish(job, gate.verify(job), now).status, 401u);
  EXPECT_EQ(gate.verifications_in_flight(), 0u);
  in.headers = &second;
  auto d = gate.authenticate(in, now);
  ASSERT_TRUE(std::holds_alternative<password_job>(d));
  gate.abandon(std::get<password_job>(d));
  EXPECT_EQ(gate.verifications_in_flight(), 0u);
}

TEST(request_gate, malformed_headers_and_bad_keys_are_bad_credentials) {
  auto gate = make_gate(section_with_users());
  auto now = request_gate::clock::now();
  // One source each: from one source the third bad credential already waits.
  int host = 10;
  for (auto header : {"Basic !!!", "Digest abc", "Bearer", "Basic "}) {
    auto source = "192.0.2." + std::to_string(host++);
    auto out = authenticate(gate, {{"authorization", header}}, source, now);
    EXPECT_EQ(out.status, 401u) << header;
    EXPECT_EQ(out.check, "authn.header") << header;
  }
  auto bad_key = authenticate(gate, {{"x-api-key", "not-the-key"}}, "192.0.2.4", now);
  EXPECT_EQ(bad_key.status, 401u);
  EXPECT_EQ(bad_key.check, "authn.apikey");
  EXPECT_TRUE(bad_key.claimed.empty());
}

TEST(request_gate, client_certificates_name_configured_apps_only) {
  auto gate = make_gate(section_with_users(), {{"line-3-hmi", "hmi"}});
  auto now = request_gate::clock::now();
  auto ok = authenticate(gate, {}, "192.0.2.5", now, "line-3-hmi");
  ASSERT_TRUE(ok.who);
  EXPECT_EQ(ok.who->name, "hmi");
  EXPECT_EQ(ok.who->kind, authn::subject_kind::app);
  EXPECT_EQ(ok.check, "authn.mtls");
  auto unknown = authenticate(gate, {}, "192.0.2.5", now, "someone-else");
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(unknown.check, "authn.mtls");
  // A header wins over the certificate.
  auto header = authenticate(gate, {{"x-api-key", "dash-key"}}, "192.0.2.5", now, "line-3-hmi");
  ASSERT_TRUE(header.who);
  EXPECT_EQ(header.who->name, "dashboard");
}

} // namespace
} // namespace kagami::security
