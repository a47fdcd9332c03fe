#pragma once

// Test support for the authn tests: builds JWS compact tokens by hand with
// OpenSSL (independent of libjwt, the library under test) and makes a fresh
// P-256 key pair per test run.

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kagami::authn::test {

inline std::string base64url(std::string_view x) {
  std::string out(sodium_base64_encoded_len(
                    x.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(x.data()), x.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

inline std::string base64(std::string_view x) {
  std::string out(sodium_base64_encoded_len(x.size(),
                                            sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(x.data()), x.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

/// A fresh P-256 key pair.
inline pkey_ptr make_p256_key() {
  auto* key = EVP_EC_gen("P-256");
  if (key == nullptr)
    throw std::runtime_error("EVP_EC_gen failed");
  return {key, EVP_PKEY_free};
}

/// The PEM SubjectPublicKeyInfo of `key`.
inline std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()),
                                               BIO_free};
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

inline std::string hs256_signature(std::string_view input,
                                   std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
       &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

/// ES256 signature in JOSE form: R || S, 32 bytes each (RFC 7518 3.4).
inline std::string es256_signature(std::string_view input, EVP_PKEY* key) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{
    EVP_MD_CTX_new(), EVP_MD_CTX_free};
  size_t der_len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1
      || EVP_DigestSign(ctx.get(), nullptr, &der_len,
                        reinterpret_cast<const unsigned char*>(input.data()),
                        input.size())
           != 1)
    throw std::runtime_error("EVP_DigestSign failed");
  std::string der(der_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()),
                     &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()),
                     input.size())
      != 1)
    throw std::runtime_error("EVP_DigestSign failed");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig{
    d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)), ECDSA_SIG_free};
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(64, '\0');
  BN_bn2binpad(r, reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_bn2binpad(s, reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
  return out;
}

/// header.payload (both base64url of the given JSON text).
inline std::string signing_input(std::string_view header_json,
                                 std::string_view payload_json) {
  return base64url(header_json) + "." + base64url(payload_json);
}

inline std::string hs256_token(std::string_view payload_json,
                               std::string_view secret,
                               std::string_view header_json
                               = R"({"alg":"HS256","typ":"JWT"})") {
  auto input = signing_input(header_json, payload_json);
  return input + "." + base64url(hs256_signature(input, secret));
}

inline std::string es256_token(std::string_view payload_json, EVP_PKEY* key,
                               std::string_view header_json
                               = R"({"alg":"ES256","typ":"JWT"})") {
  auto input = signing_input(header_json, payload_json);
  return input + "." + base64url(es256_signature(input, key));
}

} // namespace kagami::authn::test
