// libFuzzer target for the filters of GET /admin/audit
// (actors/security/admin/audit_query_params.hpp).
//
// Input: a query string. The harness splits it on '&' into parameters and
// each at its first '=' into name and value (no '=': an empty value), the
// way the router hands them over, and calls parse_audit_query on the
// resulting multimap.
//
// Invariants: parse_audit_query never crashes or throws; a failure is
// ec::invalid_value whose detail names a query parameter; an accepted
// filter comes from known names given at most once each, carries the text
// values verbatim, an outcome that round-trips through to_string, from/to
// of at least 0, and a limit of 1..max_audit_query_limit (100 when absent).

#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "actors/core/error.hpp"
#include "actors/security/admin/audit_query_params.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami;
using kagami::fuzz::check;

namespace {

std::multimap<std::string, std::string> split_query(std::string_view text) {
  std::multimap<std::string, std::string> params;
  while (true) {
    auto amp = text.find('&');
    auto part = text.substr(0, amp);
    auto eq = part.find('=');
    if (eq == std::string_view::npos)
      params.emplace(std::string{part}, std::string{});
    else
      params.emplace(std::string{part.substr(0, eq)},
                     std::string{part.substr(eq + 1)});
    if (amp == std::string_view::npos)
      return params;
    text.remove_prefix(amp + 1);
  }
}

/// The single value of `key`, which must be present exactly once.
const std::string& only_value(const std::multimap<std::string, std::string>& m,
                              const std::string& key) {
  check(m.count(key) == 1);
  return m.find(key)->second;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto params = split_query(text);
  auto filter = security::parse_audit_query(params);
  if (!filter) {
    check(code_of(filter.error()) == ec::invalid_value);
    check(detail_of(filter.error()).find("query parameter '")
          != std::string::npos);
    return 0;
  }
  static const std::set<std::string> known{"subject", "thing", "op",  "outcome",
                                           "from",    "to",    "after", "limit"};
  for (const auto& [key, value] : params) {
    check(known.count(key) == 1);
    check(params.count(key) == 1);
  }
  auto same_text = [&](const std::optional<std::string>& field, const char* key) {
    check(field.has_value() == (params.count(key) == 1));
    if (field)
      check(*field == only_value(params, key));
  };
  same_text(filter->subject, "subject");
  same_text(filter->thing, "thing");
  same_text(filter->op, "op");
  check(filter->outcome.has_value() == (params.count("outcome") == 1));
  if (filter->outcome)
    check(storage::to_string(*filter->outcome) == only_value(params, "outcome"));
  check(filter->from_ms.has_value() == (params.count("from") == 1));
  check(filter->to_ms.has_value() == (params.count("to") == 1));
  check(!filter->from_ms || *filter->from_ms >= 0);
  check(!filter->to_ms || *filter->to_ms >= 0);
  if (params.count("limit") == 0)
    check(filter->limit == 100);
  check(filter->limit >= 1 && filter->limit <= storage::max_audit_query_limit);
  if (params.count("after") == 0)
    check(filter->after_sequence == 0);
  return 0;
}
