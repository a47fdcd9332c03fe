#pragma once

// Helpers of the config unit tests: edits of a valid base document, so that
// each table row shows only what it breaks.

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/embedded_files.hpp"
#include "config/json_reader.hpp"
#include "config/site_config.hpp"

namespace kagami::config::test {

/// Sets the JSON `value` at `pointer`; the value "<delete>" removes the field.
struct edit {
  std::string pointer;
  std::string value;
};

/// One table row: edits of the base document and the error they must give.
struct bad_case {
  std::vector<edit> edits;
  std::string field;
  /// The reason must start with this.
  std::string reason;
};

inline std::ostream& operator<<(std::ostream& os, const bad_case& x) {
  os << "{";
  for (auto& e : x.edits)
    os << e.pointer << " = " << e.value << "; ";
  return os << "} -> " << x.field << ": " << x.reason;
}

inline std::string edited(std::string text, const std::vector<edit>& edits) {
  auto doc = json_value::parse(text);
  for (auto& e : edits) {
    json_value::json_pointer ptr{e.pointer};
    if (e.value == "<delete>")
      doc[ptr.parent_pointer()].erase(ptr.back());
    else
      doc[ptr] = json_value::parse(e.value);
  }
  return doc.dump(2);
}

/// The text of an embedded file; fails the test if missing.
inline std::string embedded(const std::string& path) {
  auto text = find_embedded_file(path);
  EXPECT_TRUE(text.has_value()) << path;
  return text ? std::string{*text} : std::string{};
}

/// A read_file_fn over an in-memory file system.
inline read_file_fn fake_files(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& path,
                                    std::string& why)
           -> std::optional<std::string> {
    if (auto i = files.find(path); i != files.end())
      return i->second;
    why = "No such file or directory";
    return std::nullopt;
  };
}

} // namespace kagami::config::test
