#include "http/wot_frontend.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <future>
#include <map>
#include <vector>

#include <caf/all.hpp>
// Not part of caf/all.hpp in CAF 0.17.
#include <caf/actor_companion.hpp>
#include <caf/mixin/requester.hpp>
#include <caf/scoped_execution_unit.hpp>

#include "actors/core/error.hpp"
#include "actors/security/admin/audit_query_params.hpp"
#include "actors/security/admin/audit_service.hpp"
#include "actors/isolation/isolation_supervisor.hpp"
#include "actors/network/topology_supervisor.hpp"
#include "actors/security/gate/access_stage.hpp"
#include "actors/security/logcheck/log_validator.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"
#include "http/thing_listing.hpp"
#include "http/wot_operation.hpp"

namespace kagami {

namespace {

/// An actor_companion that can also `request` (the companion alone has only
/// the sender mixin). Driven by wot_frontend::core, never by the scheduler.
class frontend_companion
  : public caf::extend<caf::actor_companion,
                       frontend_companion>::with<caf::mixin::requester> {
public:
  using super = caf::extend<caf::actor_companion,
                            frontend_companion>::with<caf::mixin::requester>;

  explicit frontend_companion(caf::actor_config& cfg) : super(cfg) {
  }

  const char* name() const override {
    return "wot_frontend";
  }
};

struct thing_entry {
  std::string td;
  virtual_device_actor handle;
  thing_facts facts;
};

/// (thing id, event name)
using stream_key = std::pair<std::string, std::string>;

struct open_stream {
  uint64_t id;
  std::shared_ptr<http::event_stream> stream;
};

/// The streams of one (thing, event) and where its subscription stands.
struct subscription {
  std::vector<open_stream> streams;
  /// Subscribe requests in flight for this key.
  size_t pending = 0;
  /// The current virtual device has the frontend as a sink (as far as the
  /// frontend knows).
  bool subscribed = false;
};

http::response json_response(unsigned status, std::string body,
                             std::string content_type = "application/json") {
  http::response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

/// An error as problem+json; a 405 gets the Allow header of `plan`.
http::response error_response(const http_exchange_ptr& x, const http::wot_plan& plan,
                              const caf::error& err) {
  auto r = http::to_response(http::problem_of(err, x->request.path));
  if (auto allow = http::allow_for(plan, r.status); allow.present)
    r.headers.emplace_back("Allow", std::string{allow.value});
  return r;
}

void reply_error(const http_exchange_ptr& x, const http::wot_plan& plan,
                 const caf::error& err) {
  x->responder->reply(error_response(x, plan, err));
}

void reply_status(const http_exchange_ptr& x, unsigned status,
                  std::string detail,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  auto r = http::to_response(
    http::make_problem(status, std::move(detail), x->request.path));
  r.headers = std::move(headers);
  x->responder->reply(std::move(r));
}

/// A failed route match: 404, 405 with Allow, or 400 for a malformed path.
void reply_unrouted(const http_exchange_ptr& x, const http::route_match& m) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (m.result == http::route_match::outcome::method_not_allowed)
    headers.emplace_back("Allow", m.allow_header());
  reply_status(x, m.status(), m.reason, std::move(headers));
}

/// A device result: 200 with the JSON value, or 204 where the plan says so.
http::response value_response(const http::wot_plan& plan, std::string json) {
  auto status = http::success_status(plan, json);
  return json_response(status, status == 204 ? std::string{} : std::move(json));
}

/// The op of `plan` as ACLs name it, and as the audit trail records it.
std::pair<security::authz::operation, const char*> access_op_of(http::wot_op op) {
  using security::authz::operation;
  switch (op) {
    case http::wot_op::write_property:
      return {operation::writeproperty, "writeproperty"};
    case http::wot_op::invoke_action:
      return {operation::invokeaction, "invokeaction"};
    case http::wot_op::subscribe_event:
      return {operation::subscribeevent, "subscribeevent"};
    case http::wot_op::read_all_properties:
      return {operation::readproperty, "readallproperties"};
    case http::wot_op::thing_td:
      return {operation::readproperty, "readtd"};
    case http::wot_op::list_things:
      return {operation::readproperty, "listthings"};
    case http::wot_op::admin_audit_query:
      return {operation::readproperty, "admin.audit"};
    case http::wot_op::admin_audit_verify:
      return {operation::readproperty, "admin.verify"};
    case http::wot_op::admin_alerts:
      return {operation::subscribeevent, "admin.alerts"};
    case http::wot_op::admin_topology:
    case http::wot_op::admin_topology_history:
    case http::wot_op::admin_topology_diff:
      return {operation::readproperty, "admin.topology"};
    case http::wot_op::admin_topology_events:
      return {operation::subscribeevent, "admin.topology"};
    case http::wot_op::admin_isolations:
      return {operation::readproperty, "admin.isolations"};
    case http::wot_op::admin_isolation_release:
      return {operation::invokeaction, "admin.isolation.release"};
    default:
      return {operation::readproperty, "readproperty"};
  }
}

} // namespace

/// The frontend's state and the companion that carries it. Every member
/// function below runs on the strand, except where it says otherwise.
class wot_frontend::core : public std::enable_shared_from_this<core> {
public:
  core(caf::actor_system& sys, std::shared_ptr<http::io_strand> strand,
       wot_frontend_config cfg)
    : eu_(&sys), strand_(std::move(strand)), cfg_(std::move(cfg)) {
  }

