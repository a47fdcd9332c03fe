#pragma once

// The WoT policy of the HTTP frontend, as plain C++ (no CAF, no Beast): which
// operation a matched route and method asks for, which status a successful
// result gets, and which methods an Allow header names when a resource
// refuses a method. The frontend actor only executes these decisions.
//
// The table (route from http/router.hpp, method -> operation):
//   GET  /.well-known/wot                  directory_td
//   GET  /things                           list_things
//   GET  /things/{id}                      thing_td
//   GET  /things/{id}/properties           read_all_properties
//   PUT  /things/{id}/properties           refused: 405, Allow: GET
//   GET  /things/{id}/properties/{name}    read_property
//   PUT  /things/{id}/properties/{name}    write_property
//   GET  .../properties/{name}/observable  refused: 404 (no property is
//                                          observable; TDs say so)
//   POST /things/{id}/actions/{name}       invoke_action
//   GET  /things/{id}/events/{name}        subscribe_event (SSE)
//   GET  /admin/audit                      admin_audit_query
//   GET  /admin/audit/verify               admin_audit_verify
//   GET  /admin/alerts                     admin_alerts (SSE)
//   GET  /admin/topology                   admin_topology
//   GET  /admin/topology/history           admin_topology_history
//   GET  /admin/topology/diff              admin_topology_diff
//   GET  /admin/topology/events            admin_topology_events (SSE)
//   GET  /admin/isolations                 admin_isolations
//   POST /admin/isolations/{id}/release    admin_isolation_release
// Every other pair is refused with 405 and the route's methods in Allow
// (the router answers most of those before the table is asked).

#include <cstdint>
#include <string>
#include <string_view>

#include "http/router.hpp"

namespace kagami::http {

/// What the frontend does for one request.
enum class wot_op : uint8_t {
  /// Refuse the request: see wot_plan::status, reason and allow.
  refuse,
  /// Serve the directory's TD (no device round trip).
  directory_td,
  /// Serve a page of TDs (no device round trip).
  list_things,
  /// Serve one thing's TD (no device round trip).
  thing_td,
  /// Ask the virtual device for every readable property.
  read_all_properties,
  /// Ask the virtual device for one property.
  read_property,
  /// Write one property through the virtual device (body: JSON value).
  write_property,
  /// Invoke one action through the virtual device (body: JSON input).
  invoke_action,
  /// Subscribe to one event and answer with a server-sent-events stream.
  subscribe_event,
  /// Admin API (admin role): audit records by filter.
  admin_audit_query,
  /// Admin API: verify the audit chain.
  admin_audit_verify,
  /// Admin API: log-validation alerts as a server-sent-events stream.
  admin_alerts,
  /// Admin API: the topology (JSON, DOT or SVG), its history, a diff.
  admin_topology,
  admin_topology_history,
  admin_topology_diff,
  /// Admin API: every new topology version as a server-sent-events stream.
  admin_topology_events,
  /// Admin API: the isolations, and an operator's release of one.
  admin_isolations,
  admin_isolation_release,
};

const char* to_string(wot_op x);

/// The decision for one (route, method).
struct wot_plan {
  wot_op op = wot_op::refuse;
  /// For refuse: 404 or 405.
  unsigned status = 0;
  /// For refuse: why, safe to show to clients.
  std::string_view reason;
  /// The Allow header of a 405 for this request, refused here or by the
  /// device: the methods the resource supports when this one is refused,
  /// e.g. "GET" after a PUT to a read-only property. May be empty: an empty
  /// Allow says the resource allows no method (RFC 9110 10.2.1).
  std::string_view allow;
  /// A successful `null` result (a write, or an action without output)
  /// answers 204 without body instead of 200 "null".
  bool null_is_no_content = false;

  /// True when the operation needs the thing named by the route's {id}.
  bool needs_thing() const noexcept;
  /// True when the operation asks the virtual device.
  bool asks_device() const noexcept;
};

/// The plan for `method` on a route of kind `kind` (as matched by
/// router::wot()). Methods are case-sensitive. Never throws.
wot_plan plan_for(route_kind kind, std::string_view method) noexcept;

/// The status of a successful device result `json` under `plan`: 204 for a
/// `null` result when plan.null_is_no_content, 200 otherwise.
unsigned success_status(const wot_plan& plan, std::string_view json) noexcept;

/// Whether an error response carries an Allow header, and its value.
struct allow_header {
  bool present = false;
  std::string_view value;
};

/// The Allow header of an error response with `status` under `plan`:
/// present (plan.allow) exactly for 405, absent otherwise.
allow_header allow_for(const wot_plan& plan, unsigned status) noexcept;

} // namespace kagami::http
