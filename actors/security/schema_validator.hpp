#pragma once

// The first check of the data-validation chain: does a JSON value that an app
// sends (a property write, an action input) fit the affordance's DataSchema?
// Plain C++; the data-validation security check wraps it.

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "config/device_model.hpp"

namespace kagami::security {

/// Checks `value` against `schema`, in this order:
/// 1. type: boolean is a JSON boolean; string is a JSON string; number is a
///    finite JSON number; integer is a JSON number without a fractional part
///    (5 and 5.0 pass, 5.5 does not, as in JSON Schema);
/// 2. minimum / maximum, inclusive, for integer and number;
/// 3. enumeration, when not empty: the value equals one entry (numbers
///    compare by value, so 1 matches 1.0).
/// Returns an empty error when the value fits, else ec::invalid_value whose
/// detail names the first violation, for example "expected integer, got
/// string" or "value 130 is above the maximum 120". Values quoted in the
/// detail are cut to 64 characters.
///
/// `schema.read_only` is not checked here: a write to a read-only property is
/// the caller's 405, before any value is looked at.
///
/// Pure function: thread-safe, never throws, allocates only for the error.
caf::error validate_value(const config::data_schema& schema,
                          const nlohmann::json& value) noexcept;

} // namespace kagami::security
