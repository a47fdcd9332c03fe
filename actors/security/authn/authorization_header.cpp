#include "actors/security/authn/authorization_header.hpp"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "actors/core/error.hpp"

namespace kagami::authn {

const char* to_string(credential_scheme x) {
  switch (x) {
    case credential_scheme::basic: return "basic";
    case credential_scheme::bearer: return "bearer";
    case credential_scheme::api_key: return "apikey";
  }
  return "unknown";
}

namespace {

caf::error malformed(std::string reason) {
  return make_error(ec::invalid_value, "malformed credentials: "
                                         + std::move(reason));
}

bool iequals(std::string_view x, std::string_view y) {
  return x.size() == y.size()
         && std::equal(x.begin(), x.end(), y.begin(), [](char a, char b) {
              auto lower = [](char c) {
                return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                            : c;
              };
              return lower(a) == lower(b);
            });
}

/// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_token68(std::string_view x) {
  if (x.empty())
    return false;
  auto is_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
           || c == '~' || c == '+' || c == '/';
  };
  size_t i = 0;
  while (i < x.size() && is_char(x[i]))
    ++i;
  if (i == 0)
    return false;
  while (i < x.size() && x[i] == '=')
    ++i;
  return i == x.size();
}

/// The standard base64 alphabet, then at most two '=' at the end. Checked
/// before decoding: libsodium's decoder does not reject every byte >= 0x80.
bool is_padded_base64(std::string_view x) {
  auto is_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '+' || c == '/';
  };
  size_t i = 0;
  while (i < x.size() && is_char(x[i]))
    ++i;
  auto padding = x.size() - i;
  return padding <= 2
         && std::all_of(x.begin() + static_cast<std::ptrdiff_t>(i), x.end(),
                        [](char c) { return c == '='; });
}

bool has_control(std::string_view x) {
  return std::any_of(x.begin(), x.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

caf::expected<presented_credentials>
parse_basic(std::string_view encoded, const header_limits& limits) {
  // Base64 of user ':' password; the encoded size bounds the decoded one.
  auto max_decoded = limits.max_user_size + 1 + limits.max_password_size;
  if (encoded.size() > (max_decoded + 2) / 3 * 4)
    return malformed("basic credentials too long");
  if (encoded.size() % 4 != 0)
    return malformed("basic credentials are not padded base64");
  if (!is_padded_base64(encoded))
    return malformed("basic credentials are not valid base64");
  std::vector<unsigned char> buf(encoded.size() / 4 * 3 + 1);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(buf.data(), buf.size(), encoded.data(), encoded.size(),
                        nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL)
        != 0
      || end != encoded.data() + encoded.size())
    return malformed("basic credentials are not valid base64");
  std::string_view decoded{reinterpret_cast<const char*>(buf.data()), len};
  auto colon = decoded.find(':');
  if (colon == std::string_view::npos)
    return malformed("basic credentials lack ':'");
  auto user = decoded.substr(0, colon);
  auto password = decoded.substr(colon + 1);
  if (user.empty())
    return malformed("empty user id");
  if (user.size() > limits.max_user_size)
    return malformed("user id too long");
  if (password.size() > limits.max_password_size)
    return malformed("password too long");
  if (has_control(user) || has_control(password))
    return malformed("control character in basic credentials");
  presented_credentials result;
  result.scheme = credential_scheme::basic;
  result.user = std::string{user};
  result.password = std::string{password};
  sodium_memzero(buf.data(), buf.size());
  return result;
}

} // namespace

caf::expected<presented_credentials>
parse_authorization_header(std::string_view value,
                           const header_limits& limits) {
  if (value.size() > limits.max_header_size)
    return malformed("header too long");
  auto space = value.find(' ');
  if (space == std::string_view::npos || space == 0)
    return malformed("no scheme and credentials");
  auto scheme = value.substr(0, space);
  auto rest = value.substr(space);
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  if (rest.empty())
    return malformed("no credentials after the scheme");
  if (iequals(scheme, "basic"))
    return parse_basic(rest, limits);
  if (iequals(scheme, "bearer")) {
    if (rest.size() > limits.max_token_size)
      return malformed("bearer token too long");
    if (!is_token68(rest))
      return malformed("bearer token is not token68");
    presented_credentials result;
    result.scheme = credential_scheme::bearer;
    result.token = std::string{rest};
    return result;
  }
  return malformed("unsupported scheme");
}

caf::expected<presented_credentials>
parse_api_key_header(std::string_view value, const header_limits& limits) {
  if (value.empty())
    return malformed("empty API key");
  if (value.size() > limits.max_token_size)
    return malformed("API key too long");
  if (!is_token68(value))
    return malformed("API key is not token68");
  presented_credentials result;
  result.scheme = credential_scheme::api_key;
  result.token = std::string{value};
  return result;
}

} // namespace kagami::authn
