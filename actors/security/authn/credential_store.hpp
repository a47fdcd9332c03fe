#pragma once

// The credentials the gateway accepts: users with argon2id password hashes,
// apps with API keys and opaque bearer tokens stored as SHA-256 digests.
// Immutable after construction; safe to share between threads as const.

#include <atomic>
#include <memory>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json_fwd.hpp>

#include "actors/security/authn/password_hash.hpp"
#include "actors/security/authn/secret_digest.hpp"
#include "actors/security/authn/subject.hpp"

namespace kagami::authn {

/// A user account: the name is the Basic user id.
struct user_entry {
  std::string name;
  /// Encoded argon2id, checked by check_encoded_hash at load.
  std::string password_hash;
  std::vector<std::string> roles;
};

/// An API key or opaque bearer token, bound to one subject.
struct secret_entry {
  subject owner;
  secret_digest digest{};
};

/// Bounds on the config section.
struct credential_store_limits {
  size_t max_entries = 10000;
  size_t max_name_size = 256;
  size_t max_roles = 64;
  size_t max_role_size = 128;
  argon2_limits argon2;
};

class credential_store {
public:
  /// Builds a store. `dummy_params` are the argon2id costs of the dummy hash
  /// verified for unknown users (use the costs of the configured hashes).
  /// Errors: ec::config_invalid for duplicate user names or duplicate
  /// digests; ec::internal if the dummy hash cannot be made.
  static caf::expected<credential_store>
  make(std::vector<user_entry> users, std::vector<secret_entry> api_keys,
       std::vector<secret_entry> tokens, const argon2_params& dummy_params = {},
       const credential_store_limits& limits = {});

  /// Verifies a Basic user id and password. Returns the subject on a match.
  /// Runs one argon2id verification whether or not the user exists (a dummy
  /// hash for unknown users), so neither the result nor the timing tells
  /// whether the name exists.
  std::optional<subject> verify_user(std::string_view name,
                                     std::string_view password) const;

  /// Looks up an API key by its digest; compares every entry in constant
  /// time per entry.
  std::optional<subject> verify_api_key(std::string_view key) const;

  /// Looks up an opaque bearer token, like verify_api_key.
  std::optional<subject> verify_token(std::string_view token) const;

  size_t user_count() const noexcept {
    return users_.size();
  }

  size_t api_key_count() const noexcept {
    return api_keys_.size();
  }

  size_t token_count() const noexcept {
    return tokens_.size();
  }

  /// How many argon2id verifications verify_user has run (over all copies
  /// of this store): one per call, known user or not.
  uint64_t password_verifications() const noexcept {
    return verifications_->load(std::memory_order_relaxed);
  }

  /// The argon2id costs of the dummy hash that unknown users are verified
  /// against.
  const std::string& dummy_hash() const noexcept {
    return dummy_hash_;
  }

private:
  credential_store() = default;

  std::unordered_map<std::string, user_entry> users_;
  std::vector<secret_entry> api_keys_;
  std::vector<secret_entry> tokens_;
  std::string dummy_hash_;
  argon2_limits argon2_limits_;
  std::shared_ptr<std::atomic<uint64_t>> verifications_
    = std::make_shared<std::atomic<uint64_t>>(0);
};

/// Parses the credentials config section:
///   {"users":   [{"name": "...", "passwordHash": "$argon2id$...",
///                 "roles": ["..."]}],
///    "apiKeys": [{"app": "...", "keyHash": "<64 hex SHA-256>",
///                 "roles": [...]}],
///    "tokens":  [{"app"|"user": "...", "tokenHash": "<64 hex>",
///                 "roles": [...]}]}
/// Every key is optional; unknown keys are rejected. Errors:
/// ec::config_invalid whose detail starts with the JSON pointer of the
/// offending value (e.g. "/users/2/passwordHash: not an argon2id hash").
caf::expected<credential_store>
parse_credential_store(const nlohmann::json& section,
                       const argon2_params& dummy_params = {},
                       const credential_store_limits& limits = {});

} // namespace kagami::authn