  /// Any thread, once: spawns the companion and connects it to the strand.
  void start(caf::actor_system& sys) {
    handle_ = sys.spawn<frontend_companion>();
    self_ = static_cast<frontend_companion*>(
      caf::actor_cast<caf::abstract_actor*>(handle_));
    self_->context(&eu_);
    // Set before the first activation: a companion without behavior would
    // terminate on its first message.
    self_->become(make_behavior());
    self_->on_enqueue([weak = weak_from_this(), strand = strand_](
                        caf::mailbox_element_ptr m) {
      std::shared_ptr<caf::mailbox_element> msg{std::move(m)};
      strand->post([weak, msg] {
        if (auto c = weak.lock())
          c->activate(*msg);
      });
    });
  }

  /// Any thread.
  bool post(std::function<void()> f) {
    return strand_->post(std::move(f));
  }

  /// Any thread.
  bool terminated() const noexcept {
    return terminated_flag_.load(std::memory_order_acquire);
  }

  const caf::actor& handle() const noexcept {
    return handle_;
  }

  void activate(caf::mailbox_element& msg) {
    if (terminated_)
      return;
    if (self_->activate(&eu_, msg)
        == caf::scheduled_actor::activation_result::terminated)
      on_terminated();
  }

  /// On the strand, or on any thread once the strand no longer runs.
  void terminate(caf::error reason) {
    if (terminated_)
      return;
    self_->context(&eu_);
    self_->quit(std::move(reason));
    self_->finalize();
    on_terminated();
  }

  void serve(const http_exchange_ptr& x) {
    if (terminated_) {
      reply_status(x, 503, "the gateway is shutting down");
      return;
    }
    try {
      dispatch(x);
    } catch (const std::exception&) {
      if (!x->responder->replied())
        reply_status(x, 500, {});
    }
  }

private:
  // -- behavior ----------------------------------------------------------------

  caf::behavior make_behavior() {
    auto on_up = [this](thing_up_atom, const std::string& id,
                        const std::string& td, const virtual_device_actor& handle,
                        const thing_facts& facts) {
      thing_up(id, td, handle, facts);
    };
    auto on_down = [this](thing_down_atom, const std::string& id,
                          const std::string& reason) {
      thing_down(id, reason);
    };
    auto on_http = [this](http_atom, const http_exchange_ptr& x) {
      serve(x);
    };
    auto on_event = [this](event_atom, const std::string& thing,
                           const std::string& event, const std::string& data) {
      deliver(thing, event, data);
    };
    auto on_alert = [this](alert_atom, const std::string& json) { relay_alert(json); };
    auto on_topology = [this](topology_atom, const std::string& json) {
      relay_topology(json);
    };
    // Checks at compile time that the handlers implement wot_frontend_actor.
    [[maybe_unused]] wot_frontend_actor::behavior_type typed{on_up, on_down, on_http,
                                                            on_event, on_alert, on_topology};
    return {on_up, on_down, on_http, on_event, on_alert, on_topology,
            [this](caf::tick_atom) { keepalive(); },
            [this](caf::timeout_atom) { sweep(); }};
  }

  void on_terminated() {
    terminated_ = true;
    for (auto& s : alert_streams_)
      s->close();
    alert_streams_.clear();
    for (auto& s : topology_streams_)
      s->close();
    topology_streams_.clear();
    for (auto& [key, sub] : subs_)
      for (auto& s : sub.streams)
        s.stream->close();
    subs_.clear();
    open_streams_ = 0;
    pending_streams_ = 0;
    things_.clear();
    withdrawn_.clear();
    deadlines_.clear();
    terminated_flag_.store(true, std::memory_order_release);
  }

  // -- HTTP --------------------------------------------------------------------

  request_context context_of(const http::request& req,
                             const security::access_ptr& a = nullptr) {
    request_context ctx;
    ctx.source = req.remote_address + ":" + std::to_string(req.remote_port);
    if (a) {
      ctx.request_id = a->request_id;
      if (a->who)
        ctx.subject = std::string{authn::to_string(a->who->kind)} + ":" + a->who->name;
    } else {
      ctx.request_id = std::to_string(next_request_id_++);
    }
    return ctx;
  }

