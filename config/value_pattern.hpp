#pragma once

// How the design information names one identifier of a device: an exact
// value, a glob or a range of dotted numeric versions. Pure string code; the
// values it is applied to come from untrusted profiles, so every check runs
// in time linear in its inputs (no regular expressions, no backtracking).

#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::config {

/// A glob: `*` matches any run of bytes (the empty one too), `?` exactly one
/// byte; every other byte matches itself (case-sensitive). There is no
/// escape and no character class. Runs in O(|pattern| * |text|) worst case
/// and O(|pattern| + |text|) typically; never backtracks exponentially.
bool glob_match(std::string_view pattern, std::string_view text);

/// A dotted numeric version: "2", "2.1", "2.10.0". Components are decimal
/// digit runs of any length (compared as numbers, no overflow). Anything
/// else ("2.1-rc1", "v2", "2..1", "") is not a version.
bool is_version(std::string_view s);

/// Compares two versions (both must satisfy is_version). Missing trailing
/// components count as 0: "2.1" == "2.1.0". Returns <0, 0 or >0.
int compare_versions(std::string_view x, std::string_view y);

/// One comparator of a version range.
struct version_bound {
  enum class op { eq, lt, le, gt, ge };
  op cmp = op::eq;
  std::string version;

  /// Whether `v` (a version) satisfies this bound.
  bool holds(std::string_view v) const;

  friend bool operator==(const version_bound&, const version_bound&) = default;
};

/// Parses a range: comparators (">=", ">", "<=", "<", "=") each directly
/// followed by a version, separated by spaces; all must hold. At most 8
/// comparators and 64 characters. Fails with ec::config_invalid and a
/// reason ("unknown comparator ...", "\"2.x\" is not a dotted numeric
/// version", "the range is empty").
caf::expected<std::vector<version_bound>> parse_version_range(std::string_view text);

/// An identifier pattern of the design information.
struct value_pattern {
  enum class kind {
    exact, ///< equal bytes
    glob,  ///< glob_match
    range, ///< every bound holds; the value must be a version
  };

  kind how = kind::exact;
  /// The value, the glob or the range as written in the config.
  std::string text;
  /// The parsed range (kind::range only).
  std::vector<version_bound> bounds;

  static value_pattern exact(std::string value);
  static value_pattern glob(std::string pattern);
  /// Fails like parse_version_range.
  static caf::expected<value_pattern> range(std::string text);

  /// Whether `value` matches. An empty value never matches (unknown).
  bool matches(std::string_view value) const;

  /// Why `value` does (ok) or does not match, for the evidence of a
  /// decision, prefixed with `field`:
  ///   "vendor EVILCO matches EVIL*", "product KS-PLC900 ≠ KS-PLC200",
  ///   "firmware 3.1 not in >=2.0 <3.0", "firmware unknown",
  ///   "firmware 2.1-rc1 is not a dotted numeric version (range >=2.0)".
  std::string explain(std::string_view field, std::string_view value) const;

  /// The pattern as the config writes it: "KS-PLC200", "glob EVIL*",
  /// "range >=2.0 <3.0".
  std::string describe() const;

  friend bool operator==(const value_pattern&, const value_pattern&) = default;
};

} // namespace kagami::config
