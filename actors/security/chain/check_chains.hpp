#pragma once

// The compiled "security.checks" and "security.chains" config sections: the
// named check instances and, per thing and subject, the ordered chain of
// checks a request runs through.
//
//   "checks": {                      // instance name -> {"type": ..., own keys}
//     "acl":  {"type": "acl", "rulesFile": "acl.json"},
//     "sigs": {"type": "signatures", "rulesFile": "security/signatures.json"},
//     "use":  {"type": "expected_use", "rate_limit": {...}}},
//   "chains": {
//     "default": ["acl", "sigs", "use"],
//     "rules": [{"thing": "tag:line-2", "subject": "role:maintenance",
//                "chain": ["acl", "use"]}]}
//
// A rule's "thing" is "id:ID", "model:MODEL", "tag:TAG" or "*"; its optional
// "subject" is "app:NAME", "user:NAME", "role:NAME" or "*" (default). The
// first rule whose selectors both match picks the chain; else "default".
// Every chain, the default included, must contain a check of type "acl", so
// that deny by default cannot be configured away.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/chain/chain_selector.hpp"
#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/check_request.hpp"
#include "actors/security/chain/security_check.hpp"
#include "actors/security/chain/verdict.hpp"

namespace kagami::security {

namespace detail {
struct chains_state;
} // namespace detail

/// The check type every chain must contain: authorization by ACL, deny by
/// default (acl/acl_check.hpp).
inline constexpr std::string_view authorization_check_type = "acl";

/// Bounds of the two sections; exceeding one fails make().
struct check_chain_limits {
  size_t max_checks = 256;
  size_t max_rules = 4096;
  size_t max_chain_length = 64;
};

/// Owns the check instances and the chains over them.
///
/// Threading: not thread-safe. One owner (the frontend's strand) calls run()
/// and observe() on one thread at a time; the checks keep state (rate
/// buckets, last values, scratch) without locks. Several strands need
/// several check_chains, each with its own state (and so, e.g., its own
/// rate-limit buckets).
///
/// Lifetime: self-contained after make(); it keeps nothing that the
/// arguments of make() own. Movable; moving keeps the check instances (and
/// the pointers select() hands out) in place.
class check_chains {
public:
  /// Compiles the sections. `ctx.pointer` is the JSON pointer of the
  /// sections' parent (e.g. "/security"); the sections sit at
  /// "POINTER/checks" and "POINTER/chains". Errors are ec::config_invalid
  /// whose detail starts with the pointer of the offending value, e.g.
  /// "/security/checks/use/rate_limit/burst: must be >= 1 and <= 1e9" or
  /// "/security/chains/rules/0/chain: no check of type acl in the chain".
  /// Refused: sections that are not objects, unknown keys, check names that
  /// are not ids ([A-Za-z0-9._-]{1,64}), a missing or unknown "type",
  /// factory errors, unknown or repeated check names in a chain, empty
  /// chains, a chain without an acl-type check, a missing "default", bad
  /// selectors, exceeded limits. Never throws.
  static caf::expected<check_chains>
  make(const nlohmann::json& checks_section,
       const nlohmann::json& chains_section, const check_registry& r,
       const check_context& ctx, const check_chain_limits& limits = {});

  check_chains(check_chains&&) noexcept;
  check_chains& operator=(check_chains&&) noexcept;
  ~check_chains();

  /// The ordered checks for this thing and subject: the chain of the first
  /// matching rule, else the default chain. Never empty; always contains an
  /// acl-type check. The pointers live as long as this object.
  const std::vector<security_check*>&
  select(std::string_view thing_id, std::string_view model,
         const std::vector<std::string>& tags, const authn::subject& who) const;

  /// Runs the chain selected for `req` in order and returns the first
  /// denial, with `check` set to the deciding instance's name (and status
  /// 403 if the check left it 0); later checks are not consulted. Returns
  /// verdict::allow() when every check allows. A null `req.subject` is
  /// denied (403) without running anything; a check that throws denies
  /// (403, "security check failed").
  verdict run(const check_request& req);

  /// Calls observe() on every check of the chain selected for `req`, after
  /// the device answered successfully. Exceptions of a check are swallowed.
  void observe(const check_request& req, std::string_view value_json);

  /// Calls forget() on every check of the chain selected for `req`: the
  /// request was refused (by the chain or later) or failed. Exceptions of a
  /// check are swallowed.
  void forget(const check_request& req);

  /// For the console: per check instance its type, counters (decided,
  /// denied) and its own inspect(); per chain its checks and how often it
  /// was selected.
  nlohmann::json inspect() const;

  /// The check instance named `name` (its key in "checks"), or nullptr.
  security_check* find(std::string_view name) const;

private:
  explicit check_chains(std::unique_ptr<detail::chains_state> s);

  std::unique_ptr<detail::chains_state> state_;
};

} // namespace kagami::security
