#pragma once

// The signature rules file: ids, Hyperscan patterns, severities and the
// request fields each pattern is matched against. Decoding only; compiling
// the patterns is signature_matcher's job.
//
// Format (JSON array):
//   [{"id": "KG-1001", "pattern": "\\$\\{jndi:", "severity": "high",
//     "fields": ["body", "uri", "headers"], "flags": ["caseless", "dotall"]}]
// "flags" is optional (default none).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::security {

enum class signature_severity : uint8_t { low, medium, high };

/// The part of a request a rule is matched against. Values are indexes.
enum class request_field : uint8_t { uri = 0, headers = 1, body = 2 };

inline constexpr size_t request_field_count = 3;

const char* to_string(signature_severity x);
const char* to_string(request_field x);

struct signature_rule {
  std::string id;
  /// A Hyperscan (PCRE subset) expression; never contains a NUL byte.
  std::string pattern;
  signature_severity severity = signature_severity::high;
  /// Not empty, no duplicates.
  std::vector<request_field> fields;
  bool caseless = false;
  bool dotall = false;
};

struct signature_limits {
  size_t max_file_bytes = 1 << 20;
  size_t max_rules = 4096;
  size_t max_id_length = 64;
  size_t max_pattern_length = 4096;
};

/// Decodes a rules file. Errors are ec::config_invalid whose detail starts
/// with the JSON pointer of the offending value, e.g. "/2/severity: expected
/// one of high, medium, low". Ids must be unique, non-empty and printable
/// ASCII. Never throws; untrusted input is fine.
caf::expected<std::vector<signature_rule>>
parse_signature_rules(std::string_view text, const signature_limits& limits = {});

} // namespace kagami::security
