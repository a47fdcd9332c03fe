#include "http/wot_frontend.hpp"

#include <atomic>
#include <map>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"
#include "http/thing_listing.hpp"

namespace kagami {

namespace {

struct thing_entry {
  std::string td;
  virtual_device_actor handle;
};

struct wot_frontend_state {
  static inline const char* name = "wot_frontend";
  wot_frontend_config cfg;
  /// Things by id, in id order for stable paging.
  std::map<std::string, thing_entry> things;
  /// Open SSE streams by (thing, event).
  std::map<std::pair<std::string, std::string>,
           std::vector<std::weak_ptr<http::event_stream>>>
    streams;
  uint64_t next_request_id = 1;
  http::router router = http::router::wot();
};

using self_ptr = wot_frontend_actor::stateful_pointer<wot_frontend_state>;

http::response json_response(unsigned status, std::string body,
                             std::string content_type = "application/json") {
  http::response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

void reply_error(const http_exchange_ptr& x, const caf::error& err) {
  auto r = http::to_response(http::problem_of(err, x->request.path));
  // RFC 9110: a 405 names the methods the resource does support.
  if (r.status == 405)
    r.headers.emplace_back("Allow", "GET");
  x->responder->reply(std::move(r));
}

/// A failed route match: 404, 405 with Allow, or 400 for a malformed path.
void reply_unrouted(const http_exchange_ptr& x, const http::route_match& m) {
  auto r = http::to_response(http::make_problem(m.status(), m.reason, x->request.path));
  if (m.result == http::route_match::outcome::method_not_allowed)
    r.headers.emplace_back("Allow", m.allow_header());
  x->responder->reply(std::move(r));
}

request_context context_of(self_ptr self, const http::request& req) {
  request_context ctx;
  ctx.source = req.remote_address + ":" + std::to_string(req.remote_port);
  ctx.request_id = std::to_string(self->state.next_request_id++);
  return ctx;
}

/// Answers a device operation: a JSON value with 200, or 204 for `null`
/// after a write or action without output.
void reply_value(const http_exchange_ptr& x, const std::string& json,
                 bool empty_is_no_content) {
  if (empty_is_no_content && json == "null")
    x->responder->reply(json_response(204, {}));
  else
    x->responder->reply(json_response(200, json));
}

void serve_listing(self_ptr self, const http_exchange_ptr& x) {
  auto& st = self->state;
  auto q = http::parse_listing_query(x->request.query, st.cfg.default_page,
                                     st.cfg.max_page);
  if (!q)
    return reply_error(x, q.error());
  std::vector<const std::string*> tds;
  tds.reserve(st.things.size());
  for (auto& [id, entry] : st.things)
    tds.push_back(&entry.td);
  auto page = http::make_listing_page(tds, *q, st.cfg.base_url);
  auto r = json_response(200, std::move(page.body),
                         q->format == "array" ? "application/json"
                                              : "application/ld+json");
  if (!page.link.empty())
    r.headers.emplace_back("Link", page.link);
  x->responder->reply(std::move(r));
}

void serve_events(self_ptr self, const http_exchange_ptr& x,
                  const thing_entry& thing, const std::string& thing_id,
                  const std::string& event) {
  auto key = std::make_pair(thing_id, event);
  self->request(thing.handle, self->state.cfg.request_timeout,
                subscribe_atom::value, context_of(self, x->request), event,
                caf::actor_cast<caf::actor>(self))
    .then(
      [self, x, key](bool known) {
        if (!known) {
          reply_error(x, make_error(ec::not_found,
                                    "no event named '" + key.second + "'"));
          return;
        }
        auto stream = x->responder->open_event_stream();
        if (stream)
          self->state.streams[key].push_back(stream);
      },
      [x](const caf::error& err) { reply_error(x, err); });
}

void serve(self_ptr self, const http_exchange_ptr& x) {
  auto& st = self->state;
  auto& req = x->request;
  auto route = st.router.match(req.method, req.path);
  if (!route.ok())
    return reply_unrouted(x, route);
  auto timeout = st.cfg.request_timeout;
  switch (route.kind) {
    case http::route_kind::well_known_wot:
      return x->responder->reply(
        json_response(200, st.cfg.directory_td, "application/td+json"));
    case http::route_kind::things:
      return serve_listing(self, x);
    default:
      break;
  }
  auto thing_id = std::string{route.param("id")};
  auto name = std::string{route.param("name")};
  auto it = st.things.find(thing_id);
  if (it == st.things.end())
    return reply_error(x, make_error(ec::not_found,
                                     "no thing named '" + thing_id + "'"));
  auto& thing = it->second;
  auto on_error = [x](const caf::error& err) { reply_error(x, err); };
  switch (route.kind) {
    case http::route_kind::thing:
      return x->responder->reply(json_response(200, thing.td, "application/td+json"));
    case http::route_kind::properties:
      if (req.method != "GET")
        return reply_error(x, make_error(ec::not_writable,
                                         "writing all properties at once is not supported"));
      self->request(thing.handle, timeout, read_all_atom::value, context_of(self, req))
        .then([x](const std::string& json) { reply_value(x, json, false); }, on_error);
      return;
    case http::route_kind::property:
      if (req.method == "PUT")
        self->request(thing.handle, timeout, write_atom::value, context_of(self, req),
                      name, req.body)
          .then([x](const std::string& json) { reply_value(x, json, true); }, on_error);
      else
        self->request(thing.handle, timeout, read_atom::value, context_of(self, req),
                      name)
          .then([x](const std::string& json) { reply_value(x, json, false); }, on_error);
      return;
    case http::route_kind::action:
      self->request(thing.handle, timeout, invoke_atom::value, context_of(self, req),
                    name, req.body)
        .then([x](const std::string& json) { reply_value(x, json, true); }, on_error);
      return;
    case http::route_kind::event:
      return serve_events(self, x, thing, thing_id, name);
    default:
      return reply_error(x, make_error(ec::not_found, "no such resource"));
  }
}

wot_frontend_actor::behavior_type wot_frontend(self_ptr self,
                                               wot_frontend_config cfg) {
  self->state.cfg = std::move(cfg);
  return {
    [self](thing_up_atom, const std::string& id, const std::string& td,
           const virtual_device_actor& handle) {
      self->state.things[id] = thing_entry{td, handle};
      // Streams of a restarted virtual device re-subscribe to the new one.
      for (auto& [key, list] : self->state.streams)
        if (key.first == id && !list.empty())
          caf::anon_send(handle, subscribe_atom::value, request_context{},
                         key.second, caf::actor_cast<caf::actor>(self));
    },
    [self](thing_down_atom, const std::string& id) {
      self->state.things.erase(id);
      for (auto it = self->state.streams.begin(); it != self->state.streams.end();) {
        if (it->first.first == id) {
          for (auto& weak : it->second)
            if (auto s = weak.lock())
              s->close();
          it = self->state.streams.erase(it);
        } else {
          ++it;
        }
      }
    },
    [self](http_atom, const http_exchange_ptr& x) { serve(self, x); },
    [self](event_atom, const std::string& thing, const std::string& event,
           const std::string& data) {
      auto it = self->state.streams.find({thing, event});
      if (it == self->state.streams.end())
        return;
      auto& list = it->second;
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const std::weak_ptr<http::event_stream>& weak) {
                                  auto s = weak.lock();
                                  return !s || s->closed() || !s->send(event, data);
                                }),
                 list.end());
    },
  };
}

} // namespace

wot_frontend_actor spawn_wot_frontend(caf::actor_system& sys,
                                      wot_frontend_config cfg) {
  return sys.spawn(wot_frontend, std::move(cfg));
}

} // namespace kagami
