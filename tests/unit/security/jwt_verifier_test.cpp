#include "actors/security/authn/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "actors/core/error.hpp"
#include "tests/unit/security/authn_test_tokens.hpp"

namespace kagami::authn {
namespace {

using namespace std::chrono_literals;
using test::base64url;
using test::es256_token;
using test::hs256_token;

const std::string secret = "0123456789abcdef0123456789abcdef-hs256";
const auto now = std::chrono::system_clock::time_point{1'800'000'000s};
constexpr int64_t t = 1'800'000'000;

std::string claims(int64_t exp, std::string extra = "",
                   std::string aud = R"("kagami")") {
  return R"({"sub":"alice","aud":)" + aud + R"(,"exp":)" + std::to_string(exp)
         + R"(,"roles":["operator","viewer"])" + extra + "}";
}

jwt_settings hs_settings() {
  jwt_settings s;
  s.algorithm = jwt_algorithm::hs256;
  s.key = secret;
  s.audience = "kagami";
  s.leeway = 30s;
  return s;
}

class jwt_test : public ::testing::Test {
protected:
  void SetUp() override {
    es_settings.algorithm = jwt_algorithm::es256;
    es_settings.key = test::public_pem(key.get());
    es_settings.audience = "kagami";
    es_settings.leeway = 30s;
  }

  test::pkey_ptr key = test::make_p256_key();
  test::pkey_ptr other_key = test::make_p256_key();
  jwt_settings es_settings;
};

TEST_F(jwt_test, valid_tokens_yield_subject_and_roles) {
  auto hs = jwt_verifier::make(hs_settings());
  auto es = jwt_verifier::make(es_settings);
  ASSERT_TRUE(hs) << detail_of(hs.error());
  ASSERT_TRUE(es) << detail_of(es.error());
  struct row {
    std::string name;
    const jwt_verifier* verifier;
    std::string token;
  };
  std::vector<row> rows{
    {"hs256", &*hs, hs256_token(claims(t + 60), secret)},
    {"hs256 aud array", &*hs,
     hs256_token(claims(t + 60, "", R"(["other","kagami"])"), secret)},
    {"hs256 nbf past", &*hs,
     hs256_token(claims(t + 60, R"(,"nbf":)" + std::to_string(t - 10)),
                 secret)},
    {"hs256 exp within leeway", &*hs, hs256_token(claims(t - 10), secret)},
    {"hs256 nbf within leeway", &*hs,
     hs256_token(claims(t + 60, R"(,"nbf":)" + std::to_string(t + 10)),
                 secret)},
    {"es256", &*es, es256_token(claims(t + 60), key.get())},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto id = r.verifier->verify(r.token, now);
    ASSERT_TRUE(id) << detail_of(id.error());
    EXPECT_EQ(id->subject, "alice");
    EXPECT_EQ(id->roles, (std::vector<std::string>{"operator", "viewer"}));
    EXPECT_TRUE(jwt_verifier::looks_like_jwt(r.token));
  }
}

TEST_F(jwt_test, rejects_bad_tokens_with_a_reason) {
  auto hs_iss_settings = hs_settings();
  hs_iss_settings.issuer = "https://idp.example";
  auto hs = jwt_verifier::make(hs_settings());
  auto hs_iss = jwt_verifier::make(hs_iss_settings);
  auto es = jwt_verifier::make(es_settings);
  ASSERT_TRUE(hs && hs_iss && es);
  auto good_hs = hs256_token(claims(t + 60), secret);
  auto good_es = es256_token(claims(t + 60), key.get());
  auto tamper_payload = [](std::string token, const std::string& payload) {
    auto a = token.find('.');
    auto b = token.find('.', a + 1);
    return token.substr(0, a + 1) + base64url(payload) + token.substr(b);
  };
  auto flip_last_sig_char = [](std::string token) {
    auto& c = token[token.size() - 2];
    c = c == 'A' ? 'B' : 'A';
    return token;
  };
  auto pem = es_settings.key;
  struct row {
    std::string name;
    const jwt_verifier* verifier;
    std::string token;
    std::string reason;
  };
  std::vector<row> rows{
    {"expired", &*hs, hs256_token(claims(t - 31), secret), "expired"},
    {"not yet valid", &*hs,
     hs256_token(claims(t + 600, R"(,"nbf":)" + std::to_string(t + 31)),
                 secret),
     "not yet valid"},
    {"wrong audience", &*hs,
     hs256_token(claims(t + 60, "", R"("kagami-test")"), secret),
     "wrong audience"},
    {"audience array without ours", &*hs,
     hs256_token(claims(t + 60, "", R"(["a","b"])"), secret),
     "wrong audience"},
    {"no audience", &*hs,
     hs256_token(R"({"sub":"alice","exp":)" + std::to_string(t + 60) + "}",
                 secret),
     "wrong audience"},
    {"no exp", &*hs, hs256_token(R"({"sub":"alice","aud":"kagami"})", secret),
     "no exp"},
    {"exp string", &*hs,
     hs256_token(R"({"sub":"a","aud":"kagami","exp":"soon"})", secret),
     "NumericDate"},
    {"no sub", &*hs,
     hs256_token(R"({"aud":"kagami","exp":)" + std::to_string(t + 60) + "}",
                 secret),
     "sub"},
    {"roles not array", &*hs,
     hs256_token(R"({"sub":"a","aud":"kagami","roles":"admin","exp":)"
                   + std::to_string(t + 60) + "}",
                 secret),
     "roles"},
    {"wrong issuer", &*hs_iss,
     hs256_token(claims(t + 60, R"(,"iss":"https://evil.example")"), secret),
     "wrong issuer"},
    {"missing issuer", &*hs_iss, good_hs, "wrong issuer"},
    {"hs256 wrong secret", &*hs,
     hs256_token(claims(t + 60), secret + "x"), "bad signature"},
    {"hs256 tampered payload", &*hs,
     tamper_payload(good_hs, claims(t + 60, R"(,"x":1)")), "bad signature"},
    {"hs256 tampered signature", &*hs, flip_last_sig_char(good_hs),
     "bad signature"},
    {"es256 other key", &*es, es256_token(claims(t + 60), other_key.get()),
     "bad signature"},
    {"es256 tampered payload", &*es,
     tamper_payload(good_es, claims(t + 60, R"(,"roles":["admin"])")),
     "bad signature"},
    {"es256 tampered signature", &*es, flip_last_sig_char(good_es),
     "bad signature"},
    {"alg none unsigned", &*hs,
     base64url(R"({"alg":"none","typ":"JWT"})") + "."
       + base64url(claims(t + 60)) + ".",
     "not a signed JWT"},
    {"alg none with signature", &*hs,
     base64url(R"({"alg":"none"})") + "." + base64url(claims(t + 60)) + "."
       + base64url("sig"),
     "algorithm is not HS256"},
    {"alg None", &*es,
     base64url(R"({"alg":"None"})") + "." + base64url(claims(t + 60)) + "."
       + base64url("sig"),
     "algorithm is not ES256"},
    // Algorithm confusion: HMAC with the ES256 public key as the secret.
    {"confusion hs256 signed with es public key", &*es,
     hs256_token(claims(t + 60), pem), "algorithm is not ES256"},
    {"confusion es256 token to hs256 verifier", &*hs,
     es256_token(claims(t + 60), key.get()), "algorithm is not HS256"},
    {"hs512", &*hs,
     hs256_token(claims(t + 60), secret, R"({"alg":"HS512"})"),
     "algorithm is not HS256"},
    {"header not json", &*hs,
     base64url("not json") + "." + base64url(claims(t + 60)) + ".c2ln",
     "header is not a JSON object"},
    {"two segments", &*hs, "abc.def", "not a signed JWT"},
    {"padding in segment", &*hs, good_hs + "=", "not a signed JWT"},
    {"oversized", &*hs, std::string(5000, 'a'), "too long"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto id = r.verifier->verify(r.token, now);
    ASSERT_FALSE(id) << "accepted: " << r.token;
    EXPECT_EQ(code_of(id.error()), ec::invalid_value);
    EXPECT_NE(detail_of(id.error()).find(r.reason), std::string::npos)
      << detail_of(id.error());
  }
}

TEST_F(jwt_test, libjwt_alone_would_accept_the_confused_token) {
  // Guards the test above: the hand-made confusion token has a valid HMAC
  // under the PEM text, so only the algorithm check stops it. A verifier
  // configured for HS256 with the PEM as its secret accepts it.
  auto pem_as_secret = hs_settings();
  pem_as_secret.key = es_settings.key;
  auto hs = jwt_verifier::make(pem_as_secret);
  ASSERT_TRUE(hs);
  auto token = hs256_token(claims(t + 60), es_settings.key);
  EXPECT_TRUE(hs->verify(token, now));
  auto es = jwt_verifier::make(es_settings);
  ASSERT_TRUE(es);
  EXPECT_FALSE(es->verify(token, now));
}

TEST_F(jwt_test, make_rejects_bad_settings) {
  auto short_secret = hs_settings();
  short_secret.key = "short";
  auto no_audience = hs_settings();
  no_audience.audience.clear();
  auto es_not_pem = es_settings;
  es_not_pem.key = secret;
  auto es_p384 = es_settings;
  test::pkey_ptr p384{EVP_EC_gen("P-384"), EVP_PKEY_free};
  ASSERT_TRUE(p384);
  es_p384.key = test::public_pem(p384.get());
  for (const auto& s : {short_secret, no_audience, es_not_pem, es_p384}) {
    auto v = jwt_verifier::make(s);
    ASSERT_FALSE(v);
    EXPECT_EQ(code_of(v.error()), ec::config_invalid);
  }
}

} // namespace
} // namespace kagami::authn
