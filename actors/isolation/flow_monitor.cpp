#include "actors/isolation/flow_monitor.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

#include <caf/all.hpp>

#include "actors/core/error.hpp"
#include "protocols/pcap/packet_decoder.hpp"

namespace kagami::isolation {

namespace {

using nlohmann::json;

/// What the capture thread owns, shared with the actor for the policy
/// hand-over and the counters.
struct flow_engine {
  flow_engine(std::shared_ptr<const flow_policy> policy, flow_tracker_limits limits,
              classification_thresholds thresholds, caf::actor sink)
    : tracker(std::move(policy), limits, thresholds), sink(std::move(sink)) {
  }

  flow_tracker tracker;
  caf::actor sink;
  std::mutex mtx;
  std::shared_ptr<const flow_policy> next_policy; // guarded by mtx
  std::atomic<bool> policy_pending{false};
  flow_tracker_counters counters;                  // guarded by mtx
  std::uint64_t suspicions_sent = 0;               // guarded by mtx

  void replace_policy(std::shared_ptr<const flow_policy> p) {
    std::lock_guard<std::mutex> guard{mtx};
    next_policy = std::move(p);
    policy_pending = true;
  }

  /// On the capture thread.
  void on_batch(std::span<const protocols::pcap::captured_packet> batch) {
    if (policy_pending.exchange(false)) {
      std::lock_guard<std::mutex> guard{mtx};
      tracker.set_policy(next_policy);
    }
    for (const auto& p : batch)
      tracker.observe(protocols::pcap::decode_frame(p.bytes, p.wire_length), p.timestamp);
    auto sent = std::uint64_t{0};
    auto send = [&](const violation& v) {
      caf::anon_send(sink, suspect_atom::value, v.suspect_mac, v.suspect_ip,
                     std::string{"flow"},
                     v.to_json().dump(-1, ' ', false, json::error_handler_t::replace));
      ++sent;
    };
    for (const auto& v : tracker.take_new_violations())
      send(v);
    for (const auto& v : tracker.take_updated(std::chrono::system_clock::now()))
      send(v);
    std::lock_guard<std::mutex> guard{mtx};
    counters = tracker.counters();
    suspicions_sent += sent;
  }
};

struct flow_monitor_state {
  static inline const char* name = "flow_monitor";

  flow_monitor_config cfg;
  std::shared_ptr<flow_engine> engine;
  std::unique_ptr<protocols::pcap::live_capture> capture;
  std::uint64_t last_dropped = 0;
  std::uint64_t reopens = 0;
  std::string capture_error;

  ~flow_monitor_state() {
    if (capture)
      capture->stop();
  }

  void log(const std::string& line) {
    if (cfg.log)
      cfg.log(line);
  }

  void raise(const std::string& kind, const std::string& summary, json evidence) {
    log(summary);
    if (cfg.alert)
      cfg.alert(json{{"kind", kind},
                     {"severity", "warning"},
                     {"summary", summary},
                     {"evidence", std::move(evidence)}});
  }

