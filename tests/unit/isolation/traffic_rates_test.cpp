// The traffic monitor's judgement: rates from IF-MIB counter readings and the
// alarms above thresholds (actors/isolation/traffic_rates.hpp).

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "actors/core/error.hpp"
#include "actors/isolation/traffic_rates.hpp"

using namespace kagami::isolation;
using kagami::network::counter_reading;
using kagami::network::port_counters;

namespace {

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

/// One port's counters: octets and unicast packets in and out.
port_counters pc(std::uint32_t port, std::uint64_t in_oct, std::uint64_t out_oct,
                 std::uint64_t in_pkt, std::uint64_t out_pkt, std::string name = {}) {
  port_counters p;
  p.port_id = port;
  p.name = name.empty() ? "p" + std::to_string(port) : std::move(name);
  p.admin_status = 1;
  p.oper_status = 1;
  p.in_octets = in_oct;
  p.out_octets = out_oct;
  p.in_packets = in_pkt;
  p.out_packets = out_pkt;
  return p;
}

/// A port that has carried `in_pps` and `out_pps` packets of 100 bytes for
/// `t_ms` since its counters were zero.
port_counters flowing(std::uint32_t port, double in_pps, double out_pps, std::int64_t t_ms) {
  auto in = static_cast<std::uint64_t>(in_pps * static_cast<double>(t_ms) / 1000.0);
  auto out = static_cast<std::uint64_t>(out_pps * static_cast<double>(t_ms) / 1000.0);
  return pc(port, in * 100, out * 100, in, out);
}

/// One reading of element "sw1" (or `element`) and the alarms it must raise,
/// each as "PORT:MEASURE".
struct step {
  std::int64_t at_ms;
  std::vector<port_counters> ports;
  std::vector<std::string> alarms;
  std::string element = "sw1";
};

/// The last rate of one port after all steps.
struct expected_rate {
  std::string element;
  std::uint32_t port;
  double in_pps, in_bps, out_pps, out_bps;
  std::int64_t interval_ms;
};

struct rate_case {
  std::string name;
  traffic_rates_config cfg;
  std::vector<step> steps;
  std::vector<expected_rate> final_rates;
  std::uint64_t ignored = 0;
  std::uint64_t resets = 0;
};

void PrintTo(const rate_case& c, std::ostream* os) {
  *os << c.name;
}

traffic_rates_config plain(rate_threshold t = {}) {
  traffic_rates_config cfg;
  cfg.default_threshold = t;
  cfg.counter_cache_ms = 0; // every reading is fresh
  return cfg;
}

traffic_rates_config with_port(traffic_rates_config cfg, std::string element,
                               std::uint32_t port, rate_threshold t) {
  cfg.per_port[{std::move(element), port}] = t;
  return cfg;
}

traffic_rates_config cached(rate_threshold t, std::int64_t cache_ms) {
  auto cfg = plain(t);
  cfg.counter_cache_ms = cache_ms;
  return cfg;
}

traffic_rates_config learning(rate_threshold t = {}) {
  auto cfg = plain(t);
  cfg.learn_baseline = true;
  cfg.baseline_samples = 5;
  cfg.baseline_factor = 2;
  cfg.baseline_floor_pps = 10;
  cfg.baseline_floor_bps = 10;
  return cfg;
}

std::vector<rate_case> cases() {
  // 2^64 - 500 and 2^64 - 5: counters about to wrap.
  const std::uint64_t near = u64_max - 499;
  return {
    {"steady rate, no limits",
     plain(),
     {{0, {flowing(1, 1000, 500, 0)}, {}},
      {1000, {flowing(1, 1000, 500, 1000)}, {}},
      {2000, {flowing(1, 1000, 500, 2000)}, {}},
      {3000, {flowing(1, 1000, 500, 3000)}, {}}},
     {{"sw1", 1, 1000, 800'000, 500, 400'000, 1000}}},
    {"steady rate under the limits",
     plain({1500, 1e6}),
     {{0, {flowing(1, 1000, 1000, 0)}, {}},
      {2000, {flowing(1, 1000, 1000, 2000)}, {}},
      {4000, {flowing(1, 1000, 1000, 4000)}, {}}},
     {{"sw1", 1, 1000, 800'000, 1000, 800'000, 2000}}},
    {"pps crossing: in, then out, then both",
     plain({1500, 0}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 0, 0, 1000, 1000)}, {}},
      {2000, {pc(1, 0, 0, 3000, 2000)}, {"1:in_pps"}},
      {3000, {pc(1, 0, 0, 4000, 4000)}, {"1:out_pps"}},
      {4000, {pc(1, 0, 0, 6000, 6000)}, {"1:in_pps", "1:out_pps"}},
      // Exactly at the limit is not above it.
      {5000, {pc(1, 0, 0, 7500, 7500)}, {}}},
     {{"sw1", 1, 1500, 0, 1500, 0, 1000}}},
    {"bps crossing",
     plain({0, 10e6}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 1'000'000, 1'000'000, 10, 10)}, {}},
      {2000, {pc(1, 3'000'000, 2'000'000, 20, 20)}, {"1:in_bps"}},
      {3000, {pc(1, 3'100'000, 3'500'000, 30, 30)}, {"1:out_bps"}}},
     {{"sw1", 1, 10, 800'000, 10, 12e6, 1000}}},
    {"counters wrap at 2^64",
     plain({5000, 0}),
     {{0, {pc(1, near, near, u64_max - 4, u64_max)}, {}},
      {1000, {pc(1, 500, near + 100, 5, 999)}, {}}},
     {{"sw1", 1, 10, 8000, 1000, 800, 1000}}},
    {"agent restart: counters drop, no rate, re-baseline",
     plain({10, 0}),
     {{0, {pc(1, 1'000'000, 0, 1000, 0)}, {}},
      {1000, {pc(1, 2'000'000, 0, 2000, 0)}, {"1:in_pps"}},
      // The agent restarted: its counters start from about zero.
      {2000, {pc(1, 100, 0, 1, 0)}, {}},
      {3000, {pc(1, 100 + 500'000, 0, 1 + 5, 0)}, {}}},
     {{"sw1", 1, 5, 4e6, 0, 0, 1000}},
     0,
     1},
    {"a jump beyond any link rate is a reset too",
     plain({10, 0}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      // 1e15 octets in one second: 8e15 bit/s, more than 10 x 100G.
      {1000, {pc(1, 1'000'000'000'000'000, 0, 3, 0)}, {}},
      {2000, {pc(1, 1'000'000'000'000'800, 0, 4, 0)}, {}}},
     {{"sw1", 1, 1, 6400, 0, 0, 1000}},
     0,
     1},
    {"time going backwards or standing still: the reading is ignored",
     plain({100, 0}),
     {{1000, {pc(1, 0, 0, 0, 0)}, {}},
      {2000, {pc(1, 0, 0, 50, 0)}, {}},
      // Counters that would alarm over 500 ms, but the clock went back.
      {1500, {pc(1, 0, 0, 5000, 0)}, {}},
      {2000, {pc(1, 0, 0, 5000, 0)}, {}},
      {3000, {pc(1, 0, 0, 100, 0)}, {}}},
     {{"sw1", 1, 50, 0, 0, 0, 1000}},
     2},
    {"a port that vanishes and reappears starts afresh",
     plain({100, 0}),
     {{0, {pc(1, 0, 0, 0, 0), pc(2, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 0, 0, 50, 0), pc(2, 0, 0, 60, 0)}, {}},
      {2000, {pc(1, 0, 0, 100, 0)}, {}},
      // Port 2 is back with counters that would alarm against its old base.
      {3000, {pc(1, 0, 0, 150, 0), pc(2, 0, 0, 100'000, 0)}, {}},
      {4000, {pc(1, 0, 0, 200, 0), pc(2, 0, 0, 100'070, 0)}, {}}},
     {{"sw1", 1, 50, 0, 0, 0, 1000}, {"sw1", 2, 70, 0, 0, 0, 1000}}},
    {"an ifIndex that names another interface starts afresh",
     plain({100, 0}),
     {{0, {pc(3, 0, 0, 0, 0, "p-dev1")}, {}},
      {1000, {pc(3, 0, 0, 90'000, 0, "p-dev9")}, {}},
      {2000, {pc(3, 0, 0, 90'010, 0, "p-dev9")}, {}}},
     {{"sw1", 3, 10, 0, 0, 0, 1000}}},
    {"a duplicate ifIndex in one reading: the first counts",
     plain({100, 0}),
     {{0, {pc(1, 0, 0, 0, 0), pc(1, 0, 0, 1'000'000, 0)}, {}},
      {1000, {pc(1, 0, 0, 20, 0), pc(1, 0, 0, 5'000'000, 0)}, {}}},
     {{"sw1", 1, 20, 0, 0, 0, 1000}}},
    {"per-port override vs default",
     with_port(with_port(plain({100, 0}), "sw1", 1, {5000, 0}), "sw2", 2, {5000, 0}),
     {{0, {pc(1, 0, 0, 0, 0), pc(2, 0, 0, 0, 0)}, {}},
      {0, {pc(1, 0, 0, 0, 0), pc(2, 0, 0, 0, 0)}, {}, "sw2"},
      {1000, {pc(1, 0, 0, 1000, 0), pc(2, 0, 0, 1000, 0)}, {"2:in_pps"}},
      {1000, {pc(1, 0, 0, 1000, 0), pc(2, 0, 0, 1000, 0)}, {"1:in_pps"}, "sw2"},
      {2000, {pc(1, 0, 0, 7000, 0), pc(2, 0, 0, 1050, 0)}, {"1:in_pps"}}},
     {{"sw1", 1, 6000, 0, 0, 0, 1000},
      {"sw1", 2, 50, 0, 0, 0, 1000},
      {"sw2", 1, 1000, 0, 0, 0, 1000},
      {"sw2", 2, 1000, 0, 0, 0, 1000}}},
    {"a per-port entry with zeros disables the default for that port",
     with_port(plain({100, 100}), "sw1", 1, {0, 0}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 1'000'000, 1'000'000, 10'000, 10'000)}, {}}},
     {{"sw1", 1, 10'000, 8e6, 10'000, 8e6, 1000}}},
    {"zero thresholds are disabled",
     plain({0, 0}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 1'000'000'000, 1'000'000'000, 10'000'000, 10'000'000)}, {}}},
     {{"sw1", 1, 1e7, 8e9, 1e7, 8e9, 1000}}},
    {"a zero pps limit with a bps limit: only bps alarms",
     plain({0, 1e6}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 1'000'000, 0, 10'000'000, 0)}, {"1:in_bps"}}},
     {{"sw1", 1, 1e7, 8e6, 0, 0, 1000}}},
    {"snmpd cache plateau: the rate spans the unchanged readings",
     // 1000 pps really; the agent refreshes every 3 s, polled every 1 s.
     // Over the last interval alone the rates would be 0, 0, 3000, ...
     cached({1500, 0}, 4000),
     {{0, {flowing(1, 1000, 0, 0)}, {}},
      {1000, {flowing(1, 1000, 0, 0)}, {}},
      {2000, {flowing(1, 1000, 0, 0)}, {}},
      {3000, {flowing(1, 1000, 0, 3000)}, {}},
      {4000, {flowing(1, 1000, 0, 3000)}, {}},
      {5000, {flowing(1, 1000, 0, 3000)}, {}},
      {6000, {flowing(1, 1000, 0, 6000)}, {}}},
     {{"sw1", 1, 1000, 800'000, 0, 0, 3000}}},
    {"snmpd cache plateau: a flood still alarms at the refresh",
     cached({1500, 0}, 4000),
     {{0, {flowing(1, 1000, 0, 0)}, {}},
      {1000, {flowing(1, 1000, 0, 0)}, {}},
      {2000, {flowing(1, 1000, 0, 0)}, {}},
      {3000, {flowing(1, 1000, 0, 3000)}, {}},
      {4000, {flowing(1, 1000, 0, 3000)}, {}},
      {5000, {flowing(1, 1000, 0, 3000)}, {}},
      // 6000 packets of 100 bytes over those 3 s: 2000 pps.
      {6000, {pc(1, 900'000, 0, 9000, 0)}, {"1:in_pps"}}},
     {{"sw1", 1, 2000, 1.6e6, 0, 0, 3000}}},
    {"unchanged counters longer than the cache: idle at rate 0, and a flood "
     "after the idle time is not diluted over it",
     cached({500, 0}, 4000),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 0, 0, 0, 0)}, {}},
      {4000, {pc(1, 0, 0, 0, 0)}, {}},
      {5000, {pc(1, 0, 0, 0, 0)}, {}},
      {60'000, {pc(1, 0, 0, 0, 0)}, {}},
      // 5000 packets since the agent's cache last showed 0 (>= 56 s).
      {61'000, {pc(1, 0, 0, 5000, 0)}, {"1:in_pps"}}},
     {{"sw1", 1, 1000, 0, 0, 0, 5000}}},
    {"two elements with the same ifIndex are separate ports",
     plain({100, 0}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {0, {pc(1, 0, 0, 1'000'000, 0)}, {}, "sw2"},
      {1000, {pc(1, 0, 0, 10, 0)}, {}},
      {1000, {pc(1, 0, 0, 1'000'200, 0)}, {"1:in_pps"}, "sw2"}},
     {{"sw1", 1, 10, 0, 0, 0, 1000}, {"sw2", 1, 200, 0, 0, 0, 1000}}},
    {"baseline learning: the learned limit replaces the default",
     // Learned in_pps: mean 100 + 2 x stddev sqrt(40) = 112.6; in_bps
     // 80000 + 2 x 5059.6 = 90119; out: the floors (10).
     learning({1000, 0}),
     {{0, {flowing(1, 0, 0, 0)}, {}},
      {1000, {flowing(1, 100, 0, 1000)}, {}},
      {2000, {pc(1, 100 * 100 + 110 * 100, 0, 100 + 110, 0)}, {}},
      {3000, {pc(1, 300 * 100, 0, 300, 0)}, {}},
      {4000, {pc(1, 400 * 100, 0, 400, 0)}, {}},
      {5000, {pc(1, 500 * 100, 0, 500, 0)}, {}},
      // Under the default limit (1000), above the learned one.
      {6000, {pc(1, 620 * 100, 0, 620, 0)}, {"1:in_pps", "1:in_bps"}},
      {7000, {pc(1, 730 * 100, 0, 730, 0)}, {}},
      {8000, {pc(1, 730 * 100, 20 * 100, 730, 20)}, {"1:out_pps", "1:out_bps"}}},
     {{"sw1", 1, 0, 0, 20, 16'000, 1000}}},
    {"baseline learning: a configured per-port limit wins",
     with_port(learning({1000, 0}), "sw1", 1, {150, 0}),
     {{0, {pc(1, 0, 0, 0, 0)}, {}},
      {1000, {pc(1, 0, 0, 100, 0)}, {}},
      {2000, {pc(1, 0, 0, 200, 0)}, {}},
      {3000, {pc(1, 0, 0, 300, 0)}, {}},
      {4000, {pc(1, 0, 0, 400, 0)}, {}},
      {5000, {pc(1, 0, 0, 500, 0)}, {}},
      {6000, {pc(1, 0, 0, 640, 0)}, {}},
      {7000, {pc(1, 0, 0, 800, 0)}, {"1:in_pps"}}},
     {{"sw1", 1, 160, 0, 0, 0, 1000}}},
  };
}

class traffic_rates_table : public ::testing::TestWithParam<rate_case> {};

TEST_P(traffic_rates_table, alarms_and_rates) {
  const auto& c = GetParam();
  ASSERT_FALSE(c.cfg.validate()) << kagami::detail_of(c.cfg.validate());
  traffic_rates tr{c.cfg};
  for (size_t i = 0; i < c.steps.size(); ++i) {
    const auto& s = c.steps[i];
    SCOPED_TRACE("step " + std::to_string(i) + " (" + s.element + " at "
                 + std::to_string(s.at_ms) + " ms)");
    counter_reading r;
    r.observed_at_ms = s.at_ms;
    r.ports = s.ports;
    std::vector<std::string> got;
    for (const auto& a : tr.observe(s.element, r)) {
      got.push_back(std::to_string(a.rate.port_id) + ":" + a.measure);
      EXPECT_EQ(a.rate.element_id, s.element);
      EXPECT_GT(a.value(), a.limit());
      EXPECT_GT(a.limit(), 0);
      EXPECT_NE(a.reason.find(a.measure), std::string::npos) << a.reason;
    }
    EXPECT_EQ(got, s.alarms);
  }
  auto rates = tr.rates();
  ASSERT_EQ(rates.size(), c.final_rates.size());
  for (size_t i = 0; i < rates.size(); ++i) {
    const auto& got = rates[i];
    const auto& want = c.final_rates[i];
    SCOPED_TRACE(want.element + " port " + std::to_string(want.port));
    EXPECT_EQ(got.element_id, want.element);
    EXPECT_EQ(got.port_id, want.port);
    EXPECT_NEAR(got.in_pps, want.in_pps, 1e-6 * std::max(1.0, want.in_pps));
    EXPECT_NEAR(got.in_bps, want.in_bps, 1e-6 * std::max(1.0, want.in_bps));
    EXPECT_NEAR(got.out_pps, want.out_pps, 1e-6 * std::max(1.0, want.out_pps));
    EXPECT_NEAR(got.out_bps, want.out_bps, 1e-6 * std::max(1.0, want.out_bps));
    EXPECT_EQ(got.interval_ms, want.interval_ms);
  }
  EXPECT_EQ(tr.ignored_readings(), c.ignored);
  EXPECT_EQ(tr.counter_resets(), c.resets);
}

INSTANTIATE_TEST_SUITE_P(cases, traffic_rates_table, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string out;
                           for (char ch : info.param.name)
                             out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return out + "_" + std::to_string(info.index);
                         });

counter_reading reading(std::int64_t at, std::vector<port_counters> ports) {
  counter_reading r;
  r.observed_at_ms = at;
  r.ports = std::move(ports);
  return r;
}

TEST(traffic_rates, first_sample_gives_no_rate) {
  traffic_rates tr{plain({1, 1})};
  EXPECT_TRUE(tr.observe("sw1", reading(1000, {pc(1, 1'000'000, 0, 1'000'000, 0)})).empty());
  EXPECT_TRUE(tr.rates().empty());
}

TEST(traffic_rates, plateau_within_the_cache_gives_no_rate) {
  traffic_rates tr{cached({1, 0}, 4000)};
  for (std::int64_t t = 0; t <= 4000; t += 1000)
    EXPECT_TRUE(tr.observe("sw1", reading(t, {pc(1, 0, 0, 0, 0)})).empty());
  EXPECT_TRUE(tr.rates().empty());
  tr.observe("sw1", reading(5000, {pc(1, 0, 0, 0, 0)}));
  ASSERT_EQ(tr.rates().size(), 1u);
  EXPECT_EQ(tr.rates()[0].in_pps, 0);
  EXPECT_EQ(tr.rates()[0].interval_ms, 5000);
}

TEST(traffic_rates, an_alarmed_sample_is_not_learned) {
  auto cfg = learning({150, 0});
  traffic_rates tr{cfg};
  std::uint64_t pkts = 0;
  tr.observe("sw1", reading(0, {pc(1, 0, 0, 0, 0)}));
  // 100 pps, a 10000 pps burst the default limit flags, then 100 pps.
  std::vector<std::uint64_t> per_second{100, 10'000, 100, 100, 100};
  std::int64_t t = 0;
  for (auto n : per_second) {
    pkts += n;
    t += 1000;
    tr.observe("sw1", reading(t, {pc(1, 0, 0, pkts, 0)}));
  }
  EXPECT_EQ(tr.threshold_of("sw1", 1).source, "default"); // 4 samples learned so far
  pkts += 100;
  t += 1000;
  tr.observe("sw1", reading(t, {pc(1, 0, 0, pkts, 0)}));
  auto th = tr.threshold_of("sw1", 1);
  EXPECT_EQ(th.source, "baseline");
  // Every learned sample was 100 pps: the limit is the floor.
  EXPECT_DOUBLE_EQ(th.in.pps, 100);
  EXPECT_DOUBLE_EQ(th.out.pps, cfg.baseline_floor_pps);
  // A port that vanished forgets what it learned.
  tr.observe("sw1", reading(t + 1000, {}));
  EXPECT_EQ(tr.threshold_of("sw1", 1).source, "default");
}

TEST(traffic_rates, learned_limits_need_learn_baseline) {
  traffic_rates tr{plain({0, 0})};
  for (std::int64_t t = 0; t < 100'000; t += 1000)
    tr.observe("sw1", reading(t, {pc(1, 0, 0, static_cast<std::uint64_t>(t), 0)}));
  EXPECT_EQ(tr.threshold_of("sw1", 1).source, "default");
  EXPECT_EQ(tr.threshold_of("sw1", 1).in, rate_threshold{});
}

TEST(traffic_rates, forget_starts_an_element_afresh) {
  traffic_rates tr{plain({10, 0})};
  tr.observe("sw1", reading(5000, {pc(1, 0, 0, 0, 0)}));
  tr.forget("sw1");
  // An earlier time is accepted again, and the port has no base.
  EXPECT_TRUE(tr.observe("sw1", reading(1000, {pc(1, 0, 0, 1'000'000, 0)})).empty());
  EXPECT_EQ(tr.ignored_readings(), 0u);
  EXPECT_TRUE(tr.rates().empty());
}

TEST(traffic_rates, alarm_json) {
  traffic_rates tr{with_port(plain(), "sw1", 5, {5000, 0})};
  tr.observe("sw1", reading(0, {pc(5, 0, 0, 0, 0, "p-dev1")}));
  auto alarms = tr.observe("sw1", reading(2000, {pc(5, 0, 0, 24'000, 0, "p-dev1")}));
  ASSERT_EQ(alarms.size(), 1u);
  const auto& a = alarms[0];
  EXPECT_TRUE(a.inbound());
  EXPECT_EQ(a.reason, "sw1 port 5 (p-dev1): in_pps 12000 > 5000 (port)");
  auto j = a.to_json();
  EXPECT_EQ(j["element"], "sw1");
  EXPECT_EQ(j["port"], 5);
  EXPECT_EQ(j["name"], "p-dev1");
  EXPECT_EQ(j["measure"], "in_pps");
  EXPECT_EQ(j["value"], 12000.0);
  EXPECT_EQ(j["limit"], 5000.0);
  EXPECT_EQ(j["source"], "port");
  EXPECT_EQ(j["rate"]["intervalMs"], 2000);
  EXPECT_EQ(j["rate"]["inPps"], 12000.0);
  EXPECT_EQ(j["rate"]["observedAtMs"], 2000);
}

TEST(traffic_rates_config, validate_names_the_field) {
  struct bad {
    std::function<void(traffic_rates_config&)> edit;
    std::string field;
  };
  std::vector<bad> cases{
    {[](auto& c) { c.default_threshold.pps = -1; }, "default_threshold.pps"},
    {[](auto& c) { c.default_threshold.bps = NAN; }, "default_threshold.bps"},
    {[](auto& c) { c.per_port[{"sw1", 3}] = {INFINITY, 0}; }, "per_port[sw1/3].pps"},
    {[](auto& c) { c.per_port[{"", 3}] = {1, 0}; }, "per_port[/3]"},
    {[](auto& c) { c.baseline_samples = 1; }, "baseline_samples"},
    {[](auto& c) { c.baseline_factor = -0.5; }, "baseline_factor"},
    {[](auto& c) { c.baseline_floor_pps = 0; }, "baseline_floor_pps"},
    {[](auto& c) { c.baseline_floor_bps = -1; }, "baseline_floor_bps"},
    {[](auto& c) { c.counter_cache_ms = -1; }, "counter_cache_ms"},
    {[](auto& c) { c.max_link_bps = 0; }, "max_link_bps"},
  };
  EXPECT_FALSE(traffic_rates_config{}.validate());
  for (auto& b : cases) {
    traffic_rates_config cfg;
    b.edit(cfg);
    auto err = cfg.validate();
    ASSERT_TRUE(err) << b.field;
    EXPECT_EQ(kagami::code_of(err), kagami::ec::config_invalid);
    EXPECT_NE(kagami::detail_of(err).find(b.field + ": "), std::string::npos)
      << kagami::detail_of(err);
  }
}

} // namespace
