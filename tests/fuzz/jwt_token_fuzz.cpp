// libFuzzer target for JWT verification (actors/security/authn/
// jwt_verifier.hpp, libjwt underneath): jwt_verifier::verify on token text
// from the network, with an HS256 and an ES256 verifier (fixed test keys) at
// a fixed clock (2026-01-01T00:00:00Z), so that every run is deterministic.
//
// Input layout: byte 0 selects the mode, the rest is the payload.
//  - bit 0 clear (raw): the payload is the token, verified by both
//    verifiers. The seeds include a valid token for each.
//  - bit 0 set (signed): the payload is HEADER_JSON '\n' CLAIMS_JSON (no
//    '\n': all claims, header {"alg":"HS256","typ":"JWT"}). The harness
//    builds the token and signs it with HMAC-SHA256 (authn_test_tokens.hpp), keyed with the HS256
//    secret (bit 1 clear) or with the ES256 public key PEM (bit 1 set: the
//    algorithm-confusion attack). This reaches the claim checks, which no
//    raw mutation can reach past the signature.
//
// Invariants: verify never crashes or throws; a rejection is
// ec::invalid_value with a "JWT rejected: " reason; an accepted token
// (a) is at most max_token_size bytes of JWS compact form whose header names
// the verifier's algorithm, (b) yields a subject of 1..max_subject_size
// bytes, at most max_roles roles of 1..max_role_size bytes, and an expiry
// later than now - leeway; (c) in signed mode, the ES256 verifier never
// accepts an HMAC-signed token, and nothing signed with the public key as an
// HMAC secret is accepted at all.

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/authn/jwt_verifier.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/unit/security/authn_test_tokens.hpp"

using namespace kagami;
using kagami::fuzz::check;
using namespace kagami::authn;

namespace {

constexpr std::string_view hs256_secret = "kagami-fuzz-hs256-secret-0123456789";

// A fixed P-256 test key. Its private half signed the ES256 seed and is not
// part of the repository.
constexpr std::string_view es256_pem = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnzxKud/0+Lre/SGujKb1RVBtmAKh
WmJf9pB2DTbnqZaxGQO+cYVBzYNaRmGE6FBrWhMz44sDXVDQ8cFYQRBeVA==
-----END PUBLIC KEY-----
)";

constexpr std::string_view default_header = R"({"alg":"HS256","typ":"JWT"})";

// 2026-01-01T00:00:00Z.
const auto fixed_now = std::chrono::system_clock::time_point{
  std::chrono::seconds{1767225600}};

const jwt_verifier& hs256_verifier() {
  static const auto v = [] {
    jwt_settings s;
    s.key = std::string{hs256_secret};
    s.audience = "kagami";
    s.issuer = "https://idp.factory.test";
    auto result = jwt_verifier::make(s);
    check(static_cast<bool>(result));
    return *result;
  }();
  return v;
}

const jwt_verifier& es256_verifier() {
  static const auto v = [] {
    jwt_settings s;
    s.algorithm = jwt_algorithm::es256;
    s.key = std::string{es256_pem};
    s.audience = "kagami";
    auto result = jwt_verifier::make(s);
    check(static_cast<bool>(result));
    return *result;
  }();
  return v;
}

/// The "alg" of the token's header, or "" if it has none.
std::string header_alg(std::string_view token) {
  auto b64 = token.substr(0, token.find('.'));
  std::string text(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(text.data()),
                        text.size(), b64.data(), b64.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
      != 0)
    return {};
  text.resize(len);
  auto header = nlohmann::json::parse(text, nullptr, false);
  if (!header.is_object())
    return {};
  auto alg = header.find("alg");
  return alg != header.end() && alg->is_string() ? alg->get<std::string>()
                                                 : std::string{};
}

/// Verifies `token` with `v` and checks the invariants; returns whether it
/// was accepted.
bool verify(const jwt_verifier& v, std::string_view token) {
  auto id = v.verify(token, fixed_now);
  if (!id) {
    check(code_of(id.error()) == ec::invalid_value);
    check(detail_of(id.error()).rfind("JWT rejected: ", 0) == 0);
    return false;
  }
  const auto& s = v.settings();
  check(token.size() <= s.max_token_size);
  check(jwt_verifier::looks_like_jwt(token));
  check(header_alg(token) == to_string(s.algorithm));
  check(!id->subject.empty() && id->subject.size() <= s.max_subject_size);
  check(id->roles.size() <= s.max_roles);
  for (const auto& role : id->roles)
    check(!role.empty() && role.size() <= s.max_role_size);
  check(id->expires > fixed_now - s.leeway);
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool sodium_ready = sodium_init() >= 0;
  check(sodium_ready);
  if (size == 0)
    return 0;
  auto mode = data[0];
  std::string_view payload{reinterpret_cast<const char*>(data + 1), size - 1};
  if ((mode & 1) == 0) {
    verify(hs256_verifier(), payload);
    verify(es256_verifier(), payload);
    return 0;
  }
  auto newline = payload.find('\n');
  auto header = newline == std::string_view::npos ? default_header
                                                  : payload.substr(0, newline);
  auto claims = newline == std::string_view::npos
                  ? payload
                  : payload.substr(newline + 1);
  bool confused = (mode & 2) != 0;
  auto token = test::hs256_token(claims, confused ? es256_pem : hs256_secret,
                                 header);
  bool hs_ok = verify(hs256_verifier(), token);
  bool es_ok = verify(es256_verifier(), token);
  check(!es_ok);
  check(!(confused && hs_ok));
  return 0;
}
