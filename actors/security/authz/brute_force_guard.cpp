#include "actors/security/authz/brute_force_guard.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include <arpa/inet.h>

#include "actors/core/error.hpp"

namespace kagami::security::authz {

namespace {

struct ip {
  bool v6 = false;
  uint8_t bytes[16] = {};
};

// Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 becomes IPv4.
std::optional<ip> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45)
    return std::nullopt;
  std::string s(text);
  ip out;
  if (::inet_pton(AF_INET, s.c_str(), out.bytes) == 1)
    return out;
  if (::inet_pton(AF_INET6, s.c_str(), out.bytes) != 1)
    return std::nullopt;
  static constexpr uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out.bytes, mapped, 12) == 0) {
    std::memmove(out.bytes, out.bytes + 12, 4);
    std::memset(out.bytes + 4, 0, 12);
    return out;
  }
  out.v6 = true;
  return out;
}

guard_clock::duration backoff(guard_clock::duration base,
                              guard_clock::duration cap, uint32_t k) {
  if (k >= 40)
    return cap;
  auto d = base * (int64_t{1} << k);
  return std::min(d, cap);
}

} // namespace

const char* to_string(guard_decision::kind x) {
  switch (x) {
    case guard_decision::kind::allowed:
      return "allowed";
    case guard_decision::kind::source_throttled:
      return "source_throttled";
    case guard_decision::kind::account_backoff:
      return "account_backoff";
    case guard_decision::kind::account_locked:
      return "account_locked";
  }
  return "unknown";
}

// -- table --------------------------------------------------------------------

const brute_force_guard::counter*
brute_force_guard::table::find(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second->second;
}

brute_force_guard::counter&
brute_force_guard::table::touch(const std::string& key) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    order_.splice(order_.end(), order_, it->second);
    return it->second->second;
  }
  while (index_.size() >= cap_ && !order_.empty()) {
    index_.erase(order_.front().first);
    order_.pop_front();
  }
  order_.emplace_back(key, counter{});
  auto last = std::prev(order_.end());
  index_.emplace(last->first, last);
  return last->second;
}

void brute_force_guard::table::erase(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end())
    return;
  auto node = it->second;
  index_.erase(it);
  order_.erase(node);
}

// -- guard --------------------------------------------------------------------

caf::expected<brute_force_guard> brute_force_guard::make(brute_force_config cfg) {
  auto bad = [](const char* field, const char* why) {
    return make_error(ec::config_invalid, std::string(field) + ": " + why);
  };
  using zero = guard_clock::duration;
  if (cfg.source_base_delay <= zero{0} || cfg.source_max_delay < cfg.source_base_delay)
    return bad("source_base_delay", "must be positive and at most source_max_delay");
  if (cfg.account_base_delay <= zero{0}
      || cfg.account_max_delay < cfg.account_base_delay)
    return bad("account_base_delay", "must be positive and at most account_max_delay");
  if (cfg.lockout_failures <= cfg.account_free_failures)
    return bad("lockout_failures", "must be greater than account_free_failures");
  if (cfg.lockout_duration <= zero{0})
    return bad("lockout_duration", "must be positive");
  if (cfg.forget_after <= zero{0})
    return bad("forget_after", "must be positive");
  if (cfg.max_accounts == 0 || cfg.max_sources == 0 || cfg.max_account_bytes == 0)
    return bad("max_accounts", "table sizes must be positive");
  std::vector<prefix> glass;
  for (auto& text : cfg.break_glass) {
    std::string_view s = text;
    auto slash = s.find('/');
    auto addr = parse_ip(s.substr(0, slash));
    if (!addr)
      return make_error(ec::config_invalid,
                        "break_glass: not an IP address or prefix: " + text.substr(0, 64));
    prefix p;
    p.v6 = addr->v6;
    std::memcpy(p.bytes, addr->bytes, 16);
    unsigned max_len = p.v6 ? 128 : 32;
    unsigned len = max_len;
    if (slash != std::string_view::npos) {
      auto digits = s.substr(slash + 1);
      if (digits.empty() || digits.size() > 3
          || !std::all_of(digits.begin(), digits.end(),
                          [](char c) { return c >= '0' && c <= '9'; }))
        return make_error(ec::config_invalid, "break_glass: bad prefix length: " + text);
      len = 0;
      for (char c : digits)
        len = len * 10 + static_cast<unsigned>(c - '0');
      if (len > max_len)
        return make_error(ec::config_invalid,
                          "break_glass: prefix length above " + std::to_string(max_len)
                            + ": " + text);
    }
    p.length = static_cast<uint8_t>(len);
    glass.push_back(p);
  }
  return brute_force_guard{std::move(cfg), std::move(glass)};
}