  std::shared_ptr<const flow_policy> make_policy() const {
    auto config = cfg.policy;
    if (cfg.infrastructure_macs)
      for (const auto& mac : cfg.infrastructure_macs())
        config.exempt_macs.push_back(mac);
    return std::make_shared<const flow_policy>(std::move(config));
  }
};

using self_ptr = flow_monitor_actor::stateful_pointer<flow_monitor_state>;

/// Starts `capture` with the engine's batch handler; a failure comes back to
/// the actor as (alert_atom, reason).
caf::error start_capture(self_ptr self, protocols::pcap::live_capture& capture) {
  auto engine = self->state.engine;
  auto addr = self->address();
  return capture.start(
    [engine](std::span<const protocols::pcap::captured_packet> batch) {
      engine->on_batch(batch);
    },
    [addr](const caf::error& err) {
      if (auto me = caf::actor_cast<caf::actor>(addr))
        caf::anon_send(me, alert_atom::value, to_string(err));
    });
}

flow_monitor_actor::behavior_type
flow_monitor(self_ptr self, flow_monitor_config cfg,
             std::shared_ptr<std::unique_ptr<protocols::pcap::live_capture>> cap) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.engine = std::make_shared<flow_engine>(st.make_policy(), st.cfg.limits,
                                            st.cfg.thresholds, st.cfg.sink);
  st.capture = std::move(*cap);
  if (auto err = start_capture(self, *st.capture))
    st.capture_error = to_string(err);
  st.log("flow monitor on " + st.cfg.capture.interface + " started");
  self->send(self, stats_atom::value);
  return {
    [self](alert_atom, const std::string& what) {
      // The capture thread's failure report (see start_capture).
      auto& st = self->state;
      st.capture_error = what;
      st.raise("capture_failed",
               "flow monitor on " + st.cfg.capture.interface + " stopped: " + what
                 + "; reopening",
               {{"interface", st.cfg.capture.interface}});
      self->delayed_send(self, st.cfg.reopen_period, refresh_atom::value);
    },
    [self](topology_atom, const std::string&) {
      self->state.engine->replace_policy(self->state.make_policy());
    },
    [self](stats_atom) {
      auto& st = self->state;
      if (st.capture) {
        auto s = st.capture->stats();
        auto dropped = s.dropped + s.interface_dropped;
        if (dropped > st.last_dropped)
          st.raise("capture_drops",
                   "flow monitor on " + st.cfg.capture.interface + " dropped "
                     + std::to_string(dropped - st.last_dropped)
                     + " packets: detection may miss traffic",
                   {{"interface", st.cfg.capture.interface},
                    {"dropped", dropped},
                    {"received", s.received}});
        st.last_dropped = dropped;
      }
      self->delayed_send(self, st.cfg.stats_period, stats_atom::value);
    },
    [self](refresh_atom) {
      auto& st = self->state;
      if (st.capture)
        st.capture->stop();
      ++st.reopens;
      auto opened = protocols::pcap::live_capture::open(st.cfg.capture);
      if (!opened) {
        st.capture_error = to_string(opened.error());
        self->delayed_send(self, st.cfg.reopen_period, refresh_atom::value);
        return;
      }
      st.capture = std::move(*opened);
      st.last_dropped = 0;
      if (auto err = start_capture(self, *st.capture)) {
        st.capture_error = to_string(err);
        self->delayed_send(self, st.cfg.reopen_period, refresh_atom::value);
        return;
      }
      st.capture_error.clear();
      st.log("flow monitor on " + st.cfg.capture.interface + " reopened");
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      json out{{"interface", st.cfg.capture.interface},
               {"filter", st.cfg.capture.filter},
               {"reopens", st.reopens},
               {"capture_error", st.capture_error}};
      if (st.capture) {
        auto s = st.capture->stats();
        out["capture"] = {{"received", s.received},
                          {"dropped", s.dropped},
                          {"interface_dropped", s.interface_dropped},
                          {"delivered", s.delivered}};
      }
      std::lock_guard<std::mutex> guard{st.engine->mtx};
      out["tracker"] = st.engine->counters.to_json();
      out["suspicions_sent"] = st.engine->suspicions_sent;
      return out.dump();
    },
  };
}

} // namespace

caf::expected<flow_monitor_actor> spawn_flow_monitor(caf::actor_system& sys,
                                                     flow_monitor_config cfg) {
  if (!cfg.sink)
    return make_error(ec::config_invalid, "the flow monitor needs a sink");
  auto capture = protocols::pcap::live_capture::open(cfg.capture);
  if (!capture)
    return std::move(capture.error());
  // Detached: a topology version reads the store (infrastructure_macs).
  auto cap = std::make_shared<std::unique_ptr<protocols::pcap::live_capture>>(
    std::move(*capture));
  return sys.spawn<caf::detached>(flow_monitor, std::move(cfg), std::move(cap));
}

} // namespace kagami::isolation
