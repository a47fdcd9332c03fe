#include "actors/security/authn/credential_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actors/core/error.hpp"

namespace kagami::authn {
namespace {

// Cheap argon2id costs for tests that hash many times; one test below uses
// the defaults.
const argon2_params fast{1, 1024, 1};

TEST(password_hash, default_parameters_are_owasp_argon2id) {
  argon2_params defaults;
  EXPECT_EQ(defaults.iterations, 2u);
  EXPECT_EQ(defaults.memory_kib, 19u * 1024u);
  EXPECT_EQ(defaults.parallelism, 1u);
  auto hash = hash_password("correct horse");
  ASSERT_TRUE(hash) << detail_of(hash.error());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  auto params = check_encoded_hash(*hash);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->memory_kib, 19456u);
  EXPECT_TRUE(verify_password(*hash, "correct horse"));
  EXPECT_FALSE(verify_password(*hash, "correct horsE"));
}

TEST(password_hash, verify_right_and_wrong_passwords) {
  struct row {
    std::string stored;
    std::string tried;
    bool match;
  };
  std::vector<row> rows{
    {"pw", "pw", true},     {"pw", "pW", false},  {"pw", "pw ", false},
    {"", "", true},         {"", "x", false},     {"x", "", false},
    {"p\xc3\xa4ss", "p\xc3\xa4ss", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.stored + " vs " + r.tried);
    auto hash = hash_password(r.stored, fast);
    ASSERT_TRUE(hash);
    EXPECT_EQ(verify_password(*hash, r.tried), r.match);
  }
  // Two hashes of one password differ (random salt) and both verify.
  auto a = hash_password("same", fast);
  auto b = hash_password("same", fast);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password(*b, "same"));
}

TEST(password_hash, rejects_malformed_and_too_costly_hashes) {
  auto good = hash_password("pw", fast);
  ASSERT_TRUE(good);
  std::vector<std::string> bad{
    "",
    "plaintext",
    "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
    "$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
    "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaA", // 4 GiB
    "$argon2id$v=19$m=1024,t=100,p=1$c2FsdHNhbHQ$aGFzaA",
    "$argon2id$v=19$m=1024,t=1$c2FsdHNhbHQ$aGFzaA",
  };
  for (const auto& x : bad) {
    SCOPED_TRACE(x);
    EXPECT_FALSE(check_encoded_hash(x));
    EXPECT_FALSE(verify_password(x, "pw"));
  }
  // A hash whose tag was altered is well-formed but never matches.
  auto tampered = *good;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_TRUE(check_encoded_hash(tampered));
  EXPECT_FALSE(verify_password(tampered, "pw"));
}

TEST(secret_digest, sha256_hex_round_trip_and_compare) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  auto d = digest_secret("abc");
  EXPECT_EQ(to_hex(d),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto parsed = digest_from_hex(
    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(digests_equal(*parsed, d));
  EXPECT_FALSE(digests_equal(digest_secret("abd"), d));
  EXPECT_FALSE(digest_from_hex("ba78"));
  EXPECT_FALSE(digest_from_hex(std::string(63, 'a') + "g"));
}

nlohmann::json sample_config(const std::string& alice_hash) {
  return nlohmann::json{
    {"users",
     {{{"name", "alice"},
       {"passwordHash", alice_hash},
       {"roles", {"operator", "viewer"}}}}},
    {"apiKeys",
     {{{"app", "scada"},
       {"keyHash", to_hex(digest_secret("key-scada-0123456789"))},
       {"roles", {"reader"}}}}},
    {"tokens",
     {{{"app", "mes"}, {"tokenHash", to_hex(digest_secret("tok-mes-abc"))}},
      {{"user", "bob"},
       {"tokenHash", to_hex(digest_secret("tok-bob-xyz"))},
       {"roles", {"admin"}}}}},
  };
}

TEST(credential_store, verifies_users_api_keys_and_tokens) {
  auto hash = hash_password("alice-pw", fast);
  ASSERT_TRUE(hash);
  auto store = parse_credential_store(sample_config(*hash), fast);
  ASSERT_TRUE(store) << detail_of(store.error());
  EXPECT_EQ(store->user_count(), 1u);

  auto alice = store->verify_user("alice", "alice-pw");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->kind, subject_kind::user);
  EXPECT_EQ(alice->roles, (std::vector<std::string>{"operator", "viewer"}));
  EXPECT_FALSE(store->verify_user("alice", "wrong"));
  EXPECT_FALSE(store->verify_user("mallory", "alice-pw"));

  auto scada = store->verify_api_key("key-scada-0123456789");
  ASSERT_TRUE(scada);
  EXPECT_EQ(scada->name, "scada");
  EXPECT_EQ(scada->kind, subject_kind::app);
  EXPECT_EQ(scada->roles, (std::vector<std::string>{"reader"}));
  EXPECT_FALSE(store->verify_api_key("key-scada-012345678"));
  // A token is not an API key and vice versa.
  EXPECT_FALSE(store->verify_api_key("tok-mes-abc"));
  EXPECT_FALSE(store->verify_token("key-scada-0123456789"));

  auto mes = store->verify_token("tok-mes-abc");
  ASSERT_TRUE(mes);
  EXPECT_EQ(mes->name, "mes");
  EXPECT_EQ(mes->kind, subject_kind::app);
  EXPECT_TRUE(mes->roles.empty());
  auto bob = store->verify_token("tok-bob-xyz");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->kind, subject_kind::user);
  EXPECT_EQ(bob->roles, (std::vector<std::string>{"admin"}));
}

