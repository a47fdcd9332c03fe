#include "actors/security/authn/jwt_verifier.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::authn {

const char* to_string(jwt_algorithm x) {
  return x == jwt_algorithm::hs256 ? "HS256" : "ES256";
}

namespace {

constexpr size_t min_secret_size = 32;

caf::error rejected(std::string reason) {
  return make_error(ec::invalid_value, "JWT rejected: " + std::move(reason));
}

bool is_base64url(std::string_view x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<std::string> decode_base64url(std::string_view x) {
  std::string out(x.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()),
                        out.size(), x.data(), x.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        != 0
      || end != x.data() + x.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

caf::error check_es256_key(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{
    BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free};
  if (!bio)
    return make_error(ec::internal, "BIO_new_mem_buf failed");
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
    PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free};
  if (!key)
    return make_error(ec::config_invalid,
                      "ES256 key is not a PEM public key");
  char group[64] = {0};
  size_t group_len = 0;
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC
      || EVP_PKEY_get_group_name(key.get(), group, sizeof(group), &group_len)
           != 1
      || std::string_view{group, group_len} != "prime256v1")
    return make_error(ec::config_invalid, "ES256 key is not on curve P-256");
  return {};
}

/// The NumericDate claim `key`, or nullopt if absent; an error if present
/// but not a number.
caf::expected<std::optional<int64_t>> numeric_date(const nlohmann::json& claims,
                                                   const char* key) {
  auto i = claims.find(key);
  if (i == claims.end())
    return std::optional<int64_t>{};
  // Beyond +-max_numeric_date, exp + leeway and the conversion to
  // system_clock::time_point (nanoseconds, up to year 2262) would overflow.
  constexpr int64_t max_numeric_date = 7'258'118'400; // 2200-01-01
  if (i->is_number_integer()) {
    bool in_range = i->is_number_unsigned()
                      ? i->get<uint64_t>() <= uint64_t{max_numeric_date}
                      : (i->get<int64_t>() >= -max_numeric_date
                         && i->get<int64_t>() <= max_numeric_date);
    if (in_range)
      return std::optional<int64_t>{i->get<int64_t>()};
  } else if (i->is_number_float()) {
    auto x = i->get<double>();
    if (x >= -max_numeric_date && x <= max_numeric_date)
      return std::optional<int64_t>{static_cast<int64_t>(x)};
  }
  return rejected(std::string{key} + " is not a NumericDate");
}

} // namespace

caf::expected<jwt_verifier> jwt_verifier::make(jwt_settings settings) {
  if (settings.audience.empty())
    return make_error(ec::config_invalid, "JWT audience must be set");
  if (settings.algorithm == jwt_algorithm::hs256) {
    if (settings.key.size() < min_secret_size)
      return make_error(ec::config_invalid,
                        "HS256 secret must have at least 32 bytes");
  } else if (auto err = check_es256_key(settings.key)) {
    return err;
  }
  return jwt_verifier{std::move(settings)};
}

bool jwt_verifier::looks_like_jwt(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos)
    return false;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos)
    return false;
  return is_base64url(token.substr(0, first))
         && is_base64url(token.substr(first + 1, second - first - 1))
         && is_base64url(token.substr(second + 1));
}

caf::expected<jwt_identity>
jwt_verifier::verify(std::string_view token,
                     std::chrono::system_clock::time_point now) const {
  if (token.size() > settings_.max_token_size)
    return rejected("token too long");
  if (!looks_like_jwt(token))
    return rejected("not a signed JWT (need header.payload.signature)");
  // Check the algorithm ourselves first: libjwt 1.10 takes it from the token.
  auto header_b64 = token.substr(0, token.find('.'));
  auto header_text = decode_base64url(header_b64);
  if (!header_text)
    return rejected("header is not base64url");
  auto header = nlohmann::json::parse(*header_text, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    return rejected("header is not a JSON object");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()
      || alg->get_ref<const std::string&>() != to_string(settings_.algorithm))
    return rejected(std::string{"algorithm is not "}
                    + to_string(settings_.algorithm));
  // Signature.
  std::string token_z{token};
  jwt_t* raw = nullptr;
  auto rc = jwt_decode(&raw, token_z.c_str(),
                       reinterpret_cast<const unsigned char*>(
                         settings_.key.data()),
                       static_cast<int>(settings_.key.size()));
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt{raw, jwt_free};
  if (rc != 0 || !jwt)
    return rejected("bad signature or malformed token");
  auto expected_alg = settings_.algorithm == jwt_algorithm::hs256
                        ? JWT_ALG_HS256
                        : JWT_ALG_ES256;
  if (jwt_get_alg(jwt.get()) != expected_alg)
    return rejected("algorithm mismatch");
  // Claims.
  std::unique_ptr<char, decltype(&std::free)> grants{
    jwt_get_grants_json(jwt.get(), nullptr), std::free};
  if (!grants)
    return rejected("no claims");
  auto claims = nlohmann::json::parse(grants.get(), nullptr, false);
  if (claims.is_discarded() || !claims.is_object())
    return rejected("claims are not a JSON object");
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                 now.time_since_epoch())
                 .count();
  auto leeway = settings_.leeway.count();
  auto exp = numeric_date(claims, "exp");
  if (!exp)
    return exp.error();
  if (!*exp)
    return rejected("no exp");
  if (now_s >= **exp + leeway)
    return rejected("expired");
  auto nbf = numeric_date(claims, "nbf");
  if (!nbf)
    return nbf.error();
  if (*nbf && now_s + leeway < **nbf)
    return rejected("not yet valid");
  // aud
  auto aud = claims.find("aud");
  bool aud_ok = false;
  if (aud != claims.end()) {
    if (aud->is_string())
      aud_ok = aud->get_ref<const std::string&>() == settings_.audience;
    else if (aud->is_array())
      for (const auto& x : *aud)
        aud_ok = aud_ok
                 || (x.is_string()
                     && x.get_ref<const std::string&>() == settings_.audience);
  }
  if (!aud_ok)
    return rejected("wrong audience");
  if (settings_.issuer) {
    auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string()
        || iss->get_ref<const std::string&>() != *settings_.issuer)
      return rejected("wrong issuer");
  }
  jwt_identity result;
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string()
      || sub->get_ref<const std::string&>().empty()
      || sub->get_ref<const std::string&>().size()
           > settings_.max_subject_size)
    return rejected("sub must be a non-empty string");
  result.subject = sub->get<std::string>();
  if (auto roles = claims.find("roles"); roles != claims.end()) {
    if (!roles->is_array() || roles->size() > settings_.max_roles)
      return rejected("roles must be an array of strings");
    for (const auto& role : *roles) {
      if (!role.is_string() || role.get_ref<const std::string&>().empty()
          || role.get_ref<const std::string&>().size()
               > settings_.max_role_size)
        return rejected("roles must be an array of strings");
      result.roles.push_back(role.get<std::string>());
    }
  }
  result.expires = std::chrono::system_clock::time_point{
    std::chrono::seconds{**exp}};
  return result;
}

} // namespace kagami::authn
