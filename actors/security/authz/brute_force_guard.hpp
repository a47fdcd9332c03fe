#pragma once

// Brute-force protection for authentication (issue 4; IEC 62443-3-3 SR 1.11
// "unsuccessful login attempts", OWASP ASVS V2.2.1). Plain C++; the
// authentication check asks check() before it verifies any credential and
// reports the outcome with failed() or succeeded().
//
// The rules:
//  1. Per source. Every failure counts against the source address (IPv4:
//     the address; IPv6: its /64, since one host owns a whole /64;
//     IPv4-mapped IPv6 counts as IPv4). After `source_free_failures`
//     failures each further failure makes the source wait
//     source_base_delay * 2^k (k = 0, 1, ...) before its next attempt is
//     accepted, capped at source_max_delay. The source is checked first.
//  2. Per account. After `account_free_failures` failures each further
//     failure makes the account wait account_base_delay * 2^k (capped at
//     account_max_delay); the `lockout_failures`-th failure locks the account
//     for exactly `lockout_duration`. A lockout is time-boxed: attempts and
//     failures during a lockout or a back-off wait are not counted for the
//     account and never extend it; when it ends the account starts again
//     from zero failures.
//  3. A success resets the account's counters (and ends its lockout). It
//     does not reset the source's: a sprayer holding one valid account could
//     otherwise clear its own throttling between guesses.
//  4. Counters of a key idle for `forget_after` (since its last failure)
//     start again from zero. Memory is bounded: at most max_accounts and
//     max_sources keys are tracked; a new key evicts the one whose last
//     failure is oldest. Account names are keyed by their first
//     max_account_bytes bytes.
//  5. Break-glass sources (CIDR prefixes, e.g. the local console network) are
//     throttled per source like any other but bypass the account rules: they
//     are never refused because of an account's back-off or lockout, and
//     their failures do not count against the account.
//
// Why one account's lockout never locks out others: every account has its
// own counters, and a source is throttled only by its own failures.
// Why an attacker cannot lock out the admin for ever: (a) a single source is
// throttled long before it can lock an account: with the defaults it must
// wait about 1 h 30 min of source back-off to reach the 20th failure, and
// then 15 min per attempt (brute_force_guard_test measures 5 lockouts of
// 15 min in 24 h); (b) a lockout lasts lockout_duration and nothing
// extends it, so the admin can log in when it ends; (c) a break-glass source
// is never locked out of an account, and a success there clears the lockout.
// A distributed attacker (many sources) can re-lock an account each time a
// lockout ends; (b) and (c) bound what that costs the admin.
//
// Do not reveal whether an account exists: call failed() for unknown account
// names exactly as for wrong passwords; the guard treats both alike.
//
// Not thread-safe: one owner (the authentication actor) calls it. Times are
// passed in (`now`), so tests inject their own clock. Never throws except
// std::bad_alloc.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::security::authz {

/// The clock of the guard. Callers pass steady_clock::now() in production.
using guard_clock = std::chrono::steady_clock;

struct brute_force_config {
  uint32_t source_free_failures = 5;
  guard_clock::duration source_base_delay = std::chrono::seconds{2};
  guard_clock::duration source_max_delay = std::chrono::minutes{15};
  uint32_t account_free_failures = 5;
  guard_clock::duration account_base_delay = std::chrono::seconds{1};
  guard_clock::duration account_max_delay = std::chrono::seconds{30};
  /// The failure that locks the account (counted since the last reset);
  /// must be greater than account_free_failures.
  uint32_t lockout_failures = 20;
  guard_clock::duration lockout_duration = std::chrono::minutes{15};
  guard_clock::duration forget_after = std::chrono::hours{1};
  size_t max_accounts = 10000;
  size_t max_sources = 10000;
  size_t max_account_bytes = 256;
  /// CIDR prefixes such as "192.168.100.0/24" or "fd00:1::/64"; a bare
  /// address means the single host.
  std::vector<std::string> break_glass;
};

/// The answer of check().
struct guard_decision {
  enum class kind : uint8_t {
    allowed,
    /// The source waits (rule 1).
    source_throttled,
    /// The account waits (rule 2, back-off).
    account_backoff,
    /// The account is locked (rule 2, lockout).
    account_locked,
  };
  kind what = kind::allowed;
  /// When not allowed: how long until an attempt is accepted again (the
  /// longest of all waits that apply). Zero when allowed.
  guard_clock::duration retry_after{0};

  bool allowed() const noexcept {
    return what == kind::allowed;
  }
};

const char* to_string(guard_decision::kind x);

class brute_force_guard {
public:
  /// Checks the config: free failures below lockout_failures, positive
  /// delays and caps, non-zero table sizes, parseable break-glass prefixes.
  /// Fails with ec::config_invalid naming the field.
  static caf::expected<brute_force_guard> make(brute_force_config cfg);

  /// May `source` try to authenticate as `account` at `now`? Read-only: it
  /// tracks nothing new. On a wait, reject the attempt without looking at
  /// its credentials and do not call failed() or succeeded().
  guard_decision check(std::string_view account, std::string_view source,
                       guard_clock::time_point now) const;

  /// Records a failed authentication (wrong password, unknown account,
  /// bad token) of `account` from `source`.
  void failed(std::string_view account, std::string_view source,
              guard_clock::time_point now);

  /// Records a successful authentication: resets the account.
  void succeeded(std::string_view account, std::string_view source,
                 guard_clock::time_point now);

  /// True when `source` lies in a break-glass prefix.
  bool is_break_glass(std::string_view source) const;

  /// The key under which `source` is counted (rule 1): "10.0.0.7",
  /// "2001:db8:0:1::/64", or the text itself when it is no IP address.
  static std::string source_key(std::string_view source);

  size_t tracked_accounts() const noexcept {
    return accounts_.size();
  }
  size_t tracked_sources() const noexcept {
    return sources_.size();
  }

private:
  struct counter {
    uint32_t failures = 0;
    guard_clock::time_point last_failure{};
    guard_clock::time_point next_allowed{};
    bool locked = false;
  };

  /// Keys with their counters, least recently failed first.
  class table {
  public:
    explicit table(size_t cap = 1) : cap_(cap) {
    }
    // The index holds views of the keys in `order_`'s nodes: movable (nodes
    // move with the list), not copyable.
    table(table&&) = default;
    table& operator=(table&&) = default;
    table(const table&) = delete;
    table& operator=(const table&) = delete;
    const counter* find(const std::string& key) const;
    /// The counter of `key`, created (evicting the oldest) when missing, and
    /// moved to the most recent end.
    counter& touch(const std::string& key);
    void erase(const std::string& key);
    size_t size() const noexcept {
      return index_.size();
    }

  private:
    using entry = std::pair<std::string, counter>;
    size_t cap_;
    std::list<entry> order_;
    std::unordered_map<std::string_view, std::list<entry>::iterator> index_;
  };

  struct prefix {
    bool v6 = false;
    uint8_t bytes[16] = {};
    uint8_t length = 0;
  };

  explicit brute_force_guard(brute_force_config cfg, std::vector<prefix> glass);

  std::string account_key(std::string_view account) const;

  brute_force_config cfg_;
  std::vector<prefix> glass_;
  table accounts_;
  table sources_;
};

} // namespace kagami::security::authz
