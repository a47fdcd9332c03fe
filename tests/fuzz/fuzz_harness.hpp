#pragma once

// Helpers of the fuzz entry points (tests/fuzz/*_fuzz.cpp). A failed
// invariant aborts: libFuzzer reports it as a crash, and the seed replay in
// CI (replay_main.cpp) fails.

#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kagami::fuzz {

/// Aborts unless `ok`.
inline void check(bool ok) {
  if (!ok)
    std::abort();
}

/// Drives a config section parser that has an overload for nlohmann::json
/// and one for nlohmann::ordered_json (what the site config parser holds):
/// parses `text` both ways with exceptions off and, if it is JSON, calls
/// `parse` on both values and `check_result` on each result, then checks
/// that both agree on acceptance and, when both accept, `same(a, b)`.
template <class Parse, class CheckResult, class Same>
void check_both_json_forms(std::string_view text, Parse parse,
                           CheckResult check_result, Same same) {
  auto plain = nlohmann::json::parse(text, nullptr, false);
  auto ordered = nlohmann::ordered_json::parse(text, nullptr, false);
  check(plain.is_discarded() == ordered.is_discarded());
  if (plain.is_discarded())
    return;
  auto from_plain = parse(plain);
  auto from_ordered = parse(ordered);
  check_result(from_plain);
  check_result(from_ordered);
  check(static_cast<bool>(from_plain) == static_cast<bool>(from_ordered));
  if (from_plain)
    check(same(*from_plain, *from_ordered));
}

} // namespace kagami::fuzz
