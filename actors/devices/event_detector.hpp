#pragma once

// Decides when a polled value fires a model event: on a crossing of `above`
// upwards or of `below` downwards. The first sample only arms the detector,
// so a value that is already past the threshold at start-up does not fire
// until it returns and crosses again. Plain C++.

#include <optional>

#include "config/device_model.hpp"

namespace kagami {

class event_detector {
public:
  explicit event_detector(const config::event_model& model) : model_(model) {}

  /// Feeds one sample; returns true when the event fires on it.
  bool sample(double value);

  const config::event_model& model() const { return model_; }

private:
  config::event_model model_;
  std::optional<double> last_;
};

} // namespace kagami
