#include "actors/security/chain/security_check.hpp"

namespace kagami::security {

void security_check::forget(const check_request&) {
  // nop
}

void security_check::observe(const check_request&, std::string_view) {
  // Most checks keep no device state.
}

nlohmann::json security_check::inspect() const {
  return nlohmann::json::object();
}

} // namespace kagami::security
