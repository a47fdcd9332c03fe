#pragma once

// Opaque bearer tokens and API keys are high-entropy random strings, so they
// are stored as their SHA-256 digest (a slow hash adds nothing there) and
// compared in constant time.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kagami::authn {

/// A SHA-256 digest.
using secret_digest = std::array<uint8_t, 32>;

/// SHA-256 of `secret` (OpenSSL EVP).
secret_digest digest_secret(std::string_view secret);

/// Lowercase hex of a digest (the form stored in the config).
std::string to_hex(const secret_digest& x);

/// Parses 64 hex digits (either case); nullopt otherwise.
std::optional<secret_digest> digest_from_hex(std::string_view hex);

/// Constant-time equality (CRYPTO_memcmp).
bool digests_equal(const secret_digest& x, const secret_digest& y);

} // namespace kagami::authn
