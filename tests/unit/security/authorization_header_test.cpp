#include "actors/security/authn/authorization_header.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actors/core/error.hpp"
#include "tests/unit/security/authn_test_tokens.hpp"

namespace kagami::authn {
namespace {

using test::base64;

struct good_case {
  std::string name;
  std::string header;
  credential_scheme scheme;
  std::string user;
  std::string password;
  std::string token;
};

TEST(authorization_header, parses_well_formed_headers) {
  std::vector<good_case> cases{
    {"basic", "Basic " + base64("alice:s3cret"), credential_scheme::basic,
     "alice", "s3cret", ""},
    {"basic lowercase scheme", "basic " + base64("bob:pw"),
     credential_scheme::basic, "bob", "pw", ""},
    {"basic several spaces", "BASIC   " + base64("bob:pw"),
     credential_scheme::basic, "bob", "pw", ""},
    {"basic empty password", "Basic " + base64("carol:"),
     credential_scheme::basic, "carol", "", ""},
    {"basic colon in password", "Basic " + base64("dave:a:b:c"),
     credential_scheme::basic, "dave", "a:b:c", ""},
    {"basic utf-8", "Basic " + base64("j\xc3\xb6rg:p\xc3\xa4ss"),
     credential_scheme::basic, "j\xc3\xb6rg", "p\xc3\xa4ss", ""},
    {"bearer jwt shape", "Bearer eyJhbGciOi.eyJzdWIi.c2ln",
     credential_scheme::bearer, "", "", "eyJhbGciOi.eyJzdWIi.c2ln"},
    {"bearer token68 padding", "bearer abc+/~_-.=", credential_scheme::bearer,
     "", "", "abc+/~_-.="},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto x = parse_authorization_header(c.header);
    ASSERT_TRUE(x) << detail_of(x.error());
    EXPECT_EQ(x->scheme, c.scheme);
    EXPECT_EQ(x->user, c.user);
    EXPECT_EQ(x->password, c.password);
    EXPECT_EQ(x->token, c.token);
  }
}

struct bad_case {
  std::string name;
  std::string header;
  std::string reason; // a substring of the error detail
};

TEST(authorization_header, rejects_malformed_headers_with_a_reason) {
  header_limits limits;
  limits.max_header_size = 200;
  limits.max_token_size = 64;
  limits.max_user_size = 8;
  limits.max_password_size = 16;
  std::vector<bad_case> cases{
    {"empty", "", "no scheme"},
    {"scheme only", "Basic", "no scheme"},
    {"scheme and spaces", "Basic   ", "no credentials"},
    {"leading space", " Basic " + base64("a:b"), "no scheme"},
    {"unknown scheme", "Digest username=\"a\"", "unsupported scheme"},
    {"basic bad alphabet", "Basic YWxp*2U6cHc=", "not valid base64"},
    {"basic url alphabet", "Basic " + std::string{"-_-_"}, "not valid base64"},
    {"basic unpadded", "Basic YWJjOmQ", "not padded"},
    // libsodium alone decodes this (0xff inside the base64 text).
    {"basic high byte", "Basic YW\xffpY3U6czNjcmV0", "not valid base64"},
    {"basic high byte 0x80", "Basic YW\x80pY3U6czNjcmV0", "not valid base64"},
    {"basic padding inside", "Basic YW=pY3U6czNjcmV0", "not valid base64"},
    {"basic non-canonical bits", "Basic YWI6Yx==", "not valid base64"},
    {"basic embedded space", "Basic YWJj OmRl", "not padded"},
    {"basic trailing space", "Basic " + base64("ab:cd") + " ", "not padded"},
    {"basic no colon", "Basic " + base64("alice"), "lack ':'"},
    {"basic empty user", "Basic " + base64(":pw"), "empty user"},
    {"basic long user", "Basic " + base64("abcdefghi:pw"), "user id too long"},
    {"basic long password", "Basic " + base64("ab:0123456789abcdefg"),
     "password too long"},
    {"basic control char", "Basic " + base64(std::string{"ab:c\nd"}),
     "control character"},
    {"basic nul", "Basic " + base64(std::string{"ab:c\0d", 6}),
     "control character"},
    {"basic oversized", "Basic " + base64(std::string(100, 'a')), "too long"},
    {"bearer space inside", "Bearer abc def", "not token68"},
    {"bearer bad char", "Bearer abc\"def", "not token68"},
    {"bearer padding inside", "Bearer ab=cd", "not token68"},
    {"bearer only padding", "Bearer ===", "not token68"},
    {"bearer oversized", "Bearer " + std::string(65, 'a'), "token too long"},
    {"header oversized", "Bearer " + std::string(250, 'a'), "header too long"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto x = parse_authorization_header(c.header, limits);
    ASSERT_FALSE(x);
    EXPECT_EQ(code_of(x.error()), ec::invalid_value);
    EXPECT_NE(detail_of(x.error()).find(c.reason), std::string::npos)
      << detail_of(x.error());
  }
}

TEST(authorization_header, api_key_values) {
  header_limits limits;
  limits.max_token_size = 16;
  auto good = parse_api_key_header("k_0123-abc.DEF", limits);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->scheme, credential_scheme::api_key);
  EXPECT_EQ(good->token, "k_0123-abc.DEF");
  for (std::string bad : {std::string{}, std::string{"a b"},
                          std::string{"key\x01"}, std::string(17, 'k')}) {
    SCOPED_TRACE(bad);
    auto x = parse_api_key_header(bad, limits);
    ASSERT_FALSE(x);
    EXPECT_EQ(code_of(x.error()), ec::invalid_value);
  }
}

} // namespace
} // namespace kagami::authn
