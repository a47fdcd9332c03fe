#pragma once

// request_gate: who is asking, decided for one request, before any check
// runs. Plain C++; the WoT frontend drives it on its strand.
//
// Order (each step decides or passes on):
//   1. credentials in the request: `Authorization` (Basic or Bearer) or
//      `X-API-Key`; a header that does not parse is a bad credential;
//   2. without them, a verified client certificate whose CN the config maps
//      to an app (mTLS);
//   3. without either, the configured anonymous subject, if any;
//   4. else 401 (missing credentials).
// Brute force: before any credential is verified the brute_force_guard is
// asked about (account, source); a wait answers 429 with Retry-After and
// the credential is not looked at. Every bad credential counts as a failure
// of its account ("user:NAME" for Basic; for tokens and keys, which name no
// account, "credential@SOURCE") and of its source; a success resets the
// account. A 401 never says whether a user exists.
//
// Parallel guessing: the guard counts a failure only once its verification
// finished, so while one is in flight a burst of parallel connections would
// each get a guess in before the first failure counts. Hence at most one
// password verification per source address and per account is in flight;
// another attempt meanwhile gets 429 (Retry-After 1) without a look at its
// credentials.
//
// Basic passwords cost one argon2id verification (tens of ms): that must
// not run on the strand. authenticate() therefore returns a password_job
// for Basic credentials not in the cache; the caller runs verify() on a
// worker thread and hands the result to finish() back on the strand.
// Successful Basic logins are cached for `cache_ttl` under an HMAC of
// (user, password) with a per-process random key, so a dashboard polling
// with Basic auth costs one verification per TTL, not per request; the
// cache never holds a password or a plain hash of one.
//
// Threading: authenticate() and finish() on one thread at a time (not
// thread-safe); verify() on any thread (const, uses only the immutable
// credential store).

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "actors/security/authn/authenticator.hpp"
#include "actors/security/authn/authn_config.hpp"
#include "actors/security/authz/brute_force_guard.hpp"

namespace kagami::security {

/// What authentication needs of one HTTP request.
struct authn_input {
  /// Header fields, names in lower case; null means none.
  const std::map<std::string, std::string>* headers = nullptr;
  /// The client's IP address, without port.
  std::string_view source_address;
  /// The verified client certificate's subject CN; empty when none.
  std::string_view peer_certificate_subject;
};

/// The result of authentication for one request.
struct authn_outcome {
  /// Set when authenticated; the rest then names how.
  std::optional<authn::subject> who;
  /// 401 (missing or bad credentials) or 429 (brute-force wait) when !who.
  unsigned status = 0;
  /// "authn.basic", "authn.bearer", "authn.apikey", "authn.mtls",
  /// "authn.anonymous", "authn.bruteforce" or "authn.missing".
  std::string check;
  /// For the audit trail; never tells whether an account exists.
  std::string reason;
  /// The account the client named ("user:alice"), or "".
  std::string claimed;
  /// With 429.
  std::optional<std::chrono::seconds> retry_after;
};

/// A Basic password still to be verified (see the header comment).
struct password_job {
  std::string user;
  std::string password;
  std::string source_address;
  /// HMAC of (user, password): the cache key.
  std::string cache_key;
};

struct request_gate_config {
  authn::authn_config authn;
  /// Verified client-certificate CN -> app name (mTLS).
  std::map<std::string, std::string> certificate_apps;
  std::chrono::seconds cache_ttl{300};
  size_t cache_capacity = 1024;
};

class request_gate {
public:
  using clock = std::chrono::steady_clock;

  /// Fails with ec::config_invalid when the JWT settings or the brute-force
  /// settings do not hold (parse_authn_config has checked them already).
  static caf::expected<request_gate> make(request_gate_config cfg);

  /// Decides at once, or returns a job for verify() and finish().
  std::variant<authn_outcome, password_job>
  authenticate(const authn_input& in, clock::time_point now,
               std::chrono::system_clock::time_point wall
               = std::chrono::system_clock::now());

  /// Runs argon2id. Blocking; any thread.
  std::optional<authn::subject> verify(const password_job& job) const;

  /// Records the outcome of a verified job; on the gate's thread.
  authn_outcome finish(const password_job& job,
                       std::optional<authn::subject> verified,
                       clock::time_point now);

  /// Forgets a job that will never be verified (the worker refused it).
  void abandon(const password_job& job);

  /// Password verifications in flight (for tests and the console).
  size_t verifications_in_flight() const noexcept {
    return in_flight_sources_.size();
  }

  /// The WWW-Authenticate challenges to send with a 401, one per enforced
  /// scheme (e.g. `Basic realm="kagami", charset="UTF-8"`).
  const std::vector<std::string>& challenges() const noexcept {
    return challenges_;
  }

  /// Argon2id verifications saved by the cache (for the console).
  uint64_t cache_hits() const noexcept {
    return cache_hits_;
  }

private:
  struct cached_login {
    authn::subject who;
    clock::time_point expires;
  };

  request_gate(request_gate_config cfg, authn::authenticator a,
               security::authz::brute_force_guard guard);

  authn_outcome failed(std::string account, std::string source, std::string check,
                       std::string reason, clock::time_point now);
  authn_outcome succeeded(authn::subject who, std::string account,
                          std::string source, std::string check,
                          clock::time_point now);
  std::optional<authn_outcome> throttled(const std::string& account,
                                         std::string_view source,
                                         const std::string& check,
                                         clock::time_point now) const;
  std::string cache_key_of(std::string_view user, std::string_view password) const;
  void release(const password_job& job);
  void remember(const std::string& key, const authn::subject& who,
                clock::time_point now);

  request_gate_config cfg_;
  authn::authenticator authenticator_;
  security::authz::brute_force_guard guard_;
  std::vector<std::string> challenges_;
  std::string hmac_key_;
  std::unordered_map<std::string, cached_login> cache_;
  /// Source keys and accounts with a verification in flight.
  std::unordered_map<std::string, unsigned> in_flight_sources_;
  std::unordered_map<std::string, unsigned> in_flight_accounts_;
  uint64_t cache_hits_ = 0;
};

} // namespace kagami::security
