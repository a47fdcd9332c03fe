#include "actors/security/chain/schema/schema_check.hpp"

#include <utility>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_section.hpp"
#include "actors/security/schema_validator.hpp"
#include "actors/security/validation/rule_error.hpp"

namespace kagami::security {

namespace {

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// The body as JSON; discarded when it is not valid JSON. Never throws.
nlohmann::json parse_body(std::string_view body) {
  return nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
}

} // namespace

schema_check::schema_check(
  std::map<std::string, config::device_model, std::less<>> models)
  : models_(std::move(models)) {
}

verdict schema_check::refuse(unsigned status, std::string reason) {
  ++refused_;
  return verdict::deny(status, std::move(reason));
}

verdict schema_check::decide(const check_request& req) {
  bool write = req.op == authz::operation::writeproperty;
  bool invoke = req.op == authz::operation::invokeaction;
  if (!write && !invoke)
    return verdict::allow();
  auto m = models_.find(req.thing_model);
  if (m == models_.end())
    return refuse(403, "no data model is known for this thing");
  const config::data_schema* schema = nullptr;
  std::string name{req.affordance};
  if (write) {
    auto* p = m->second.find_property(name);
    if (p == nullptr)
      return verdict::allow();
    schema = &p->schema;
  } else {
    auto* a = m->second.find_action(name);
    if (a == nullptr)
      return verdict::allow();
    if (!a->input) {
      if (blank(req.body) || parse_body(req.body).is_null())
        return verdict::allow();
      return refuse(400, "action " + name + " takes no input");
    }
    schema = &*a->input;
  }
  if (blank(req.body))
    return refuse(400, "missing value");
  auto value = parse_body(req.body);
  if (value.is_discarded())
    return refuse(400, "the body is not a JSON value");
  if (auto err = validate_value(*schema, value))
    return refuse(400, detail_of(err));
  return verdict::allow();
}

nlohmann::json schema_check::inspect() const {
  return {{"models", models_.size()}, {"refused", refused_}};
}

caf::expected<std::unique_ptr<security_check>>
make_schema_check(const nlohmann::json& section, const check_context& ctx) {
  if (auto err = only_keys(section, ctx.pointer, {}))
    return err;
  if (ctx.models == nullptr)
    return rule_error(ctx.pointer, "the schema check needs the device models");
  return std::make_unique<schema_check>(
    std::map<std::string, config::device_model, std::less<>>(
      ctx.models->begin(), ctx.models->end()));
}

} // namespace kagami::security
