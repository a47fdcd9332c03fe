// brute_force_guard: table-driven scenarios on an injected clock: back-off,
// time-boxed lockout that attempts do not extend, per-account isolation,
// password spraying from one source, break-glass sources, bounded memory,
// and the bound on how long one attacker source can keep the admin out.

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/security/authz/brute_force_guard.hpp"

using namespace kagami::security::authz;
using namespace std::chrono_literals;
using kind = guard_decision::kind;

namespace {

const guard_clock::time_point t0 = guard_clock::time_point{} + 1000h;

// Small numbers so the tables stay readable.
brute_force_config small_config() {
  brute_force_config cfg;
  cfg.source_free_failures = 3;
  cfg.source_base_delay = 1s;
  cfg.source_max_delay = 8s;
  cfg.account_free_failures = 2;
  cfg.account_base_delay = 1s;
  cfg.account_max_delay = 4s;
  cfg.lockout_failures = 5;
  cfg.lockout_duration = 60s;
  cfg.forget_after = 600s;
  cfg.break_glass = {"192.168.100.0/24", "fd00:c0::/32"};
  return cfg;
}

brute_force_guard make_guard(brute_force_config cfg = small_config()) {
  auto g = brute_force_guard::make(std::move(cfg));
  EXPECT_TRUE(g) << kagami::detail_of(g.error());
  return std::move(*g);
}

struct step {
  enum action { check, fail, succeed } what;
  const char* account;
  const char* source;
  guard_clock::duration at; // since t0
  kind expect = kind::allowed;
  guard_clock::duration retry_after{0};
};

void run(brute_force_guard& g, const std::vector<step>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    auto& s = steps[i];
    auto now = t0 + s.at;
    switch (s.what) {
      case step::check: {
        auto d = g.check(s.account, s.source, now);
        EXPECT_EQ(to_string(d.what), std::string(to_string(s.expect))) << "step " << i;
        EXPECT_EQ(d.retry_after, s.retry_after) << "step " << i;
        EXPECT_EQ(d.allowed(), s.expect == kind::allowed) << "step " << i;
        break;
      }
      case step::fail:
        g.failed(s.account, s.source, now);
        break;
      case step::succeed:
        g.succeeded(s.account, s.source, now);
        break;
    }
  }
}

} // namespace

