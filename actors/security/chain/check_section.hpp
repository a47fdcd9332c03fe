#pragma once

// Helpers for check factories that read their config section: unknown keys,
// rules given inline or in a file, and error details rooted at the section's
// JSON pointer.

#include <initializer_list>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/chain/check_registry.hpp"

namespace kagami::security {

/// `s` as a JSON string for an error detail, cut to 64 bytes ("..." after).
std::string quote_text(std::string_view s);

/// ec::config_invalid "POINTER: unknown key" for the first key of the object
/// `section` that is not in `known`, "POINTER: expected an object" if
/// `section` is not an object; else an empty error.
caf::error only_keys(const nlohmann::json& section, const std::string& pointer,
                     std::initializer_list<std::string_view> known);

/// Re-roots the error of a rules parser whose detail starts with a pointer
/// relative to its document ("/3/pattern: what", "(root): what") under
/// `pointer`: "POINTER/3/pattern: what". Details without a leading pointer
/// become "POINTER: detail". The code stays ec::config_invalid.
caf::error rebase_error(const caf::error& err, const std::string& pointer);

/// The rules of a check, given either inline (key "rules") or as a file
/// (key "rulesFile", resolved against check_context::base_dir).
struct rules_source {
  /// The inline rules, or null when they come from a file.
  const nlohmann::json* inline_rules = nullptr;
  /// The file's contents when they come from a file.
  std::string text;
  /// "POINTER/rules", or "POINTER/rulesFile" for a file.
  std::string pointer;
  /// The file name as configured (empty for inline rules).
  std::string file;

  /// An error of parsing `text` (a file) or `*inline_rules`, rooted at
  /// `pointer`; for a file the detail reads "POINTER/rulesFile: \"FILE\":
  /// /3/pattern: what".
  caf::error wrap(const caf::error& err) const;
};

/// Reads the "rules" / "rulesFile" pair of `section` (exactly one must be
/// present). Errors: both or neither given, a rulesFile that is not a
/// non-empty string, a file that cannot be read (the reason is named). The
/// rest of `section` is the caller's to check.
caf::expected<rules_source> read_rules_source(const nlohmann::json& section,
                                              const check_context& ctx);

} // namespace kagami::security
