#include "actors/security/logcheck/audit_analyzer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string_view>

#include <arpa/inet.h>

#include "actors/security/authz/brute_force_guard.hpp"

namespace kagami::security::logcheck {

namespace {

using storage::audit_event;
using storage::audit_outcome;

/// One alert costs this many budget units; one millisecond refills
/// max_alerts_per_minute units.
constexpr int64_t alert_cost = 60'000;

int64_t window_ms(std::chrono::seconds s) {
  return static_cast<int64_t>(s.count()) * 1000;
}

std::string_view cut_key(std::string_view s) {
  return s.substr(0, audit_analyzer::max_key_bytes);
}

/// A field as quoted in alert texts: at most 128 bytes, control characters
/// replaced by '?'.
std::string display(std::string_view s) {
  std::string out{s.substr(0, 128)};
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  return out;
}

/// "press-1/setpoint", or "press-1" for an op on the whole thing.
std::string target(const audit_event& ev) {
  auto out = display(ev.thing);
  if (!ev.affordance.empty())
    out += "/" + display(ev.affordance);
  return out;
}

bool is_ip(std::string_view text) {
  if (text.empty() || text.size() > 45)
    return false;
  std::string s{text};
  unsigned char buf[16];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1
         || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

/// The source without its port ("[v6]:port", "v4:port", or "v6:port" as
/// the request path writes it), keyed like brute_force_guard: IPv4 address
/// or IPv6 /64.
std::string source_address(std::string_view source) {
  auto host = source;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close != std::string_view::npos)
      host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    auto port = host.substr(colon + 1);
    bool digits = !port.empty() && port.size() <= 5
                  && std::all_of(port.begin(), port.end(), [](char c) {
                       return c >= '0' && c <= '9';
                     });
    if (digits && is_ip(host.substr(0, colon)))
      host = host.substr(0, colon);
  }
  return std::string{cut_key(authz::brute_force_guard::source_key(host))};
}

uint64_t hash_of(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

uint64_t triple_hash(const audit_event& ev) {
  std::string joined;
  joined.reserve(ev.thing.size() + ev.affordance.size() + ev.op.size() + 2);
  joined.append(ev.thing).append(1, '\x1f').append(ev.affordance);
  joined.append(1, '\x1f').append(ev.op);
  return hash_of(joined);
}

/// Drops the entries of `v` (pairs whose second is a time) at or before
/// `horizon`.
template <class Pairs>
void prune_pairs(Pairs& v, int64_t horizon) {
  std::erase_if(v, [horizon](const auto& x) { return x.second <= horizon; });
}

/// Records one event at `now` in a sorted list of times kept to the last
/// `cap` within the window after `horizon`; returns how many are in it.
size_t count_in_window(std::vector<int64_t>& times, int64_t now,
                       int64_t horizon, size_t cap) {
  std::erase_if(times, [horizon](int64_t t) { return t <= horizon; });
  times.push_back(now);
  if (times.size() > cap)
    times.erase(times.begin(), times.end() - static_cast<ptrdiff_t>(cap));
  return times.size();
}

/// Sets the time of `key` in `v` to `now`, adding it (and dropping the
/// entry with the oldest time when `v` holds `cap` already).
template <class Key>
void remember(std::vector<std::pair<Key, int64_t>>& v, const Key& key,
              int64_t now, size_t cap) {
  auto i = std::find_if(v.begin(), v.end(),
                        [&](const auto& x) { return x.first == key; });
  if (i != v.end()) {
    i->second = now;
    return;
  }
  if (v.size() >= cap)
    v.erase(std::min_element(v.begin(), v.end(), [](auto& a, auto& b) {
      return a.second < b.second;
    }));
  v.emplace_back(key, now);
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string{n == 1 ? one : many};
}

int64_t floor_div(int64_t a, int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// "Sat 2026-11-28 23:10 UTC+09:00": `ms` in the window's local time.
std::string local_time(int64_t ms, int offset_minutes) {
  auto secs = static_cast<time_t>(floor_div(ms, 1000) + offset_minutes * 60);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32] = {};
  std::strftime(buf, sizeof buf, "%a %Y-%m-%d %H:%M", &tm);
  std::string out = std::string{buf} + " UTC";
  if (offset_minutes != 0) {
    auto off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    char zone[16] = {};
    std::snprintf(zone, sizeof zone, "%c%02d:%02d",
                  offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    out += zone;
  }
  return out;
}

security_alert make_alert(std::string_view kind, alert_severity severity,
                          const audit_event& ev, int64_t now_ms) {
  security_alert a;
  a.kind = std::string{kind};
  a.severity = to_string(severity);
  a.subject = display(ev.subject);
  a.source = display(ev.source);
  a.time_ms = now_ms;
  if (!ev.request_id.empty())
    a.evidence["requestId"] = display(ev.request_id);
  return a;
}

} // namespace

caf::expected<audit_analyzer> audit_analyzer::make(log_validation_config cfg) {
  if (auto err = cfg.validate())
    return err;
  return audit_analyzer{std::move(cfg)};
}

audit_analyzer::audit_analyzer(log_validation_config cfg)
  : cfg_(std::move(cfg)),
    budget_(int64_t{cfg_.max_alerts_per_minute} * alert_cost),
    failures_(cfg_.limits.max_accounts),
    sprays_(cfg_.limits.max_sources),
    profiles_(cfg_.limits.max_subjects),
    forbidden_(cfg_.limits.max_subjects),
    cooldowns_(cfg_.limits.max_cooldowns) {
  // nop
}

std::vector<security_alert>
audit_analyzer::observe(const storage::audit_event& ev) {
  std::vector<security_alert> out;
  if (ev.op == alert_op)
    return out;
  ++stats_.events;
  if (!started_) {
    started_ = true;
    now_ms_ = ev.time_ms;
    budget_time_ms_ = ev.time_ms;
  }
  now_ms_ = std::max(now_ms_, ev.time_ms);
  bool auth_failure = ev.http_status == 401
                      || (ev.http_status == 429
                          && ev.check == "authn.bruteforce");
  if (auth_failure) {
    on_auth_failure(ev, out);
    return out;
  }
  if (ev.http_status == 403)
    on_forbidden(ev, out);
  // A denied event decided by authentication names a subject nobody proved.
  bool unproven = ev.outcome != audit_outcome::allowed
                  && ev.check.starts_with("authn.");
  if (!ev.subject.empty() && !unproven) {
    on_activity(ev, out);
    check_off_hours(ev, out);
  }
  return out;
}

void audit_analyzer::on_auth_failure(const audit_event& ev,
                                     std::vector<security_alert>& out) {
  auto account = std::string{cut_key(ev.subject)};
  if (account.empty())
    return;
  auto address = source_address(ev.source);
  if (auto& p = cfg_.brute_force; p.enabled) {
    auto& w = failures_.touch(account);
    auto horizon = now_ms_ - window_ms(p.window);
    auto n = count_in_window(w.times, now_ms_, horizon, p.threshold);
    prune_pairs(w.sources, horizon);
    remember(w.sources, address, now_ms_, max_sources_per_account);
    if (n >= p.threshold) {
      auto a = make_alert(alert_kind::brute_force, p.severity, ev, now_ms_);
      auto k = w.sources.size();
      auto from = k >= max_sources_per_account
                    ? std::to_string(k) + " or more source addresses"
                    : plural(k, "source address", "source addresses");
      a.summary = plural(n, "failed authentication", "failed authentications")
                  + " for " + display(account) + " within "
                  + std::to_string(p.window.count()) + " s from " + from;
      auto sources = nlohmann::json::array();
      for (auto& [addr, _] : w.sources)
        sources.push_back(addr);
      a.evidence["failures"] = n;
      a.evidence["threshold"] = p.threshold;
      a.evidence["windowS"] = p.window.count();
      a.evidence["sourceAddresses"] = std::move(sources);
      raise(std::move(a), p.cooldown, account, out);
    }
  }
  if (auto& p = cfg_.password_spraying; p.enabled) {
    auto& s = sprays_.touch(address);
    prune_pairs(s.accounts, now_ms_ - window_ms(p.window));
    remember(s.accounts, account, now_ms_, p.threshold);
    auto n = s.accounts.size();
    if (n >= p.threshold) {
      auto a = make_alert(alert_kind::password_spraying, p.severity, ev,
                          now_ms_);
      a.subject.clear();
      a.summary = "failed authentications for "
                  + plural(n, "account", "distinct accounts") + " within "
                  + std::to_string(p.window.count()) + " s from "
                  + display(address);
      auto names = nlohmann::json::array();
      for (auto& [name, _] : s.accounts)
        names.push_back(display(name));
      a.evidence["accounts"] = n;
      a.evidence["threshold"] = p.threshold;
      a.evidence["windowS"] = p.window.count();
      a.evidence["sourceAddress"] = address;
      a.evidence["accountNames"] = std::move(names);
      raise(std::move(a), p.cooldown, address, out);
    }
  }
}

void audit_analyzer::on_forbidden(const audit_event& ev,
                                  std::vector<security_alert>& out) {
  auto& p = cfg_.repeated_forbidden;
  if (!p.enabled)
    return;
  bool by_subject = !ev.subject.empty();
  auto who = by_subject ? std::string{cut_key(ev.subject)}
                        : source_address(ev.source);
  // Subjects and addresses share the table: a tag keeps them apart.
  auto key = std::string{by_subject ? "s " : "a "} + who;
  auto& times = forbidden_.touch(key);
  auto n = count_in_window(times, now_ms_, now_ms_ - window_ms(p.window),
                           p.threshold);
  if (n < p.threshold)
    return;
  auto a = make_alert(alert_kind::repeated_forbidden, p.severity, ev, now_ms_);
  a.summary = display(who) + " was refused (403) "
              + plural(n, "time", "times") + " within "
              + std::to_string(p.window.count()) + " s, last for "
              + display(ev.op) + " on " + target(ev);
  a.evidence["count"] = n;
  a.evidence["threshold"] = p.threshold;
  a.evidence["windowS"] = p.window.count();
  a.evidence["thing"] = display(ev.thing);
  a.evidence["affordance"] = display(ev.affordance);
  a.evidence["op"] = display(ev.op);
  raise(std::move(a), p.cooldown, key, out);
}

void audit_analyzer::on_activity(const audit_event& ev,
                                 std::vector<security_alert>& out) {
  auto subject = std::string{cut_key(ev.subject)};
  auto& prof = profiles_.touch(subject);
  bool learning = prof.events < cfg_.learning_events;
  ++prof.events;
  if (ev.thing.empty())
    return;
  // many_things: distinct things within the window.
  auto& mt = cfg_.many_things;
  prune_pairs(prof.things, now_ms_ - window_ms(mt.window));
  remember(prof.things, hash_of(ev.thing), now_ms_,
           cfg_.limits.max_things_per_subject);
  auto n = static_cast<uint32_t>(prof.things.size());
  if (learning) {
    prof.learned_max_things = std::max(prof.learned_max_things, n);
  } else if (mt.enabled && n >= mt.things
             && uint64_t{n} > uint64_t{mt.factor} * prof.learned_max_things) {
    auto a = make_alert(alert_kind::many_things, mt.severity, ev, now_ms_);
    auto fires_at = std::max<uint64_t>(
      mt.things, uint64_t{mt.factor} * prof.learned_max_things + 1);
    a.summary = display(subject) + " touched "
                + plural(n, "thing", "distinct things") + " within "
                + std::to_string(mt.window.count())
                + " s; while learning it touched at most "
                + std::to_string(prof.learned_max_things);
    a.evidence["things"] = n;
    a.evidence["learnedMax"] = prof.learned_max_things;
    a.evidence["threshold"] = fires_at;
    a.evidence["windowS"] = mt.window.count();
    a.evidence["thing"] = display(ev.thing);
    raise(std::move(a), mt.cooldown, subject, out);
  }
  // new_affordance: allowed uses of a (thing, affordance, op) never used.
  if (ev.outcome != audit_outcome::allowed || prof.too_broad)
    return;
  auto h = triple_hash(ev);
  auto pos = std::lower_bound(prof.triples.begin(), prof.triples.end(), h);
  if (pos != prof.triples.end() && *pos == h)
    return;
  if (prof.triples.size() >= cfg_.limits.max_triples_per_subject) {
    prof.too_broad = true;
    prof.triples = {};
    return;
  }
  prof.triples.insert(pos, h);
  auto& na = cfg_.new_affordance;
  if (learning || !na.enabled)
    return;
  auto a = make_alert(alert_kind::new_affordance, na.severity, ev, now_ms_);
  a.summary = display(subject) + " did " + display(ev.op) + " on "
              + target(ev) + " for the first time since it was learned ("
              + plural(cfg_.learning_events, "event", "events") + ")";
  a.evidence["thing"] = display(ev.thing);
  a.evidence["affordance"] = display(ev.affordance);
  a.evidence["op"] = display(ev.op);
  a.evidence["learningEvents"] = cfg_.learning_events;
  raise(std::move(a), na.cooldown, subject, out);
}

void audit_analyzer::check_off_hours(const audit_event& ev,
                                     std::vector<security_alert>& out) {
  auto& p = cfg_.off_hours;
  if (!p.working_hours || ev.outcome != audit_outcome::allowed)
    return;
  if (std::find(p.ops.begin(), p.ops.end(), ev.op) == p.ops.end())
    return;
  if (std::find(p.exempt_subjects.begin(), p.exempt_subjects.end(),
                ev.subject)
      != p.exempt_subjects.end())
    return;
  std::chrono::system_clock::time_point t{std::chrono::milliseconds{now_ms_}};
  if (p.working_hours->contains(t))
    return;
  auto& hours = *p.working_hours;
  auto a = make_alert(alert_kind::off_hours_write, p.severity, ev, now_ms_);
  a.summary = display(ev.subject) + " did " + display(ev.op) + " on "
              + target(ev) + " at "
              + local_time(now_ms_, hours.offset_minutes)
              + ", outside the working hours " + authz::to_string(hours);
  a.evidence["thing"] = display(ev.thing);
  a.evidence["affordance"] = display(ev.affordance);
  a.evidence["op"] = display(ev.op);
  a.evidence["workingHours"] = authz::to_string(hours);
  raise(std::move(a), p.cooldown, std::string{cut_key(ev.subject)}, out);
}

void audit_analyzer::raise(security_alert alert,
                           std::chrono::seconds cooldown_for,
                           const std::string& key,
                           std::vector<security_alert>& out) {
  auto full_key = alert.kind + "\n" + key;
  if (auto* c = cooldowns_.find(full_key); c && now_ms_ < c->until_ms) {
    ++c->suppressed;
    ++stats_.suppressed;
    return;
  }
  auto rate = int64_t{cfg_.max_alerts_per_minute};
  auto elapsed = std::min<int64_t>(now_ms_ - budget_time_ms_, alert_cost);
  budget_ = std::min(budget_ + elapsed * rate, rate * alert_cost);
  budget_time_ms_ = now_ms_;
  if (budget_ < alert_cost) {
    ++dropped_since_last_;
    ++stats_.dropped;
    return;
  }
  budget_ -= alert_cost;
  auto& c = cooldowns_.touch(full_key);
  if (c.suppressed > 0)
    alert.evidence["suppressed"] = c.suppressed;
  if (dropped_since_last_ > 0)
    alert.evidence["dropped"] = dropped_since_last_;
  dropped_since_last_ = 0;
  c = cooldown{now_ms_ + window_ms(cooldown_for), 0};
  ++stats_.alerts;
  out.push_back(std::move(alert));
}

audit_analyzer::statistics audit_analyzer::stats() const {
  auto s = stats_;
  s.accounts = failures_.size();
  s.sources = sprays_.size();
  s.subjects = profiles_.size();
  s.forbidden_keys = forbidden_.size();
  s.cooldowns = cooldowns_.size();
  return s;
}

} // namespace kagami::security::logcheck
