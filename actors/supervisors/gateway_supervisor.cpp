#include "actors/supervisors/gateway_supervisor.hpp"

#include <iostream>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/devices/real_device.hpp"
#include "actors/devices/virtual_device.hpp"

namespace kagami {

namespace {

using self_ptr
  = gateway_supervisor_actor::stateful_pointer<gateway_supervisor_state>;

void log(const std::string& line) {
  std::cerr << "kagamid: " << line << std::endl;
}

/// Spawns the real device of `pair`; false if no adapter could be made.
bool spawn_real(self_ptr self, device_pair& pair) {
  auto& cfg = self->state.cfg;
  protocols::adapter_options opts;
  opts.timeout = std::chrono::milliseconds(cfg.site->timeouts.device_ms);
  auto adapter = cfg.adapters->make(pair.device, *pair.model, opts);
  if (!adapter) {
    pair.given_up = "no adapter: " + detail_of(adapter.error());
    log("device " + pair.device.id + ": " + pair.given_up);
    return false;
  }
  std::shared_ptr<protocols::device_adapter> shared{std::move(*adapter)};
  pair.real = self->spawn<caf::detached>(real_device, pair.device, *pair.model,
                                         std::move(shared));
  self->monitor(pair.real);
  self->send(self->state.directory, register_atom::value,
             std::string{"real_device"}, pair.device.id,
             caf::actor_cast<caf::actor>(pair.real));
  return true;
}

void spawn_virtual(self_ptr self, device_pair& pair) {
  // A device operation must be able to finish before the client's request
  // times out, or a write the client saw fail could still happen: it may
  // start at most requestMs - deviceMs after the virtual device got it.
  auto& t = self->state.cfg.site->timeouts;
  auto budget = std::chrono::milliseconds(
    std::max<int64_t>(int64_t{t.request_ms} - int64_t{t.device_ms}, 50));
  pair.virt = self->spawn(virtual_device, pair.device, *pair.model, pair.td,
                          pair.real, budget);
  self->monitor(pair.virt);
  self->send(self->state.directory, register_atom::value,
             std::string{"virtual_device"}, pair.device.id,
             caf::actor_cast<caf::actor>(pair.virt));
  self->send(self->state.listener, thing_up_atom::value, pair.device.id,
             pair.td, pair.virt, thing_facts{pair.device.model, pair.device.tags});
}

/// Schedules the restart of a crashed child, or gives the device up.
void on_child_down(self_ptr self, device_pair& pair, bool real,
                   const caf::error& reason) {
  auto& tracker = real ? pair.real_restarts : pair.virt_restarts;
  auto kind = real ? std::string{"real_device"} : std::string{"virtual_device"};
  auto delay = tracker.on_crash(restart_tracker::clock::now());
  if (!delay) {
    pair.given_up = kind + " crashed too often: " + to_string(reason);
    log("device " + pair.device.id + ": " + pair.given_up + "; not restarted");
    if (!real)
      self->send(self->state.listener, thing_down_atom::value, pair.device.id,
                 "the virtual device crashed too often and was given up");
    else if (pair.virt)
      self->send(pair.virt, set_real_atom::value, real_device_actor{});
    return;
  }
  log("device " + pair.device.id + ": " + kind + " down (" + to_string(reason)
      + "), restart in " + std::to_string(delay->count()) + " ms");
  if (real && pair.virt)
    self->send(pair.virt, set_real_atom::value, real_device_actor{});
  self->delayed_send(self, *delay, respawn_atom::value, pair.device.id, real);
}

/// Starts the pair of `dev`. An unknown model is ec::config_invalid; a
/// missing adapter leaves the pair given up and is ec::unavailable.
caf::error start_pair(self_ptr self, const config::device_config& dev) {
  auto& st = self->state;
  auto model = st.cfg.site->model_of(dev);
  if (!model) {
    log("device " + dev.id + ": unknown model '" + dev.model + "', skipped");
    return make_error(ec::config_invalid, "device " + dev.id
                                            + ": unknown model '" + dev.model + "'");
  }
  auto& pair = st.pairs[dev.id];
  pair.device = dev;
  pair.model = model;
  pair.given_up.clear();
  pair.td = st.cfg.thing_description(dev, *model);
  pair.real_restarts = restart_tracker{st.cfg.restarts};
  pair.virt_restarts = restart_tracker{st.cfg.restarts};
  auto adapter_ok = spawn_real(self, pair);
  spawn_virtual(self, pair);
  if (!adapter_ok)
    return make_error(ec::unavailable, "device " + dev.id + ": " + pair.given_up);
  return caf::none;
}

/// Stops both actors of `id` for good and forgets the pair.
void stop_pair(self_ptr self, const std::string& id) {
  auto it = self->state.pairs.find(id);
  if (it == self->state.pairs.end())
    return;
  auto& pair = it->second;
  if (pair.virt) {
    self->demonitor(pair.virt.address());
    self->send_exit(pair.virt, caf::exit_reason::user_shutdown);
  }
  if (pair.real) {
    self->demonitor(pair.real.address());
    self->send_exit(pair.real, caf::exit_reason::user_shutdown);
  }
  self->state.pairs.erase(it);
}

} // namespace

gateway_supervisor_actor::behavior_type
gateway_supervisor(self_ptr self, gateway_supervisor_config cfg,
                   directory_actor directory, thing_listener_actor listener) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.directory = std::move(directory);
  st.listener = std::move(listener);
  self->send(st.directory, register_atom::value,
             std::string{"gateway_supervisor"}, std::string{"root"},
             caf::actor_cast<caf::actor>(self));
  for (auto& dev : st.cfg.devices)
    start_pair(self, dev);
  self->set_down_handler([self](const caf::down_msg& msg) {
    for (auto& [id, pair] : self->state.pairs) {
      if (pair.real && msg.source == pair.real.address()) {
        pair.real = nullptr;
        on_child_down(self, pair, true, msg.reason);
        return;
      }
      if (pair.virt && msg.source == pair.virt.address()) {
        pair.virt = nullptr;
        on_child_down(self, pair, false, msg.reason);
        return;
      }
    }
  });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // Not from a child (children are monitored, not linked): stop everything.
    for (auto& [id, pair] : self->state.pairs) {
      if (pair.virt)
        self->send_exit(pair.virt, msg.reason);
      if (pair.real)
        self->send_exit(pair.real, msg.reason);
    }
    self->quit(msg.reason);
  });
  return {
    [self](admit_atom, const config::device_config& dev) -> caf::result<bool> {
      auto& pairs = self->state.pairs;
      if (auto it = pairs.find(dev.id);
          it != pairs.end() && it->second.device == dev
          && it->second.given_up.empty())
        return true;
      stop_pair(self, dev.id);
      log("device " + dev.id + ": admitted");
      if (auto err = start_pair(self, dev))
        return err;
      return true;
    },
    [self](retire_atom, const std::string& id, const std::string& reason) {
      if (self->state.pairs.count(id) == 0)
        return;
      log("device " + id + ": withdrawn: " + reason);
      stop_pair(self, id);
      self->send(self->state.listener, thing_down_atom::value, id, reason);
    },
    [self](respawn_atom, const std::string& id, bool real) {
      auto it = self->state.pairs.find(id);
      if (it == self->state.pairs.end() || !it->second.given_up.empty())
        return;
      auto& pair = it->second;
      // A pair re-admitted since the crash already runs fresh actors.
      if ((real && pair.real) || (!real && pair.virt))
        return;
      auto kind = real ? std::string{"real_device"} : std::string{"virtual_device"};
      self->send(self->state.directory, restarted_atom::value, kind, id);
      if (real) {
        if (spawn_real(self, pair) && pair.virt)
          self->send(pair.virt, set_real_atom::value, pair.real);
      } else {
        spawn_virtual(self, pair);
      }
    },
    [self](inspect_atom) -> std::string {
      auto out = nlohmann::json::array();
      for (auto& [id, pair] : self->state.pairs)
        out.push_back({{"thing", id},
                       {"realUp", static_cast<bool>(pair.real)},
                       {"virtualUp", static_cast<bool>(pair.virt)},
                       {"realRestarts", pair.real_restarts.total_restarts()},
                       {"virtualRestarts", pair.virt_restarts.total_restarts()},
                       {"givenUp", pair.given_up}});
      return out.dump();
    },
  };
}

} // namespace kagami