  /// Answers `x`: through the security stage (observe, audit) when the
  /// request passed it, directly otherwise.
  void respond(const http_exchange_ptr& x, const security::access_ptr& a,
               http::response r) {
    if (a)
      cfg_.access->finish(a, std::move(r));
    else
      x->responder->reply(std::move(r));
  }

  void dispatch(const http_exchange_ptr& x) {
    auto& req = x->request;
    auto route = router_.match(req.method, req.path);
    if (!route.ok())
      return reply_unrouted(x, route);
    auto plan = http::plan_for(route.kind, req.method);
    switch (plan.op) {
      case http::wot_op::refuse: {
        std::vector<std::pair<std::string, std::string>> headers;
        if (auto allow = http::allow_for(plan, plan.status); allow.present)
          headers.emplace_back("Allow", std::string{allow.value});
        return reply_status(x, plan.status, std::string{plan.reason},
                            std::move(headers));
      }
      case http::wot_op::directory_td:
        // Public: the entry point of discovery names no device.
        return x->responder->reply(
          json_response(200, cfg_.directory_td, "application/td+json"));
      default:
        break;
    }
    auto thing_id = std::string{route.param("id")};
    auto name = std::string{route.param("name")};
    if (!cfg_.access)
      return dispatch_as(x, plan, std::move(thing_id), std::move(name), nullptr);
    auto a = std::make_shared<security::access_request>();
    a->request = std::shared_ptr<const http::request>(x, &x->request);
    a->responder = x->responder;
    a->request_id = std::to_string(next_request_id_++);
    a->thing_id = thing_id;
    a->affordance = name.empty() ? std::string{"*"} : name;
    std::tie(a->op, a->op_name) = access_op_of(plan.op);
    cfg_.access->authenticate(a, strand_post(), [this, x, plan, thing_id, name, a] {
      dispatch_as(x, plan, thing_id, name, a);
    });
  }

  /// The rest of dispatch, once the request is authenticated (`a`), or for a
  /// frontend without a security stage (`a` null: frontend unit tests).
  void dispatch_as(const http_exchange_ptr& x, const http::wot_plan& plan,
                   std::string thing_id, std::string name,
                   const security::access_ptr& a) {
    auto& req = x->request;
    switch (plan.op) {
      case http::wot_op::admin_audit_query:
      case http::wot_op::admin_audit_verify:
      case http::wot_op::admin_alerts:
      case http::wot_op::admin_topology:
      case http::wot_op::admin_topology_history:
      case http::wot_op::admin_topology_diff:
      case http::wot_op::admin_topology_events:
      case http::wot_op::admin_isolations:
        return serve_admin(x, plan, a);
      case http::wot_op::admin_isolation_release:
        return serve_admin(x, plan, a, thing_id);
      default:
        break;
    }
    // TDs and the listing are open to every authenticated subject: they name
    // no device identity, and the ACL decides what a subject may do.
    const std::string open_reason = "TDs are open to authenticated subjects";
    if (plan.op == http::wot_op::list_things) {
      if (a && !cfg_.access->record_admitted(a, "authn", open_reason))
        return;
      return serve_listing(x, plan);
    }
    auto it = things_.find(thing_id);
    if (it == things_.end()) {
      // Through the stage, so probing for thing ids shows in the audit trail.
      if (auto w = withdrawn_.find(thing_id); w != withdrawn_.end())
        return respond(x, a, http::to_response(http::make_problem(
                               503, "thing '" + thing_id + "' is withdrawn: " + w->second,
                               req.path)));
      return respond(x, a, error_response(x, plan, make_error(ec::not_found,
                                                              "no thing named '"
                                                                + thing_id + "'")));
    }
    auto& thing = it->second;
    if (plan.op == http::wot_op::thing_td) {
      if (a && !cfg_.access->record_admitted(a, "authn", open_reason))
        return;
      return x->responder->reply(json_response(200, thing.td, "application/td+json"));
    }
    if (a) {
      a->facts = thing.facts;
      if (!cfg_.access->admit(a))
        return;
      // A write or an action reaches the device only once its admission is
      // durable in the audit trail.
      if (a->op == security::authz::operation::writeproperty
          || a->op == security::authz::operation::invokeaction) {
        auto resume = [this, x, plan, thing_id, name, a] {
          auto it = things_.find(thing_id);
          if (it == things_.end())
            return respond(x, a, http::to_response(http::make_problem(
                                   503, "the thing went away", x->request.path)));
          forward(x, plan, it->second, thing_id, name, a);
        };
        return cfg_.access->commit_admission(a, strand_post(), std::move(resume));
      }
    }
    forward(x, plan, thing, thing_id, std::move(name), a);
  }

