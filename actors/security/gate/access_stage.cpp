#include "actors/security/gate/access_stage.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "http/problem.hpp"

namespace kagami::security {

namespace {

using storage::audit_outcome;

std::string label_of(const authn::subject& who) {
  return std::string{authn::to_string(who.kind)} + ":" + who.name;
}

check_request view_of(const access_request& a) {
  check_request r;
  r.request_id = a.request_id;
  r.subject = a.who ? &*a.who : nullptr;
  r.source_address = a.request->remote_address;
  r.thing_id = a.thing_id;
  r.thing_model = a.facts.model;
  r.thing_tags = &a.facts.tags;
  r.affordance = a.affordance;
  r.op = a.op;
  r.method = a.request->method;
  r.target = a.request->target;
  r.headers = &a.request->headers;
  r.body = a.request->body;
  r.now = std::chrono::system_clock::now();
  r.mono_now = std::chrono::steady_clock::now();
  return r;
}

http::response problem_response(const access_request& a, unsigned status,
                                std::string detail) {
  return http::to_response(
    http::make_problem(status, std::move(detail), a.request->path));
}

void add_retry_after(http::response& r, std::optional<std::chrono::seconds> s) {
  if (s)
    r.headers.emplace_back("Retry-After", std::to_string(s->count()));
}

} // namespace

access_stage::access_stage(access_stage_config cfg) : cfg_(std::move(cfg)) {
}

storage::audit_event access_stage::event_of(const access_request& a,
                                            audit_outcome outcome, unsigned status,
                                            std::string check,
                                            std::string reason) const {
  storage::audit_event ev;
  ev.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  ev.subject = a.who ? label_of(*a.who) : std::string{};
  ev.source = a.request->remote_address + ":" + std::to_string(a.request->remote_port);
  ev.thing = a.thing_id;
  ev.affordance = a.affordance;
  ev.op = a.op_name;
  ev.outcome = outcome;
  ev.http_status = static_cast<uint16_t>(status);
  ev.check = std::move(check);
  ev.reason = std::move(reason);
  ev.request_id = a.request_id;
  return ev;
}

void access_stage::reply_after_audit(const access_ptr& a, storage::audit_event ev,
                                     http::response r, bool durable) {
  auto responder = a->responder;
  auto path = a->request->path;
  if (!durable) {
    if (!cfg_.audit(std::move(ev), nullptr)) {
      ++audit_failures_;
      responder->reply(http::make_problem(
        503, "the audit trail is unavailable; the request was not recorded", path));
      return;
    }
    responder->reply(std::move(r));
    return;
  }
  auto shared = std::make_shared<http::response>(std::move(r));
  auto done = [responder, shared, path](bool ok) {
    if (ok)
      responder->reply(std::move(*shared));
    else
      responder->reply(http::make_problem(
        503, "the audit trail is unavailable; the outcome of this request is "
             "not recorded",
        path));
  };
  if (!cfg_.audit(std::move(ev), done)) {
    ++audit_failures_;
    responder->reply(http::make_problem(
      503, "the audit trail is unavailable; the request was not recorded", path));
  }
}

void access_stage::refuse_authn(const access_ptr& a, const authn_outcome& out) {
  ++refused_authn_;
  auto r = problem_response(*a, out.status,
                            out.status == 401 ? "authentication required"
                                              : "too many failed attempts; retry later");
  if (out.status == 401)
    for (auto& c : cfg_.gate->challenges())
      r.headers.emplace_back("WWW-Authenticate", c);
  add_retry_after(r, out.retry_after);
  auto ev = event_of(*a, audit_outcome::denied, out.status, out.check, out.reason);
  // What the client claimed, so brute force shows in the trail.
  ev.subject = out.claimed;
  reply_after_audit(a, std::move(ev), std::move(r), true);
}

void access_stage::accept_authn(const access_ptr& a, authn_outcome out,
                                const std::function<void()>& next) {
  if (!out.who)
    return refuse_authn(a, out);
  ++authenticated_;
  a->who = std::move(out.who);
  next();
}

void access_stage::authenticate(const access_ptr& a, const post_fn& post,
                                std::function<void()> next) {
  authn_input in;
  in.headers = &a->request->headers;
  in.source_address = a->request->remote_address;
  in.peer_certificate_subject = a->request->peer_certificate_subject;
  auto step = cfg_.gate->authenticate(in, std::chrono::steady_clock::now());
  if (auto* out = std::get_if<authn_outcome>(&step))
    return accept_authn(a, std::move(*out), next);
  auto job = std::make_shared<password_job>(std::get<password_job>(std::move(step)));
  auto gate = cfg_.gate;
  auto submitted = cfg_.worker->submit([this, gate, job, a, post, next] {
    auto verified = gate->verify(*job);
    // Back to the strand: the gate and the stage are strand-only.
    post([this, gate, job, a, next, verified = std::move(verified)]() mutable {
      accept_authn(a, gate->finish(*job, std::move(verified),
                                   std::chrono::steady_clock::now()),
                   next);
    });
  });
  if (!submitted) {
    cfg_.gate->abandon(*job);
    authn_outcome busy;
    busy.status = 503;
    busy.check = "authn.busy";
    busy.reason = "password verification queue full";
    busy.claimed = "user:" + job->user;
    busy.retry_after = std::chrono::seconds{1};
    ++refused_authn_;
    auto r = problem_response(*a, 503, "authentication is busy; retry later");
    add_retry_after(r, busy.retry_after);
    auto ev = event_of(*a, audit_outcome::denied, 503, busy.check, busy.reason);
    ev.subject = busy.claimed;
    reply_after_audit(a, std::move(ev), std::move(r), true);
  }
}

bool access_stage::admit(const access_ptr& a) {
  auto v = cfg_.chains->run(view_of(*a));
  if (v.allowed)
    return true;
  // Checks before the deciding one may have reserved something.
  cfg_.chains->forget(view_of(*a));
  ++denied_;
  auto r = problem_response(*a, v.status, v.reason);
  add_retry_after(r, v.retry_after);
  auto ev = event_of(*a, audit_outcome::denied, v.status, v.check, v.reason);
  reply_after_audit(a, std::move(ev), std::move(r), true);
  return false;
}

void access_stage::commit_admission(const access_ptr& a, const post_fn& post,
                                    std::function<void()> next) {
  auto ev = event_of(*a, audit_outcome::allowed, 0, "chain",
                     "admitted; sent to the device");
  auto responder = a->responder;
  auto path = a->request->path;
  auto chains = cfg_.chains;
  auto done = [post, next = std::move(next), responder, path, chains, a](bool ok) {
    if (!ok) {
      responder->reply(http::make_problem(
        503, "the audit trail is unavailable; the request was not carried out", path));
      // Not carried out: release what the checks reserved, on the strand.
      post([chains, a] { chains->forget(view_of(*a)); });
      return;
    }
    post(next);
  };
  if (!cfg_.audit(std::move(ev), std::move(done))) {
    ++audit_failures_;
    cfg_.chains->forget(view_of(*a));
    a->responder->reply(http::make_problem(
      503, "the audit trail is unavailable; the request was not carried out", path));
  }
}

void access_stage::finish(const access_ptr& a, http::response r) {
  bool ok = r.status >= 200 && r.status < 300;
  if (ok) {
    ++allowed_;
    // The value the device now holds: what was read, or what was written.
    auto value = a->op == authz::operation::writeproperty
                   ? std::string_view{a->request->body}
                   : std::string_view{r.body};
    if (a->affordance != "*" && !value.empty())
      cfg_.chains->observe(view_of(*a), value);
  } else {
    cfg_.chains->forget(view_of(*a));
  }
  std::string reason;
  if (!ok) {
    auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (doc.is_object() && doc.contains("detail") && doc["detail"].is_string())
      reason = doc["detail"].get<std::string>();
  }
  bool admin = a->op_name.rfind("admin.", 0) == 0;
  auto ev = event_of(*a, ok ? audit_outcome::allowed : audit_outcome::error, r.status,
                     admin ? "admin" : "chain", std::move(reason));
  bool read = a->op == authz::operation::readproperty;
  reply_after_audit(a, std::move(ev), std::move(r),
                    !ok || !read || cfg_.durable_reads);
}

bool access_stage::admit_admin(const access_ptr& a) {
  if (a->who)
    for (auto& role : a->who->roles)
      if (std::find(cfg_.admin_roles.begin(), cfg_.admin_roles.end(), role)
          != cfg_.admin_roles.end())
        return true;
  ++denied_;
  auto r = problem_response(*a, 403, "the admin API needs an admin role");
  auto ev = event_of(*a, audit_outcome::denied, 403, "admin", "no admin role");
  reply_after_audit(a, std::move(ev), std::move(r), true);
  return false;
}

bool access_stage::record_admitted(const access_ptr& a, std::string check,
                                   std::string reason) {
  ++allowed_;
  auto ev = event_of(*a, audit_outcome::allowed, 200, std::move(check), std::move(reason));
  if (cfg_.audit(std::move(ev), nullptr))
    return true;
  ++audit_failures_;
  a->responder->reply(http::make_problem(
    503, "the audit trail is unavailable; the request was not recorded",
    a->request->path));
  return false;
}

std::string access_stage::inspect() const {
  nlohmann::json j = {{"authenticated", authenticated_},
                      {"refused_authentication", refused_authn_},
                      {"denied", denied_},
                      {"allowed", allowed_},
                      {"audit_failures", audit_failures_},
                      {"login_cache_hits", cfg_.gate->cache_hits()},
                      {"password_jobs_queued", cfg_.worker->queued()}};
  return j.dump();
}

} // namespace kagami::security
