#include "actors/isolation/traffic_monitor.hpp"

#include <optional>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::isolation {

namespace {

using nlohmann::json;

struct traffic_monitor_state {
  static inline const char* name = "traffic_monitor";
  traffic_monitor_config cfg;
  std::optional<traffic_rates> rates;
  std::uint64_t polls = 0;
  std::uint64_t failures = 0;
  std::uint64_t alarms = 0;
  std::string last_error;
};

using self_ptr = traffic_monitor_actor::stateful_pointer<traffic_monitor_state>;

traffic_monitor_actor::behavior_type traffic_monitor(self_ptr self, traffic_monitor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.rates.emplace(st.cfg.rates);
  self->send(self, poll_atom::value);
  return {
    [self](poll_atom) {
      auto& st = self->state;
      self->delayed_send(self, st.cfg.period, poll_atom::value);
      ++st.polls;
      // A reading may take no longer than the period: a slow switch never
      // piles up requests.
      self->request(st.cfg.element, st.cfg.period, counters_atom::value,
                    network::deadline_in(st.cfg.period))
        .then(
          [self](network::counter_reading& reading) {
            auto& st = self->state;
            for (auto& alarm : st.rates->observe(st.cfg.element_id, reading)) {
              if (!alarm.inbound()) {
                if (st.cfg.log)
                  st.cfg.log("traffic (outbound, not attributed): " + alarm.reason);
                continue;
              }
              ++st.alarms;
              caf::anon_send(st.cfg.sink, port_alarm_atom::value, st.cfg.element_id,
                             alarm.rate.port_id, alarm.to_json().dump());
            }
          },
          [self](caf::error& err) {
            auto& st = self->state;
            ++st.failures;
            st.last_error = to_string(err);
            if (st.cfg.log)
              st.cfg.log("traffic monitor of " + st.cfg.element_id
                         + ": no counters: " + st.last_error);
          });
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      auto ports = json::array();
      for (auto& r : st.rates->rates())
        ports.push_back(r.to_json());
      return json{{"element", st.cfg.element_id},
                  {"period_ms", st.cfg.period.count()},
                  {"polls", st.polls},
                  {"failures", st.failures},
                  {"alarms", st.alarms},
                  {"last_error", st.last_error},
                  {"ports", std::move(ports)}}
        .dump();
    },
  };
}

} // namespace

caf::expected<traffic_monitor_actor> spawn_traffic_monitor(caf::actor_system& sys,
                                                           traffic_monitor_config cfg) {
  if (auto err = cfg.rates.validate())
    return err;
  if (cfg.period < std::chrono::milliseconds{100})
    return make_error(ec::config_invalid, "the traffic monitor's period is below 100 ms");
  if (!cfg.sink || !cfg.element)
    return make_error(ec::config_invalid, "the traffic monitor needs an element and a sink");
  return sys.spawn(traffic_monitor, std::move(cfg));
}

} // namespace kagami::isolation
