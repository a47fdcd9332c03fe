#pragma once

// Password hashing with argon2id (libargon2, RFC 9106). Passwords are only
// ever stored as encoded argon2id strings ("$argon2id$v=19$m=..,t=..,p=..$
// salt$hash"), never in clear.

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace kagami::authn {

/// argon2id cost parameters. The defaults are the OWASP Password Storage
/// Cheat Sheet minimum for argon2id: m = 19 MiB, t = 2, p = 1 (about 30-60 ms
/// per hash on one core of the gateway). A 16-byte random salt and a 32-byte
/// tag are used.
struct argon2_params {
  /// Iterations (t_cost).
  uint32_t iterations = 2;
  /// Memory in KiB (m_cost).
  uint32_t memory_kib = 19 * 1024;
  /// Lanes (parallelism).
  uint32_t parallelism = 1;
};

/// Upper bounds on the cost of a stored hash, checked before verifying, so
/// that a config entry cannot make one login allocate gigabytes.
struct argon2_limits {
  uint32_t max_iterations = 16;
  uint32_t max_memory_kib = 256 * 1024;
  uint32_t max_parallelism = 8;
  size_t max_encoded_size = 256;
  size_t max_password_size = 1024;
};

/// Hashes `password` with a fresh random salt. Returns the encoded argon2id
/// string. Errors: ec::invalid_value for an oversized password or parameters
/// argon2 rejects; ec::internal if the RNG or argon2 fails. The helper behind
/// a future `kagamictl hash-password`.
caf::expected<std::string> hash_password(std::string_view password,
                                         const argon2_params& params = {},
                                         const argon2_limits& limits = {});

/// The cost parameters of an encoded argon2id string. Errors:
/// ec::invalid_value when `encoded` is not "$argon2id$v=19$m=M,t=T,p=P$..."
/// or exceeds `limits`.
caf::expected<argon2_params>
check_encoded_hash(std::string_view encoded, const argon2_limits& limits = {});

/// True iff `password` matches `encoded`. Runs the full argon2id computation
/// whenever `encoded` is well-formed (argon2's comparison is constant time).
/// False for a malformed or over-limit `encoded`.
bool verify_password(std::string_view encoded, std::string_view password,
                     const argon2_limits& limits = {});

} // namespace kagami::authn
