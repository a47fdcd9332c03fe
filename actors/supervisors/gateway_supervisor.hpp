#pragma once

// gateway_supervisor: the root supervisor. Spawns one real_device (detached)
// and one virtual_device per device, registers both in the directory, tells
// the thing listener about every virtual device, and restarts a crashed actor
// with back-off (restart_policy.hpp). A crash of one device's actors touches
// no other device: children are monitored, not linked.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/core/interfaces.hpp"
#include "actors/supervisors/restart_policy.hpp"
#include "config/site_config.hpp"
#include "protocols/device_adapter.hpp"

namespace kagami {

struct gateway_supervisor_config {
  std::shared_ptr<const config::site_config> site;
  /// The devices to run; each names a model in `site`.
  std::vector<config::device_config> devices;
  std::shared_ptr<const protocols::adapter_registry> adapters;
  /// Builds the TD JSON text of a device (http/td_builder.hpp).
  std::function<std::string(const config::device_config&, const config::device_model&)>
    thing_description;
  restart_policy_config restarts;
};

/// One device pair and its restart history.
struct device_pair {
  config::device_config device;
  const config::device_model* model = nullptr;
  std::string td;
  real_device_actor real;
  virtual_device_actor virt;
  restart_tracker real_restarts;
  restart_tracker virt_restarts;
  /// Set when the device crashed too often and stays down.
  std::string given_up;
};

struct gateway_supervisor_state {
  static inline const char* name = "gateway_supervisor";
  gateway_supervisor_config cfg;
  directory_actor directory;
  thing_listener_actor listener;
  std::map<std::string, device_pair> pairs;
};

gateway_supervisor_actor::behavior_type gateway_supervisor(
  gateway_supervisor_actor::stateful_pointer<gateway_supervisor_state> self,
  gateway_supervisor_config cfg, directory_actor directory,
  thing_listener_actor listener);

} // namespace kagami
