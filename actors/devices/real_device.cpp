#include "actors/devices/real_device.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami {

namespace {

using self_ptr = real_device_actor::stateful_pointer<real_device_state>;

/// Books the outcome of one device operation into the health counters.
template <class T>
T track(self_ptr self, T result) {
  auto& st = self->state;
  ++st.operations;
  caf::error err;
  if constexpr (std::is_same_v<T, caf::error>)
    err = result;
  else if (!result)
    err = result.error();
  if (err) {
    ++st.failures;
    st.last_error = detail_of(err);
  } else {
    st.last_seen = std::chrono::system_clock::now();
  }
  return result;
}

void poll_events(self_ptr self) {
  auto& st = self->state;
  st.sinks.erase(std::remove_if(st.sinks.begin(), st.sinks.end(),
                                [](const caf::actor& a) {
                                  return !a || a->getf(caf::abstract_actor::is_terminated_flag);
                                }),
                 st.sinks.end());
  if (st.sinks.empty()) {
    st.polling = false;
    return;
  }
  for (auto& det : st.detectors) {
    auto prop = st.model.find_property(det.model().property);
    if (!prop)
      continue;
    auto value = track(self, st.adapter->read(*prop));
    if (!value || !value->is_number())
      continue;
    if (det.sample(value->get<double>())) {
      nlohmann::json data = *value;
      for (auto& sink : st.sinks)
        caf::anon_send(sink, event_atom::value, det.model().name, data.dump());
    }
  }
  self->delayed_send(self, std::chrono::milliseconds(st.model.poll_interval_ms),
                     poll_atom::value);
}

} // namespace

real_device_actor::behavior_type
real_device(self_ptr self, config::device_config device,
            config::device_model model,
            std::shared_ptr<protocols::device_adapter> adapter) {
  auto& st = self->state;
  st.device = std::move(device);
  st.model = std::move(model);
  st.adapter = std::move(adapter);
  for (auto& ev : st.model.events)
    st.detectors.emplace_back(ev);
  return {
    [self](read_atom, const std::string& name) -> caf::result<std::string> {
      auto& st = self->state;
      auto prop = st.model.find_property(name);
      if (!prop)
        return make_error(ec::not_found, "no property named '" + name + "'");
      auto value = track(self, st.adapter->read(*prop));
      if (!value)
        return value.error();
      return value->dump();
    },
    [self](read_all_atom) -> caf::result<std::string> {
      auto& st = self->state;
      nlohmann::json out = nlohmann::json::object();
      for (auto& prop : st.model.properties) {
        auto value = track(self, st.adapter->read(prop));
        if (!value)
          return value.error();
        out[prop.name] = std::move(*value);
      }
      return out.dump();
    },
    [self](write_atom, const std::string& name,
           const std::string& json) -> caf::result<std::string> {
      auto& st = self->state;
      auto prop = st.model.find_property(name);
      if (!prop)
        return make_error(ec::not_found, "no property named '" + name + "'");
      auto value = nlohmann::json::parse(json, nullptr, false);
      if (value.is_discarded())
        return make_error(ec::invalid_value, "value is not valid JSON");
      if (auto err = track(self, st.adapter->write(*prop, value)))
        return err;
      return std::string{"null"};
    },
    [self](invoke_atom, const std::string& name,
           const std::string& json) -> caf::result<std::string> {
      auto& st = self->state;
      auto action = st.model.find_action(name);
      if (!action)
        return make_error(ec::not_found, "no action named '" + name + "'");
      nlohmann::json input;
      if (!json.empty()) {
        input = nlohmann::json::parse(json, nullptr, false);
        if (input.is_discarded())
          return make_error(ec::invalid_value, "input is not valid JSON");
      }
      auto out = track(self, st.adapter->invoke(*action, input));
      if (!out)
        return out.error();
      return out->dump();
    },
    [self](subscribe_atom, const caf::actor& sink) {
      auto& st = self->state;
      if (!sink)
        return;
      st.sinks.push_back(sink);
      if (!st.polling && !st.detectors.empty()) {
        st.polling = true;
        self->send(self, poll_atom::value);
      }
    },
    [self](poll_atom) { poll_events(self); },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      auto seen = std::chrono::duration_cast<std::chrono::seconds>(
                    st.last_seen.time_since_epoch())
                    .count();
      return nlohmann::json{{"thing", st.device.id},
                            {"operations", st.operations},
                            {"failures", st.failures},
                            {"lastError", st.last_error},
                            {"lastSeenUnix", seen},
                            {"eventSinks", st.sinks.size()}}
        .dump();
    },
  };
}

} // namespace kagami
