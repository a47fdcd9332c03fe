#pragma once

// The authorization check (type "acl"): an authz::acl_policy, deny by
// default, over the request's subject, thing, affordance and op. A denial is
// 403 with the policy's reason (it names the deciding rule, or says that no
// rule allows the request).
//
// Section: {"rules": [...]} or {"rulesFile": "acl.json"}, in the format of
// actors/security/authz/acl_policy.hpp; no other keys.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/authz/acl_policy.hpp"
#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/security_check.hpp"

namespace kagami::security {

/// The affordance names of one device model, by kind.
struct model_affordances {
  std::vector<std::string> properties;
  std::vector<std::string> actions;
  std::vector<std::string> events;
};

/// An op on affordance "*" (readallproperties arrives as "*" with op
/// readproperty) is decided as that op on every affordance of its kind in
/// the thing's model: it is allowed only when each of them is, so a rule
/// that denies one property also denies reading all of them. When the model
/// is unknown (or has none of that kind), "*" itself must be allowed and so
/// must every affordance that some rule names.
class acl_check final : public security_check {
public:
  acl_check(authz::acl_policy policy,
            std::map<std::string, model_affordances, std::less<>> models);

  verdict decide(const check_request& req) override;

  /// {"rules": N, "models": N}
  nlohmann::json inspect() const override;

private:
  const std::vector<std::string>* names_of(std::string_view model,
                                           authz::operation op) const;

  authz::acl_policy policy_;
  std::map<std::string, model_affordances, std::less<>> models_;
  /// Every affordance name (not "*") that a rule names.
  std::set<std::string> named_affordances_;
};

/// The factory of type "acl". Copies the affordance names of ctx.models (if
/// any).
caf::expected<std::unique_ptr<security_check>>
make_acl_check(const nlohmann::json& section, const check_context& ctx);

} // namespace kagami::security