  /// Posts to this frontend's strand while it lives (for the security
  /// stage's continuations).
  security::post_fn strand_post() {
    return [weak = weak_from_this()](std::function<void()> f) {
      auto c = weak.lock();
      if (!c)
        return false;
      return c->post([weak, f = std::move(f)] {
        if (auto c = weak.lock(); c && !c->terminated_)
          f();
      });
    };
  }

  /// Sends an admitted request to its virtual device (or opens its event
  /// stream) and answers through the stage.
  void forward(const http_exchange_ptr& x, const http::wot_plan& plan,
               const thing_entry& thing, const std::string& thing_id, std::string name,
               const security::access_ptr& a) {
    auto& req = x->request;
    auto on_value = [this, x, a, plan](std::string& json) {
      respond(x, a, value_response(plan, std::move(json)));
    };
    auto on_error = [this, x, a, plan](const caf::error& err) {
      respond(x, a, error_response(x, plan, err));
    };
    switch (plan.op) {
      case http::wot_op::read_all_properties:
        return ask(x, thing.handle, on_value, on_error, read_all_atom::value,
                   context_of(req, a));
      case http::wot_op::read_property:
        return ask(x, thing.handle, on_value, on_error, read_atom::value,
                   context_of(req, a), std::move(name));
      case http::wot_op::write_property:
        return ask(x, thing.handle, on_value, on_error, write_atom::value,
                   context_of(req, a), std::move(name), req.body);
      case http::wot_op::invoke_action:
        return ask(x, thing.handle, on_value, on_error, invoke_atom::value,
                   context_of(req, a), std::move(name), req.body);
      case http::wot_op::subscribe_event:
        return subscribe(x, plan, thing_id, thing, std::move(name), a);
      default:
        return reply_error(x, plan, make_error(ec::internal, "unplanned operation"));
    }
  }

  // -- admin API ---------------------------------------------------------------

  /// `isolation_id`: the {id} of a release.
  void serve_admin(const http_exchange_ptr& x, const http::wot_plan& plan,
                   const security::access_ptr& a, const std::string& isolation_id = {}) {
    if (!a)
      return reply_status(x, 404, "no admin API without a security stage");
    if (!cfg_.access->admit_admin(a))
      return;
    auto answer = [this, x, a](std::string& json) {
      respond(x, a, json_response(200, std::move(json)));
    };
    auto fail = [this, x, a, plan](const caf::error& err) {
      respond(x, a, error_response(x, plan, err));
    };
    if (plan.op == http::wot_op::admin_alerts)
      return open_alert_stream(x, a);
    if (plan.op == http::wot_op::admin_topology_events)
      return open_topology_stream(x, a);
    if (plan.op == http::wot_op::admin_topology
        || plan.op == http::wot_op::admin_topology_history
        || plan.op == http::wot_op::admin_topology_diff)
      return serve_topology(x, plan, a);
    if (plan.op == http::wot_op::admin_isolations
        || plan.op == http::wot_op::admin_isolation_release) {
      if (!cfg_.isolation)
        return respond(x, a, error_response(x, plan, make_error(ec::unavailable,
                                                                "isolation is not enabled")));
      auto iso = caf::actor_cast<isolation::isolation_supervisor_actor>(cfg_.isolation);
      if (plan.op == http::wot_op::admin_isolations)
        return ask_any(x, iso, answer, fail, list_atom::value);
      auto who = context_of(x->request, a).subject;
      if (who.empty())
        who = "unknown";
      return ask_any(x, iso, answer, fail, release_atom::value, isolation_id, std::move(who));
    }
    if (!cfg_.audit_service)
      return respond(x, a, error_response(x, plan, make_error(ec::unavailable,
                                                              "no audit service")));
    auto service = caf::actor_cast<security::audit_service_actor>(cfg_.audit_service);
    if (plan.op == http::wot_op::admin_audit_verify)
      return ask_any(x, service, answer, fail, verify_atom::value);
    auto filter = security::parse_audit_query(x->request.query);
    if (!filter)
      return respond(x, a, error_response(x, plan, filter.error()));
    ask_any(x, service, answer, fail, query_atom::value, std::move(*filter));
  }

