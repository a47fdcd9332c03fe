#include "actors/onboarding/design_matcher.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace kagami::onboarding {

namespace {

using config::identity_rule;
using config::value_pattern;
using protocols::device_profile;

struct profile_field {
  std::string_view name;
  std::optional<value_pattern> identity_rule::*rule;
  std::string device_profile::*value;
};

/// The fields in the order their evidence is given.
constexpr std::array<profile_field, 8> fields{{
  {"vendor", &identity_rule::vendor, &device_profile::vendor},
  {"product", &identity_rule::product, &device_profile::product},
  {"model number", &identity_rule::model_number, &device_profile::model_number},
  {"firmware", &identity_rule::firmware, &device_profile::firmware},
  {"hardware", &identity_rule::hardware, &device_profile::hardware},
  {"serial", &identity_rule::serial, &device_profile::serial},
  {"category", &identity_rule::category, &device_profile::category},
  {"udn", &identity_rule::udn, &device_profile::udn},
}};

/// How one rule fares against one device: counts only, so that matching
/// stays cheap; evidence() words it for the entries that are reported.
struct evaluation {
  size_t matched = 0;
  size_t failed = 0;
  /// The rule names the device's MAC.
  bool mac_hit = false;

  bool holds() const {
    return failed == 0;
  }
};

evaluation evaluate(const identity_rule& rule, const std::string& mac,
                    const device_profile& p) {
  evaluation e;
  if (!rule.mac.empty()) {
    if (!mac.empty() && mac == rule.mac) {
      e.mac_hit = true;
      ++e.matched;
    } else {
      ++e.failed;
    }
  }
  for (auto& f : fields) {
    auto& pattern = rule.*f.rule;
    if (!pattern)
      continue;
    if (pattern->matches(p.*f.value))
      ++e.matched;
    else
      ++e.failed;
  }
  return e;
}

/// The evidence of the fields of `rule` that match (`passing`) or fail.
std::vector<std::string> evidence(const identity_rule& rule,
                                  const std::string& mac,
                                  const device_profile& p, bool passing) {
  std::vector<std::string> result;
  if (!rule.mac.empty()) {
    bool ok = !mac.empty() && mac == rule.mac;
    if (ok == passing)
      result.push_back(mac.empty() ? std::string{"MAC unknown"}
                                   : "MAC " + mac + (ok ? " = " : " \u2260 ")
                                       + rule.mac);
  }
  for (auto& f : fields) {
    auto& pattern = rule.*f.rule;
    if (pattern && pattern->matches(p.*f.value) == passing)
      result.push_back(pattern->explain(f.name, p.*f.value));
  }
  return result;
}

std::string join(const std::vector<std::string>& xs, std::string_view sep) {
  std::string result;
  for (auto& x : xs) {
    if (!result.empty())
      result += sep;
    result += x;
  }
  return result;
}

/// "a", "a and b", "a, b and c".
std::string list_names(const std::vector<std::string>& names) {
  std::string result;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      result += i + 1 == names.size() ? " and " : ", ";
    result += names[i];
  }
  return result;
}

/// The MAC as compared: normalized if it parses, else lower-cased as is
/// (then it equals no configured MAC).
std::string comparable_mac(const std::string& mac) {
  if (auto norm = config::normalize_mac(mac))
    return *norm;
  std::string result = mac;
  for (auto& c : result)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return result;
}

} // namespace

std::string match_result::reason() const {
  return join(reasons, "; ");
}

const char* to_string(match_result::verdict x) {
  switch (x) {
    case match_result::verdict::admitted:
      return "admitted";
    case match_result::verdict::blocked:
      return "blocked";
    case match_result::verdict::ambiguous:
      return "ambiguous";
    case match_result::verdict::spoofed:
      return "spoofed";
    case match_result::verdict::no_match:
      return "no match";
  }
  return "?";
}

match_result match(const config::design_info& design,
                   const protocols::device_sighting& sighting,
                   const protocols::device_profile& profile) {
  match_result result;
  auto mac = comparable_mac(sighting.mac);
  // 1. The block list wins over everything.
  for (size_t i = 0; i < design.blocked.size(); ++i) {
    auto e = evaluate(design.blocked[i], mac, profile);
    if (e.holds()) {
      result.outcome = match_result::verdict::blocked;
      result.reasons.push_back(
        "blocked by blocked[" + std::to_string(i) + "]: "
        + join(evidence(design.blocked[i], mac, profile, true), ", "));
      return result;
    }
  }
  // 2. Every allowed entry, in config order.
  std::vector<evaluation> evals;
  evals.reserve(design.allowed.size());
  std::vector<size_t> pinned_hits;
  std::vector<size_t> unpinned_hits;
  for (size_t i = 0; i < design.allowed.size(); ++i) {
    evals.push_back(evaluate(design.allowed[i].match, mac, profile));
    if (evals.back().holds())
      (design.allowed[i].match.pinned() ? pinned_hits : unpinned_hits)
        .push_back(i);
  }
  // 3. A MAC that an entry pins belongs to that entry: a device with it
  //    that fits none of its owners is refused, even if an unpinned entry
  //    would take it (the spoofing case).
  std::vector<size_t> owners;
  for (size_t i = 0; i < evals.size(); ++i)
    if (evals[i].mac_hit)
      owners.push_back(i);
  if (!owners.empty()
      && std::none_of(owners.begin(), owners.end(),
                      [&](size_t i) { return evals[i].holds(); })) {
    result.outcome = match_result::verdict::spoofed;
    for (auto i : owners)
      result.reasons.push_back(
        "MAC " + mac + " belongs to entry " + design.allowed[i].name + ", but "
        + join(evidence(design.allowed[i].match, mac, profile, false), ", "));
    return result;
  }
  // 4. Pinned beats unpinned; a tie is ambiguous.
  auto& hits = pinned_hits.empty() ? unpinned_hits : pinned_hits;
  if (hits.size() == 1) {
    auto i = hits.front();
    result.outcome = match_result::verdict::admitted;
    result.entry = &design.allowed[i];
    result.index = i;
    result.reasons.push_back(
      design.allowed[i].name + ": "
      + join(evidence(design.allowed[i].match, mac, profile, true), ", "));
    return result;
  }
  if (hits.size() > 1) {
    std::vector<std::string> names;
    for (auto i : hits)
      names.push_back(design.allowed[i].name);
    result.outcome = match_result::verdict::ambiguous;
    result.reasons.push_back(
      "ambiguous: entries " + list_names(names)
      + (names.size() == 2 ? " both match; " : " all match; ")
      + (pinned_hits.empty() ? "pin one by mac, serial or udn"
                             : "make their fields exclusive"));
    return result;
  }
  // 5. No match: explain the closest entries (in config order).
  result.outcome = match_result::verdict::no_match;
  if (design.allowed.empty()) {
    result.reasons.push_back("the design allows no devices");
    return result;
  }
  // Closest: most fields matched, then fewest failed.
  auto closeness = [&](size_t i) {
    return std::pair{evals[i].matched, -static_cast<ptrdiff_t>(evals[i].failed)};
  };
  auto best = closeness(0);
  for (size_t i = 1; i < evals.size(); ++i)
    best = std::max(best, closeness(i));
  for (size_t i = 0; i < evals.size(); ++i) {
    if (closeness(i) != best)
      continue;
    if (result.reasons.size() == max_explained_entries)
      break;
    result.reasons.push_back(
      design.allowed[i].name + ": "
      + join(evidence(design.allowed[i].match, mac, profile, false), "; "));
  }
  return result;
}

} // namespace kagami::onboarding
