#include "actors/security/authn/secret_digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace kagami::authn {

secret_digest digest_secret(std::string_view secret) {
  secret_digest result{};
  unsigned int len = 0;
  EVP_Digest(secret.data(), secret.size(), result.data(), &len, EVP_sha256(),
             nullptr);
  return result;
}

std::string to_hex(const secret_digest& x) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  result.reserve(x.size() * 2);
  for (auto b : x) {
    result += digits[b >> 4];
    result += digits[b & 0x0f];
  }
  return result;
}

std::optional<secret_digest> digest_from_hex(std::string_view hex) {
  secret_digest result{};
  if (hex.size() != result.size() * 2)
    return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < result.size(); ++i) {
    auto hi = nibble(hex[2 * i]);
    auto lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    result[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return result;
}

bool digests_equal(const secret_digest& x, const secret_digest& y) {
  return CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
}

} // namespace kagami::authn
