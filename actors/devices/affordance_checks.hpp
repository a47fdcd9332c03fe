#pragma once

// The virtual device's decisions before anything reaches a device: does the
// affordance exist, does it allow the op, and does the value fit the schema.
// Plain C++; errors carry the ec that the HTTP layer maps to a status.

#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "config/device_model.hpp"

namespace kagami {

/// The property `name`, or ec::not_found.
caf::expected<const config::property_model*>
readable_property(const config::device_model& model, const std::string& name);

/// Parses and validates a write of `body` (JSON text) to property `name`.
/// ec::not_found for an unknown property, ec::not_writable for a read-only
/// one, ec::invalid_value for bad JSON or a value outside the schema.
caf::expected<nlohmann::json> checked_write(const config::device_model& model,
                                            const std::string& name,
                                            const std::string& body);

/// Parses and validates the input of action `name`. An empty body means no
/// input; an action without an input schema accepts only that or `null`.
caf::expected<nlohmann::json> checked_invoke(const config::device_model& model,
                                             const std::string& name,
                                             const std::string& body);

} // namespace kagami
