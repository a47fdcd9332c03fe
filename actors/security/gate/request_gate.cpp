#include "actors/security/gate/request_gate.hpp"

#include <algorithm>

#include <sodium.h>

#include "actors/core/error.hpp"

namespace kagami::security {

namespace {

const std::string* header_of(const authn_input& in, const char* name) {
  if (in.headers == nullptr)
    return nullptr;
  auto it = in.headers->find(name);
  return it == in.headers->end() ? nullptr : &it->second;
}

const char* check_of(authn::credential_scheme s) {
  switch (s) {
    case authn::credential_scheme::basic:
      return "authn.basic";
    case authn::credential_scheme::bearer:
      return "authn.bearer";
    default:
      return "authn.apikey";
  }
}

std::string subject_label(const authn::subject& who) {
  return std::string{authn::to_string(who.kind)} + ":" + who.name;
}

std::chrono::seconds whole_seconds_up(std::chrono::steady_clock::duration d) {
  auto s = std::chrono::ceil<std::chrono::seconds>(d);
  return std::max(s, std::chrono::seconds{1});
}

} // namespace

caf::expected<request_gate> request_gate::make(request_gate_config cfg) {
  if (sodium_init() < 0)
    return make_error(ec::internal, "libsodium failed to initialize");
  std::shared_ptr<const authn::jwt_verifier> jwt;
  if (cfg.authn.jwt) {
    auto v = authn::jwt_verifier::make(*cfg.authn.jwt);
    if (!v)
      return make_error(ec::config_invalid, "jwt: " + detail_of(v.error()));
    jwt = std::make_shared<const authn::jwt_verifier>(std::move(*v));
  }
  auto guard = security::authz::brute_force_guard::make(cfg.authn.brute_force);
  if (!guard)
    return std::move(guard.error());
  if (cfg.cache_capacity == 0)
    return make_error(ec::config_invalid, "the login cache needs room");
  authn::authenticator a{cfg.authn.credentials, jwt, cfg.authn.jwt_subject_kind};
  return request_gate{std::move(cfg), std::move(a), std::move(*guard)};
}

request_gate::request_gate(request_gate_config cfg, authn::authenticator a,
                           security::authz::brute_force_guard guard)
  : cfg_(std::move(cfg)), authenticator_(std::move(a)), guard_(std::move(guard)) {
  auto s = cfg_.authn.schemes();
  if (s.basic)
    challenges_.emplace_back(R"(Basic realm="kagami", charset="UTF-8")");
  if (s.bearer)
    challenges_.emplace_back(R"(Bearer realm="kagami")");
  if (s.api_key)
    challenges_.emplace_back(R"(APIKey realm="kagami", header="X-API-Key")");
  hmac_key_.resize(crypto_auth_hmacsha256_KEYBYTES);
  randombytes_buf(hmac_key_.data(), hmac_key_.size());
}

std::optional<authn_outcome>
request_gate::throttled(const std::string& account, std::string_view source,
                        const std::string& check, clock::time_point now) const {
  auto d = guard_.check(account, source, now);
  if (d.allowed())
    return std::nullopt;
  authn_outcome out;
  out.status = 429;
  out.check = "authn.bruteforce";
  out.claimed = account;
  out.reason = std::string{"too many failed attempts ("}
               + security::authz::to_string(d.what) + ", " + check + ")";
  out.retry_after = whole_seconds_up(d.retry_after);
  return out;
}

authn_outcome request_gate::failed(std::string account, std::string source,
                                   std::string check, std::string reason,
                                   clock::time_point now) {
  guard_.failed(account, source, now);
  authn_outcome out;
  out.status = 401;
  out.check = std::move(check);
  out.reason = std::move(reason);
  if (account.rfind("user:", 0) == 0)
    out.claimed = std::move(account);
  return out;
}

authn_outcome request_gate::succeeded(authn::subject who, std::string account,
                                      std::string source, std::string check,
                                      clock::time_point now) {
  guard_.succeeded(account, source, now);
  authn_outcome out;
  out.claimed = subject_label(who);
  out.who = std::move(who);
  out.check = std::move(check);
  return out;
}

std::variant<authn_outcome, password_job>
request_gate::authenticate(const authn_input& in, clock::time_point now,
                           std::chrono::system_clock::time_point wall) {
  auto source = std::string{in.source_address};
  auto token_account = "credential@" + source;
  const auto* authorization = header_of(in, "authorization");
  const auto* api_key = header_of(in, "x-api-key");
  if (authorization != nullptr || api_key != nullptr) {
    auto creds = authorization != nullptr
                   ? authn::parse_authorization_header(*authorization)
                   : authn::parse_api_key_header(*api_key);
    if (!creds) {
      auto check = std::string{authorization != nullptr ? "authn.header" : "authn.apikey"};
      if (auto wait = throttled(token_account, source, check, now))
        return *wait;
      return failed(token_account, source, check,
                    "malformed credentials: " + detail_of(creds.error()), now);
    }
    std::string check = check_of(creds->scheme);
    if (creds->scheme == authn::credential_scheme::basic) {
      auto account = "user:" + creds->user;
      if (auto wait = throttled(account, source, check, now))
        return *wait;
      auto key = cache_key_of(creds->user, creds->password);
      if (auto hit = cache_.find(key); hit != cache_.end()) {
        if (hit->second.expires > now) {
          ++cache_hits_;
          return succeeded(hit->second.who, account, source, check, now);
        }
        cache_.erase(hit);
      }
      auto source_key = security::authz::brute_force_guard::source_key(source);
      if (in_flight_sources_.count(source_key) != 0
          || in_flight_accounts_.count(account) != 0) {
        authn_outcome wait;
        wait.status = 429;
        wait.check = "authn.bruteforce";
        wait.claimed = account;
        wait.reason = "a password check for this source or account is in progress";
        wait.retry_after = std::chrono::seconds{1};
        return wait;
      }
      ++in_flight_sources_[source_key];
      ++in_flight_accounts_[account];
      return password_job{creds->user, creds->password, source, std::move(key)};
    }
    if (auto wait = throttled(token_account, source, check, now))
      return *wait;
    auto who = authenticator_.authenticate(*creds, wall);
    if (!who)
      return failed(token_account, source, check, "bad credentials", now);
    return succeeded(std::move(*who), token_account, source, check, now);
  }
  if (!in.peer_certificate_subject.empty()) {
    auto account = "cert:" + std::string{in.peer_certificate_subject};
    if (auto wait = throttled(account, source, "authn.mtls", now))
      return *wait;
    auto app = cfg_.certificate_apps.find(std::string{in.peer_certificate_subject});
    if (app == cfg_.certificate_apps.end())
      return failed(account, source, "authn.mtls",
                    "client certificate names no configured app", now);
    authn::subject who{app->second, authn::subject_kind::app, {}};
    return succeeded(std::move(who), account, source, "authn.mtls", now);
  }
  if (cfg_.authn.anonymous) {
    authn_outcome out;
    out.who = *cfg_.authn.anonymous;
    out.claimed = subject_label(*out.who);
    out.check = "authn.anonymous";
    return out;
  }
  authn_outcome out;
  out.status = 401;
  out.check = "authn.missing";
  out.reason = "no credentials";
  return out;
}

std::optional<authn::subject> request_gate::verify(const password_job& job) const {
  return cfg_.authn.credentials->verify_user(job.user, job.password);
}

void request_gate::release(const password_job& job) {
  auto drop = [](std::unordered_map<std::string, unsigned>& m, const std::string& key) {
    if (auto it = m.find(key); it != m.end() && --it->second == 0)
      m.erase(it);
  };
  drop(in_flight_sources_, security::authz::brute_force_guard::source_key(job.source_address));
  drop(in_flight_accounts_, "user:" + job.user);
}

void request_gate::abandon(const password_job& job) {
  release(job);
}

authn_outcome request_gate::finish(const password_job& job,
                                   std::optional<authn::subject> verified,
                                   clock::time_point now) {
  release(job);
  auto account = "user:" + job.user;
  if (!verified)
    return failed(account, job.source_address, "authn.basic", "bad credentials", now);
  remember(job.cache_key, *verified, now);
  return succeeded(std::move(*verified), account, job.source_address, "authn.basic",
                   now);
}

std::string request_gate::cache_key_of(std::string_view user,
                                       std::string_view password) const {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(hmac_key_.data()),
                              hmac_key_.size());
  // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
  auto n = static_cast<uint32_t>(user.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(user.data()),
                                user.size());
  crypto_auth_hmacsha256_update(&st,
                                reinterpret_cast<const unsigned char*>(password.data()),
                                password.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

void request_gate::remember(const std::string& key, const authn::subject& who,
                            clock::time_point now) {
  if (cache_.size() >= cfg_.cache_capacity) {
    // Drop the expired entries; if none, the one closest to expiry.
    for (auto it = cache_.begin(); it != cache_.end();)
      it = it->second.expires <= now ? cache_.erase(it) : std::next(it);
    if (cache_.size() >= cfg_.cache_capacity)
      cache_.erase(std::min_element(cache_.begin(), cache_.end(),
                                    [](const auto& a, const auto& b) {
                                      return a.second.expires < b.second.expires;
                                    }));
  }
  cache_[key] = cached_login{who, now + cfg_.cache_ttl};
}

} // namespace kagami::security
