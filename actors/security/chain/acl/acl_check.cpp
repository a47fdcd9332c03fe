#include "actors/security/chain/acl/acl_check.hpp"

#include <utility>

#include "actors/security/chain/check_section.hpp"

namespace kagami::security {

acl_check::acl_check(authz::acl_policy policy,
                     std::map<std::string, model_affordances, std::less<>> models)
  : policy_(std::move(policy)), models_(std::move(models)) {
  for (auto& rule : policy_.rules())
    if (rule.affordance != "*")
      named_affordances_.insert(rule.affordance);
}

const std::vector<std::string>*
acl_check::names_of(std::string_view model, authz::operation op) const {
  auto i = models_.find(model);
  if (i == models_.end())
    return nullptr;
  switch (op) {
    case authz::operation::readproperty:
    case authz::operation::writeproperty:
      return &i->second.properties;
    case authz::operation::invokeaction:
      return &i->second.actions;
    case authz::operation::subscribeevent:
      return &i->second.events;
  }
  return nullptr;
}

verdict acl_check::decide(const check_request& req) {
  if (req.subject == nullptr)
    return verdict::deny(403, "no authenticated subject");
  auto& who = *req.subject;
  authz::access_request a;
  a.subject = who.name;
  a.kind = who.kind == authn::subject_kind::app ? authz::subject_kind::app
                                                : authz::subject_kind::user;
  a.roles = who.roles;
  a.thing_id = req.thing_id;
  a.model = req.thing_model;
  if (req.thing_tags != nullptr)
    a.tags = *req.thing_tags;
  a.affordance = req.affordance;
  a.op = req.op;
  a.time = req.now;
  auto one = [&](std::string_view affordance) {
    a.affordance = affordance;
    return policy_.decide(a);
  };
  if (req.affordance != "*") {
    auto v = one(req.affordance);
    return v.allowed ? verdict::allow() : verdict::deny(403, std::move(v.reason));
  }
  // Every affordance of the kind must be allowed on its own.
  if (auto* names = names_of(req.thing_model, req.op);
      names != nullptr && !names->empty()) {
    for (auto& name : *names)
      if (auto v = one(name); !v.allowed)
        return verdict::deny(403, std::move(v.reason));
    return verdict::allow();
  }
  if (auto v = one("*"); !v.allowed)
    return verdict::deny(403, std::move(v.reason));
  for (auto& name : named_affordances_)
    if (auto v = one(name); !v.allowed)
      return verdict::deny(403, std::move(v.reason));
  return verdict::allow();
}

nlohmann::json acl_check::inspect() const {
  return {{"rules", policy_.rules().size()}, {"models", models_.size()}};
}

caf::expected<std::unique_ptr<security_check>>
make_acl_check(const nlohmann::json& section, const check_context& ctx) {
  if (auto err = only_keys(section, ctx.pointer, {"rules", "rulesFile"}))
    return err;
  auto source = read_rules_source(section, ctx);
  if (!source)
    return std::move(source.error());
  auto rules = source->inline_rules != nullptr
                 ? authz::parse_acl_section(*source->inline_rules, {},
                                            source->pointer)
                 : authz::parse_acl_rules(source->text);
  if (!rules)
    return source->inline_rules != nullptr ? std::move(rules.error())
                                           : source->wrap(rules.error());
  std::map<std::string, model_affordances, std::less<>> models;
  if (ctx.models != nullptr) {
    for (auto& [id, model] : *ctx.models) {
      auto& names = models[id];
      for (auto& p : model.properties)
        names.properties.push_back(p.name);
      for (auto& x : model.actions)
        names.actions.push_back(x.name);
      for (auto& e : model.events)
        names.events.push_back(e.name);
    }
  }
  return std::make_unique<acl_check>(authz::acl_policy{std::move(*rules)},
                                     std::move(models));
}

} // namespace kagami::security