  /// GET /admin/topology[/history|/diff]: asks the topology supervisor.
  void serve_topology(const http_exchange_ptr& x, const http::wot_plan& plan,
                      const security::access_ptr& a) {
    if (!cfg_.topology)
      return respond(x, a, error_response(x, plan, make_error(ec::unavailable,
                                                              "no network elements or probes "
                                                              "are configured: no topology")));
    auto view = plan.op == http::wot_op::admin_topology_history ? "history"
                : plan.op == http::wot_op::admin_topology_diff  ? "diff"
                                                                 : "graph";
    auto q = topology::parse_topology_query(view, x->request.query);
    if (!q)
      return respond(x, a, error_response(x, plan, q.error()));
    auto content_type = q->what == topology::topology_query::view::dot ? "text/vnd.graphviz"
                        : q->what == topology::topology_query::view::svg
                          ? "image/svg+xml"
                          : "application/json";
    auto answer = [this, x, a, content_type](std::string& body) {
      respond(x, a, json_response(200, std::move(body), content_type));
    };
    auto fail = [this, x, a, plan](const caf::error& err) {
      respond(x, a, error_response(x, plan, err));
    };
    auto supervisor = caf::actor_cast<network::topology_supervisor_actor>(cfg_.topology);
    ask_any(x, supervisor, answer, fail, topology_atom::value, std::move(*q));
  }

  /// GET /admin/topology/events: every new version as an SSE "topology"
  /// event. The frontend subscribes once, with the first stream; the
  /// supervisor drops it only when the frontend terminates.
  void open_topology_stream(const http_exchange_ptr& x, const security::access_ptr& a) {
    if (!cfg_.topology)
      return respond(x, a, http::to_response(http::make_problem(
                             503, "no network elements or probes are configured: no topology",
                             x->request.path)));
    if (topology_streams_.size() >= cfg_.max_event_streams)
      return respond(x, a, http::to_response(http::make_problem(
                             503, "too many open topology streams", x->request.path)));
    if (!cfg_.access->record_admitted(a, "admin"))
      return;
    auto stream = x->responder->open_event_stream();
    topology_streams_.push_back(stream);
    std::weak_ptr<http::event_stream> weak_stream = stream;
    stream->on_close([weak = weak_from_this(), weak_stream] {
      if (auto c = weak.lock())
        c->post([weak, weak_stream] {
          if (auto c = weak.lock(); c && !c->terminated_) {
            auto closed = weak_stream.lock();
            auto& v = c->topology_streams_;
            v.erase(std::remove_if(v.begin(), v.end(),
                                   [&](const std::shared_ptr<http::event_stream>& s) {
                                     return s == closed || s->closed();
                                   }),
                    v.end());
          }
        });
    });
    arm_keepalive();
    if (topology_subscribed_)
      return;
    topology_subscribed_ = true;
    self_->send(caf::actor_cast<network::topology_supervisor_actor>(cfg_.topology),
                subscribe_atom::value, caf::actor_cast<caf::actor>(handle_));
  }

  /// A new topology version: to every open topology stream.
  void relay_topology(const std::string& json) {
    topology_streams_.erase(std::remove_if(topology_streams_.begin(), topology_streams_.end(),
                                           [&](const std::shared_ptr<http::event_stream>& s) {
                                             return !s->send("topology", json);
                                           }),
                            topology_streams_.end());
  }

  void open_alert_stream(const http_exchange_ptr& x, const security::access_ptr& a) {
    if (!cfg_.alerts)
      return respond(x, a, http::to_response(http::make_problem(
                             503, "log validation is not running", x->request.path)));
    if (alert_streams_.size() >= cfg_.max_event_streams)
      return respond(x, a, http::to_response(http::make_problem(
                             503, "too many open alert streams", x->request.path)));
    if (!cfg_.access->record_admitted(a, "admin"))
      return;
    auto stream = x->responder->open_event_stream();
    alert_streams_.push_back(stream);
    // A closed stream leaves at once (it counts against max_event_streams),
    // and the last one unsubscribes from the validator.
    std::weak_ptr<http::event_stream> weak_stream = stream;
    stream->on_close([weak = weak_from_this(), weak_stream] {
      if (auto c = weak.lock())
        c->post([weak, weak_stream] {
          if (auto c = weak.lock(); c && !c->terminated_)
            c->alert_stream_closed(weak_stream);
        });
    });
    arm_keepalive();
    if (alerts_subscribed_)
      return;
    alerts_subscribed_ = true;
    auto validator = caf::actor_cast<security::logcheck::log_validator_actor>(cfg_.alerts);
    self_->request(validator, cfg_.request_timeout, subscribe_atom::value, handle_)
      .then([this](bool ok) {
              if (!ok)
                close_alert_streams();
            },
            [this](const caf::error&) { close_alert_streams(); });
  }

  void close_alert_streams() {
    alerts_subscribed_ = false;
    for (auto& s : alert_streams_)
      s->close();
    alert_streams_.clear();
  }

  void alert_stream_closed(const std::weak_ptr<http::event_stream>& closed) {
    auto s = closed.lock();
    alert_streams_.erase(std::remove_if(alert_streams_.begin(), alert_streams_.end(),
                                        [&](const std::shared_ptr<http::event_stream>& x) {
                                          return x == s || x->closed();
                                        }),
                         alert_streams_.end());
    relay_alert({});
  }

