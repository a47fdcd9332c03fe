#pragma once

// Field readers shared by the simulator config parsers. A reader throws
// sim_json_failure with the JSON pointer of the bad field; the parsers catch
// it at their entry point and return a sim_config_error, so nothing throws
// out of a parser.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "config/json_reader.hpp"
#include "tools/devsim/sim_config_error.hpp"

namespace kagami::devsim::detail {

struct sim_json_failure {
  std::string field;
  std::string reason;
};

/// A JSON value and the JSON pointer where it sits.
struct node {
  const nlohmann::json& value;
  std::string path;

  [[noreturn]] void fail(const std::string& reason) const;

  /// The member `key`, or nullopt when absent. Requires an object.
  std::optional<node> get(const std::string& key) const;
  node at(const std::string& key) const;
  node at(size_t index) const;

  void require_object() const;
  void require_array() const;
  /// Rejects members not in `keys`; members named "comment" or starting with
  /// "_" are always allowed.
  void allow_only(std::initializer_list<const char*> keys) const;

  double number() const;
  /// A whole number within [lo, hi].
  int64_t integer(int64_t lo, int64_t hi) const;
  std::string string() const;
  bool boolean() const;
};

/// Escapes one JSON pointer token (RFC 6901): config's own.
using config::pointer_token;

/// Parses `text` as JSON. Throws sim_json_failure at the root ("nests deeper
/// than N levels") when a container starts inside `max_depth` others, and
/// nlohmann::json::exception when `text` is not JSON.
nlohmann::json parse_json_limited(std::string_view text, int max_depth);

/// What `parse()` returns, or what it throws as the sim_config_error of
/// `file`: a sim_json_failure with its field and reason, a JSON error with its
/// message at the root. A parser's entry point, so that none throws.
template <class Config, class Parse>
std::variant<Config, sim_config_error> config_or_error(const std::string& file,
                                                       Parse&& parse) {
  try {
    return parse();
  } catch (const sim_json_failure& f) {
    return sim_config_error{file, f.field, f.reason};
  } catch (const nlohmann::json::exception& e) {
    return sim_config_error{file, "", e.what()};
  }
}

} // namespace kagami::devsim::detail
