#include "actors/devices/event_detector.hpp"

namespace kagami {

bool event_detector::sample(double value) {
  bool fired = false;
  if (last_) {
    if (model_.above && *last_ <= *model_.above && value > *model_.above)
      fired = true;
    if (model_.below && *last_ >= *model_.below && value < *model_.below)
      fired = true;
  }
  last_ = value;
  return fired;
}

} // namespace kagami
