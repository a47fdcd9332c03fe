#include "actors/security/logcheck/security_alert.hpp"

namespace kagami::security::logcheck {

void to_json(nlohmann::json& out, const security_alert& alert) {
  out = nlohmann::json{{"kind", alert.kind},
                       {"severity", alert.severity},
                       {"subject", alert.subject},
                       {"source", alert.source},
                       {"summary", alert.summary},
                       {"timeMs", alert.time_ms},
                       {"evidence", alert.evidence}};
}

std::string to_json_text(const security_alert& alert) {
  nlohmann::json j = alert;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

storage::audit_event to_audit_event(const security_alert& alert,
                                    const storage::audit_event& trigger) {
  storage::audit_event out;
  out.time_ms = alert.time_ms;
  out.subject = alert.subject;
  out.source = alert.source;
  out.thing = trigger.thing;
  out.affordance = trigger.affordance;
  out.op = std::string{alert_op};
  out.outcome = trigger.outcome;
  out.http_status = trigger.http_status;
  out.check = "logcheck." + alert.kind;
  out.reason = alert.summary;
  out.request_id = trigger.request_id;
  return out;
}

} // namespace kagami::security::logcheck
