#pragma once

// The data-schema check (type "schema"): the body of a writeproperty or
// invokeaction must fit the DataSchema of that property or action input in
// the thing's device model (validate_value in schema_validator.hpp). A
// misfit is 400 with the validator's reason.
//
// Section: {} (no keys). Needs check_context::models.

#include <map>
#include <memory>
#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/security_check.hpp"
#include "config/device_model.hpp"

namespace kagami::security {

/// Judges only writeproperty and invokeaction; other ops pass.
/// - An affordance the model lacks passes: the router or the virtual device
///   answers 404. Read-only properties pass too (the caller's 405).
/// - A thing whose model is unknown is denied (403): nothing can be
///   validated, so nothing is let through.
/// - An action without input accepts an empty body or JSON null only.
/// Keeps a copy of the models: the map given to the factory need not live on.
class schema_check final : public security_check {
public:
  explicit schema_check(
    std::map<std::string, config::device_model, std::less<>> models);

  verdict decide(const check_request& req) override;

  /// {"models": N, "refused": N}
  nlohmann::json inspect() const override;

private:
  verdict refuse(unsigned status, std::string reason);

  std::map<std::string, config::device_model, std::less<>> models_;
  uint64_t refused_ = 0;
};

/// The factory of type "schema". Errors: any key in the section; no models
/// in the context.
caf::expected<std::unique_ptr<security_check>>
make_schema_check(const nlohmann::json& section, const check_context& ctx);

} // namespace kagami::security
