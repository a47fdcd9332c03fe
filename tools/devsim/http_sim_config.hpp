#pragma once

// The config of a simulated HTTP/JSON device: JSON documents served by GET,
// writable values (PUT), actions, raw replies for fault tests, and dynamics.
// Parsed from JSON; the format is documented in README.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/devsim/sim_config_error.hpp"

namespace kagami::devsim {

struct http_sim_limits {
  static constexpr size_t max_paths = 1024;
  /// Nested objects and arrays in the config; copying a document recurses
  /// once per level.
  static constexpr int max_depth = 64;
  static constexpr uint32_t min_every_ms = 10;
  /// Request limits of the simulator's own server.
  static constexpr uint32_t header_limit = 8 * 1024;
  static constexpr uint32_t body_limit = 64 * 1024;
};

/// A location inside a served document.
struct document_ref {
  std::string document; // a key of http_sim_config::documents
  std::string pointer;  // a JSON pointer into it
};

/// PUT `path` with a JSON body stores the body at `target`.
struct http_writable {
  document_ref target;
  /// "number" (integers too), "integer", "boolean", "string" or "" (any).
  std::string type;
  std::optional<double> minimum;
  std::optional<double> maximum;
};

/// `method` `path` runs an action: stores the input (when `store_input` is
/// set), applies `set`, and replies `status` with `reply` (no body if null).
struct http_action {
  std::string method = "POST";
  unsigned status = 200;
  nlohmann::json reply;
  std::optional<document_ref> store_input;
  std::vector<std::pair<document_ref, nlohmann::json>> set;
};

/// A fixed reply for any method: used to simulate broken devices.
struct http_raw_reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

/// A number in a document that changes over time: it moves by `step` every
/// `every_ms` and bounces between `min` and `max`.
struct http_dynamic {
  document_ref target;
  double step = 1;
  uint32_t every_ms = 1000;
  double min = 0;
  double max = 0;
};

struct http_sim_config {
  std::map<std::string, nlohmann::json> documents;
  std::map<std::string, http_writable> writable;
  std::map<std::string, http_action> actions;
  std::map<std::string, http_raw_reply> raw;
  std::vector<http_dynamic> dynamics;
};

/// Parses and validates a config; `file` only names the source in errors.
/// Never throws.
std::variant<http_sim_config, sim_config_error>
parse_http_sim_config(std::string_view text, const std::string& file);

} // namespace kagami::devsim
