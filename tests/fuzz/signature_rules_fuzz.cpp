// libFuzzer target for the signature rules file parser (signature_rules.hpp).
//
// Parse only: compiling patterns with Hyperscan is too slow for fuzzing and is
// Hyperscan's own parser, not ours. Invariants: parse_signature_rules never
// crashes or throws; every accepted rule keeps the documented contract (id
// 1..64 printable, pattern non-empty without NUL, fields non-empty and
// unique, ids unique).

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "actors/security/validation/signature_rules.hpp"

using namespace kagami::security;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  signature_limits limits;
  auto rules = parse_signature_rules(text, limits);
  if (!rules)
    return 0;
  std::set<std::string> ids;
  for (auto& rule : *rules) {
    if (rule.id.empty() || rule.id.size() > limits.max_id_length)
      std::abort();
    if (rule.pattern.empty() || rule.pattern.find('\0') != std::string::npos)
      std::abort();
    if (rule.fields.empty() || rule.fields.size() > request_field_count)
      std::abort();
    if (!ids.insert(rule.id).second)
      std::abort();
  }
  return 0;
}