brute_force_guard::brute_force_guard(brute_force_config cfg, std::vector<prefix> glass)
  : cfg_(std::move(cfg)),
    glass_(std::move(glass)),
    accounts_(cfg_.max_accounts),
    sources_(cfg_.max_sources) {
}

std::string brute_force_guard::source_key(std::string_view source) {
  auto addr = parse_ip(source);
  if (!addr)
    return std::string(source.substr(0, 64));
  char buf[INET6_ADDRSTRLEN] = {};
  if (!addr->v6) {
    ::inet_ntop(AF_INET, addr->bytes, buf, sizeof buf);
    return buf;
  }
  uint8_t net[16] = {};
  std::memcpy(net, addr->bytes, 8);
  ::inet_ntop(AF_INET6, net, buf, sizeof buf);
  return std::string(buf) + "/64";
}

std::string brute_force_guard::account_key(std::string_view account) const {
  return std::string(account.substr(0, cfg_.max_account_bytes));
}

bool brute_force_guard::is_break_glass(std::string_view source) const {
  if (glass_.empty())
    return false;
  auto addr = parse_ip(source);
  if (!addr)
    return false;
  for (auto& p : glass_) {
    if (p.v6 != addr->v6)
      continue;
    unsigned full = p.length / 8, rest = p.length % 8;
    if (std::memcmp(p.bytes, addr->bytes, full) != 0)
      continue;
    if (rest != 0) {
      auto mask = static_cast<uint8_t>(0xff << (8 - rest));
      if ((p.bytes[full] & mask) != (addr->bytes[full] & mask))
        continue;
    }
    return true;
  }
  return false;
}

guard_decision brute_force_guard::check(std::string_view account,
                                        std::string_view source,
                                        guard_clock::time_point now) const {
  guard_decision out;
  if (auto* s = sources_.find(source_key(source)); s && now < s->next_allowed) {
    out.what = guard_decision::kind::source_throttled;
    out.retry_after = s->next_allowed - now;
  }
  if (is_break_glass(source))
    return out;
  if (auto* a = accounts_.find(account_key(account)); a && now < a->next_allowed) {
    auto wait = a->next_allowed - now;
    if (wait > out.retry_after) {
      out.what = a->locked ? guard_decision::kind::account_locked
                           : guard_decision::kind::account_backoff;
      out.retry_after = wait;
    }
  }
  return out;
}

void brute_force_guard::failed(std::string_view account, std::string_view source,
                               guard_clock::time_point now) {
  // Rule 1: every failure counts against the source, even one it made while
  // told to wait.
  auto& s = sources_.touch(source_key(source));
  if (s.failures > 0 && now - s.last_failure >= cfg_.forget_after)
    s.failures = 0;
  ++s.failures;
  s.last_failure = now;
  if (s.failures > cfg_.source_free_failures)
    s.next_allowed = std::max(
      s.next_allowed,
      now + backoff(cfg_.source_base_delay, cfg_.source_max_delay,
                    s.failures - cfg_.source_free_failures - 1));
  // Rule 5: break-glass failures do not count against the account.
  if (is_break_glass(source))
    return;
  // Rule 2: failures during a wait or lockout do not count or extend it.
  auto& a = accounts_.touch(account_key(account));
  if (now < a.next_allowed)
    return;
  if (a.locked || (a.failures > 0 && now - a.last_failure >= cfg_.forget_after))
    a = counter{};
  ++a.failures;
  a.last_failure = now;
  if (a.failures >= cfg_.lockout_failures) {
    a.locked = true;
    a.next_allowed = now + cfg_.lockout_duration;
  } else if (a.failures > cfg_.account_free_failures) {
    a.next_allowed = now + backoff(cfg_.account_base_delay, cfg_.account_max_delay,
                                   a.failures - cfg_.account_free_failures - 1);
  }
}

void brute_force_guard::succeeded(std::string_view account, std::string_view source,
                                  guard_clock::time_point now) {
  // Rule 3: the account starts afresh; the source keeps its count.
  accounts_.erase(account_key(account));
}

} // namespace kagami::security::authz
