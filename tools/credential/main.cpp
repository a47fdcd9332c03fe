// kagami-credential: makes the secrets of the "security.authentication"
// section, so that operators never write a plain password or key into the
// site config.
//
//   kagami-credential hash-password      reads one password line from stdin,
//                                        prints its argon2id hash
//   kagami-credential new-secret         prints a fresh random API key or
//                                        opaque token and its keyHash
//
// Exit codes: 0 on success, 1 on a failure, 2 on bad arguments.

#include <iostream>
#include <string>

#include <sodium.h>

#include "actors/core/error.hpp"
#include "actors/security/authn/password_hash.hpp"
#include "actors/security/authn/secret_digest.hpp"

namespace {

int usage() {
  std::cerr << "usage: kagami-credential hash-password | new-secret\n";
  return 2;
}

int hash_password() {
  std::string password;
  if (!std::getline(std::cin, password) || password.empty()) {
    std::cerr << "kagami-credential: give the password on one line of stdin\n";
    return 2;
  }
  auto hash = kagami::authn::hash_password(password);
  sodium_memzero(password.data(), password.size());
  if (!hash) {
    std::cerr << "kagami-credential: " << kagami::detail_of(hash.error()) << "\n";
    return 1;
  }
  std::cout << *hash << "\n";
  return 0;
}

int new_secret() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char text[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string secret{text};
  std::cout << "secret:  " << secret << "\n"
            << "keyHash: " << kagami::authn::to_hex(kagami::authn::digest_secret(secret))
            << "\n";
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2)
    return usage();
  if (sodium_init() < 0) {
    std::cerr << "kagami-credential: libsodium failed to initialize\n";
    return 1;
  }
  std::string cmd = argv[1];
  if (cmd == "hash-password")
    return hash_password();
  if (cmd == "new-secret")
    return new_secret();
  return usage();
}
