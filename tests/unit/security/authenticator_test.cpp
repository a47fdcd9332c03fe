#include "actors/security/authn/authenticator.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actors/core/error.hpp"
#include "tests/unit/security/authn_test_tokens.hpp"

namespace kagami::authn {
namespace {

using namespace std::chrono_literals;

const argon2_params fast{1, 1024, 1};
const std::string secret = "0123456789abcdef0123456789abcdef-hs256";
const auto now = std::chrono::system_clock::time_point{1'800'000'000s};
constexpr int64_t t = 1'800'000'000;

class authenticator_test : public ::testing::Test {
protected:
  void SetUp() override {
    auto hash = hash_password("alice-pw", fast);
    ASSERT_TRUE(hash);
    nlohmann::json config{
      {"users", {{{"name", "alice"}, {"passwordHash", *hash},
                  {"roles", {"operator"}}}}},
      {"apiKeys", {{{"app", "scada"},
                    {"keyHash", to_hex(digest_secret("scada-key"))},
                    {"roles", {"reader"}}}}},
      {"tokens", {{{"app", "mes"},
                   {"tokenHash", to_hex(digest_secret("mes-token"))}}}},
    };
    auto store = parse_credential_store(config, fast);
    ASSERT_TRUE(store) << detail_of(store.error());
    jwt_settings settings;
    settings.key = secret;
    settings.audience = "kagami";
    auto jwt = jwt_verifier::make(settings);
    ASSERT_TRUE(jwt);
    auth = std::make_unique<authenticator>(
      std::make_shared<const credential_store>(std::move(*store)),
      std::make_shared<const jwt_verifier>(std::move(*jwt)),
      subject_kind::app);
  }

  static presented_credentials basic(std::string user, std::string pw) {
    presented_credentials x;
    x.scheme = credential_scheme::basic;
    x.user = std::move(user);
    x.password = std::move(pw);
    return x;
  }

  static presented_credentials with_token(credential_scheme scheme,
                                          std::string token) {
    presented_credentials x;
    x.scheme = scheme;
    x.token = std::move(token);
    return x;
  }

  std::unique_ptr<authenticator> auth;
};

TEST_F(authenticator_test, accepted_credentials_yield_the_subject) {
  auto jwt = test::hs256_token(R"({"sub":"robot-7","aud":"kagami","exp":)"
                                 + std::to_string(t + 60)
                                 + R"(,"roles":["writer"]})",
                               secret);
  struct row {
    std::string name;
    presented_credentials creds;
    subject expected;
  };
  std::vector<row> rows{
    {"basic", basic("alice", "alice-pw"),
     {"alice", subject_kind::user, {"operator"}}},
    {"api key", with_token(credential_scheme::api_key, "scada-key"),
     {"scada", subject_kind::app, {"reader"}}},
    {"opaque bearer", with_token(credential_scheme::bearer, "mes-token"),
     {"mes", subject_kind::app, {}}},
    {"jwt bearer", with_token(credential_scheme::bearer, jwt),
     {"robot-7", subject_kind::app, {"writer"}}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto s = auth->authenticate(r.creds, now);
    ASSERT_TRUE(s) << to_string(*failure_of(s.error()));
    EXPECT_EQ(s->name, r.expected.name);
    EXPECT_EQ(s->kind, r.expected.kind);
    EXPECT_EQ(s->roles, r.expected.roles);
  }
}

TEST_F(authenticator_test, failures_are_missing_or_bad_and_say_nothing_more) {
  auto expired = test::hs256_token(R"({"sub":"robot-7","aud":"kagami","exp":)"
                                     + std::to_string(t - 3600) + "}",
                                   secret);
  auto missing = auth->authenticate(std::nullopt, now);
  ASSERT_FALSE(missing);
  EXPECT_EQ(failure_of(missing.error()), authn_failure::missing_credentials);

  std::vector<std::pair<std::string, presented_credentials>> rows{
    {"wrong password", basic("alice", "alice-pW")},
    {"unknown user", basic("mallory", "alice-pw")},
    {"wrong api key", with_token(credential_scheme::api_key, "scada-kez")},
    {"token as api key", with_token(credential_scheme::api_key, "mes-token")},
    {"api key as bearer", with_token(credential_scheme::bearer, "scada-key")},
    {"expired jwt", with_token(credential_scheme::bearer, expired)},
  };
  std::vector<std::string> details;
  for (const auto& [name, creds] : rows) {
    SCOPED_TRACE(name);
    auto s = auth->authenticate(creds, now);
    ASSERT_FALSE(s);
    EXPECT_EQ(failure_of(s.error()), authn_failure::bad_credentials);
    details.push_back(detail_of(s.error()));
  }
  details.push_back(detail_of(authenticator::authenticate_malformed()));
  // Every failure reads the same, so none reveals whether a user exists.
  for (const auto& d : details)
    EXPECT_EQ(d, details.front());
  EXPECT_EQ(failure_of(authenticator::authenticate_malformed()),
            authn_failure::bad_credentials);
  // Errors of other categories are not authn failures.
  EXPECT_FALSE(failure_of(make_error(ec::invalid_value, "x")));
}

TEST_F(authenticator_test, without_a_store_everything_is_bad_credentials) {
  authenticator empty{nullptr, nullptr};
  auto s = empty.authenticate(basic("alice", "alice-pw"), now);
  ASSERT_FALSE(s);
  EXPECT_EQ(failure_of(s.error()), authn_failure::bad_credentials);
}

} // namespace
} // namespace kagami::authn
