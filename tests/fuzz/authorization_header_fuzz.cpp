// libFuzzer target for the credential header parser
// (actors/security/authn/authorization_header.hpp) and, for bearer tokens,
// the JWT verifier's token parsing (jwt_verifier.hpp, libjwt underneath).
//
// Input layout: byte 0 selects the header (even: Authorization, odd:
// X-API-Key) and, for bearer tokens, the verifier (bit 1: HS256 or ES256);
// the rest is the header value as sent.
//
// Invariants: nothing crashes or throws; an error carries a reason; parsed
// fields respect the limits; Basic credentials re-encode to exactly the
// bytes sent (strict base64 is canonical), the user id is non-empty and has
// no ':' or control character; a bearer token or API key is the verbatim
// tail of the input; the JWT verifier (no valid signature can be forged
// here) rejects every token with a reason.

#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "actors/core/error.hpp"
#include "actors/security/authn/authorization_header.hpp"
#include "actors/security/authn/jwt_verifier.hpp"

using namespace kagami;
using namespace kagami::authn;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

bool has_ctl(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return true;
  }
  return false;
}

std::string base64(std::string_view x) {
  std::string out(sodium_base64_encoded_len(x.size(),
                                            sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(x.data()), x.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

// A fixed P-256 public key (its private key was discarded): verification
// can only fail.
constexpr const char* es256_pem = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEE05lFCac5YvUhKCVVZaV8FIgSRBD
LVJAkJhS4lQR5KYMRE2uu2rMcm9yn8U8zGCARbfWLgzorV92NX6XfGjXjA==
-----END PUBLIC KEY-----
)";

const jwt_verifier& verifier(bool es256) {
  static const auto hs = [] {
    jwt_settings s;
    s.key = "fuzz-secret-fuzz-secret-fuzz-secret!";
    s.audience = "kagami";
    auto v = jwt_verifier::make(s);
    check(static_cast<bool>(v));
    return *v;
  }();
  static const auto es = [] {
    jwt_settings s;
    s.algorithm = jwt_algorithm::es256;
    s.key = es256_pem;
    s.audience = "kagami";
    auto v = jwt_verifier::make(s);
    check(static_cast<bool>(v));
    return *v;
  }();
  return es256 ? es : hs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto selector = data[0];
  std::string_view value{reinterpret_cast<const char*>(data + 1), size - 1};
  header_limits limits;
  limits.max_header_size = 2048;
  limits.max_token_size = 1024;
  limits.max_user_size = 64;
  limits.max_password_size = 128;
  auto parsed = selector % 2 == 0 ? parse_authorization_header(value, limits)
                                  : parse_api_key_header(value, limits);
  if (!parsed) {
    check(code_of(parsed.error()) == ec::invalid_value);
    check(!detail_of(parsed.error()).empty());
    return 0;
  }
  check(value.size() <= limits.max_header_size);
  switch (parsed->scheme) {
    case credential_scheme::basic: {
      check(selector % 2 == 0);
      check(!parsed->user.empty());
      check(parsed->user.size() <= limits.max_user_size);
      check(parsed->password.size() <= limits.max_password_size);
      check(parsed->user.find(':') == std::string::npos);
      check(!has_ctl(parsed->user) && !has_ctl(parsed->password));
      auto encoded = base64(parsed->user + ":" + parsed->password);
      check(value.size() >= encoded.size());
      check(value.substr(value.size() - encoded.size()) == encoded);
      check(parsed->token.empty());
      break;
    }
    case credential_scheme::bearer:
    case credential_scheme::api_key: {
      check((parsed->scheme == credential_scheme::api_key)
            == (selector % 2 == 1));
      check(!parsed->token.empty());
      check(parsed->token.size() <= limits.max_token_size);
      check(value.size() >= parsed->token.size());
      check(value.substr(value.size() - parsed->token.size())
            == parsed->token);
      check(parsed->user.empty() && parsed->password.empty());
      if (parsed->scheme == credential_scheme::bearer) {
        auto id = verifier((selector & 2) != 0).verify(parsed->token);
        check(!id);
        check(code_of(id.error()) == ec::invalid_value);
        check(!detail_of(id.error()).empty());
      }
      break;
    }
  }
  return 0;
}
