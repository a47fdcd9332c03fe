#pragma once

// Parsing of an origin-form request target ("/path?query") into the decoded
// path and query parameters. Plain C++, no I/O.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kagami::http {

/// A decoded request target.
struct target_parts {
  /// The percent-decoded path, e.g. "/things/a b".
  std::string path;
  /// The decoded query parameters in order; '+' decodes to a space; a
  /// parameter without '=' has the value "".
  std::multimap<std::string, std::string> query;
};

/// Decodes `target` into `out`. Returns an error text, safe to show to the
/// client, when the target is not origin-form ('/' first), contains bytes
/// outside visible ASCII or a '#', has an invalid percent escape, or when
/// decoding yields '/' inside the path (an encoded slash) or a NUL or other
/// control character anywhere. `out` is unspecified on error.
std::optional<std::string> parse_target(std::string_view target,
                                        target_parts& out);

} // namespace kagami::http
