#pragma once

// real_device: owns the adapter of one real device and serializes access to
// it. Spawned detached by the supervisor, since every handler may block on
// device I/O for up to the device timeout. Polls the properties that model
// events watch while someone subscribes.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/core/interfaces.hpp"
#include "actors/devices/event_detector.hpp"
#include "config/device_model.hpp"
#include "config/site_config.hpp"
#include "protocols/device_adapter.hpp"

namespace kagami {

struct real_device_state {
  static inline const char* name = "real_device";

  config::device_config device;
  config::device_model model;
  std::shared_ptr<protocols::device_adapter> adapter;
  std::vector<event_detector> detectors;
  std::vector<caf::actor> sinks;
  bool polling = false;

  // Health, for the console.
  uint64_t operations = 0;
  uint64_t failures = 0;
  std::string last_error;
  std::chrono::system_clock::time_point last_seen{};
};

real_device_actor::behavior_type
real_device(real_device_actor::stateful_pointer<real_device_state> self,
            config::device_config device, config::device_model model,
            std::shared_ptr<protocols::device_adapter> adapter);

} // namespace kagami
