#pragma once

// virtual_device: the only thing apps reach. Holds the TD, decides whether a
// request may reach the device (affordance exists, op allowed, value valid),
// and forwards it to its real_device. Fans model events out to subscribers.
// A scheduled (non-blocking) actor: it never does I/O.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/core/interfaces.hpp"
#include "config/device_model.hpp"
#include "config/site_config.hpp"

namespace kagami {

struct virtual_device_state {
  static inline const char* name = "virtual_device";

  config::device_config device;
  config::device_model model;
  std::string td;
  real_device_actor real;
  /// Time a request may take from here until the device starts on it.
  std::chrono::milliseconds budget{3000};
  /// Subscribers by event name.
  std::map<std::string, std::vector<caf::actor>> sinks;
  bool subscribed_to_real = false;

  uint64_t requests = 0;
  uint64_t rejected = 0;
  uint64_t events = 0;
};

virtual_device_actor::behavior_type
virtual_device(virtual_device_actor::stateful_pointer<virtual_device_state> self,
               config::device_config device, config::device_model model,
               std::string td, real_device_actor real,
               std::chrono::milliseconds budget);

} // namespace kagami
