// audit_analyzer: table-driven scenarios on event time. Each pattern fires at
// its threshold and not one below, and not when the first event has left the
// window; cool-down and the per-minute budget; brute force vs password
// spraying; the learning period; bounded tables under 100k distinct sources;
// alert texts built from event fields only.

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/logcheck/audit_analyzer.hpp"

using namespace kagami::security::logcheck;
using kagami::storage::audit_event;
using kagami::storage::audit_outcome;

namespace {

/// Mon 2026-11-23 00:00 UTC.
constexpr int64_t monday = 1795392000000;
constexpr int64_t hour = 3'600'000;
constexpr int64_t t0 = monday + 10 * hour;

/// What the request path records for a failed authentication.
audit_event auth_failure(int64_t t, std::string account,
                         std::string source = "192.0.2.7:40000",
                         uint16_t status = 401,
                         std::string check = "authn.basic") {
  audit_event ev;
  ev.time_ms = t;
  ev.subject = std::move(account);
  ev.source = std::move(source);
  ev.thing = "press-1";
  ev.affordance = "setpoint";
  ev.op = "readproperty";
  ev.outcome = audit_outcome::denied;
  ev.http_status = status;
  ev.check = std::move(check);
  ev.reason = "password=hunter2 rejected";
  ev.request_id = "r-" + std::to_string(t);
  return ev;
}

/// An authenticated request; 200 is allowed, anything else denied.
audit_event activity(int64_t t, std::string subject, std::string thing,
                     std::string affordance = "level",
                     std::string op = "readproperty", uint16_t status = 200,
                     std::string source = "198.51.100.5:50000") {
  audit_event ev;
  ev.time_ms = t;
  ev.subject = std::move(subject);
  ev.source = std::move(source);
  ev.thing = std::move(thing);
  ev.affordance = std::move(affordance);
  ev.op = std::move(op);
  ev.outcome = status == 200 ? audit_outcome::allowed : audit_outcome::denied;
  ev.http_status = status;
  ev.check = "acl";
  ev.reason = "token=SECRET-TOKEN";
  ev.request_id = "r-" + std::to_string(t);
  return ev;
}

log_validation_config test_config() {
  log_validation_config cfg;
  cfg.learning_events = 20;
  cfg.max_alerts_per_minute = 1000;
  return cfg;
}

audit_analyzer make_analyzer(log_validation_config cfg = test_config()) {
  auto a = audit_analyzer::make(std::move(cfg));
  EXPECT_TRUE(a) << kagami::detail_of(a.error());
  return std::move(*a);
}

size_t count_kind(const std::vector<security_alert>& alerts,
                  std::string_view kind) {
  return static_cast<size_t>(
    std::count_if(alerts.begin(), alerts.end(),
                  [&](const security_alert& a) { return a.kind == kind; }));
}

std::string ip4(size_t i) {
  return "10." + std::to_string((i >> 16) & 0xff) + "."
         + std::to_string((i >> 8) & 0xff) + "." + std::to_string(i & 0xff);
}

/// 20 learning events of `subject`, cycling over `things` things, at
/// t0 .. t0 + 19 s.
void learn(audit_analyzer& a, const std::string& subject, size_t things) {
  for (int i = 0; i < 20; ++i) {
    auto out = a.observe(activity(t0 + i * 1000, subject,
                                  "press-" + std::to_string(i % things)));
    EXPECT_TRUE(out.empty()) << "learning event " << i;
  }
}

// -- thresholds ---------------------------------------------------------------

struct threshold_case {
  const char* name;
  std::string_view kind;
  /// Qualifying events at which the pattern fires.
  size_t threshold;
  /// The pattern's window in ms.
  int64_t window;
  /// Runs before the qualifying events (learning); may be empty.
  std::function<void(audit_analyzer&)> prime;
  /// The i-th qualifying event at time t.
  std::function<audit_event(size_t i, int64_t t)> event;
};

/// Qualifying events start here (after any priming, learning things out of
/// every window).
constexpr int64_t start = t0 + 100'000;

std::vector<threshold_case> threshold_cases() {
  return {
    {"brute_force", alert_kind::brute_force, 10, 60'000, {},
     [](size_t, int64_t t) { return auth_failure(t, "user:alice"); }},
    {"brute_force_counts_throttled_attempts", alert_kind::brute_force, 10,
     60'000, {},
     [](size_t i, int64_t t) {
       return i % 2 ? auth_failure(t, "user:alice", "192.0.2.7:40000", 429,
                                   "authn.bruteforce")
                    : auth_failure(t, "user:alice");
     }},
    {"brute_force_any_authn_check", alert_kind::brute_force, 10, 60'000, {},
     [](size_t i, int64_t t) {
       static const char* checks[] = {"authn.basic", "authn.bearer",
                                      "authn.apikey", "authn.mtls"};
       return auth_failure(t, "user:alice", "192.0.2.7:40000", 401,
                           checks[i % 4]);
     }},
    {"password_spraying", alert_kind::password_spraying, 5, 600'000, {},
     [](size_t i, int64_t t) {
       return auth_failure(t, "user:a" + std::to_string(i),
                           "192.0.2.7:" + std::to_string(40000 + i));
     }},
    {"repeated_forbidden", alert_kind::repeated_forbidden, 10, 60'000, {},
     [](size_t i, int64_t t) {
       return activity(t, "user:bob", "press-" + std::to_string(i % 3),
                       "setpoint", "writeproperty", 403);
     }},
    {"repeated_forbidden_by_source", alert_kind::repeated_forbidden, 10,
     60'000, {},
     [](size_t i, int64_t t) {
       return activity(t, "", "press-1", "setpoint", "writeproperty", 403,
                       "203.0.113.9:" + std::to_string(50000 + i));
     }},
    {"many_things_floor", alert_kind::many_things, 10, 60'000,
     [](audit_analyzer& a) { learn(a, "user:carol", 2); },
     [](size_t i, int64_t t) {
       return activity(t, "user:carol", "thing-" + std::to_string(i));
     }},
    {"many_things_factor", alert_kind::many_things, 16, 60'000,
     [](audit_analyzer& a) { learn(a, "user:carol", 5); },
     [](size_t i, int64_t t) {
       return activity(t, "user:carol", "thing-" + std::to_string(i));
     }},
  };
}

/// Feeds c.threshold qualifying events spread evenly over `span` ms; returns
/// the count of c.kind alerts after each.
std::vector<size_t> run(const threshold_case& c, int64_t span) {
  auto a = make_analyzer();
  if (c.prime)
    c.prime(a);
  std::vector<size_t> counts;
  for (size_t i = 0; i < c.threshold; ++i) {
    auto t = start + static_cast<int64_t>(i) * span
                       / static_cast<int64_t>(c.threshold - 1);
    counts.push_back(count_kind(a.observe(c.event(i, t)), c.kind));
  }
  return counts;
}

TEST(audit_analyzer, each_pattern_fires_at_its_threshold_not_below) {
  for (auto& c : threshold_cases()) {
    SCOPED_TRACE(c.name);
    auto counts = run(c, static_cast<int64_t>(c.threshold - 1) * 1000);
    ASSERT_EQ(counts.size(), c.threshold);
    for (size_t i = 0; i + 1 < c.threshold; ++i)
      EXPECT_EQ(counts[i], 0u) << "after " << i + 1 << " events";
    EXPECT_EQ(counts.back(), 1u);
  }
}

TEST(audit_analyzer, the_window_is_the_last_w_seconds) {
  for (auto& c : threshold_cases()) {
    SCOPED_TRACE(c.name);
    // The first event exactly W before the last one has left the window.
    auto out = run(c, c.window);
    EXPECT_EQ(out.back(), 0u);
    // One millisecond less and all of them are inside.
    out = run(c, c.window - 1);
    EXPECT_EQ(out.back(), 1u);
  }
}

TEST(audit_analyzer, an_old_timestamp_counts_at_the_newest_time) {
  auto a = make_analyzer();
  EXPECT_TRUE(a.observe(auth_failure(t0 + 100'000, "user:alice")).empty());
  std::vector<security_alert> out;
  for (int i = 0; i < 9; ++i)
    out = a.observe(auth_failure(t0, "user:alice"));
  ASSERT_EQ(count_kind(out, alert_kind::brute_force), 1u);
  EXPECT_EQ(out[0].time_ms, t0 + 100'000);
}

// -- brute force vs spraying --------------------------------------------------

struct mix_case {
  const char* name;
  /// (claimed account, source) per failure, one second apart.
  std::vector<std::pair<std::string, std::string>> failures;
  size_t brute_force;
  size_t spraying;
};

std::vector<mix_case> mix_cases() {
  std::vector<mix_case> cases;
  auto add = [&](const char* name, size_t bf, size_t sp, auto make, size_t n) {
    mix_case c{name, {}, bf, sp};
    for (size_t i = 0; i < n; ++i)
      c.failures.push_back(make(i));
    cases.push_back(std::move(c));
  };
  add("one account from one source is brute force", 1, 0,
      [](size_t) { return std::pair{std::string{"user:alice"},
                                    std::string{"192.0.2.7:40000"}}; },
      10);
  add("one account from ten sources is brute force", 1, 0,
      [](size_t i) {
        return std::pair{std::string{"user:alice"}, ip4(i) + ":40000"};
      },
      10);
  add("five accounts twice each from one source is spraying", 0, 1,
      [](size_t i) {
        return std::pair{"user:a" + std::to_string(i % 5),
                         std::string{"192.0.2.7:40000"}};
      },
      10);
  add("five accounts from five sources is neither", 0, 0,
      [](size_t i) {
        return std::pair{"user:a" + std::to_string(i), ip4(i) + ":40000"};
      },
      5);
  add("one IPv6 /64 with many hosts and ports is one source", 0, 1,
      [](size_t i) {
        auto host = "2001:db8:1:2::" + std::to_string(10 + i);
        return std::pair{"user:a" + std::to_string(i),
                         i % 2 ? "[" + host + "]:4000" + std::to_string(i)
                               : host + ":4000" + std::to_string(i)};
      },
      5);
  add("different IPv6 /64s are different sources", 0, 0,
      [](size_t i) {
        return std::pair{"user:a" + std::to_string(i),
                         "2001:db8:1:" + std::to_string(i) + "::10:40000"};
      },
      5);
  add("failures without a claimed account count for none", 0, 0,
      [](size_t) {
        return std::pair{std::string{}, std::string{"192.0.2.7:40000"}};
      },
      10);
  return cases;
}

TEST(audit_analyzer, brute_force_is_one_account_spraying_is_many) {
  for (auto& c : mix_cases()) {
    SCOPED_TRACE(c.name);
    auto a = make_analyzer();
    size_t bf = 0, sp = 0;
    for (size_t i = 0; i < c.failures.size(); ++i) {
      auto& [account, source] = c.failures[i];
      auto out = a.observe(
        auth_failure(t0 + static_cast<int64_t>(i) * 1000, account, source));
      bf += count_kind(out, alert_kind::brute_force);
      sp += count_kind(out, alert_kind::password_spraying);
      EXPECT_EQ(out.size(), count_kind(out, alert_kind::brute_force)
                              + count_kind(out, alert_kind::password_spraying));
    }
    EXPECT_EQ(bf, c.brute_force);
    EXPECT_EQ(sp, c.spraying);
  }
}

TEST(audit_analyzer, alert_evidence_names_the_sources_and_accounts) {
  auto a = make_analyzer();
  std::vector<security_alert> out;
  for (int i = 0; i < 10; ++i)
    out = a.observe(auth_failure(t0 + i * 1000, "user:alice",
                                 ip4(static_cast<size_t>(i % 3)) + ":40000"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, "critical");
  EXPECT_EQ(out[0].subject, "user:alice");
  EXPECT_EQ(out[0].evidence["failures"], 10);
  EXPECT_EQ(out[0].evidence["sourceAddresses"],
            (nlohmann::json{"10.0.0.0", "10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(out[0].summary, "10 failed authentications for user:alice within "
                            "60 s from 3 source addresses");

  auto b = make_analyzer();
  for (int i = 0; i < 5; ++i)
    out = b.observe(auth_failure(t0 + i * 1000, "user:a" + std::to_string(i),
                                 "192.0.2.7:" + std::to_string(40000 + i)));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].subject, "");
  EXPECT_EQ(out[0].source, "192.0.2.7:40004");
  EXPECT_EQ(out[0].evidence["sourceAddress"], "192.0.2.7");
  EXPECT_EQ(out[0].evidence["accountNames"],
            (nlohmann::json{"user:a0", "user:a1", "user:a2", "user:a3",
                            "user:a4"}));
}

// -- once per episode -----------------------------------------------------------

TEST(audit_analyzer, cool_down_suppresses_then_reports_the_count) {
  auto a = make_analyzer();
  size_t alerts = 0;
  // 30 failures in 30 s: the 10th fires, the next 20 are suppressed.
  for (int i = 0; i < 30; ++i)
    alerts += a.observe(auth_failure(t0 + i * 1000, "user:alice")).size();
  EXPECT_EQ(alerts, 1u);
  EXPECT_EQ(a.stats().suppressed, 20u);
  // Another account is another key: not in cool-down.
  std::vector<security_alert> out;
  for (int i = 0; i < 10; ++i)
    out = a.observe(auth_failure(t0 + 30'000 + i * 100, "user:bob"));
  ASSERT_EQ(count_kind(out, alert_kind::brute_force), 1u);
  EXPECT_EQ(out[0].subject, "user:bob");
  // Still in alice's cool-down (600 s from t0 + 9 s): the earlier failures
  // have left the window, so the 10th of these would fire: suppressed.
  for (int i = 0; i < 10; ++i)
    alerts += a.observe(auth_failure(t0 + 600'000 + i * 100, "user:alice"))
                .size();
  EXPECT_EQ(alerts, 1u);
  EXPECT_EQ(a.stats().suppressed, 21u);
  // After it: a new episode, carrying how many were suppressed.
  for (int i = 0; i < 10; ++i)
    out = a.observe(auth_failure(t0 + 700'000 + i * 100, "user:alice"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].evidence["suppressed"], 21);
  EXPECT_EQ(a.stats().alerts, 3u);
}

TEST(audit_analyzer, the_budget_caps_alerts_of_many_keys) {
  auto cfg = test_config();
  cfg.max_alerts_per_minute = 3;
  auto a = make_analyzer(cfg);
  size_t alerts = 0;
  // Ten sources spray at once, each its own accounts: ten keys, one alert
  // each without a budget.
  auto account = [](size_t s, size_t i) {
    return "user:s" + std::to_string(s) + "a" + std::to_string(i);
  };
  for (size_t s = 0; s < 10; ++s)
    for (size_t i = 0; i < 5; ++i)
      alerts += a.observe(auth_failure(t0, account(s, i), ip4(s) + ":40000"))
                  .size();
  EXPECT_EQ(alerts, 3u);
  EXPECT_EQ(a.stats().dropped, 7u);
  // A minute later the budget is back; the next alert tells what was lost.
  std::vector<security_alert> out;
  for (size_t i = 0; i < 5; ++i)
    out = a.observe(auth_failure(t0 + 60'000, "user:a" + std::to_string(i),
                                 "192.0.2.99:40000"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].evidence["dropped"], 7);
  // A dropped alert started no cool-down: its key alerts once budget allows.
  out = a.observe(auth_failure(t0 + 60'000, account(9, 0), ip4(9) + ":40000"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].evidence["sourceAddress"], ip4(9));
}

// -- learning -----------------------------------------------------------------

TEST(audit_analyzer, new_affordance_only_after_the_learning_period) {
  auto a = make_analyzer();
  // Events 1..19: the known triple.
  for (int i = 0; i < 19; ++i)
    EXPECT_TRUE(a.observe(activity(t0 + i * 1000, "user:dave", "press-0"))
                  .empty());
  // Event 20, the last learning event, may use a new triple silently.
  EXPECT_TRUE(a.observe(activity(t0 + 19'000, "user:dave", "press-0",
                                 "mode", "readproperty"))
                .empty());
  // Event 21 with a triple never used fires.
  auto out = a.observe(activity(t0 + 20'000, "user:dave", "press-0",
                                "setpoint", "writeproperty"));
  ASSERT_EQ(count_kind(out, alert_kind::new_affordance), 1u);
  EXPECT_EQ(out[0].evidence["op"], "writeproperty");
  // Known now, and so is the one learned at event 20.
  EXPECT_TRUE(a.observe(activity(t0 + 21'000, "user:dave", "press-0",
                                 "setpoint", "writeproperty"))
                .empty());
  EXPECT_TRUE(a.observe(activity(t0 + 22'000, "user:dave", "press-0", "mode",
                                 "readproperty"))
                .empty());
  // The op is part of the triple; denied uses teach and fire nothing.
  EXPECT_TRUE(a.observe(activity(t0 + 23'000, "user:dave", "press-0",
                                 "alarm", "invokeaction", 403))
                .empty());
  // Another new triple within the cool-down is learned, not alerted.
  EXPECT_TRUE(a.observe(activity(t0 + 24'000, "user:dave", "press-0",
                                 "setpoint", "readproperty"))
                .empty());
  EXPECT_EQ(a.stats().suppressed, 1u);
}

TEST(audit_analyzer, learning_is_per_subject) {
  auto a = make_analyzer();
  learn(a, "user:dave", 1);
  // A subject with a few events is still learning: nothing is new to it.
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(a.observe(activity(t0 + 30'000 + i, "user:newbie",
                                   "press-" + std::to_string(i), "setpoint",
                                   "writeproperty"))
                  .empty());
  auto out = a.observe(activity(t0 + 40'000, "user:dave", "press-7"));
  EXPECT_EQ(count_kind(out, alert_kind::new_affordance), 1u);
}

TEST(audit_analyzer, the_learned_maximum_is_frozen) {
  auto a = make_analyzer();
  learn(a, "user:carol", 2);
  // Nine things per window, again and again: below the floor of 10, never
  // fires, and does not raise the learned maximum of 2 either.
  for (int w = 0; w < 5; ++w)
    for (int i = 0; i < 9; ++i)
      EXPECT_EQ(count_kind(a.observe(activity(
                             start + w * 61'000 + i,
                             "user:carol", "t" + std::to_string(w * 9 + i))),
                           alert_kind::many_things),
                0u);
  std::vector<security_alert> out;
  for (int i = 0; i < 10; ++i)
    out = a.observe(activity(start + 400'000 + i, "user:carol",
                             "u" + std::to_string(i)));
  ASSERT_EQ(count_kind(out, alert_kind::many_things), 1u);
  auto& alert = *std::find_if(out.begin(), out.end(), [](auto& x) {
    return x.kind == alert_kind::many_things;
  });
  EXPECT_EQ(alert.evidence["learnedMax"], 2);
  EXPECT_EQ(alert.evidence["threshold"], 10);
}

TEST(audit_analyzer, unproven_subjects_teach_no_profile) {
  auto a = make_analyzer();
  // 30 failures claiming user:dave (throttled after 10: brute force).
  for (int i = 0; i < 30; ++i)
    a.observe(auth_failure(t0 + i * 1000, "user:dave"));
  // Other denials by authentication (a malformed header) teach nothing.
  for (int i = 0; i < 30; ++i) {
    auto ev = activity(t0 + 30'000 + i, "user:dave", "press-9", "level",
                       "readproperty", 400);
    ev.check = "authn.bearer";
    a.observe(ev);
  }
  // dave's first real requests are still learning ...
  for (int i = 0; i < 19; ++i)
    EXPECT_TRUE(a.observe(activity(t0 + 40'000 + i, "user:dave",
                                   "press-" + std::to_string(i % 3)))
                  .empty());
  // ... and an allowed event counts whatever check the request path names:
  // this 20th event ends the learning period.
  auto ev = activity(t0 + 41'000, "user:dave", "press-0");
  ev.check = "authn.basic";
  EXPECT_TRUE(a.observe(ev).empty());
  auto out = a.observe(activity(t0 + 42'000, "user:dave", "press-9"));
  EXPECT_EQ(count_kind(out, alert_kind::new_affordance), 1u);
}

// -- off hours ------------------------------------------------------------------

struct off_hours_case {
  const char* name;
  int64_t time;
  std::string subject;
  std::string op;
  uint16_t status;
  size_t alerts;
};

TEST(audit_analyzer, off_hours_writes) {
  auto cfg = test_config();
  auto window = kagami::security::authz::parse_time_window(
    nlohmann::json{{"days", {"mon", "tue", "wed", "thu", "fri"}},
                   {"from", "06:00"},
                   {"to", "18:00"}},
    "", "utcOffset");
  ASSERT_TRUE(window);
  cfg.off_hours.working_hours = *window;
  cfg.off_hours.exempt_subjects = {"app:night-batch"};
  constexpr int64_t minute = 60'000;
  std::vector<off_hours_case> cases{
    {"last minute of the day shift", monday + 18 * hour - minute, "user:erin",
     "writeproperty", 200, 0},
    {"end of the shift", monday + 18 * hour, "user:erin", "writeproperty",
     200, 1},
    {"before the shift", monday + 6 * hour - minute, "user:erin",
     "writeproperty", 200, 1},
    {"start of the shift", monday + 6 * hour, "user:erin", "writeproperty",
     200, 0},
    {"saturday noon", monday + 5 * 24 * hour + 12 * hour, "user:erin",
     "writeproperty", 200, 1},
    {"an action at night", monday + 23 * hour, "user:erin", "invokeaction",
     200, 1},
    {"a read at night", monday + 23 * hour, "user:erin", "readproperty", 200,
     0},
    {"a denied write at night", monday + 23 * hour, "user:erin",
     "writeproperty", 403, 0},
    {"an exempt subject at night", monday + 23 * hour, "app:night-batch",
     "writeproperty", 200, 0},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto a = make_analyzer(cfg);
    auto out = a.observe(
      activity(c.time, c.subject, "press-1", "setpoint", c.op, c.status));
    EXPECT_EQ(count_kind(out, alert_kind::off_hours_write), c.alerts);
  }
}

// -- bounded state ------------------------------------------------------------

TEST(audit_analyzer, tables_stay_bounded_under_100k_distinct_sources) {
  for (bool defaults : {true, false}) {
    SCOPED_TRACE(defaults ? "default limits" : "small limits");
    auto cfg = test_config();
    if (!defaults) {
      cfg.limits.max_accounts = 1000;
      cfg.limits.max_sources = 500;
      cfg.limits.max_subjects = 100;
    }
    auto a = make_analyzer(cfg);
    size_t alerts = 0;
    for (size_t i = 0; i < 100'000; ++i) {
      auto t = t0 + static_cast<int64_t>(i);
      alerts += a.observe(auth_failure(t, "user:u" + std::to_string(i),
                                       ip4(i) + ":40000"))
                  .size();
      alerts += a.observe(activity(t, "user:s" + std::to_string(i), "press-1",
                                   "setpoint", "writeproperty", 403,
                                   ip4(i) + ":40001"))
                  .size();
    }
    // One failure per account and source, one 403 per subject: no pattern.
    EXPECT_EQ(alerts, 0u);
    auto s = a.stats();
    EXPECT_EQ(s.accounts, cfg.limits.max_accounts);
    EXPECT_EQ(s.sources, cfg.limits.max_sources);
    EXPECT_EQ(s.subjects, cfg.limits.max_subjects);
    EXPECT_EQ(s.forbidden_keys, cfg.limits.max_subjects);
    // A spraying source after the flood is still seen.
    std::vector<security_alert> out;
    for (size_t i = 0; i < 5; ++i)
      out = a.observe(auth_failure(t0 + 200'000, "user:x" + std::to_string(i),
                                   "192.0.2.200:40000"));
    EXPECT_EQ(count_kind(out, alert_kind::password_spraying), 1u);
  }
}

TEST(audit_analyzer, cool_downs_stay_bounded) {
  auto cfg = test_config();
  cfg.limits.max_cooldowns = 50;
  cfg.max_alerts_per_minute = 100'000;
  auto a = make_analyzer(cfg);
  size_t alerts = 0;
  for (size_t k = 0; k < 200; ++k)
    for (int i = 0; i < 10; ++i)
      alerts += a.observe(auth_failure(t0 + static_cast<int64_t>(k), "user:u"
                                                             + std::to_string(k),
                                       ip4(k) + ":40000"))
                  .size();
  EXPECT_EQ(alerts, 200u);
  EXPECT_EQ(a.stats().cooldowns, 50u);
}

TEST(audit_analyzer, too_many_triples_end_new_affordance_for_the_subject) {
  auto cfg = test_config();
  cfg.limits.max_triples_per_subject = 8;
  auto a = make_analyzer(cfg);
  // Learning uses 9 triples: more than can be remembered.
  for (int i = 0; i < 20; ++i)
    a.observe(activity(t0 + i * 1000, "user:wide",
                       "press-" + std::to_string(i % 9)));
  EXPECT_TRUE(a.observe(activity(t0 + 30'000, "user:wide", "press-99"))
                .empty());
}

// -- texts ----------------------------------------------------------------------

TEST(audit_analyzer, texts_come_from_event_fields_only) {
  auto cfg = test_config();
  auto window = kagami::security::authz::parse_time_window(
    nlohmann::json{{"days", {"mon", "tue", "wed", "thu", "fri"}},
                   {"from", "06:00"},
                   {"to", "22:00"},
                   {"utcOffset", "+09:00"}},
    "", "utcOffset");
  ASSERT_TRUE(window);
  cfg.off_hours.working_hours = *window;
  auto a = make_analyzer(cfg);
  std::vector<security_alert> all;
  auto keep = [&](std::vector<security_alert> out) {
    all.insert(all.end(), out.begin(), out.end());
  };
  for (int i = 0; i < 10; ++i)
    keep(a.observe(auth_failure(t0 + i * 100, "user:alice")));
  for (int i = 0; i < 5; ++i)
    keep(a.observe(auth_failure(t0 + 1000 + i * 100,
                                "user:a" + std::to_string(i),
                                "192.0.2.8:40000")));
  for (int i = 0; i < 10; ++i)
    keep(a.observe(activity(t0 + 2000 + i * 100, "user:bob", "press-1",
                            "setpoint", "writeproperty", 403)));
  learn(a, "user:carol", 2);
  for (int i = 0; i < 10; ++i)
    keep(a.observe(activity(start + i * 100, "user:carol",
                            "thing-" + std::to_string(i))));
  // 14:30 UTC is 23:30 in UTC+09:00.
  keep(a.observe(activity(monday + 14 * hour + 30 * 60'000, "user:erin",
                          "press-1", "setpoint", "writeproperty")));
  std::map<std::string, std::string> summaries;
  for (auto& alert : all) {
    auto text = to_json_text(alert);
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
    summaries.emplace(alert.kind, alert.summary);
  }
  std::map<std::string, std::string> expected{
    {"brute_force", "10 failed authentications for user:alice within 60 s "
                    "from 1 source address"},
    {"password_spraying", "failed authentications for 5 distinct accounts "
                          "within 600 s from 192.0.2.8"},
    {"repeated_forbidden", "user:bob was refused (403) 10 times within 60 s, "
                           "last for writeproperty on press-1/setpoint"},
    {"many_things", "user:carol touched 10 distinct things within 60 s; "
                    "while learning it touched at most 2"},
    {"new_affordance", "user:carol did readproperty on thing-0/level for the "
                       "first time since it was learned (20 events)"},
    {"off_hours_write",
     "user:erin did writeproperty on press-1/setpoint at Mon 2026-11-23 23:30 "
     "UTC+09:00, outside the working hours Mon-Fri 06:00-22:00 UTC+09:00"},
  };
  EXPECT_EQ(summaries, expected);
}

TEST(audit_analyzer, control_characters_in_fields_are_replaced) {
  auto a = make_analyzer();
  std::vector<security_alert> out;
  for (int i = 0; i < 10; ++i)
    out = a.observe(auth_failure(t0 + i, "user:ev\nil\x1b[31m"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].subject, "user:ev?il?[31m");
  EXPECT_EQ(out[0].summary.find('\n'), std::string::npos);
  EXPECT_NE(out[0].summary.find("user:ev?il?[31m"), std::string::npos);
}

TEST(audit_analyzer, alert_records_never_feed_back) {
  auto a = make_analyzer();
  for (int i = 0; i < 50; ++i) {
    auto ev = auth_failure(t0 + i, "user:alice");
    ev.op = std::string{alert_op};
    ev.check = "logcheck.brute_force";
    EXPECT_TRUE(a.observe(ev).empty());
  }
  EXPECT_EQ(a.stats().events, 0u);
  EXPECT_EQ(a.stats().accounts, 0u);
}

TEST(audit_analyzer, make_rejects_an_invalid_config) {
  auto cfg = test_config();
  cfg.password_spraying.threshold = 1;
  auto a = audit_analyzer::make(cfg);
  ASSERT_FALSE(a);
  EXPECT_EQ(kagami::detail_of(a.error()),
            "/security/logValidation/passwordSpraying/accounts: must be an "
            "integer from 2 to 100");
}

} // namespace
