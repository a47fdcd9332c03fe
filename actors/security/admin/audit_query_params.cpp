#include "actors/security/admin/audit_query_params.hpp"

#include <charconv>
#include <set>

#include "actors/core/error.hpp"

namespace kagami::security {

namespace {

template <class T>
bool parse_number(const std::string& text, T& out) {
  if (text.empty() || text.size() > 20)
    return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

caf::expected<storage::audit_filter>
parse_audit_query(const std::multimap<std::string, std::string>& params) {
  static const std::set<std::string> known{"subject", "thing", "op",  "outcome",
                                           "from",    "to",    "after", "limit"};
  storage::audit_filter f;
  for (auto& [key, value] : params) {
    if (known.count(key) == 0)
      return make_error(ec::invalid_value, "unknown query parameter '" + key + "'");
    if (params.count(key) > 1)
      return make_error(ec::invalid_value, "query parameter '" + key + "' given twice");
    // Captured by name: clang 14 cannot capture a structured binding.
    auto bad = [&name = key](const char* what) {
      return make_error(ec::invalid_value, "query parameter '" + name + "': " + what);
    };
    if (key == "subject") {
      f.subject = value;
    } else if (key == "thing") {
      f.thing = value;
    } else if (key == "op") {
      f.op = value;
    } else if (key == "outcome") {
      f.outcome = storage::parse_audit_outcome(value);
      if (!f.outcome)
        return bad("expected allowed, denied or error");
    } else if (key == "from" || key == "to") {
      int64_t ms = 0;
      if (!parse_number(value, ms) || ms < 0)
        return bad("expected milliseconds since the Unix epoch");
      (key == "from" ? f.from_ms : f.to_ms) = ms;
    } else if (key == "after") {
      if (!parse_number(value, f.after_sequence))
        return bad("expected a sequence number");
    } else {
      size_t n = 0;
      if (!parse_number(value, n) || n == 0 || n > storage::max_audit_query_limit)
        return bad("expected 1 to 10000");
      f.limit = n;
    }
  }
  return f;
}

} // namespace kagami::security
