#pragma once

// The nesting depth of JSON text, measured before it is parsed: parsers of
// untrusted JSON refuse documents nested deeper than their limit, so no
// recursive walk of the parsed value (dump, compare, copy) can exhaust the
// stack. Header-only, so any library can use it without a link dependency.

#include <cstddef>
#include <string_view>

namespace kagami::config {

/// The deepest nesting of JSON arrays and objects in `text`, counting only
/// brackets outside strings (escaped quotes do not end a string). Works on
/// any bytes. Stops as soon as the depth reaches `cap` and returns it, so
/// `json_nesting_depth(text, limit + 1) > limit` tests a limit in O(limit)
/// memory and at most one pass.
inline size_t json_nesting_depth(std::string_view text, size_t cap) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest >= cap)
            return deepest;
        }
        break;
      case ']':
      case '}':
        if (depth > 0)
          --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

} // namespace kagami::config
