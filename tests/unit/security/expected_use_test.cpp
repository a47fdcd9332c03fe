// Expected use: config parsing, operational envelopes, per-subject rate
// limits and the per-device minimum write interval, with an injected clock.

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/validation/expected_use_config.hpp"
#include "actors/security/validation/operational_envelope.hpp"
#include "actors/security/validation/rate_limiter.hpp"
#include "actors/security/validation/write_interval_gate.hpp"

using namespace kagami;
using namespace kagami::security;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;
const clock_type::time_point t0{std::chrono::hours{1000}};

// -- config -------------------------------------------------------------------

struct config_case {
  const char* name;
  const char* text;
  const char* error_prefix; // nullptr: must parse
};

TEST(expected_use_config, table) {
  const config_case cases[] = {
    {"empty", "{}", nullptr},
    {"full", R"({"envelopes":[{"thing":"press-1","property":"setpoint","minimum":0,"maximum":80,"max_step":5,"unknown_previous":"allow"}],
                 "rate_limit":{"requests_per_second":10,"burst":20,"max_subjects":100},
                 "write_interval":{"default_ms":100,"devices":{"press-1":500},"max_devices":10}})",
     nullptr},
    {"not json", "{", "(root): not valid JSON"},
    {"not object", "[]", "(root): expected an object"},
    {"unknown top key", R"({"limits":{}})", "/limits: unknown key"},
    {"envelope min above max", R"({"envelopes":[{"thing":"a","property":"p","minimum":10,"maximum":5}]})",
     "/envelopes/0/maximum: below minimum 10"},
    {"envelope without bounds", R"({"envelopes":[{"thing":"a","property":"p"}]})",
     "/envelopes/0: needs at least one of"},
    {"envelope zero step", R"({"envelopes":[{"thing":"a","property":"p","max_step":0}]})",
     "/envelopes/0/max_step: must be > 0"},
    {"envelope string bound", R"({"envelopes":[{"thing":"a","property":"p","maximum":"80"}]})",
     "/envelopes/0/maximum: expected a number"},
    {"envelope missing thing", R"({"envelopes":[{"property":"p","maximum":1}]})",
     "/envelopes/0/thing: missing"},
    {"envelope duplicate", R"({"envelopes":[{"thing":"a","property":"p","maximum":1},{"thing":"a","property":"p","minimum":0}]})",
     "/envelopes/1: duplicate envelope for a/p"},
    {"envelope bad unknown_previous", R"({"envelopes":[{"thing":"a","property":"p","max_step":1,"unknown_previous":"maybe"}]})",
     "/envelopes/0/unknown_previous: expected one of"},
    {"rate zero", R"({"rate_limit":{"requests_per_second":0,"burst":1}})",
     "/rate_limit/requests_per_second: must be > 0"},
    {"rate missing burst", R"({"rate_limit":{"requests_per_second":1}})",
     "/rate_limit/burst: missing"},
    {"rate small burst", R"({"rate_limit":{"requests_per_second":1,"burst":0.5}})",
     "/rate_limit/burst: must be >= 1"},
    {"rate zero subjects", R"({"rate_limit":{"requests_per_second":1,"burst":1,"max_subjects":0}})",
     "/rate_limit/max_subjects: expected an integer >= 1"},
    {"interval negative", R"({"write_interval":{"default_ms":-1}})",
     "/write_interval/default_ms: expected an integer number"},
    {"interval device slash", R"({"write_interval":{"devices":{"a/b":1.5}}})",
     "/write_interval/devices/a~1b: expected an integer number"},
    {"interval too long", R"({"write_interval":{"devices":{"a":86400001}}})",
     "/write_interval/devices/a: expected an integer number"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto config = parse_expected_use_config(c.text);
    if (c.error_prefix == nullptr) {
      ASSERT_TRUE(config) << detail_of(config.error());
      continue;
    }
    ASSERT_FALSE(config);
    EXPECT_EQ(code_of(config.error()), ec::config_invalid);
    EXPECT_EQ(detail_of(config.error()).rfind(c.error_prefix, 0), 0u)
      << detail_of(config.error());
  }
}