TEST(brute_force_guard, config_is_checked) {
  struct row {
    void (*edit)(brute_force_config&);
    const char* detail_prefix;
  };
  std::vector<row> rows{
    {[](auto& c) { c.lockout_failures = c.account_free_failures; }, "lockout_failures"},
    {[](auto& c) { c.source_base_delay = 0s; }, "source_base_delay"},
    {[](auto& c) { c.source_max_delay = 500ms; }, "source_base_delay"},
    {[](auto& c) { c.account_base_delay = -1s; }, "account_base_delay"},
    {[](auto& c) { c.lockout_duration = 0s; }, "lockout_duration"},
    {[](auto& c) { c.forget_after = 0s; }, "forget_after"},
    {[](auto& c) { c.max_sources = 0; }, "max_accounts"},
    {[](auto& c) { c.break_glass = {"console"}; }, "break_glass: not an IP"},
    {[](auto& c) { c.break_glass = {"10.0.0.0/33"}; }, "break_glass: prefix length above 32"},
    {[](auto& c) { c.break_glass = {"10.0.0.0/"}; }, "break_glass: bad prefix length"},
    {[](auto& c) { c.break_glass = {"::/129"}; }, "break_glass: prefix length above 128"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    auto cfg = small_config();
    rows[i].edit(cfg);
    auto g = brute_force_guard::make(cfg);
    ASSERT_FALSE(g) << "row " << i;
    EXPECT_EQ(kagami::code_of(g.error()), kagami::ec::config_invalid);
    EXPECT_EQ(kagami::detail_of(g.error()).rfind(rows[i].detail_prefix, 0), 0u)
      << "row " << i << ": " << kagami::detail_of(g.error());
  }
  EXPECT_TRUE(brute_force_guard::make(brute_force_config{}));
}

TEST(brute_force_guard, source_keys_and_break_glass) {
  struct row {
    const char* source;
    const char* key;
    bool glass;
  };
  std::vector<row> rows{
    {"10.0.0.7", "10.0.0.7", false},
    {"192.168.100.1", "192.168.100.1", true},
    {"192.168.100.255", "192.168.100.255", true},
    {"192.168.101.1", "192.168.101.1", false},
    {"::ffff:192.168.100.9", "192.168.100.9", true},
    {"2001:db8:0:1::5", "2001:db8:0:1::/64", false},
    {"2001:db8:0:1:ffff:1:2:3", "2001:db8:0:1::/64", false},
    {"fd00:c0:1::1", "fd00:c0:1::/64", true},
    {"fd00:c1::1", "fd00:c1::/64", false},
    {"unix-socket", "unix-socket", false},
    {"", "", false},
  };
  auto g = make_guard();
  for (auto& r : rows) {
    EXPECT_EQ(brute_force_guard::source_key(r.source), r.key) << r.source;
    EXPECT_EQ(g.is_break_glass(r.source), r.glass) << r.source;
  }
}

TEST(brute_force_guard, backoff_then_timeboxed_lockout) {
  auto g = make_guard();
  // alice from one source; source and account counters both run. Failures are
  // made only when check() allows (as the authentication check does).
  run(g, {
    {step::check, "alice", "10.0.0.1", 0s},
    {step::fail, "alice", "10.0.0.1", 0s},
    {step::fail, "alice", "10.0.0.1", 0s},  // 2 free account failures
    {step::check, "alice", "10.0.0.1", 0s},
    {step::fail, "alice", "10.0.0.1", 0s},  // 3rd: account waits 1 s
    {step::check, "alice", "10.0.0.1", 0s, kind::account_backoff, 1s},
    {step::check, "alice", "10.0.0.1", 500ms, kind::account_backoff, 500ms},
    {step::check, "alice", "10.0.0.1", 1s},
    {step::fail, "alice", "10.0.0.1", 1s},  // 4th: account 2 s, source 1 s
    {step::check, "alice", "10.0.0.1", 1s, kind::account_backoff, 2s},
    {step::check, "bob", "10.0.0.1", 1s, kind::source_throttled, 1s},
    {step::check, "alice", "10.0.0.2", 1s, kind::account_backoff, 2s},
    {step::fail, "alice", "10.0.0.2", 3s},  // 5th: lockout for 60 s
    {step::check, "alice", "10.0.0.2", 3s, kind::account_locked, 60s},
    // Attempts during the lockout neither count nor extend it.
    {step::fail, "alice", "10.0.0.3", 10s},
    {step::fail, "alice", "10.0.0.4", 20s},
    {step::fail, "alice", "10.0.0.5", 62s},
    {step::check, "alice", "10.0.0.6", 62s, kind::account_locked, 1s},
    {step::check, "alice", "10.0.0.6", 63s},
    // Another account is never affected by alice's lockout.
    {step::check, "bob", "10.0.0.6", 30s},
    // A break-glass source is not refused during the lockout.
    {step::check, "alice", "192.168.100.5", 30s},
    // After the lockout the account starts from zero: 2 free failures again.
    {step::fail, "alice", "10.0.0.6", 63s},
    {step::fail, "alice", "10.0.0.6", 63s},
    {step::check, "alice", "10.0.0.7", 63s},
    {step::fail, "alice", "10.0.0.6", 63s},
    {step::check, "alice", "10.0.0.7", 63s, kind::account_backoff, 1s},
  });
}

TEST(brute_force_guard, account_backoff_doubles_up_to_the_cap) {
  auto cfg = small_config();
  cfg.lockout_failures = 10;
  auto g = make_guard(cfg);
  // Each failure from a fresh source, right when the account may try again.
  std::vector<guard_clock::duration> waits;
  auto now = t0;
  for (int i = 0; i < 9; ++i) {
    auto src = "10.1.0." + std::to_string(i);
    ASSERT_TRUE(g.check("carol", src, now).allowed()) << i;
    g.failed("carol", src, now);
    auto d = g.check("carol", "10.2.0.1", now);
    waits.push_back(d.retry_after);
    now += d.retry_after;
  }
  std::vector<guard_clock::duration> expect{0s, 0s, 1s, 2s, 4s, 4s, 4s, 4s, 4s};
  EXPECT_EQ(waits, expect);
  g.failed("carol", "10.1.1.1", now); // the 10th
  auto d = g.check("carol", "10.2.0.1", now);
  EXPECT_EQ(d.what, kind::account_locked);
  EXPECT_EQ(d.retry_after, 60s);
}

TEST(brute_force_guard, success_resets_the_account_not_the_source) {
  auto g = make_guard();
  run(g, {
    {step::fail, "dave", "10.0.0.1", 0s},
    {step::fail, "dave", "10.0.0.1", 0s},
    {step::fail, "dave", "10.0.0.1", 0s},
    {step::check, "dave", "10.0.0.2", 0s, kind::account_backoff, 1s},
    {step::succeed, "dave", "10.0.0.2", 1s},
    {step::check, "dave", "10.0.0.2", 1s},
    // The account has 2 free failures again ...
    {step::fail, "dave", "10.0.0.1", 1s},
    {step::check, "dave", "10.0.0.2", 1s},
    // ... but the source still counts: its 4th failure makes it wait.
    {step::check, "erin", "10.0.0.1", 1s, kind::source_throttled, 1s},
    {step::succeed, "erin", "10.0.0.1", 2s},
    {step::fail, "erin", "10.0.0.1", 2s},
    {step::check, "frank", "10.0.0.1", 2s, kind::source_throttled, 2s},
  });
}

TEST(brute_force_guard, counters_are_forgotten_after_idle_time) {
  auto g = make_guard();
  run(g, {
    {step::fail, "gina", "10.0.0.1", 0s},
    {step::fail, "gina", "10.0.0.1", 0s},
    {step::fail, "gina", "10.0.0.1", 0s},
    {step::fail, "gina", "10.0.0.1", 1s},
    {step::check, "gina", "10.0.0.1", 1s, kind::account_backoff, 2s},
    // 600 s after the last failure both counters start again.
    {step::fail, "gina", "10.0.0.1", 601s},
    {step::fail, "gina", "10.0.0.1", 601s},
    {step::check, "gina", "10.0.0.1", 601s},
    {step::fail, "gina", "10.0.0.1", 601s},
    {step::check, "gina", "10.0.0.1", 601s, kind::account_backoff, 1s},
  });
}

TEST(brute_force_guard, password_spraying_from_one_source_is_throttled) {
  auto g = make_guard();
  // One password tried against many accounts: each account sees one failure,
  // so only the per-source counter can stop it.
  auto now = t0;
  int accepted = 0, throttled = 0;
  for (int i = 0; i < 200; ++i) {
    auto account = "user" + std::to_string(i);
    auto d = g.check(account, "203.0.113.9", now);
    if (d.allowed()) {
      ++accepted;
      g.failed(account, "203.0.113.9", now);
    } else {
      EXPECT_EQ(d.what, kind::source_throttled);
      ++throttled;
    }
    now += 100ms;
  }
  // 20 s of spraying: 3 free failures, then waits of 1, 2, 4, 8, 8 ... s.
  EXPECT_EQ(accepted, 3 + 5);
  EXPECT_EQ(throttled, 200 - accepted);
  // No sprayed account is held back for anyone else ...
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(g.check("user" + std::to_string(i), "198.51.100.1", now).allowed());
  // ... and rotating addresses inside one IPv6 /64 does not help the sprayer.
  auto g6 = make_guard();
  accepted = 0;
  for (int i = 0; i < 50; ++i) {
    auto src = "2001:db8:0:7::" + std::to_string(i + 1);
    if (g6.check("user" + std::to_string(i), src, t0).allowed()) {
      ++accepted;
      g6.failed("user" + std::to_string(i), src, t0);
    }
  }
  EXPECT_EQ(accepted, 4);
  EXPECT_TRUE(g6.check("user0", "2001:db8:0:8::1", t0).allowed());
}

TEST(brute_force_guard, break_glass_sources_bypass_account_rules_only) {
  auto g = make_guard();
  // Lock "admin" from five sources (failures at 0, 0, 0, 1 and 3 s: each
  // when the account's back-off allows); locked from 3 s to 63 s.
  run(g, {
    {step::fail, "admin", "10.0.0.1", 0s},
    {step::fail, "admin", "10.0.0.2", 0s},
    {step::fail, "admin", "10.0.0.3", 0s},
    {step::fail, "admin", "10.0.0.4", 1s},
    {step::fail, "admin", "10.0.0.5", 3s},
    {step::check, "admin", "10.9.9.9", 3s, kind::account_locked, 60s},
    // The console network may still try, but is throttled as a source.
    {step::check, "admin", "192.168.100.7", 3s},
    {step::fail, "admin", "192.168.100.7", 3s},
    {step::fail, "admin", "192.168.100.7", 3s},
    {step::fail, "admin", "192.168.100.7", 3s},
    {step::fail, "admin", "192.168.100.7", 3s},
    {step::check, "admin", "192.168.100.7", 3s, kind::source_throttled, 1s},
    {step::check, "admin", "192.168.100.8", 3s},
    // Console failures did not touch the account's lockout.
    {step::check, "admin", "10.9.9.9", 3s, kind::account_locked, 60s},
    // A console login ends the lockout for everyone.
    {step::succeed, "admin", "192.168.100.8", 5s},
    {step::check, "admin", "10.9.9.9", 5s},
  });
}

TEST(brute_force_guard, one_source_cannot_keep_the_admin_out) {
  // Defaults. The best single-source attacker against "admin": it tries the
  // moment check() lets it, for 24 hours.
  auto g = make_guard(brute_force_config{});
  auto now = t0;
  const auto end = t0 + 24h;
  std::optional<guard_clock::duration> first_lockout;
  guard_clock::duration locked_total{0};
  int lockouts = 0;
  while (now < end) {
    auto d = g.check("admin", "203.0.113.66", now);
    if (d.allowed()) {
      g.failed("admin", "203.0.113.66", now);
      auto after = g.check("admin", "198.51.100.1", now);
      if (after.what == kind::account_locked) {
        ++lockouts;
        locked_total += after.retry_after;
        if (!first_lockout)
          first_lockout = now - t0;
      }
      continue;
    }
    now += d.retry_after;
  }
  ASSERT_TRUE(first_lockout);
  std::cout << "one source: first lockout after "
            << std::chrono::duration_cast<std::chrono::minutes>(*first_lockout).count()
            << " min, " << lockouts << " lockouts in 24 h, admin locked "
            << std::chrono::duration_cast<std::chrono::minutes>(locked_total).count()
            << " min\n";
  // Throttled long before it locks the account, and the admin is locked out
  // for only a small part of the day.
  EXPECT_GT(*first_lockout, 80min);
  EXPECT_LT(locked_total, 24h / 10);
  EXPECT_EQ(locked_total, lockouts * 15min);
}

TEST(brute_force_guard, memory_is_bounded_and_oldest_keys_go_first) {
  auto cfg = small_config();
  cfg.max_accounts = 100;
  cfg.max_sources = 50;
  auto g = make_guard(cfg);
  // The first account is pushed into back-off, then 1000 other accounts fail
  // once each from 1000 sources.
  for (int i = 0; i < 3; ++i)
    g.failed("first", "10.3.0.1", t0);
  ASSERT_EQ(g.check("first", "10.3.0.2", t0).what, kind::account_backoff);
  for (int i = 0; i < 1000; ++i)
    g.failed("acct" + std::to_string(i),
             "10.4." + std::to_string(i / 250) + "." + std::to_string(i % 250),
             t0 + 1s);
  EXPECT_EQ(g.tracked_accounts(), 100u);
  EXPECT_EQ(g.tracked_sources(), 50u);
  // "first" was the oldest and is forgotten; the newest keys are still counted.
  EXPECT_TRUE(g.check("first", "10.3.0.2", t0 + 1s).allowed());
  g.failed("acct999", "10.5.0.1", t0 + 1s);
  g.failed("acct999", "10.5.0.1", t0 + 1s);
  EXPECT_EQ(g.check("acct999", "10.5.0.2", t0 + 1s).what, kind::account_backoff);
  // check() never adds keys.
  for (int i = 0; i < 500; ++i)
    g.check("probe" + std::to_string(i), "10.6.0." + std::to_string(i % 250), t0);
  EXPECT_EQ(g.tracked_accounts(), 100u);
  // Account names are keyed by their first max_account_bytes bytes.
  std::string longname(10000, 'x');
  g.failed(longname, "10.7.0.1", t0 + 2s);
  g.failed(longname + "y", "10.7.0.1", t0 + 2s);
  g.failed(longname + "z", "10.7.0.1", t0 + 2s);
  EXPECT_EQ(g.check(longname, "10.7.0.2", t0 + 2s).what, kind::account_backoff);
}
