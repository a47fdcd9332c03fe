#pragma once

// The project's one error enum. Every fallible function returns
// caf::expected<T> or caf::error built from these codes; the HTTP layer maps
// each code to exactly one status (http/problem.hpp).

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace kagami {

enum class ec : uint8_t {
  none = 0,
  /// A thing, affordance or record does not exist.
  not_found,
  /// A value violates the data schema or a request is malformed.
  invalid_value,
  /// A write to a read-only property, or an op the affordance lacks.
  not_writable,
  /// The device did not answer in time or could not be reached.
  device_timeout,
  /// The device answered with an error (a Modbus exception, HTTP 5xx, ...).
  device_error,
  /// The device answered with bytes that do not fit the device model.
  device_bad_reply,
  /// A configuration file or field is invalid.
  config_invalid,
  /// The store failed to read or write.
  storage_failure,
  /// The gateway is overloaded or the actor is gone.
  unavailable,
  /// An invariant of the gateway itself was broken.
  internal,
};

/// The error category atom of `ec`.
inline constexpr caf::atom_value ec_category = caf::atom("kagami");

const char* to_string(ec x);

/// Builds an error with a human-readable detail (shown to operators and, for
/// client errors, in the problem+json `detail`).
caf::error make_error(ec code, std::string detail);
caf::error make_error(ec code);

/// The ec carried by `err`, or ec::internal for errors of other categories.
ec code_of(const caf::error& err);

/// The detail string carried by `err`, or "" when it has none.
std::string detail_of(const caf::error& err);

} // namespace kagami
