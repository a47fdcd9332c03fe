#pragma once

// Verifies JSON Web Tokens (RFC 7519) presented as bearer tokens, with libjwt
// 1.10. Exactly one algorithm per verifier: HS256 with a shared secret or
// ES256 with a P-256 public key. The token's header must name that algorithm;
// `none` and any other algorithm (e.g. HS256 signed with the ES256 public key
// as the secret) are rejected before the signature is checked.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::authn {

enum class jwt_algorithm : uint8_t { hs256, es256 };

const char* to_string(jwt_algorithm x);

struct jwt_settings {
  jwt_algorithm algorithm = jwt_algorithm::hs256;
  /// HS256: the shared secret, at least 32 bytes. ES256: a PEM
  /// "PUBLIC KEY" (SubjectPublicKeyInfo) on curve P-256.
  std::string key;
  /// Required: the token's `aud` (a string, or an array of strings) must
  /// contain exactly this value.
  std::string audience;
  /// When set, `iss` must equal it.
  std::optional<std::string> issuer;
  /// Clock skew tolerated on `exp` and `nbf`.
  std::chrono::seconds leeway{30};
  size_t max_token_size = 4096;
  size_t max_subject_size = 256;
  size_t max_roles = 64;
  size_t max_role_size = 128;
};

/// What a verified token says about its bearer.
struct jwt_identity {
  /// The `sub` claim.
  std::string subject;
  /// The `roles` claim (an array of strings), empty when absent.
  std::vector<std::string> roles;
  /// The `exp` claim.
  std::chrono::system_clock::time_point expires;
};

/// Immutable after make(); verify() is const and thread-safe.
class jwt_verifier {
public:
  /// Errors: ec::config_invalid for a short secret, a key that is not a
  /// P-256 public key, or an empty audience.
  static caf::expected<jwt_verifier> make(jwt_settings settings);

  /// Verifies signature and claims at time `now`. `exp` and `sub` are
  /// required. Errors: ec::invalid_value with a reason (malformed, wrong
  /// algorithm, bad signature, expired, not yet valid, wrong audience,
  /// wrong issuer, bad claim type). The reason is for logs and audit; the
  /// client only learns "bad credentials".
  caf::expected<jwt_identity>
  verify(std::string_view token,
         std::chrono::system_clock::time_point now
         = std::chrono::system_clock::now()) const;

  /// True if `token` has the JWS compact shape (three base64url segments
  /// separated by dots), i.e. should go to verify() rather than be looked up
  /// as an opaque token. Does not verify anything.
  static bool looks_like_jwt(std::string_view token);

  const jwt_settings& settings() const noexcept {
    return settings_;
  }

private:
  explicit jwt_verifier(jwt_settings settings)
    : settings_(std::move(settings)) {
  }

  jwt_settings settings_;
};

} // namespace kagami::authn
