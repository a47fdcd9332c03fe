#pragma once

// Establishes who made a request from the credentials it presented. Plain
// C++, no I/O; the HTTP layer parses the headers (authorization_header.hpp),
// calls authenticate() and maps both failures to 401.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/security/authn/authorization_header.hpp"
#include "actors/security/authn/credential_store.hpp"
#include "actors/security/authn/jwt_verifier.hpp"
#include "actors/security/authn/subject.hpp"

namespace kagami::authn {

/// Why authentication failed. Both become 401; the distinction is for the
/// audit trail and brute-force accounting (only bad_credentials counts as a
/// failed attempt).
enum class authn_failure : uint8_t {
  /// The request carried no credentials at all.
  missing_credentials = 1,
  /// Credentials were present but malformed, unknown, wrong, expired, ...
  /// The error detail is always the same text, so it never tells whether a
  /// user exists.
  bad_credentials = 2,
};

/// The error category of authn_failure.
inline constexpr caf::atom_value authn_category = caf::atom("authn");

const char* to_string(authn_failure x);

caf::error make_error(authn_failure x);

/// The failure carried by `err`, or nullopt for other errors.
std::optional<authn_failure> failure_of(const caf::error& err);

class authenticator {
public:
  /// `jwt` may be null: then every JWT-shaped bearer token is looked up as an
  /// opaque token only. `jwt_kind` is the kind of subject a JWT names.
  authenticator(std::shared_ptr<const credential_store> store,
                std::shared_ptr<const jwt_verifier> jwt,
                subject_kind jwt_kind = subject_kind::user);

  /// `credentials` is nullopt when the request had neither an Authorization
  /// nor an X-API-Key header; a header that failed to parse must be passed
  /// as authenticate_malformed() instead. Basic: argon2id verification
  /// (constant work whether or not the user exists). Bearer: a JWT-shaped
  /// token goes to the JWT verifier if one is configured, and falls back
  /// to the opaque token table; other tokens are looked up as opaque tokens.
  /// API key: the API key table. Errors: authn_failure values only.
  caf::expected<subject>
  authenticate(const std::optional<presented_credentials>& credentials,
               std::chrono::system_clock::time_point now
               = std::chrono::system_clock::now()) const;

  /// The result for a request whose credential header did not parse:
  /// always bad_credentials.
  static caf::error authenticate_malformed();

private:
  std::shared_ptr<const credential_store> store_;
  std::shared_ptr<const jwt_verifier> jwt_;
  subject_kind jwt_kind_;
};

} // namespace kagami::authn
