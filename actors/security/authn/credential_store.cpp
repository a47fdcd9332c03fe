#include "actors/security/authn/credential_store.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::authn {

const char* to_string(subject_kind x) {
  return x == subject_kind::app ? "app" : "user";
}

namespace {

/// Scans all entries (no early exit) so the time does not depend on where the
/// match is.
std::optional<subject> find_secret(const std::vector<secret_entry>& entries,
                                   std::string_view secret) {
  auto digest = digest_secret(secret);
  const secret_entry* found = nullptr;
  for (const auto& entry : entries)
    if (digests_equal(entry.digest, digest))
      found = &entry;
  if (found == nullptr)
    return std::nullopt;
  return found->owner;
}

caf::error invalid(const std::string& pointer, std::string_view what) {
  return make_error(ec::config_invalid, pointer + ": " + std::string{what});
}

caf::expected<std::string> read_name(const nlohmann::json& obj,
                                     const std::string& pointer,
                                     const char* key,
                                     const credential_store_limits& limits) {
  auto ptr = pointer + "/" + key;
  auto i = obj.find(key);
  if (i == obj.end())
    return invalid(ptr, "missing");
  if (!i->is_string())
    return invalid(ptr, "must be a string");
  auto value = i->get<std::string>();
  if (value.empty() || value.size() > limits.max_name_size)
    return invalid(ptr, "must have 1 to " + std::to_string(limits.max_name_size)
                          + " characters");
  return value;
}

caf::expected<std::vector<std::string>>
read_roles(const nlohmann::json& obj, const std::string& pointer,
           const credential_store_limits& limits) {
  std::vector<std::string> roles;
  auto i = obj.find("roles");
  if (i == obj.end())
    return roles;
  auto ptr = pointer + "/roles";
  if (!i->is_array())
    return invalid(ptr, "must be an array of strings");
  if (i->size() > limits.max_roles)
    return invalid(ptr, "too many roles");
  for (size_t k = 0; k < i->size(); ++k) {
    const auto& role = (*i)[k];
    if (!role.is_string() || role.get_ref<const std::string&>().empty()
        || role.get_ref<const std::string&>().size() > limits.max_role_size)
      return invalid(ptr + "/" + std::to_string(k),
                     "must be a non-empty string of at most "
                       + std::to_string(limits.max_role_size) + " characters");
    roles.push_back(role.get<std::string>());
  }
  return roles;
}

caf::error check_keys(const nlohmann::json& obj, const std::string& pointer,
                      std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return invalid(pointer + "/" + key, "unknown key");
  }
  return {};
}

caf::expected<const nlohmann::json*>
read_array(const nlohmann::json& section, const char* key,
           const credential_store_limits& limits) {
  static const nlohmann::json empty = nlohmann::json::array();
  auto i = section.find(key);
  if (i == section.end())
    return &empty;
  if (!i->is_array())
    return invalid(std::string{"/"} + key, "must be an array");
  if (i->size() > limits.max_entries)
    return invalid(std::string{"/"} + key, "too many entries");
  return &*i;
}

caf::expected<secret_entry> read_secret(const nlohmann::json& obj,
                                        const std::string& pointer,
                                        const char* hash_key, bool user_allowed,
                                        const credential_store_limits& limits) {
  if (!obj.is_object())
    return invalid(pointer, "must be an object");
  secret_entry entry;
  auto has_user = user_allowed && obj.contains("user");
  if (has_user == obj.contains("app"))
    return invalid(pointer, user_allowed ? "needs exactly one of app and user"
                                         : "needs app");
  if (auto err = user_allowed
                   ? check_keys(obj, pointer, {"app", "user", hash_key, "roles"})
                   : check_keys(obj, pointer, {"app", hash_key, "roles"}))
    return err;
  auto name = read_name(obj, pointer, has_user ? "user" : "app", limits);
  if (!name)
    return name.error();
  entry.owner.name = std::move(*name);
  entry.owner.kind = has_user ? subject_kind::user : subject_kind::app;
  auto ptr = pointer + "/" + hash_key;
  auto i = obj.find(hash_key);
  if (i == obj.end())
    return invalid(ptr, "missing");
  if (!i->is_string())
    return invalid(ptr, "must be a string");
  auto digest = digest_from_hex(i->get_ref<const std::string&>());
  if (!digest)
    return invalid(ptr, "must be 64 hex digits (SHA-256)");
  entry.digest = *digest;
  auto roles = read_roles(obj, pointer, limits);
  if (!roles)
    return roles.error();
  entry.owner.roles = std::move(*roles);
  return entry;
}

} // namespace