TEST(expected_use_config, values_and_section_pointer) {
  auto config = parse_expected_use_config(
    R"({"envelopes":[{"thing":"press-1","property":"setpoint","minimum":-5,"max_step":2.5}],
        "rate_limit":{"requests_per_second":0.5,"burst":3},
        "write_interval":{"default_ms":100,"devices":{"press-1":500}}})");
  ASSERT_TRUE(config) << detail_of(config.error());
  ASSERT_EQ(config->envelopes.size(), 1u);
  auto& e = config->envelopes[0];
  EXPECT_EQ(e.thing, "press-1");
  EXPECT_EQ(e.minimum, -5.0);
  EXPECT_FALSE(e.maximum);
  EXPECT_EQ(e.max_step, 2.5);
  EXPECT_TRUE(e.reject_unknown_previous);
  ASSERT_TRUE(config->rate_limit);
  EXPECT_EQ(config->rate_limit->requests_per_second, 0.5);
  EXPECT_EQ(config->rate_limit->burst, 3.0);
  EXPECT_EQ(config->rate_limit->max_subjects, 10000u);
  EXPECT_EQ(config->write_interval.default_interval, 100ms);
  EXPECT_EQ(config->write_interval.devices.at("press-1"), 500ms);
  // Embedded in a larger document, errors carry the section's pointer.
  auto doc = nlohmann::json::parse(R"({"checks":[{"rate_limit":{"burst":2}}]})");
  auto nested = parse_expected_use_config(doc["checks"][0], "/checks/0");
  ASSERT_FALSE(nested);
  EXPECT_EQ(detail_of(nested.error()),
            "/checks/0/rate_limit/requests_per_second: missing");
}

// -- operational envelope -----------------------------------------------------

struct envelope_step {
  const char* name;
  enum { write, observe, forget } action;
  double value;
  const char* error_substring; // for writes; nullptr: must pass
};

TEST(operational_envelope, table) {
  property_envelope setpoint{"press-1", "setpoint", 0.0, 80.0, 5.0, true};
  property_envelope speed{"press-1", "speed", std::nullopt, 100.0, 10.0, false};
  operational_envelope envelope{{setpoint, speed}};
  const envelope_step setpoint_steps[] = {
    {"first write without a known value", envelope_step::write, 40, "current value unknown"},
    {"read 40", envelope_step::observe, 40, nullptr},
    {"+5 at the edge", envelope_step::write, 45, nullptr},
    {"-5 at the edge", envelope_step::write, 35, nullptr},
    {"+5.5 too far", envelope_step::write, 45.5, "change 5.5 from 40 exceeds the operational step 5"},
    {"below minimum", envelope_step::write, -1, "below the operational minimum 0"},
    {"above maximum", envelope_step::write, 81, "above the operational maximum 80"},
    {"not finite", envelope_step::write, std::numeric_limits<double>::infinity(), "not finite"},
    {"nan", envelope_step::write, std::numeric_limits<double>::quiet_NaN(), "not finite"},
    {"device took 44", envelope_step::observe, 44, nullptr},
    {"49 from 44", envelope_step::write, 49, nullptr},
    {"35 from 44", envelope_step::write, 35, "change 9 from 44"},
    {"non-finite observation ignored", envelope_step::observe,
     std::numeric_limits<double>::quiet_NaN(), nullptr},
    {"still from 44", envelope_step::write, 48, nullptr},
    {"device restarted", envelope_step::forget, 0, nullptr},
    {"unknown again", envelope_step::write, 44, "current value unknown"},
  };
  for (auto& s : setpoint_steps) {
    SCOPED_TRACE(s.name);
    switch (s.action) {
      case envelope_step::observe:
        envelope.observe("press-1", "setpoint", s.value);
        break;
      case envelope_step::forget:
        envelope.forget("press-1", "setpoint");
        break;
      case envelope_step::write: {
        auto err = envelope.check_write("press-1", "setpoint", s.value);
        if (s.error_substring == nullptr) {
          EXPECT_FALSE(err) << detail_of(err);
        } else {
          ASSERT_TRUE(err);
          EXPECT_EQ(code_of(err), ec::invalid_value);
          EXPECT_NE(detail_of(err).find(s.error_substring), std::string::npos)
            << detail_of(err);
          EXPECT_EQ(detail_of(err).rfind("setpoint of press-1: ", 0), 0u);
        }
        break;
      }
    }
  }
  // unknown_previous "allow": the step is checked only once a value is known.
  EXPECT_FALSE(envelope.check_write("press-1", "speed", 90));
  envelope.observe("press-1", "speed", 50);
  EXPECT_TRUE(envelope.check_write("press-1", "speed", 90));
  EXPECT_FALSE(envelope.check_write("press-1", "speed", 60));
  // Other properties and things are not enveloped and are not tracked.
  EXPECT_FALSE(envelope.check_write("press-2", "setpoint", 1e9));
  envelope.observe("press-2", "setpoint", 1);
  EXPECT_FALSE(envelope.last_value("press-2", "setpoint"));
  EXPECT_EQ(envelope.last_value("press-1", "speed"), 50.0);
}

