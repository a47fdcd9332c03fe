#pragma once

// access_stage: the security chain of the WoT frontend, per request:
// authentication (request_gate, argon2id on the password_worker), the
// configured checks (check_chains), the audit record of every decision, and
// the refusals (401 with WWW-Authenticate, 403 with a reason, 429 with
// Retry-After, 400 from the schema check).
//
// Why checks are objects here and not one actor each (DESIGN.md sketches a
// security_check_actor): a message hop per check per request costs a
// scheduler hand-off, and the read path's three hand-offs already dominate
// its latency (BENCHMARKS.md); the budget for the whole chain is 50 us.
// So the chain runs inline, on the frontend actor's strand, which owns the
// check instances (state without locks). Work that is not on the request
// path is an actor: log validation (logcheck/log_validator.hpp) and the
// admin API's audit queries (admin/audit_service.hpp).
//
// Threading: every member runs on the frontend's strand, except that a
// password verification runs on the worker and hands back through `post`,
// and the reply of a durable record is sent from the audit writer's thread
// (responders are thread-safe).
//
// Audit durability (issue 4): a refusal, a write, an action and a failed
// request are acknowledged only once their record is durable (synced);
// when the record cannot be written the client gets 503 instead. A
// successful read, TD read or event subscription is acknowledged once its
// record is queued (audit_writer::append_relaxed): a crash may lose the
// records still queued, at most the writer's queue_capacity + max_batch
// records, all acknowledged within the last batch window (kagamid:
// security.audit.batchWindowMs, 5 ms) plus one batch write before the
// crash. `durable_reads` makes reads wait too.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/core/device_messages.hpp"
#include "actors/security/authn/subject.hpp"
#include "actors/security/authz/acl_policy.hpp"
#include "actors/security/chain/check_chains.hpp"
#include "actors/security/gate/password_worker.hpp"
#include "actors/security/gate/request_gate.hpp"
#include "http/server.hpp"
#include "storage/audit_record.hpp"

namespace kagami::security {

/// Records one decision. `done`, when set, runs once with true when the
/// record is durable (false: it could not be written), on any thread.
/// Returns false when the record was refused at once (queue full, writer
/// stopped); `done` then never runs.
using audit_fn
  = std::function<bool(storage::audit_event ev, std::function<void(bool)> done)>;

/// Posts work to the frontend's strand; false when the strand stopped.
using post_fn = std::function<bool(std::function<void()>)>;

/// One request on its way through the stage. Built by the frontend; the
/// stage fills in `who`.
struct access_request {
  std::shared_ptr<const http::request> request;
  std::shared_ptr<http::responder> responder;
  std::string request_id;
  /// Empty for requests that address no thing (the listing).
  std::string thing_id;
  thing_facts facts;
  /// Property, action or event name; "*" for all properties.
  std::string affordance;
  authz::operation op = authz::operation::readproperty;
  /// The op as recorded: "readproperty", "readallproperties", "readtd", ...
  std::string op_name;
  /// Set by authenticate() before it calls `next`.
  std::optional<authn::subject> who;
};

using access_ptr = std::shared_ptr<access_request>;

struct access_stage_config {
  std::shared_ptr<request_gate> gate;
  std::shared_ptr<check_chains> chains;
  std::shared_ptr<password_worker> worker;
  audit_fn audit;
  bool durable_reads = false;
  /// Subjects with one of these roles may use the admin API.
  std::vector<std::string> admin_roles{"admin"};
};

class access_stage {
public:
  explicit access_stage(access_stage_config cfg);

  /// Establishes who sent the request. Calls `next` on the strand with
  /// a->who set, or answers the request itself (401, 429, 503) after
  /// auditing the refusal.
  void authenticate(const access_ptr& a, const post_fn& post,
                    std::function<void()> next);

  /// Runs the chain for a->thing_id. True: go ahead. False: the request was
  /// refused and is answered once the refusal is audited.
  bool admit(const access_ptr& a);

  /// For an admitted write or action: records the admission durably first
  /// and calls `next` on the strand only once it is on disk, so the device
  /// never acts on a request the trail does not hold. When the record cannot
  /// be written the client gets 503 and the device is not contacted.
  void commit_admission(const access_ptr& a, const post_fn& post,
                        std::function<void()> next);

  /// Answers an admitted request with `r` (the device's answer or an
  /// error): feeds a 2xx value to the checks (observe), audits, replies.
  void finish(const access_ptr& a, http::response r);

  /// For the admin API: true when a->who has an admin role; otherwise the
  /// request is refused with 403 once the refusal is audited.
  bool admit_admin(const access_ptr& a);

  /// Audits an admitted request that is answered elsewhere (an event
  /// stream, a TD): queued, not waited for. `check` and `reason` say what
  /// admitted it. False when the audit refused it (the request was then
  /// answered with 503).
  bool record_admitted(const access_ptr& a, std::string check, std::string reason = {});

  /// Counters for the console, as JSON text.
  std::string inspect() const;

private:
  storage::audit_event event_of(const access_request& a, storage::audit_outcome outcome,
                                unsigned status, std::string check,
                                std::string reason) const;
  void reply_after_audit(const access_ptr& a, storage::audit_event ev,
                         http::response r, bool durable);
  void refuse_authn(const access_ptr& a, const authn_outcome& out);
  void accept_authn(const access_ptr& a, authn_outcome out,
                    const std::function<void()>& next);

  access_stage_config cfg_;
  uint64_t authenticated_ = 0;
  uint64_t refused_authn_ = 0;
  uint64_t denied_ = 0;
  uint64_t allowed_ = 0;
  uint64_t audit_failures_ = 0;
};

} // namespace kagami::security
