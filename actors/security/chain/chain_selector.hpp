#pragma once

// The selectors of a "security.chains" rule: which things ("id:press-1",
// "model:press", "tag:line-2", "*") and which subjects ("app:NAME",
// "user:NAME", "role:NAME", "*") a rule applies to.

#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "actors/security/authn/subject.hpp"

namespace kagami::security {

struct thing_selector {
  enum class kind : uint8_t { any, id, model, tag };
  kind what = kind::any;
  /// Empty for any.
  std::string value;

  bool matches(std::string_view thing_id, std::string_view model,
               const std::vector<std::string>& tags) const;

  /// The selector as written in the config.
  std::string to_string() const;
};

struct subject_selector {
  enum class kind : uint8_t { any, app, user, role };
  kind what = kind::any;
  /// Empty for any.
  std::string value;

  bool matches(const authn::subject& who) const;

  std::string to_string() const;
};

/// Parses "id:ID", "model:MODEL", "tag:TAG" or "*". Ids and models follow
/// config::is_id, tags config::is_tag. Errors: ec::config_invalid
/// "POINTER: ..." with `pointer` naming the value.
caf::expected<thing_selector> parse_thing_selector(std::string_view text,
                                                   const std::string& pointer);

/// Parses "app:NAME", "user:NAME", "role:NAME" or "*". Names are 1 to 256
/// bytes without control characters.
caf::expected<subject_selector>
parse_subject_selector(std::string_view text, const std::string& pointer);

} // namespace kagami::security
