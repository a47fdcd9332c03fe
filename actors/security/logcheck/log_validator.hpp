#pragma once

// The log validator (issue 4): a thin actor around audit_analyzer. The
// request path sends it a copy of every audit event; for each alert the
// analyzer raises it (a) hands an audit record of the alert to the audit
// sink and (b) sends the alert to every subscriber. It also keeps the last
// alerts for subscribers that join later (the admin API's SSE relay).
//
// Runs detached (its own thread): the audit sink may block, e.g.
// audit_writer::append waits up to append_timeout on a full queue.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "actors/security/logcheck/log_validation_config.hpp"
#include "storage/audit_record.hpp"

// Audit events travel to the validator as local messages only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::storage::audit_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<kagami::storage::audit_event>)

namespace kagami::security::logcheck {

using log_validator_actor = caf::typed_actor<
  /// One audit event (a copy) of the request path. Events with op "alert"
  /// (the validator's own records) are ignored. No reply.
  caf::reacts_to<audit_atom, storage::audit_event>,
  /// A batch of audit events as the audit writer made them durable, in
  /// chain order (audit_writer_options::on_written). No reply.
  caf::reacts_to<audit_atom, std::vector<storage::audit_event>>,
  /// From now on `sink` receives (alert_atom, std::string alert_json) for
  /// every alert (JSON of security_alert, see security_alert.hpp), until it
  /// terminates or unsubscribes. Replies false, and does not subscribe, when
  /// max_subscribers are subscribed already; true otherwise (also for a sink
  /// that is subscribed already).
  caf::replies_to<subscribe_atom, caf::actor>::with<bool>,
  /// An alert raised outside the audit analysis (kind, severity, summary,
  /// evidence JSON object), e.g. by the isolation supervisor: published to
  /// the subscribers, kept for list_atom and audited like the validator's
  /// own, with source "kagamid". Evidence that is not a JSON object is kept
  /// as {"text": ...}. No reply.
  caf::reacts_to<alert_atom, std::string, std::string, std::string, std::string>,
  /// Stops sending alerts to `sink`. No reply.
  caf::reacts_to<unsubscribe_atom, caf::actor>,
  /// The last `recent_alerts` alerts, oldest first, as a JSON array of
  /// alert objects.
  caf::replies_to<list_atom>::with<std::string>,
  /// Counters and table sizes for the console, a JSON object:
  /// {"events", "alerts", "suppressed", "dropped", "subscribers",
  ///  "tables": {"accounts", "sources", "subjects", "forbiddenKeys",
  ///             "cooldowns"}}.
  caf::replies_to<inspect_atom>::with<std::string>>;

/// Receives the audit record of each alert, on the validator's thread. May
/// block briefly; must not throw.
using alert_audit_sink = std::function<void(const storage::audit_event&)>;

struct log_validator_config {
  log_validation_config analysis;
  /// May be empty: then alerts are only published.
  alert_audit_sink audit_sink;
  /// Alerts kept for list_atom (>= 1).
  size_t recent_alerts = 100;
  /// Subscribers at once (>= 1).
  size_t max_subscribers = 64;
};

/// Spawns the validator, detached. Fails with ec::config_invalid when
/// `cfg.analysis` is invalid or a bound is 0.
caf::expected<log_validator_actor>
spawn_log_validator(caf::actor_system& sys, log_validator_config cfg);

} // namespace kagami::security::logcheck
