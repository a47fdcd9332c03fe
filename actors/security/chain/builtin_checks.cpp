// The built-in check types. A new check type is one folder under chain/ with
// its check and factory, plus one add() line here.

#include "actors/security/chain/acl/acl_check.hpp"
#include "actors/security/chain/check_chains.hpp"
#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/expected_use/expected_use_check.hpp"
#include "actors/security/chain/schema/schema_check.hpp"
#include "actors/security/chain/signatures/signature_check.hpp"

namespace kagami::security {

caf::error register_builtin_checks(check_registry& r) {
  caf::error first;
  auto add = [&](std::string_view type, check_factory f) {
    if (auto err = r.add(std::string(type), std::move(f)); err && !first)
      first = std::move(err);
  };
  add(authorization_check_type, make_acl_check);
  add("signatures", make_signature_check);
  add("schema", make_schema_check);
  add("expected_use", make_expected_use_check);
  return first;
}

} // namespace kagami::security
