// A BLE link is the gateway's doing only right after its own access.

#include <gtest/gtest.h>

#include "actors/isolation/ble_link_judge.hpp"

using namespace kagami;
using namespace std::chrono_literals;
using protocols::ble::ble_activity;

TEST(ble_link_judge, a_link_right_after_the_gateways_access_is_expected) {
  ble_activity activity;
  auto t = ble_activity::clock::now();
  activity.note("AA:BB:CC:DD:EE:01", t);
  EXPECT_FALSE(isolation::unexpected_ble_link(activity, "aa:bb:cc:dd:ee:01", t + 300ms));
  EXPECT_FALSE(isolation::unexpected_ble_link(activity, "aa:bb:cc:dd:ee:01", t + 10s));
  // The report of the link may come before the access was noted.
  EXPECT_FALSE(isolation::unexpected_ble_link(activity, "aa:bb:cc:dd:ee:01", t - 5ms));
}

TEST(ble_link_judge, a_link_nobody_asked_for_is_unexpected) {
  ble_activity activity;
  auto t = ble_activity::clock::now();
  auto never = isolation::unexpected_ble_link(activity, "aa:bb:cc:dd:ee:02", t);
  ASSERT_TRUE(never);
  EXPECT_NE(never->find("no access"), std::string::npos);
  activity.note("aa:bb:cc:dd:ee:02", t);
  auto late = isolation::unexpected_ble_link(activity, "aa:bb:cc:dd:ee:02", t + 11s);
  ASSERT_TRUE(late);
  EXPECT_NE(late->find("11000 ms"), std::string::npos);
  // Another device's access explains nothing.
  EXPECT_TRUE(isolation::unexpected_ble_link(activity, "aa:bb:cc:dd:ee:03", t + 1s));
}

TEST(ble_activity, the_table_is_bounded_and_forgets_the_oldest) {
  ble_activity activity{2};
  auto t = ble_activity::clock::now();
  activity.note("aa:bb:cc:dd:ee:01", t);
  activity.note("aa:bb:cc:dd:ee:02", t + 1s);
  activity.note("aa:bb:cc:dd:ee:03", t + 2s);
  EXPECT_FALSE(activity.last("aa:bb:cc:dd:ee:01"));
  EXPECT_TRUE(activity.last("aa:bb:cc:dd:ee:02"));
  EXPECT_TRUE(activity.last("AA:BB:CC:DD:EE:03"));
  // An older note never moves the time back.
  activity.note("aa:bb:cc:dd:ee:03", t);
  EXPECT_EQ(*activity.last("aa:bb:cc:dd:ee:03"), t + 2s);
}