TEST(credential_store, unknown_user_costs_one_argon2_verification) {
  // An unknown user must cost the same work as a wrong password for a known
  // one: one argon2id verification against a dummy hash with the same
  // costs. (Counted, not timed: speed belongs to benchmarks.)
  auto hash = hash_password("alice-pw");
  ASSERT_TRUE(hash);
  auto store = parse_credential_store(sample_config(*hash));
  ASSERT_TRUE(store);
  auto costs_of = [](const std::string& encoded) {
    auto p = check_encoded_hash(encoded);
    EXPECT_TRUE(p);
    return p ? std::tuple{p->iterations, p->memory_kib, p->parallelism}
             : std::tuple{0u, 0u, 0u};
  };
  EXPECT_EQ(costs_of(store->dummy_hash()), costs_of(*hash));
  auto before = store->password_verifications();
  EXPECT_FALSE(store->verify_user("alice", "x"));
  EXPECT_EQ(store->password_verifications(), before + 1);
  EXPECT_FALSE(store->verify_user("nobody", "x"));
  EXPECT_EQ(store->password_verifications(), before + 2);
  EXPECT_TRUE(store->verify_user("alice", "alice-pw"));
  EXPECT_EQ(store->password_verifications(), before + 3);
}

TEST(credential_store, config_errors_name_the_json_pointer) {
  auto hash = hash_password("pw", fast);
  ASSERT_TRUE(hash);
  auto base = sample_config(*hash);
  struct row {
    std::string name;
    nlohmann::json config;
    std::string pointer;
  };
  auto with = [&](const std::string& ptr, nlohmann::json value) {
    auto x = base;
    x[nlohmann::json::json_pointer{ptr}] = std::move(value);
    return x;
  };
  auto without = [&](const std::string& parent, const std::string& key) {
    auto x = base;
    x[nlohmann::json::json_pointer{parent}].erase(key);
    return x;
  };
  std::vector<row> rows{
    {"not an object", nlohmann::json::array(), ""},
    {"unknown top key", with("/groups", nlohmann::json::array()), "/groups"},
    {"users not array", with("/users", "alice"), "/users"},
    {"user not object", with("/users/0", 5), "/users/0"},
    {"user unknown key", with("/users/0/password", "pw"), "/users/0/password"},
    {"user no name", without("/users/0", "name"), "/users/0/name"},
    {"user empty name", with("/users/0/name", ""), "/users/0/name"},
    {"plaintext password", with("/users/0/passwordHash", "pw"),
     "/users/0/passwordHash"},
    {"bcrypt hash", with("/users/0/passwordHash", "$2b$12$abcdefghijk"),
     "/users/0/passwordHash"},
    {"role not string", with("/users/0/roles/1", 7), "/users/0/roles/1"},
    {"roles not array", with("/users/0/roles", "admin"), "/users/0/roles"},
    {"duplicate user", with("/users/1", base["users"][0]), "/users/1/name"},
    {"api key short hash", with("/apiKeys/0/keyHash", "abcd"),
     "/apiKeys/0/keyHash"},
    {"api key no app", without("/apiKeys/0", "app"), "/apiKeys/0"},
    {"api key for user", with("/apiKeys/0/user", "alice"),
     "/apiKeys/0/user"},
    {"token both app and user", with("/tokens/0/user", "x"), "/tokens/0"},
    {"token no hash", without("/tokens/1", "tokenHash"),
     "/tokens/1/tokenHash"},
    {"duplicate token", with("/tokens/1/tokenHash",
                             base["tokens"][0]["tokenHash"]),
     "/tokens/1/tokenHash"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto store = parse_credential_store(r.config, fast);
    ASSERT_FALSE(store);
    EXPECT_EQ(code_of(store.error()), ec::config_invalid);
    EXPECT_EQ(detail_of(store.error()).rfind(r.pointer + ": ", 0), 0u)
      << detail_of(store.error());
  }
}

} // namespace
} // namespace kagami::authn
