#pragma once

// Reads the fields of parsed config JSON: checks types, ranges and unknown
// keys, and tracks the JSON pointer of every field so that an error names the
// file, the field and the reason. Used by the config parsers only.
//
// Readers record the first error in an error_sink and keep going with
// defaults, so parsing code stays linear; a parser checks sink.ok() before it
// relies on a result that depends on earlier fields.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/site_config.hpp"

namespace kagami::config {

/// Config JSON keeps the order of object keys, so affordances keep the order
/// of their file.
using json_value = nlohmann::ordered_json;

/// Whether a field must be present.
enum class need { optional, required };

/// Escapes one reference token of a JSON pointer (RFC 6901).
std::string pointer_token(std::string_view key);

/// True if `p` is a syntactically valid JSON pointer: "" or "/"-separated
/// tokens in which every "~" is followed by "0" or "1".
bool is_json_pointer(std::string_view p);

/// Formats a number for messages: integers without a fraction, others with
/// up to 15 significant digits.
std::string format_number(double x);

/// Parses `text` as JSON. Rejects syntax errors (with line and column) and
/// duplicate keys in one object (with the pointer of the second one). `file`
/// names the source in errors. Never throws.
std::variant<json_value, config_error> parse_json(const std::string& text,
                                                  const std::string& file);

/// Holds the first error of one parse.
class error_sink {
 public:
  explicit error_sink(std::string file);

  bool ok() const noexcept { return !error_; }

  /// Records an error at the JSON pointer `field` unless one is recorded
  /// already. Always returns false.
  bool fail(std::string field, std::string reason);

  /// Records `err`, which may name another file (an included model file),
  /// unless an error is recorded already. Always returns false.
  bool fail(config_error err);

  const std::string& file() const noexcept { return file_; }

  /// The recorded error; requires !ok().
  const config_error& error() const { return *error_; }

 private:
  std::string file_;
  std::optional<config_error> error_;
};

/// Reads the fields of one JSON object at a JSON pointer. Every read_* call
/// leaves `out` alone when the key is absent and returns true only if the key
/// is present and valid; a present but invalid value, or an absent required
/// one, records an error.
class object_reader {
 public:
  /// Records an error if `value` is not an object.
  object_reader(error_sink& sink, const json_value& value, std::string pointer);

  /// True if the value is an object.
  bool valid() const noexcept { return obj_ != nullptr; }

  error_sink& sink() const noexcept { return *sink_; }
  const std::string& pointer() const noexcept { return pointer_; }

  /// The JSON pointer of `key` in this object.
  std::string path(std::string_view key) const;

  /// Records an error at `key` (which need not be present). Returns false.
  bool fail(std::string_view key, std::string reason) const;

  /// Rejects the first key that is not in `known`, suggesting a near match.
  bool known_keys(std::initializer_list<std::string_view> known) const;

  bool has(std::string_view key) const;

  /// The value of `key`, or nullptr if absent (an error if required).
  const json_value* get(std::string_view key, need n = need::optional) const;

  bool read(std::string_view key, std::string& out,
            need n = need::optional) const;
  bool read(std::string_view key, bool& out, need n = need::optional) const;
  /// Any finite number.
  bool read(std::string_view key, double& out, need n = need::optional) const;
  bool read(std::string_view key, std::optional<double>& out) const;

  /// An integer in [lo, hi].
  bool read_int(std::string_view key, int64_t& out, int64_t lo, int64_t hi,
                need n = need::optional) const;

  template <class Int>
  bool read_int(std::string_view key, Int& out, int64_t lo, int64_t hi,
                need n = need::optional) const {
    int64_t x = 0;
    if (!read_int(key, x, lo, hi, n))
      return false;
    out = static_cast<Int>(x);
    return true;
  }

  /// A string that names one of `names` (pairs of JSON name and value).
  template <class E, size_t N>
  bool read_enum(std::string_view key, E& out,
                 const std::array<std::pair<std::string_view, E>, N>& names,
                 need n = need::optional) const {
    std::string s;
    if (!read(key, s, n))
      return false;
    for (auto& [name, value] : names)
      if (name == s) {
        out = value;
        return true;
      }
    std::string expected;
    for (auto& entry : names)
      expected += (expected.empty() ? "" : ", ") + std::string{entry.first};
    return fail(key, "unknown value \"" + s + "\"; expected one of: "
                       + expected);
  }

  /// An object; nullptr if absent or not an object.
  const json_value* get_object(std::string_view key,
                               need n = need::optional) const;

  /// An array; nullptr if absent or not an array.
  const json_value* get_array(std::string_view key,
                              need n = need::optional) const;

 private:
  error_sink* sink_;
  const json_value* obj_;
  std::string pointer_;
};

/// Appends the optional "tags" array of the object behind `r` to `out`: each
/// element a tag (is_tag: 1 to 64 printable characters without spaces), none
/// twice. Records the first error in r.sink() at the element's pointer
/// (".../tags/N") and stops there. Shared by devices and design entries,
/// whose tags become the tags of the devices they admit.
void read_tags(const object_reader& r, std::vector<std::string>& out);

} // namespace kagami::config