caf::expected<credential_store>
credential_store::make(std::vector<user_entry> users,
                       std::vector<secret_entry> api_keys,
                       std::vector<secret_entry> tokens,
                       const argon2_params& dummy_params,
                       const credential_store_limits& limits) {
  credential_store result;
  result.argon2_limits_ = limits.argon2;
  for (auto& user : users) {
    auto name = user.name;
    if (!result.users_.emplace(name, std::move(user)).second)
      return make_error(ec::config_invalid, "duplicate user " + name);
  }
  auto check_unique = [](const std::vector<secret_entry>& xs,
                         const char* what) -> caf::error {
    for (size_t i = 0; i < xs.size(); ++i)
      for (size_t j = i + 1; j < xs.size(); ++j)
        if (xs[i].digest == xs[j].digest)
          return make_error(ec::config_invalid,
                            std::string{"duplicate "} + what + " hash");
    return {};
  };
  if (auto err = check_unique(api_keys, "API key"))
    return err;
  if (auto err = check_unique(tokens, "token"))
    return err;
  result.api_keys_ = std::move(api_keys);
  result.tokens_ = std::move(tokens);
  // The dummy password is random and discarded: nothing can match it.
  std::array<unsigned char, 32> random;
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    return make_error(ec::internal, "no randomness for the dummy hash");
  auto dummy = hash_password(
    std::string_view{reinterpret_cast<const char*>(random.data()),
                     random.size()},
    dummy_params, limits.argon2);
  if (!dummy)
    return dummy.error();
  result.dummy_hash_ = std::move(*dummy);
  return result;
}

std::optional<subject>
credential_store::verify_user(std::string_view name,
                              std::string_view password) const {
  verifications_->fetch_add(1, std::memory_order_relaxed);
  auto i = users_.find(std::string{name});
  if (i == users_.end()) {
    // Same work as for a known user; the result is ignored.
    static_cast<void>(verify_password(dummy_hash_, password, argon2_limits_));
    return std::nullopt;
  }
  if (!verify_password(i->second.password_hash, password, argon2_limits_))
    return std::nullopt;
  return subject{i->second.name, subject_kind::user, i->second.roles};
}

std::optional<subject>
credential_store::verify_api_key(std::string_view key) const {
  return find_secret(api_keys_, key);
}

std::optional<subject>
credential_store::verify_token(std::string_view token) const {
  return find_secret(tokens_, token);
}

caf::expected<credential_store>
parse_credential_store(const nlohmann::json& section,
                       const argon2_params& dummy_params,
                       const credential_store_limits& limits) {
  if (!section.is_object())
    return invalid("", "credentials must be an object");
  if (auto err = check_keys(section, "", {"users", "apiKeys", "tokens"}))
    return err;
  std::vector<user_entry> users;
  auto users_json = read_array(section, "users", limits);
  if (!users_json)
    return users_json.error();
  for (size_t k = 0; k < (*users_json)->size(); ++k) {
    const auto& obj = (**users_json)[k];
    auto pointer = "/users/" + std::to_string(k);
    if (!obj.is_object())
      return invalid(pointer, "must be an object");
    if (auto err = check_keys(obj, pointer, {"name", "passwordHash", "roles"}))
      return err;
    user_entry user;
    auto name = read_name(obj, pointer, "name", limits);
    if (!name)
      return name.error();
    user.name = std::move(*name);
    auto i = obj.find("passwordHash");
    if (i == obj.end())
      return invalid(pointer + "/passwordHash", "missing");
    if (!i->is_string())
      return invalid(pointer + "/passwordHash", "must be a string");
    user.password_hash = i->get<std::string>();
    if (auto ok = check_encoded_hash(user.password_hash, limits.argon2); !ok)
      return invalid(pointer + "/passwordHash", detail_of(ok.error()));
    auto roles = read_roles(obj, pointer, limits);
    if (!roles)
      return roles.error();
    user.roles = std::move(*roles);
    for (const auto& other : users)
      if (other.name == user.name)
        return invalid(pointer + "/name", "duplicate user name");
    users.push_back(std::move(user));
  }
  auto read_secrets = [&](const char* key, const char* hash_key,
                          bool user_allowed)
    -> caf::expected<std::vector<secret_entry>> {
    std::vector<secret_entry> result;
    auto json = read_array(section, key, limits);
    if (!json)
      return json.error();
    for (size_t k = 0; k < (*json)->size(); ++k) {
      auto pointer = std::string{"/"} + key + "/" + std::to_string(k);
      auto entry = read_secret((**json)[k], pointer, hash_key, user_allowed,
                               limits);
      if (!entry)
        return entry.error();
      for (const auto& other : result)
        if (other.digest == entry->digest)
          return invalid(pointer + "/" + hash_key, "duplicate hash");
      result.push_back(std::move(*entry));
    }
    return result;
  };
  auto api_keys = read_secrets("apiKeys", "keyHash", false);
  if (!api_keys)
    return api_keys.error();
  auto tokens = read_secrets("tokens", "tokenHash", true);
  if (!tokens)
    return tokens.error();
  return credential_store::make(std::move(users), std::move(*api_keys),
                                std::move(*tokens), dummy_params, limits);
}

} // namespace kagami::authn
