#pragma once

// Field readers shared by the simulator config parsers. A reader throws
// sim_json_failure with the JSON pointer of the bad field; the parsers catch
// it at their entry point and return a sim_config_error, so nothing throws
// out of a parser.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

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

std::string pointer_token(const std::string& key);

} // namespace kagami::devsim::detail
