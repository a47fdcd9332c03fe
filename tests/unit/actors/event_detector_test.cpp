#include "actors/devices/event_detector.hpp"

#include <gtest/gtest.h>

using kagami::event_detector;

namespace {

kagami::config::event_model over(double above) {
  kagami::config::event_model m;
  m.name = "overTemperature";
  m.property = "temperature";
  m.above = above;
  return m;
}

std::vector<bool> feed(event_detector& d, std::vector<double> xs) {
  std::vector<bool> out;
  for (auto x : xs)
    out.push_back(d.sample(x));
  return out;
}

} // namespace

TEST(event_detector, fires_once_per_upward_crossing) {
  event_detector d{over(80)};
  EXPECT_EQ(feed(d, {70, 79, 81, 90, 85, 75, 82}),
            (std::vector<bool>{false, false, true, false, false, false, true}));
}

TEST(event_detector, first_sample_only_arms) {
  event_detector d{over(80)};
  EXPECT_EQ(feed(d, {95, 96, 70, 81}),
            (std::vector<bool>{false, false, false, true}));
}

TEST(event_detector, equal_to_threshold_is_not_above) {
  event_detector d{over(80)};
  EXPECT_EQ(feed(d, {79, 80, 80.1}), (std::vector<bool>{false, false, true}));
}

TEST(event_detector, below_fires_on_downward_crossing) {
  kagami::config::event_model m;
  m.name = "lowPressure";
  m.property = "pressure";
  m.below = 2.0;
  event_detector d{m};
  EXPECT_EQ(feed(d, {3, 2.5, 1.9, 1.5, 2.1, 1.0}),
            (std::vector<bool>{false, false, true, false, false, true}));
}
