#include "actors/devices/affordance_checks.hpp"

#include "actors/core/error.hpp"
#include "actors/security/schema_validator.hpp"

namespace kagami {

namespace {

caf::expected<nlohmann::json> parse_json(const std::string& body) {
  auto value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded())
    return make_error(ec::invalid_value, "the request body is not valid JSON");
  return value;
}

} // namespace

caf::expected<const config::property_model*>
readable_property(const config::device_model& model, const std::string& name) {
  if (auto p = model.find_property(name))
    return p;
  return make_error(ec::not_found, "no property named '" + name + "'");
}

caf::expected<nlohmann::json> checked_write(const config::device_model& model,
                                            const std::string& name,
                                            const std::string& body) {
  auto p = model.find_property(name);
  if (!p)
    return make_error(ec::not_found, "no property named '" + name + "'");
  if (p->schema.read_only)
    return make_error(ec::not_writable, "property '" + name + "' is read-only");
  auto value = parse_json(body);
  if (!value)
    return value;
  if (auto err = security::validate_value(p->schema, *value))
    return err;
  return value;
}

caf::expected<nlohmann::json> checked_invoke(const config::device_model& model,
                                             const std::string& name,
                                             const std::string& body) {
  auto a = model.find_action(name);
  if (!a)
    return make_error(ec::not_found, "no action named '" + name + "'");
  nlohmann::json input;
  if (!body.empty()) {
    auto parsed = parse_json(body);
    if (!parsed)
      return parsed;
    input = std::move(*parsed);
  }
  if (!a->input) {
    if (!input.is_null())
      return make_error(ec::invalid_value,
                        "action '" + name + "' takes no input");
    return input;
  }
  if (input.is_null())
    return make_error(ec::invalid_value, "action '" + name + "' needs an input");
  if (auto err = security::validate_value(*a->input, input))
    return err;
  return input;
}

} // namespace kagami
