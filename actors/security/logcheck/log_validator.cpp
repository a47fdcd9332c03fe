#include "actors/security/logcheck/log_validator.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/logcheck/audit_analyzer.hpp"
#include "actors/security/logcheck/security_alert.hpp"

namespace kagami::security::logcheck {

namespace {

struct log_validator_state {
  static inline const char* name = "log_validator";
  std::optional<audit_analyzer> analyzer;
  alert_audit_sink audit_sink;
  size_t recent_cap = 1;
  size_t max_subscribers = 1;
  /// JSON text of the latest alerts, oldest first.
  std::deque<std::string> recent;
  std::vector<caf::actor> subscribers;
};

using self_ptr = log_validator_actor::stateful_pointer<log_validator_state>;

void publish(self_ptr self, const security_alert& alert,
             const storage::audit_event& trigger) {
  auto& st = self->state;
  if (st.audit_sink)
    st.audit_sink(to_audit_event(alert, trigger));
  auto text = to_json_text(alert);
  for (auto& sub : st.subscribers)
    caf::anon_send(sub, alert_atom::value, text);
  st.recent.push_back(std::move(text));
  while (st.recent.size() > st.recent_cap)
    st.recent.pop_front();
}

void unsubscribe(log_validator_state& st, const caf::actor_addr& who) {
  std::erase_if(st.subscribers,
                [&](const caf::actor& a) { return a.address() == who; });
}

log_validator_actor::behavior_type
log_validator(self_ptr self, log_validator_config cfg, audit_analyzer analyzer) {
  auto& st = self->state;
  st.analyzer.emplace(std::move(analyzer));
  st.audit_sink = std::move(cfg.audit_sink);
  st.recent_cap = cfg.recent_alerts;
  st.max_subscribers = cfg.max_subscribers;
  self->set_down_handler([self](const caf::down_msg& msg) {
    unsubscribe(self->state, msg.source);
  });
  return {
    [self](audit_atom, const storage::audit_event& ev) {
      for (auto& alert : self->state.analyzer->observe(ev))
        publish(self, alert, ev);
    },
    [self](audit_atom, const std::vector<storage::audit_event>& batch) {
      for (auto& ev : batch)
        for (auto& alert : self->state.analyzer->observe(ev))
          publish(self, alert, ev);
    },
    [self](subscribe_atom, const caf::actor& sink) -> bool {
      auto& st = self->state;
      if (!sink)
        return false;
      if (std::find(st.subscribers.begin(), st.subscribers.end(), sink)
          != st.subscribers.end())
        return true;
      if (st.subscribers.size() >= st.max_subscribers)
        return false;
      self->monitor(sink);
      st.subscribers.push_back(sink);
      return true;
    },
    [self](alert_atom, std::string& kind, std::string& severity, std::string& summary,
           const std::string& evidence) {
      security_alert alert;
      alert.kind = std::move(kind);
      alert.severity = std::move(severity);
      alert.summary = std::move(summary);
      alert.source = "kagamid";
      alert.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      auto doc = nlohmann::json::parse(evidence, nullptr, false);
      if (doc.is_discarded() || !doc.is_object())
        doc = {{"text", evidence}};
      alert.evidence = std::move(doc);
      publish(self, alert, storage::audit_event{});
    },
    [self](unsubscribe_atom, const caf::actor& sink) {
      if (!sink)
        return;
      self->demonitor(sink);
      unsubscribe(self->state, sink.address());
    },
    [self](list_atom) -> std::string {
      std::string out = "[";
      for (auto& text : self->state.recent) {
        if (out.size() > 1)
          out += ",";
        out += text;
      }
      return out + "]";
    },
    [self](inspect_atom) -> std::string {
      auto& st = self->state;
      auto s = st.analyzer->stats();
      nlohmann::json j{{"events", s.events},
                       {"alerts", s.alerts},
                       {"suppressed", s.suppressed},
                       {"dropped", s.dropped},
                       {"subscribers", st.subscribers.size()},
                       {"tables",
                        {{"accounts", s.accounts},
                         {"sources", s.sources},
                         {"subjects", s.subjects},
                         {"forbiddenKeys", s.forbidden_keys},
                         {"cooldowns", s.cooldowns}}}};
      return j.dump();
    },
  };
}

} // namespace

caf::expected<log_validator_actor>
spawn_log_validator(caf::actor_system& sys, log_validator_config cfg) {
  if (cfg.recent_alerts == 0)
    return make_error(ec::config_invalid, "log validator: recent_alerts is 0");
  if (cfg.max_subscribers == 0)
    return make_error(ec::config_invalid,
                      "log validator: max_subscribers is 0");
  auto analyzer = audit_analyzer::make(cfg.analysis);
  if (!analyzer)
    return std::move(analyzer.error());
  return sys.spawn<caf::detached>(log_validator, std::move(cfg),
                                  std::move(*analyzer));
}

} // namespace kagami::security::logcheck
