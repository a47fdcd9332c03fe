#pragma once

#include <string>

#include <caf/error.hpp>

namespace kagami::config {

/// Why a config was rejected: `file`, then the JSON pointer of the `field`,
/// then the `reason`. to_string() gives "FILE: FIELD: REASON".
struct config_error {
  std::string file;
  std::string field;
  std::string reason;
  std::string to_string() const;
  /// An ec::config_invalid error whose detail is to_string().
  caf::error to_error() const;

  friend bool operator==(const config_error&, const config_error&) = default;
};

} // namespace kagami::config