  /// An alert from the log validator: to every open admin stream (none for
  /// an empty `json`: only the clean-up); the last stream gone, the
  /// frontend unsubscribes.
  void relay_alert(const std::string& json) {
    alert_streams_.erase(std::remove_if(alert_streams_.begin(), alert_streams_.end(),
                                        [&](const std::shared_ptr<http::event_stream>& s) {
                                          return json.empty() ? s->closed()
                                                              : !s->send("alert", json);
                                        }),
                         alert_streams_.end());
    if (alert_streams_.empty() && alerts_subscribed_ && cfg_.alerts) {
      alerts_subscribed_ = false;
      self_->send(caf::actor_cast<security::logcheck::log_validator_actor>(cfg_.alerts),
                  unsubscribe_atom::value, handle_);
    }
  }

  void serve_listing(const http_exchange_ptr& x, const http::wot_plan& plan) {
    auto q = http::parse_listing_query(x->request.query, cfg_.default_page,
                                       cfg_.max_page);
    if (!q)
      return reply_error(x, plan, q.error());
    std::vector<const std::string*> tds;
    tds.reserve(things_.size());
    for (auto& [id, entry] : things_)
      tds.push_back(&entry.td);
    auto page = http::make_listing_page(tds, *q, cfg_.base_url);
    auto r = json_response(200, std::move(page.body),
                           q->format == "array" ? "application/json"
                                                : "application/ld+json");
    if (!page.link.empty())
      r.headers.emplace_back("Link", page.link);
    x->responder->reply(std::move(r));
  }

  // -- requests to virtual devices --------------------------------------------

  /// Sends (xs...) to `dest` for the request `x` and runs `on_value` or
  /// `on_error` with the reply. The timeout (cfg.request_timeout) is kept
  /// here, not by CAF: a CAF request timeout costs two wake-ups of CAF's
  /// clock thread per request (set and cancel), measurable CPU on a small
  /// gateway. Here it costs a deque entry and one timer per sweep interval.
  template <class OnValue, class OnError, class... Ts>
  void ask(const http_exchange_ptr& x, const virtual_device_actor& dest,
           OnValue on_value, OnError on_error, Ts&&... xs) {
    ask_any(x, dest, std::move(on_value), std::move(on_error), std::forward<Ts>(xs)...);
  }

  /// ask() for any typed destination (the admin API's audit service).
  template <class Dest, class OnValue, class OnError, class... Ts>
  void ask_any(const http_exchange_ptr& x, const Dest& dest, OnValue on_value,
               OnError on_error, Ts&&... xs) {
    auto h = self_->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    h.then(std::move(on_value), std::move(on_error));
    // The exchange lives as long as the handler waits for the reply: an
    // expired weak_ptr means the reply (or an error) was handled.
    while (!deadlines_.empty() && deadlines_.front().exchange.expired())
      deadlines_.pop_front();
    deadlines_.push_back(
      deadline{std::chrono::steady_clock::now() + cfg_.request_timeout, h.id(), x});
    arm_sweep();
  }

  std::chrono::milliseconds sweep_interval() const {
    return std::max(std::chrono::milliseconds{10}, cfg_.request_timeout / 20);
  }

  void arm_sweep() {
    if (sweep_armed_ || deadlines_.empty())
      return;
    sweep_armed_ = true;
    self_->delayed_send(handle_, sweep_interval(), caf::timeout_atom::value);
  }

  /// Answers every request past its deadline with sec::request_timeout
  /// (504), as a CAF request timeout would. Deadlines are in request order
  /// because every request has the same timeout.
  void sweep() {
    sweep_armed_ = false;
    auto now = std::chrono::steady_clock::now();
    while (!deadlines_.empty()
           && (deadlines_.front().exchange.expired() || deadlines_.front().at <= now)) {
      auto& d = deadlines_.front();
      if (!d.exchange.expired())
        self_->eq_impl(d.response_id, nullptr, &eu_,
                       caf::make_error(caf::sec::request_timeout));
      deadlines_.pop_front();
    }
    arm_sweep();
  }

  // -- event streams -----------------------------------------------------------

  /// A refusal of an event subscription, through the stage when `a` is set.
  void refuse_subscription(const http_exchange_ptr& x, const security::access_ptr& a,
                           http::response r) {
    respond(x, a, std::move(r));
  }

