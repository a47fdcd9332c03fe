#include "actors/network/network_element.hpp"

#include <chrono>
#include <deque>
#include <map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::network {

namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// ec::device_timeout when `deadline` has passed.
caf::error expired(element_deadline deadline) {
  if (std::chrono::steady_clock::now().time_since_epoch().count() <= deadline)
    return {};
  return make_error(ec::device_timeout, "the request expired before the element was asked");
}

struct network_element_state {
  static inline const char* name = "network_element";

  network_element_config cfg;
  std::shared_ptr<element_backend> backend;
  std::string status = "unknown";
  std::vector<std::string> degraded;
  std::string last_error;
  std::int64_t last_reading_ms = 0;
  std::uint64_t readings = 0;
  std::uint64_t failures = 0;
  std::uint64_t cuts = 0;
  /// Successful orders by "cut:ID" / "restore:ID", oldest first in `order`.
  std::map<std::string, cut_outcome> done;
  std::deque<std::string> order;

  void note_failure(const caf::error& err) {
    ++failures;
    last_error = detail_of(err);
    status = "unreachable";
    degraded.clear();
  }

  caf::result<cut_outcome> carry_out(const char* kind, const cut_order& o) {
    auto key = std::string{kind} + ":" + o.order_id;
    if (!o.order_id.empty())
      if (auto i = done.find(key); i != done.end())
        return i->second;
    auto outcome = std::string_view{kind} == "cut" ? backend->cut(o) : backend->restore(o);
    if (!outcome) {
      last_error = detail_of(outcome.error());
      return std::move(outcome.error());
    }
    ++cuts;
    if (!o.order_id.empty() && outcome->applied) {
      done.emplace(key, *outcome);
      order.push_back(key);
      while (order.size() > cfg.max_remembered_orders) {
        done.erase(order.front());
        order.pop_front();
      }
    }
    return *outcome;
  }
};

using element_pointer = network_element_actor::stateful_pointer<network_element_state>;

network_element_actor::behavior_type network_element(element_pointer self,
                                                     network_element_config cfg,
                                                     std::shared_ptr<element_backend> backend) {
  self->state.cfg = std::move(cfg);
  self->state.backend = std::move(backend);
  return {
    [self](neighbours_atom, element_deadline deadline) -> caf::result<element_reading> {
      auto& st = self->state;
      if (auto err = expired(deadline))
        return err;
      auto reading = st.backend->read_neighbours();
      if (!reading) {
        st.note_failure(reading.error());
        return std::move(reading.error());
      }
      ++st.readings;
      st.last_reading_ms = now_ms();
      st.degraded = reading->degraded;
      st.status = reading->degraded.empty() ? "ok" : "degraded";
      st.last_error.clear();
      return std::move(*reading);
    },
    [self](counters_atom, element_deadline deadline) -> caf::result<counter_reading> {
      if (auto err = expired(deadline))
        return err;
      auto reading = self->state.backend->read_counters();
      if (!reading) {
        self->state.last_error = detail_of(reading.error());
        return std::move(reading.error());
      }
      return std::move(*reading);
    },
    [self](capabilities_atom) -> std::vector<cut_action> {
      return self->state.backend->capabilities();
    },
    [self](cut_atom, const cut_order& o) -> caf::result<cut_outcome> {
      return self->state.carry_out("cut", o);
    },
    [self](restore_atom, const cut_order& o) -> caf::result<cut_outcome> {
      return self->state.carry_out("restore", o);
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      auto caps = nlohmann::json::array();
      for (auto c : st.backend->capabilities())
        caps.push_back(to_string(c));
      const auto& id = st.cfg.identity;
      return nlohmann::json{{"id", id.id},
                            {"kind", topology::to_string(id.kind)},
                            {"address", id.management_address},
                            {"status", st.status},
                            {"degraded", st.degraded},
                            {"last_error", st.last_error},
                            {"last_reading_ms", st.last_reading_ms},
                            {"readings", st.readings},
                            {"failures", st.failures},
                            {"cuts", st.cuts},
                            {"capabilities", std::move(caps)}}
        .dump();
    },
  };
}

} // namespace

element_deadline deadline_in(std::chrono::nanoseconds timeout) {
  return (std::chrono::steady_clock::now() + timeout).time_since_epoch().count();
}

network_element_actor spawn_network_element(caf::actor_system& sys, network_element_config cfg,
                                            std::shared_ptr<element_backend> backend) {
  return sys.spawn<caf::detached>(network_element, std::move(cfg), std::move(backend));
}

} // namespace kagami::network