// -- rate limiter -------------------------------------------------------------

struct rate_step {
  std::chrono::milliseconds at; // since t0
  const char* subject;
  bool allowed;
  std::chrono::seconds retry_after;
};

TEST(rate_limiter, table) {
  // 2 requests/s, burst 3.
  rate_limiter limiter{{2.0, 3.0, 100}};
  const rate_step steps[] = {
    {0ms, "alice", true, 0s},
    {0ms, "alice", true, 0s},
    {0ms, "alice", true, 0s},
    {0ms, "alice", false, 1s},   // empty: next token in 0.5 s
    {0ms, "bob", true, 0s},      // other subjects are unaffected
    {0ms, "bob", true, 0s},
    {400ms, "alice", false, 1s}, // 0.8 tokens
    {500ms, "alice", true, 0s},  // 1 token
    {500ms, "alice", false, 1s},
    {1000ms, "alice", true, 0s},
    {1000ms, "bob", true, 0s},   // bob had 1 left + 2 refilled
    {1000ms, "bob", true, 0s},
    {1000ms, "bob", true, 0s},
    {1000ms, "bob", false, 1s},
    {60000ms, "alice", true, 0s}, // refilled to burst, not beyond
    {60000ms, "alice", true, 0s},
    {60000ms, "alice", true, 0s},
    {60000ms, "alice", false, 1s},
  };
  int n = 0;
  for (auto& s : steps) {
    SCOPED_TRACE("step " + std::to_string(n++) + " " + s.subject);
    auto d = limiter.acquire(s.subject, t0 + s.at);
    EXPECT_EQ(d.allowed, s.allowed);
    EXPECT_EQ(d.retry_after(), s.retry_after);
  }
}

TEST(rate_limiter, retry_after_at_a_slow_rate) {
  // One request per 10 s: after the burst the wait is 10 s, then shrinks.
  rate_limiter limiter{{0.1, 1.0, 10}};
  EXPECT_TRUE(limiter.acquire("s", t0).allowed);
  auto d = limiter.acquire("s", t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.wait, 10000ms);
  EXPECT_EQ(d.retry_after(), 10s);
  d = limiter.acquire("s", t0 + 7500ms);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after(), 3s); // 2.5 s rounded up
  EXPECT_TRUE(limiter.acquire("s", t0 + 10s).allowed);
}

TEST(rate_limiter, throughput_matches_the_configured_rate) {
  // One subject hammering every 10 ms during [0, 10 s) at 5/s with burst 5
  // gets the burst plus one token per 200 ms after t0: 5 + 49 requests.
  rate_limiter limiter{{5.0, 5.0, 10}};
  int allowed = 0;
  for (int ms = 0; ms < 10000; ms += 10)
    allowed += limiter.acquire("greedy", t0 + std::chrono::milliseconds{ms}).allowed;
  EXPECT_EQ(allowed, 5 + 49);
  // A polite subject in the same period is never refused.
  rate_limiter shared{{5.0, 5.0, 10}};
  for (int ms = 0; ms < 10000; ms += 10) {
    shared.acquire("greedy", t0 + std::chrono::milliseconds{ms});
    if (ms % 500 == 0) {
      EXPECT_TRUE(shared.acquire("polite", t0 + std::chrono::milliseconds{ms}).allowed);
    }
  }
}