  void subscribe(const http_exchange_ptr& x, const http::wot_plan& plan,
                 const std::string& thing_id, const thing_entry& thing,
                 std::string event, const security::access_ptr& a = nullptr) {
    if (open_streams_ + pending_streams_ >= cfg_.max_event_streams) {
      auto r = http::to_response(http::make_problem(
        503, "too many open event streams (" + std::to_string(cfg_.max_event_streams)
               + "); try again later",
        x->request.path));
      r.headers.emplace_back("Retry-After", "15");
      return refuse_subscription(x, a, std::move(r));
    }
    stream_key key{thing_id, event};
    ++subs_[key].pending;
    ++pending_streams_;
    auto handle = thing.handle;
    ask(
      x, handle,
      [this, x, plan, key, handle, a](bool known) {
        --pending_streams_;
        auto sub = subs_.find(key);
        if (sub != subs_.end() && sub->second.pending > 0)
          --sub->second.pending;
        auto thing = things_.find(key.first);
        if (sub == subs_.end() || thing == things_.end()
            || thing->second.handle != handle) {
          // thing_down (or a restart) came first: the streams of the old
          // device are closed, and this one would never see an event.
          refuse_subscription(x, a, http::to_response(http::make_problem(
                                      503, "the thing went away", x->request.path)));
          return maybe_unsubscribe(key);
        }
        if (!known) {
          refuse_subscription(x, a, error_response(x, plan,
                                                   make_error(ec::not_found,
                                                              "no event named '"
                                                                + key.second + "'")));
          return maybe_unsubscribe(key);
        }
        sub->second.subscribed = true;
        // Queued, like a read: the stream's head is the acknowledgement.
        // record_admitted answered 503 when the trail refused the record.
        if (a && !cfg_.access->record_admitted(a, "chain"))
          return maybe_unsubscribe(key);
        add_stream(key, x->responder->open_event_stream());
      },
      [this, x, plan, key, a](const caf::error& err) {
        --pending_streams_;
        if (auto sub = subs_.find(key); sub != subs_.end() && sub->second.pending > 0)
          --sub->second.pending;
        refuse_subscription(x, a, error_response(x, plan, err));
        maybe_unsubscribe(key);
      },
      subscribe_atom::value, context_of(x->request, a), std::move(event), handle_);
  }

  void add_stream(const stream_key& key, std::shared_ptr<http::event_stream> s) {
    auto id = next_stream_id_++;
    subs_[key].streams.push_back(open_stream{id, s});
    ++open_streams_;
    // Runs on the connection's io thread (or at once, here, when the
    // client is already gone): hop to the frontend's strand.
    s->on_close([weak = weak_from_this(), key, id] {
      if (auto c = weak.lock())
        c->post([weak, key, id] {
          if (auto c = weak.lock())
            c->stream_closed(key, id);
        });
    });
    arm_keepalive();
  }

  void stream_closed(const stream_key& key, uint64_t id) {
    auto sub = subs_.find(key);
    if (sub == subs_.end())
      return;
    auto& list = sub->second.streams;
    auto it = std::find_if(list.begin(), list.end(),
                           [id](const open_stream& s) { return s.id == id; });
    if (it == list.end())
      return;
    list.erase(it);
    --open_streams_;
    maybe_unsubscribe(key);
  }

  /// Forgets `key` once it has neither streams nor subscriptions in flight,
  /// and tells the virtual device that the frontend no longer listens.
  void maybe_unsubscribe(const stream_key& key) {
    auto sub = subs_.find(key);
    if (sub == subs_.end() || !sub->second.streams.empty() || sub->second.pending > 0)
      return;
    if (sub->second.subscribed)
      if (auto thing = things_.find(key.first); thing != things_.end())
        self_->send(thing->second.handle, unsubscribe_atom::value, key.second,
                    handle_);
    subs_.erase(sub);
  }

  void deliver(const std::string& thing, const std::string& event,
               const std::string& data) {
    auto sub = subs_.find({thing, event});
    if (sub == subs_.end()) {
      // Nobody listens (a late event after the last stream closed, or a
      // subscription this frontend lost track of): stop it at the source.
      if (auto t = things_.find(thing); t != things_.end())
        self_->send(t->second.handle, unsubscribe_atom::value, event, handle_);
      return;
    }
    // A closed stream refuses the event; its on_close removes it.
    for (auto& s : sub->second.streams)
      s.stream->send(event, data);
  }

  void arm_keepalive() {
    if (keepalive_armed_
        || (open_streams_ == 0 && alert_streams_.empty() && topology_streams_.empty()))
      return;
    keepalive_armed_ = true;
    self_->delayed_send(handle_, cfg_.keepalive_interval, caf::tick_atom::value);
  }

  void keepalive() {
    keepalive_armed_ = false;
    for (auto& [key, sub] : subs_)
      for (auto& s : sub.streams)
        s.stream->send_comment("keep-alive");
    for (auto& s : alert_streams_)
      s->send_comment("keep-alive");
    for (auto& s : topology_streams_)
      s->send_comment("keep-alive");
    arm_keepalive();
  }

  // -- things ------------------------------------------------------------------

