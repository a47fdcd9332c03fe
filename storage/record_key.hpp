#pragma once

// Naming a record in an error message: "CF/KEY" with the bytes of KEY that
// are not printable ASCII escaped as \xNN (keys are arbitrary bytes).

#include <cstdio>
#include <string>
#include <string_view>

namespace kagami::storage {

inline std::string printable_key(std::string_view key) {
  std::string result;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      result += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      result += buf;
    }
  }
  return result;
}

inline std::string record_name(std::string_view cf, std::string_view key) {
  return std::string{cf} + "/" + printable_key(key);
}

} // namespace kagami::storage
