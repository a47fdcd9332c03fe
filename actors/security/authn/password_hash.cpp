#include "actors/security/authn/password_hash.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>

#include "actors/core/error.hpp"

namespace kagami::authn {

namespace {

constexpr size_t salt_size = 16;
constexpr size_t tag_size = 32;

/// Reads "NAME=DIGITS" at the front of `x`, advancing past it.
bool read_param(std::string_view& x, std::string_view name, uint32_t& out) {
  if (x.substr(0, name.size()) != name)
    return false;
  x.remove_prefix(name.size());
  auto [ptr, err] = std::from_chars(x.data(), x.data() + x.size(), out);
  if (err != std::errc{} || ptr == x.data())
    return false;
  x.remove_prefix(static_cast<size_t>(ptr - x.data()));
  return true;
}

} // namespace

caf::expected<std::string> hash_password(std::string_view password,
                                         const argon2_params& params,
                                         const argon2_limits& limits) {
  if (password.size() > limits.max_password_size)
    return make_error(ec::invalid_value, "password too long");
  std::array<unsigned char, salt_size> salt;
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    return make_error(ec::internal, "no randomness for the salt");
  auto size = argon2_encodedlen(params.iterations, params.memory_kib,
                                params.parallelism, salt_size, tag_size,
                                Argon2_id);
  std::string encoded(size, '\0');
  auto rc = argon2id_hash_encoded(params.iterations, params.memory_kib,
                                  params.parallelism, password.data(),
                                  password.size(), salt.data(), salt.size(),
                                  tag_size, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return make_error(ec::invalid_value,
                      std::string{"argon2id: "} + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

caf::expected<argon2_params>
check_encoded_hash(std::string_view encoded, const argon2_limits& limits) {
  auto bad = [](const char* why) {
    return make_error(ec::invalid_value,
                      std::string{"not an argon2id hash: "} + why);
  };
  if (encoded.size() > limits.max_encoded_size)
    return bad("too long");
  auto x = encoded;
  constexpr std::string_view prefix = "$argon2id$v=19$";
  if (x.substr(0, prefix.size()) != prefix)
    return bad("expected prefix $argon2id$v=19$");
  x.remove_prefix(prefix.size());
  argon2_params params;
  if (!read_param(x, "m=", params.memory_kib)
      || !read_param(x, ",t=", params.iterations)
      || !read_param(x, ",p=", params.parallelism) || x.empty() || x[0] != '$')
    return bad("expected m=M,t=T,p=P");
  if (params.memory_kib > limits.max_memory_kib
      || params.iterations > limits.max_iterations
      || params.parallelism > limits.max_parallelism)
    return bad("cost parameters above the limits");
  return params;
}

bool verify_password(std::string_view encoded, std::string_view password,
                     const argon2_limits& limits) {
  if (!check_encoded_hash(encoded, limits))
    return false;
  if (password.size() > limits.max_password_size)
    return false;
  std::string encoded_z{encoded}; // argon2 wants a NUL-terminated string
  return argon2id_verify(encoded_z.c_str(), password.data(), password.size())
         == ARGON2_OK;
}

} // namespace kagami::authn
