#pragma once

// Parses the credentials a client presents: the HTTP `Authorization` header
// (Basic, Bearer) and the `X-API-Key` header. Pure and bounded: no I/O, no
// allocation beyond the limits, never throws on untrusted bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace kagami::authn {

/// The scheme a client used to present its credentials.
enum class credential_scheme : uint8_t {
  /// `Authorization: Basic base64(user:password)` (RFC 7617).
  basic,
  /// `Authorization: Bearer <token68>` (RFC 6750): a JWT or an opaque token.
  bearer,
  /// `X-API-Key: <key>`: an app's API key.
  api_key,
};

const char* to_string(credential_scheme x);

/// Upper bounds on every field, checked before any decoding.
struct header_limits {
  /// The whole header value, scheme included.
  size_t max_header_size = 8192;
  /// A bearer token or API key.
  size_t max_token_size = 4096;
  /// The decoded Basic user id.
  size_t max_user_size = 256;
  /// The decoded Basic password.
  size_t max_password_size = 1024;
};

/// Credentials as presented, not yet verified.
struct presented_credentials {
  credential_scheme scheme = credential_scheme::basic;
  /// Basic only: the user id (no ':' and no control characters, not empty).
  std::string user;
  /// Basic only: the password (no control characters; may be empty).
  std::string password;
  /// Bearer and API key only: the token as sent.
  std::string token;
};

/// Parses an `Authorization` header value. The scheme name is
/// case-insensitive; one or more spaces separate it from the credentials;
/// nothing may follow them. Basic credentials must be strict base64
/// (standard alphabet, padded, no whitespace). Bearer tokens must be token68.
/// Errors: ec::invalid_value with a reason (unknown scheme, oversized field,
/// bad base64, missing ':', control characters, ...).
caf::expected<presented_credentials>
parse_authorization_header(std::string_view value,
                           const header_limits& limits = {});

/// Parses an `X-API-Key` header value: 1 to max_token_size visible ASCII
/// characters (token68 alphabet). Errors: ec::invalid_value with a reason.
caf::expected<presented_credentials>
parse_api_key_header(std::string_view value, const header_limits& limits = {});

} // namespace kagami::authn
