#pragma once

// wot_frontend: the actor between the HTTP server and the virtual devices.
// The server's io threads hand it each request (http_atom + exchange); it
// routes the request, asks the virtual device with a timeout, and answers
// through the exchange's responder (thread-safe). It keeps the thing table
// (id -> TD, handle) from the supervisor's thing_up/thing_down, so listings
// and TDs need no device round trip, and relays model events to SSE streams.

#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/core/interfaces.hpp"
#include "http/server.hpp"

namespace kagami {

/// One HTTP request in flight: what came in and how to answer it.
struct http_exchange {
  http::request request;
  std::shared_ptr<http::responder> responder;
};

using http_exchange_ptr = std::shared_ptr<http_exchange>;

/// The frontend: a thing listener that also serves HTTP exchanges and
/// receives events (thing id, event name, JSON data) from virtual devices.
using wot_frontend_actor = thing_listener_actor::extend<
  caf::reacts_to<http_atom, http_exchange_ptr>,
  caf::reacts_to<event_atom, std::string, std::string, std::string>>;

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
};

wot_frontend_actor spawn_wot_frontend(caf::actor_system& sys,
                                      wot_frontend_config cfg);

} // namespace kagami

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::http_exchange_ptr)
