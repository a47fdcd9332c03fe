#include "actors/devices/real_device.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/schema_validator.hpp"

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

/// Books a failure found after the device answered (a value off the model).
caf::error note_failure(self_ptr self, caf::error err) {
  ++self->state.failures;
  self->state.last_error = detail_of(err);
  return err;
}

bool expired(device_deadline deadline) {
  return std::chrono::steady_clock::now().time_since_epoch().count() > deadline;
}

caf::error expired_error() {
  return make_error(ec::device_timeout,
                    "the request expired while the device was busy");
}

/// Adapter errors about a value (out of the register's range, a read-only
/// table) name protocol details; apps get the fact, not the details.
caf::error app_safe(caf::error err) {
  switch (code_of(err)) {
    case ec::invalid_value:
      return make_error(ec::invalid_value, "the device cannot hold this value");
    case ec::not_writable:
      return make_error(ec::not_writable, "the device does not accept writes here");
    default:
      return err;
  }
}

/// Checks a value read from the device against the model: a device that
/// answers with something else (a compromised device, a wrong pointer) gets
/// ec::device_bad_reply, and its bytes never reach an app.
caf::error checked_value(const config::property_model& prop,
                         const nlohmann::json& value) {
  if (auto err = security::validate_value(prop.schema, value))
    return make_error(ec::device_bad_reply, "device value of '" + prop.name
                                              + "' breaks the model: "
                                              + detail_of(err));
  return {};
}

caf::expected<nlohmann::json> checked_read(self_ptr self,
                                           const config::property_model& prop) {
  auto value = track(self, self->state.adapter->read(prop));
  if (!value)
    return value;
  if (auto err = checked_value(prop, *value))
    return note_failure(self, std::move(err));
  return value;
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
    auto value = checked_read(self, *prop);
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
    [self](read_atom, const std::string& name,
           device_deadline deadline) -> caf::result<std::string> {
      auto& st = self->state;
      auto prop = st.model.find_property(name);
      if (!prop)
        return make_error(ec::not_found, "no property named '" + name + "'");
      if (expired(deadline))
        return expired_error();
      auto value = checked_read(self, *prop);
      if (!value)
        return value.error();
      return value->dump();
    },
    [self](read_all_atom, device_deadline deadline) -> caf::result<std::string> {
      auto& st = self->state;
      if (expired(deadline))
        return expired_error();
      std::vector<const config::property_model*> props;
      for (auto& prop : st.model.properties)
        props.push_back(&prop);
      auto values = track(self, st.adapter->read_many(props));
      if (!values)
        return values.error();
      nlohmann::json out = nlohmann::json::object();
      for (size_t i = 0; i < props.size(); ++i) {
        if (auto err = checked_value(*props[i], (*values)[i]))
          return note_failure(self, std::move(err));
        out[props[i]->name] = std::move((*values)[i]);
      }
      return out.dump();
    },
    [self](write_atom, const std::string& name, const std::string& json,
           device_deadline deadline) -> caf::result<std::string> {
      auto& st = self->state;
      auto prop = st.model.find_property(name);
      if (!prop)
        return make_error(ec::not_found, "no property named '" + name + "'");
      // The virtual device validated the value; a parse failure here is a bug.
      auto value = nlohmann::json::parse(json, nullptr, false);
      if (value.is_discarded())
        return make_error(ec::internal, "write value is not JSON");
      if (expired(deadline))
        return expired_error();
      if (auto err = track(self, st.adapter->write(*prop, value)))
        return app_safe(std::move(err));
      return std::string{"null"};
    },
    [self](invoke_atom, const std::string& name, const std::string& json,
           device_deadline deadline) -> caf::result<std::string> {
      auto& st = self->state;
      auto action = st.model.find_action(name);
      if (!action)
        return make_error(ec::not_found, "no action named '" + name + "'");
      nlohmann::json input;
      if (!json.empty()) {
        input = nlohmann::json::parse(json, nullptr, false);
        if (input.is_discarded())
          return make_error(ec::internal, "action input is not JSON");
      }
      if (expired(deadline))
        return expired_error();
      auto out = track(self, st.adapter->invoke(*action, input));
      if (!out)
        return app_safe(out.error());
      // The device's own reply stays here: it may name the device.
      return std::string{"null"};
    },
    [self](subscribe_atom, const caf::actor& sink) {
      auto& st = self->state;
      if (!sink)
        return;
      if (std::find(st.sinks.begin(), st.sinks.end(), sink) == st.sinks.end())
        st.sinks.push_back(sink);
      if (!st.polling && !st.detectors.empty()) {
        st.polling = true;
        self->send(self, poll_atom::value);
      }
    },
    [self](unsubscribe_atom, const caf::actor& sink) {
      auto& sinks = self->state.sinks;
      sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
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