TEST(rate_limiter, memory_is_bounded) {
  rate_limiter limiter{{1.0, 2.0, 4}};
  // Four subjects drain their buckets at t0.
  for (auto s : {"a", "b", "c", "d"}) {
    EXPECT_TRUE(limiter.acquire(s, t0).allowed);
    EXPECT_TRUE(limiter.acquire(s, t0).allowed);
  }
  EXPECT_EQ(limiter.tracked_subjects(), 4u);
  // A fifth subject evicts the least recently used one ("a"), nothing more.
  EXPECT_TRUE(limiter.acquire("e", t0 + 1ms).allowed);
  EXPECT_EQ(limiter.tracked_subjects(), 4u);
  EXPECT_FALSE(limiter.acquire("b", t0 + 2ms).allowed); // still drained
  // Once buckets refill (2 s), new subjects drop full buckets instead.
  for (int i = 0; i < 1000; ++i)
    limiter.acquire("x" + std::to_string(i), t0 + 10s + std::chrono::milliseconds{i});
  EXPECT_LE(limiter.tracked_subjects(), 4u);
}

// -- write interval -----------------------------------------------------------

struct write_step {
  std::chrono::milliseconds at;
  const char* device;
  bool allowed;
  std::chrono::milliseconds wait;
};

TEST(write_interval_gate, table) {
  write_interval_config config;
  config.default_interval = 100ms;
  config.devices.emplace("press-1", 500ms);
  config.devices.emplace("sensor", 0ms);
  write_interval_gate gate{config};
  EXPECT_EQ(gate.interval_of("press-1"), 500ms);
  EXPECT_EQ(gate.interval_of("other"), 100ms);
  const write_step steps[] = {
    {0ms, "press-1", true, 0ms},
    {1ms, "press-1", false, 499ms}, // any subject: the gate knows none
    {499ms, "press-1", false, 1ms},
    {300ms, "other", true, 0ms},    // devices are independent
    {350ms, "other", false, 50ms},
    {500ms, "press-1", true, 0ms},
    {700ms, "press-1", false, 300ms}, // refused writes do not push the slot
    {1000ms, "press-1", true, 0ms},
    {1000ms, "sensor", true, 0ms},  // interval 0: unlimited
    {1000ms, "sensor", true, 0ms},
  };
  int n = 0;
  for (auto& s : steps) {
    SCOPED_TRACE("step " + std::to_string(n++) + " " + s.device);
    auto d = gate.try_write(s.device, t0 + s.at);
    EXPECT_EQ(d.allowed, s.allowed);
    EXPECT_EQ(d.wait, s.wait);
  }
  EXPECT_EQ(gate.tracked_devices(), 2u); // sensor is not tracked
}

TEST(write_interval_gate, full_table_refuses_rather_than_forgets) {
  write_interval_config config;
  config.default_interval = 1000ms;
  config.max_devices = 2;
  write_interval_gate gate{config};
  EXPECT_TRUE(gate.try_write("a", t0).allowed);
  EXPECT_TRUE(gate.try_write("b", t0 + 200ms).allowed);
  auto d = gate.try_write("c", t0 + 300ms);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.wait, 700ms); // "a" expires first
  EXPECT_FALSE(gate.try_write("a", t0 + 300ms).allowed); // "a" still protected
  EXPECT_TRUE(gate.try_write("c", t0 + 1000ms).allowed); // "a" expired
  EXPECT_EQ(gate.tracked_devices(), 2u);
}

TEST(throttle_decision, retry_after_rounds_up) {
  EXPECT_EQ((throttle_decision{true, 0ms}.retry_after()), 0s);
  EXPECT_EQ((throttle_decision{false, 1ms}.retry_after()), 1s);
  EXPECT_EQ((throttle_decision{false, 1000ms}.retry_after()), 1s);
  EXPECT_EQ((throttle_decision{false, 1001ms}.retry_after()), 2s);
}

} // namespace
