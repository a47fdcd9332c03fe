#pragma once

// The "authentication" section of the site's security config: who may
// authenticate, how, and how hard a guesser is throttled. Decoding and
// validation only; the request gate (actors/security/gate) uses the result.
//
//   "authentication": {
//     "credentials": { "users": [...], "apiKeys": [...], "tokens": [...] },
//                                      // credential_store.hpp, all optional
//     "jwt": { "algorithm": "HS256" | "ES256",
//              "key": "..." | "keyFile": "jwt.pem",   // HS256 secret / ES256 PEM
//              "audience": "kagami", "issuer": "...", "leewayS": 30,
//              "subjectKind": "user" | "app" },       // optional
//     "anonymous": { "subject": "guest", "roles": ["viewer"] },
//                                      // optional: requests WITHOUT
//                                      // credentials run as app:guest; the
//                                      // TD then says nosec (explicitly asked)
//     "bruteForce": { "sourceFreeFailures": 5, "sourceBaseDelayMs": 2000,
//                     "sourceMaxDelayMs": 900000, "accountFreeFailures": 5,
//                     "accountBaseDelayMs": 1000, "accountMaxDelayMs": 30000,
//                     "lockoutFailures": 20, "lockoutDurationS": 900,
//                     "forgetAfterS": 3600, "breakGlass": ["10.0.0.0/24"] }
//   }
//
// At least one way to authenticate must be configured (a credential, a JWT
// key or an explicit anonymous subject); an empty section is an error, not
// an open gateway.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json_fwd.hpp>

#include "actors/security/authn/credential_store.hpp"
#include "actors/security/authn/jwt_verifier.hpp"
#include "actors/security/authn/subject.hpp"
#include "actors/security/authz/brute_force_guard.hpp"

namespace kagami::authn {

/// The schemes a gateway enforces, as its TDs announce them.
struct enforced_schemes {
  bool basic = false;
  bool bearer = false;
  /// "jwt" when bearer tokens may be JWTs, "" for opaque tokens only.
  std::string bearer_format;
  std::string bearer_alg;
  bool api_key = false;
  /// An anonymous subject is configured: requests need no credentials.
  bool nosec = false;
};

struct authn_config {
  std::shared_ptr<const credential_store> credentials;
  std::optional<jwt_settings> jwt;
  subject_kind jwt_subject_kind = subject_kind::user;
  /// The subject of requests without credentials; none: they get 401.
  std::optional<subject> anonymous;
  security::authz::brute_force_config brute_force;

  enforced_schemes schemes() const;
};

/// Decodes and validates the section. `pointer` is its JSON pointer in the
/// site config (e.g. "/security/authentication") and prefixes every error;
/// `base_dir` resolves "keyFile". Errors: ec::config_invalid.
caf::expected<authn_config> parse_authn_config(const nlohmann::json& section,
                                               const std::string& pointer,
                                               const std::string& base_dir);

} // namespace kagami::authn
