#pragma once

// Pure parsing of the replies of HTTP/JSON devices: the body is untrusted
// bytes. No I/O. Never throws, never crashes on any input.

#include <cstddef>
#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "config/json_depth.hpp"

namespace kagami::protocols::http_device {

/// The limits of one device reply.
struct reply_limits {
  /// The largest reply body the adapter reads (the transport enforces it).
  static constexpr size_t body_limit = 1024 * 1024;
  /// The largest reply header block.
  static constexpr size_t header_limit = 16 * 1024;
  /// The deepest nesting of arrays and objects accepted in a reply; deeper
  /// documents are rejected before parsing, so no later recursive walk of the
  /// value (dump, compare, copy) can exhaust the stack.
  static constexpr size_t max_depth = 64;
};

/// The depth measure parse_reply applies (config/json_depth.hpp).
using config::json_nesting_depth;

/// Parses a reply body as one JSON value. Fails with ec::device_bad_reply when
/// the body is larger than reply_limits::body_limit, nests deeper than
/// reply_limits::max_depth or is not valid JSON (UTF-8 included).
caf::expected<nlohmann::json> parse_reply(std::string_view body);

/// Returns the value at the JSON pointer `pointer` in `doc`. Fails with
/// ec::config_invalid when `pointer` is not a valid JSON pointer and with
/// ec::device_bad_reply when `doc` has no value there.
caf::expected<nlohmann::json> select_pointer(const nlohmann::json& doc,
                                             const std::string& pointer);


} // namespace kagami::protocols::http_device
