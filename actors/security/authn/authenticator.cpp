#include "actors/security/authn/authenticator.hpp"

#include <caf/make_message.hpp>

namespace kagami::authn {

const char* to_string(authn_failure x) {
  switch (x) {
    case authn_failure::missing_credentials: return "missing credentials";
    case authn_failure::bad_credentials: return "bad credentials";
  }
  return "unknown";
}

caf::error make_error(authn_failure x) {
  return caf::error{static_cast<uint8_t>(x), authn_category,
                    caf::make_message(std::string{to_string(x)})};
}

std::optional<authn_failure> failure_of(const caf::error& err) {
  if (!err || err.category() != authn_category)
    return std::nullopt;
  switch (err.code()) {
    case static_cast<uint8_t>(authn_failure::missing_credentials):
      return authn_failure::missing_credentials;
    case static_cast<uint8_t>(authn_failure::bad_credentials):
      return authn_failure::bad_credentials;
    default: return std::nullopt;
  }
}

authenticator::authenticator(std::shared_ptr<const credential_store> store,
                             std::shared_ptr<const jwt_verifier> jwt,
                             subject_kind jwt_kind)
  : store_(std::move(store)), jwt_(std::move(jwt)), jwt_kind_(jwt_kind) {
}

caf::error authenticator::authenticate_malformed() {
  return make_error(authn_failure::bad_credentials);
}

caf::expected<subject> authenticator::authenticate(
  const std::optional<presented_credentials>& credentials,
  std::chrono::system_clock::time_point now) const {
  if (!credentials)
    return make_error(authn_failure::missing_credentials);
  std::optional<subject> result;
  switch (credentials->scheme) {
    case credential_scheme::basic:
      if (store_)
        result = store_->verify_user(credentials->user, credentials->password);
      break;
    case credential_scheme::bearer:
      if (jwt_ && jwt_verifier::looks_like_jwt(credentials->token)) {
        if (auto id = jwt_->verify(credentials->token, now)) {
          result = subject{std::move(id->subject), jwt_kind_,
                           std::move(id->roles)};
          break;
        }
      }
      if (store_)
        result = store_->verify_token(credentials->token);
      break;
    case credential_scheme::api_key:
      if (store_)
        result = store_->verify_api_key(credentials->token);
      break;
  }
  if (!result)
    return make_error(authn_failure::bad_credentials);
  return std::move(*result);
}

} // namespace kagami::authn
