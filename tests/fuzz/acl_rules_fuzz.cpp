// libFuzzer target for the ACL rules parser (actors/security/authz/acl_policy.hpp).
//
// Input: a rules file. Invariants: parse_acl_rules never crashes or throws;
// a parse is deterministic; a failure is ec::config_invalid whose detail
// starts with a JSON pointer ("/..."); a parsed rule set respects the limits
// (rule count, name lengths, ops non-empty, windows well-formed) and
// decide() over it never crashes and denies whenever no rule names the
// request's subject.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "actors/core/error.hpp"
#include "actors/security/authz/acl_policy.hpp"

using namespace kagami::security::authz;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  acl_limits limits;
  limits.max_rules = 64;
  limits.max_name = 32;
  auto rules = parse_acl_rules(text, limits);
  auto again = parse_acl_rules(text, limits);
  check(static_cast<bool>(rules) == static_cast<bool>(again));
  if (!rules) {
    check(kagami::code_of(rules.error()) == kagami::ec::config_invalid);
    auto detail = kagami::detail_of(rules.error());
    check(!detail.empty() && detail[0] == '/');
    check(kagami::detail_of(again.error()) == detail);
    return 0;
  }
  check(*rules == *again);
  check(rules->size() <= limits.max_rules);
  for (auto& r : *rules) {
    check(!r.subject_name.empty() && r.subject_name.size() <= limits.max_name);
    check(r.thing_value.size() <= limits.max_name);
    check((r.thing == acl_rule::thing_type::any) == r.thing_value.empty());
    check(!r.affordance.empty() && r.affordance.size() <= limits.max_name);
    check(r.ops != 0 && r.ops <= 0x0f);
    if (r.window) {
      check(r.window->days != 0 && r.window->days <= 0x7f);
      check(r.window->from < 1440 && r.window->to >= 1 && r.window->to <= 1440);
      check(r.window->from != r.window->to);
      check(r.window->offset_minutes > -1440 && r.window->offset_minutes < 1440);
      check(!to_string(*r.window).empty());
    }
  }
  acl_policy policy{std::move(*rules)};
  const std::string roles[] = {"operator"};
  const std::string tags[] = {"line-1"};
  access_request req;
  req.subject = "fuzz-subject-that-no-rule-can-name-because-it-is-long";
  req.kind = kagami::security::authz::subject_kind::user;
  req.thing_id = "press-1";
  req.model = "press";
  req.tags = tags;
  req.affordance = "setpoint";
  req.time = std::chrono::system_clock::time_point{} + std::chrono::hours{24 * 20000 + 7};
  for (int op = 0; op < 4; ++op) {
    req.op = static_cast<operation>(op);
    req.roles = {};
    auto v = policy.decide(req);
    check(!v.allowed && !v.reason.empty());
    req.roles = roles;
    auto w = policy.decide(req);
    check(!w.reason.empty());
    check(!w.rule || *w.rule < policy.rules().size());
    check(!w.allowed || (w.rule && !policy.rules()[*w.rule].deny));
  }
  return 0;
}
