#pragma once

// wot_frontend: the actor between the HTTP server and the virtual devices.
//
// It is a caf::actor_companion (with the requester mixin) driven on one
// strand of the HTTP server (http::io_strand), not by the CAF scheduler:
// every message to it is posted to that strand and handled there, and HTTP
// requests reach it by a post to the same strand without a CAF message. So
// its state, its handlers for thing_up / thing_down / event, and the
// continuations of its requests to virtual devices all run on the io side,
// one at a time. A property read costs one hop to the virtual device and one
// back, with no scheduler hop for the frontend itself.
//
// It routes a request (http::router::wot), looks up the plan
// (http/wot_operation.hpp), passes it through the security stage
// (actors/security/gate/access_stage.hpp: authentication, the check chain,
// the audit record), asks the virtual device with a timeout, and answers
// through the responder (via the stage, which audits the outcome). It keeps the thing table (id -> TD,
// handle) from the supervisor's thing_up / thing_down, so listings and TDs
// need no device round trip, and relays model events to SSE streams:
// - a stream is registered when it opens and dropped when it closes
//   (event_stream::on_close); when the last stream of (thing, event) closes,
//   the frontend sends (unsubscribe_atom, event, itself) to the virtual
//   device, so the device stops polling for nobody;
// - every keepalive_interval each open stream gets a comment line;
// - at most max_event_streams streams are open (or being opened) at once;
//   beyond that a subscription gets 503 problem+json;
// - thing_down closes the streams of that thing; with a reason, requests to
//   the thing get 503 problem+json carrying the reason until it comes up
//   again (a device that stopped matching the design information); a
//   thing_up for a restarted virtual device re-subscribes the open streams
//   to the new one.

#include <chrono>
#include <memory>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/exit_reason.hpp>
#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/core/interfaces.hpp"
#include "http/server.hpp"

namespace kagami::security {
class access_stage;
} // namespace kagami::security

namespace kagami {

/// One HTTP request in flight: what came in and how to answer it.
struct http_exchange {
  http::request request;
  std::shared_ptr<http::responder> responder;
};

using http_exchange_ptr = std::shared_ptr<http_exchange>;

/// The frontend's actor interface: a thing listener that also serves HTTP
/// exchanges sent as messages and receives events (thing id, event name,
/// JSON data) from virtual devices. (wot_frontend::serve is the faster way
/// in for HTTP: no CAF message.)
using wot_frontend_actor = thing_listener_actor::extend<
  caf::reacts_to<http_atom, http_exchange_ptr>,
  caf::reacts_to<event_atom, std::string, std::string, std::string>,
  /// From the log validator: one alert (JSON) for the admin event streams.
  caf::reacts_to<alert_atom, std::string>,
  /// From the topology supervisor: a new version (JSON) for the topology
  /// event streams.
  caf::reacts_to<topology_atom, std::string>>;

struct wot_frontend_config {
  /// The gateway's public base URL, e.g. "http://127.0.0.1:8080".
  std::string base_url;
  /// Budget of one request through the actor system, device included.
  std::chrono::milliseconds request_timeout{3000};
  /// The TD of the thing directory itself, served at /.well-known/wot.
  std::string directory_td;
  /// Default and maximum page size of GET /things.
  size_t default_page = 100;
  size_t max_page = 1000;
  /// Event streams open (or being opened) at once, over all things.
  size_t max_event_streams = 256;
  /// Period of the keep-alive comment on every open event stream.
  std::chrono::milliseconds keepalive_interval{15000};
  /// The security chain (authentication, checks, audit) that every request
  /// but the directory's TD passes; used on the frontend's strand only.
  /// Null only in tests of the frontend itself: kagamid always sets it.
  std::shared_ptr<security::access_stage> access;
  /// The admin API's back ends (null: the admin routes answer 503): a
  /// security::audit_service_actor and a logcheck::log_validator_actor.
  caf::actor audit_service;
  caf::actor alerts;
  /// A network::topology_supervisor_actor (null: the topology routes answer
  /// 503).
  caf::actor topology;
  /// An isolation::isolation_supervisor_actor (null: the isolation routes
  /// answer 503).
  caf::actor isolation;
};

/// The running frontend: owns the companion actor. Create it with spawn();
/// all members are thread-safe.
class wot_frontend {
public:
  class core;

  /// Spawns the companion and binds it to `strand` (a strand of the server
  /// that will call serve()). The actor is registered with `sys`, so it must
  /// be stopped (stop()) before `sys` is destroyed.
  static std::shared_ptr<wot_frontend> spawn(caf::actor_system& sys,
                                             std::shared_ptr<http::io_strand> strand,
                                             wot_frontend_config cfg);

  explicit wot_frontend(std::shared_ptr<core> c);

  /// Calls stop() with the defaults.
  ~wot_frontend();

  wot_frontend(const wot_frontend&) = delete;
  wot_frontend& operator=(const wot_frontend&) = delete;

  /// The actor handle, for thing_up / thing_down / event and monitoring.
  wot_frontend_actor actor() const;

  /// Serves one request: posts it to the strand and returns at once. Usable
  /// as (part of) the server's handler. After stop() requests get 503.
  void serve(http::request&& req, std::shared_ptr<http::responder> resp);

  /// Terminates the actor with `reason` on its strand: closes every event
  /// stream, drops pending requests (their clients get 500 from the server)
  /// and tells monitors. Waits at most `wait` for that and returns whether
  /// it happened. When the strand no longer runs (the server was stopped),
  /// terminates on the calling thread instead, which is then safe.
  /// Idempotent. Must not be called from the strand.
  bool stop(caf::exit_reason reason = caf::exit_reason::user_shutdown,
            std::chrono::milliseconds wait = std::chrono::milliseconds{2000});

private:
  std::shared_ptr<core> core_;
};

} // namespace kagami

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::http_exchange_ptr)
