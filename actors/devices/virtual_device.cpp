#include "actors/devices/virtual_device.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/devices/affordance_checks.hpp"

namespace kagami {

namespace {

using self_ptr = virtual_device_actor::stateful_pointer<virtual_device_state>;

/// Counts a rejected request and returns its error.
caf::error reject(self_ptr self, caf::error err) {
  ++self->state.rejected;
  return err;
}

caf::error real_missing() {
  return make_error(ec::unavailable, "the device is not connected to the gateway");
}

device_deadline deadline_of(self_ptr self) {
  auto at = std::chrono::steady_clock::now() + self->state.budget;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch())
    .count();
}

void subscribe_real(self_ptr self) {
  auto& st = self->state;
  if (st.subscribed_to_real || !st.real)
    return;
  st.subscribed_to_real = true;
  self->send(st.real, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
}

} // namespace

virtual_device_actor::behavior_type
virtual_device(self_ptr self, config::device_config device,
               config::device_model model, std::string td,
               real_device_actor real, std::chrono::milliseconds budget) {
  auto& st = self->state;
  st.budget = budget;
  st.device = std::move(device);
  st.model = std::move(model);
  st.td = std::move(td);
  st.real = std::move(real);
  return {
    [self](read_atom, const request_context&,
           const std::string& name) -> caf::result<std::string> {
      auto& st = self->state;
      ++st.requests;
      if (auto p = readable_property(st.model, name); !p)
        return reject(self, p.error());
      if (!st.real)
        return real_missing();
      return self->delegate(st.real, read_atom::value, name, deadline_of(self));
    },
    [self](read_all_atom, const request_context&) -> caf::result<std::string> {
      auto& st = self->state;
      ++st.requests;
      if (!st.real)
        return real_missing();
      return self->delegate(st.real, read_all_atom::value, deadline_of(self));
    },
    [self](write_atom, const request_context&, const std::string& name,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      ++st.requests;
      auto value = checked_write(st.model, name, body);
      if (!value)
        return reject(self, value.error());
      if (!st.real)
        return real_missing();
      return self->delegate(st.real, write_atom::value, name, value->dump(),
                            deadline_of(self));
    },
    [self](invoke_atom, const request_context&, const std::string& name,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      ++st.requests;
      auto input = checked_invoke(st.model, name, body);
      if (!input)
        return reject(self, input.error());
      if (!st.real)
        return real_missing();
      auto text = input->is_null() ? std::string{} : input->dump();
      return self->delegate(st.real, invoke_atom::value, name, text,
                            deadline_of(self));
    },
    [self](subscribe_atom, const request_context&, const std::string& name,
           const caf::actor& sink) -> bool {
      auto& st = self->state;
      if (!st.model.find_event(name) || !sink)
        return false;
      auto& list = st.sinks[name];
      list.erase(std::remove_if(list.begin(), list.end(),
                                [](const caf::actor& a) {
                                  return a->getf(caf::abstract_actor::is_terminated_flag);
                                }),
                 list.end());
      if (std::find(list.begin(), list.end(), sink) == list.end())
        list.push_back(sink);
      subscribe_real(self);
      return true;
    },
    [self](unsubscribe_atom, const std::string& name, const caf::actor& sink) {
      auto& st = self->state;
      if (auto it = st.sinks.find(name); it != st.sinks.end()) {
        auto& list = it->second;
        list.erase(std::remove(list.begin(), list.end(), sink), list.end());
        if (list.empty())
          st.sinks.erase(it);
      }
      if (st.sinks.empty() && st.subscribed_to_real && st.real) {
        self->send(st.real, unsubscribe_atom::value, caf::actor_cast<caf::actor>(self));
        st.subscribed_to_real = false;
      }
    },
    [self](td_atom) { return self->state.td; },
    [self](event_atom, const std::string& name, const std::string& data) {
      auto& st = self->state;
      ++st.events;
      auto it = st.sinks.find(name);
      if (it == st.sinks.end())
        return;
      for (auto& sink : it->second)
        caf::anon_send(sink, event_atom::value, st.device.id, name, data);
    },
    [self](set_real_atom, real_device_actor real) {
      auto& st = self->state;
      st.real = std::move(real);
      st.subscribed_to_real = false;
      bool any = false;
      for (auto& [name, list] : st.sinks)
        any = any || !list.empty();
      if (any)
        subscribe_real(self);
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      size_t subscribers = 0;
      for (auto& [name, list] : st.sinks)
        subscribers += list.size();
      return nlohmann::json{{"thing", st.device.id},
                            {"title", st.device.title},
                            {"requests", st.requests},
                            {"rejected", st.rejected},
                            {"events", st.events},
                            {"subscribers", subscribers},
                            {"deviceConnected", static_cast<bool>(st.real)}}
        .dump();
    },
  };
}

} // namespace kagami
