#pragma once

// The error of a security rules file or config section: ec::config_invalid
// with the detail "POINTER: WHAT" ("(root): WHAT" for the whole document),
// shared by the rules parsers of the data-validation checks.

#include <string>

#include <caf/error.hpp>

#include "actors/core/error.hpp"

namespace kagami::security {

inline caf::error rule_error(const std::string& pointer, std::string what) {
  // The root's JSON pointer is the empty string.
  return make_error(ec::config_invalid,
                    (pointer.empty() ? std::string{"(root)"} : pointer) + ": "
                      + std::move(what));
}

} // namespace kagami::security