  void thing_up(const std::string& id, const std::string& td,
                const virtual_device_actor& handle, const thing_facts& facts) {
    things_[id] = thing_entry{td, handle, facts};
    withdrawn_.erase(id);
    // Streams of a restarted virtual device subscribe to the new one.
    for (auto& [key, sub] : subs_) {
      if (key.first != id || sub.streams.empty())
        continue;
      sub.subscribed = false;
      ++sub.pending;
      request_context ctx;
      ctx.request_id = std::to_string(next_request_id_++);
      self_->request(handle, cfg_.request_timeout, subscribe_atom::value, ctx,
                     key.second, handle_)
        .then(
          [this, key = key, handle](bool known) {
            auto sub = subs_.find(key);
            if (sub == subs_.end())
              return;
            --sub->second.pending;
            auto thing = things_.find(key.first);
            if (known && thing != things_.end() && thing->second.handle == handle)
              sub->second.subscribed = true;
            maybe_unsubscribe(key);
          },
          [this, key = key](const caf::error&) {
            if (auto sub = subs_.find(key); sub != subs_.end()) {
              --sub->second.pending;
              maybe_unsubscribe(key);
            }
          });
    }
  }

  void thing_down(const std::string& id, const std::string& reason) {
    things_.erase(id);
    if (reason.empty())
      withdrawn_.erase(id);
    else
      withdrawn_[id] = reason;
    for (auto it = subs_.begin(); it != subs_.end();) {
      if (it->first.first != id) {
        ++it;
        continue;
      }
      for (auto& s : it->second.streams)
        s.stream->close();
      open_streams_ -= it->second.streams.size();
      it = subs_.erase(it);
    }
  }

  // -- member variables --------------------------------------------------------

  caf::scoped_execution_unit eu_;
  std::shared_ptr<http::io_strand> strand_;
  wot_frontend_config cfg_;
  caf::actor handle_;
  frontend_companion* self_ = nullptr;
  http::router router_ = http::router::wot();
  /// Things by id, in id order for stable paging.
  std::map<std::string, thing_entry> things_;
  /// Things taken away with a reason (503 with it) until they come up again.
  std::map<std::string, std::string> withdrawn_;
  std::map<stream_key, subscription> subs_;
  /// The admin API's alert streams.
  std::vector<std::shared_ptr<http::event_stream>> alert_streams_;
  bool alerts_subscribed_ = false;
  /// The admin API's topology streams.
  std::vector<std::shared_ptr<http::event_stream>> topology_streams_;
  bool topology_subscribed_ = false;
  /// Requests waiting for a reply, oldest first.
  struct deadline {
    std::chrono::steady_clock::time_point at;
    caf::message_id response_id;
    std::weak_ptr<http_exchange> exchange;
  };
  std::deque<deadline> deadlines_;
  bool sweep_armed_ = false;
  size_t open_streams_ = 0;
  size_t pending_streams_ = 0;
  uint64_t next_stream_id_ = 1;
  uint64_t next_request_id_ = 1;
  bool keepalive_armed_ = false;
  bool terminated_ = false;
  std::atomic<bool> terminated_flag_{false};
};

std::shared_ptr<wot_frontend>
wot_frontend::spawn(caf::actor_system& sys, std::shared_ptr<http::io_strand> strand,
                    wot_frontend_config cfg) {
  auto c = std::make_shared<core>(sys, std::move(strand), std::move(cfg));
  c->start(sys);
  return std::make_shared<wot_frontend>(std::move(c));
}

wot_frontend::wot_frontend(std::shared_ptr<core> c) : core_(std::move(c)) {
}

wot_frontend::~wot_frontend() {
  stop();
}

wot_frontend_actor wot_frontend::actor() const {
  return caf::actor_cast<wot_frontend_actor>(core_->handle());
}

void wot_frontend::serve(http::request&& req, std::shared_ptr<http::responder> resp) {
  // Not make_shared: the deadline queue holds weak_ptrs for up to the
  // request timeout, and with make_shared they would keep the whole
  // exchange's memory, not just the control block.
  http_exchange_ptr x{new http_exchange};
  x->request = std::move(req);
  x->responder = std::move(resp);
  if (!core_->post([c = core_, x] { c->serve(x); }))
    reply_status(x, 503, "the gateway is shutting down");
}

bool wot_frontend::stop(caf::exit_reason reason, std::chrono::milliseconds wait) {
  if (core_->terminated())
    return true;
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  bool posted = core_->post([c = core_, reason, done] {
    c->terminate(reason);
    done->set_value();
  });
  if (posted) {
    finished.wait_for(wait);
    return core_->terminated();
  }
  // The strand no longer runs (its server stopped and joined its threads),
  // so nothing else touches the core: terminate here.
  core_->terminate(reason);
  return true;
}

} // namespace kagami
