#include "actors/supervisors/restart_policy.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using kagami::restart_policy_config;
using kagami::restart_tracker;

namespace {

restart_policy_config policy() {
  restart_policy_config cfg;
  cfg.initial_delay = 100ms;
  cfg.max_delay = 1000ms;
  cfg.max_restarts = 5;
  cfg.window = 60s;
  return cfg;
}

} // namespace

TEST(restart_policy, delay_doubles_up_to_the_maximum) {
  restart_tracker t{policy()};
  auto now = restart_tracker::clock::time_point{} + 1h;
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 5; ++i)
    delays.push_back(*t.on_crash(now + i * 1s));
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms,
                                                             800ms, 1000ms}));
}

TEST(restart_policy, gives_up_after_max_restarts_within_the_window) {
  restart_tracker t{policy()};
  auto now = restart_tracker::clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(t.on_crash(now + i * 1s));
  EXPECT_FALSE(t.on_crash(now + 6s));
  EXPECT_EQ(t.total_restarts(), 5u);
}

TEST(restart_policy, crashes_outside_the_window_are_forgotten) {
  restart_tracker t{policy()};
  auto now = restart_tracker::clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(t.on_crash(now + i * 1s));
  // Two minutes later the window holds only the new crash: back to 100 ms.
  auto later = t.on_crash(now + 2min);
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, 100ms);
  EXPECT_EQ(t.recent_crashes(), 1u);
}
