#include "http/wot_operation.hpp"

#include <array>

namespace kagami::http {

namespace {

struct row {
  route_kind kind;
  std::string_view method;
  wot_plan plan;
};

constexpr wot_plan serve(wot_op op, std::string_view allow_after_405,
                         bool null_is_no_content = false) {
  wot_plan p;
  p.op = op;
  p.allow = allow_after_405;
  p.null_is_no_content = null_is_no_content;
  return p;
}

constexpr wot_plan refuse(unsigned status, std::string_view reason,
                          std::string_view allow) {
  wot_plan p;
  p.op = wot_op::refuse;
  p.status = status;
  p.reason = reason;
  p.allow = allow;
  return p;
}

// The allow column of a served operation is what stays allowed when the
// device refuses it with 405: a PUT to a read-only property leaves GET, a
// GET of a write-only property leaves PUT.
constexpr std::array<row, 19> table{{
  {route_kind::well_known_wot, "GET", serve(wot_op::directory_td, "")},
  {route_kind::things, "GET", serve(wot_op::list_things, "")},
  {route_kind::thing, "GET", serve(wot_op::thing_td, "")},
  {route_kind::properties, "GET", serve(wot_op::read_all_properties, "")},
  {route_kind::properties, "PUT",
   refuse(405, "writing all properties at once is not supported", "GET")},
  {route_kind::property, "GET", serve(wot_op::read_property, "PUT")},
  {route_kind::property, "PUT", serve(wot_op::write_property, "GET", true)},
  {route_kind::property_observe, "GET",
   refuse(404, "no property of this gateway is observable", "")},
  {route_kind::action, "POST", serve(wot_op::invoke_action, "", true)},
  {route_kind::event, "GET", serve(wot_op::subscribe_event, "")},
  {route_kind::admin_audit, "GET", serve(wot_op::admin_audit_query, "")},
  {route_kind::admin_audit_verify, "GET", serve(wot_op::admin_audit_verify, "")},
  {route_kind::admin_alerts, "GET", serve(wot_op::admin_alerts, "")},
  {route_kind::admin_topology, "GET", serve(wot_op::admin_topology, "")},
  {route_kind::admin_topology_history, "GET", serve(wot_op::admin_topology_history, "")},
  {route_kind::admin_topology_diff, "GET", serve(wot_op::admin_topology_diff, "")},
  {route_kind::admin_topology_events, "GET", serve(wot_op::admin_topology_events, "")},
  {route_kind::admin_isolations, "GET", serve(wot_op::admin_isolations, "")},
  {route_kind::admin_isolation_release, "POST", serve(wot_op::admin_isolation_release, "")},
}};

/// The methods a route kind answers at all, for a 405 outside the table.
constexpr std::string_view methods_of(route_kind kind) {
  switch (kind) {
    case route_kind::properties:
      return "GET";
    case route_kind::property:
      return "GET, PUT";
    case route_kind::action:
    case route_kind::admin_isolation_release:
      return "POST";
    default:
      return "GET";
  }
}

} // namespace

const char* to_string(wot_op x) {
  switch (x) {
    case wot_op::refuse:
      return "refuse";
    case wot_op::directory_td:
      return "directory_td";
    case wot_op::list_things:
      return "list_things";
    case wot_op::thing_td:
      return "thing_td";
    case wot_op::read_all_properties:
      return "read_all_properties";
    case wot_op::read_property:
      return "read_property";
    case wot_op::write_property:
      return "write_property";
    case wot_op::invoke_action:
      return "invoke_action";
    case wot_op::subscribe_event:
      return "subscribe_event";
    case wot_op::admin_audit_query:
      return "admin_audit_query";
    case wot_op::admin_audit_verify:
      return "admin_audit_verify";
    case wot_op::admin_alerts:
      return "admin_alerts";
    case wot_op::admin_topology:
      return "admin_topology";
    case wot_op::admin_topology_history:
      return "admin_topology_history";
    case wot_op::admin_topology_diff:
      return "admin_topology_diff";
    case wot_op::admin_topology_events:
      return "admin_topology_events";
    case wot_op::admin_isolations:
      return "admin_isolations";
    case wot_op::admin_isolation_release:
      return "admin_isolation_release";
  }
  return "?";
}

bool wot_plan::needs_thing() const noexcept {
  switch (op) {
    case wot_op::refuse:
    case wot_op::directory_td:
    case wot_op::list_things:
    case wot_op::admin_audit_query:
    case wot_op::admin_audit_verify:
    case wot_op::admin_alerts:
    case wot_op::admin_topology:
    case wot_op::admin_topology_history:
    case wot_op::admin_topology_diff:
    case wot_op::admin_topology_events:
    case wot_op::admin_isolations:
    case wot_op::admin_isolation_release:
      return false;
    default:
      return true;
  }
}

bool wot_plan::asks_device() const noexcept {
  return needs_thing() && op != wot_op::thing_td;
}

wot_plan plan_for(route_kind kind, std::string_view method) noexcept {
  for (const auto& r : table)
    if (r.kind == kind && r.method == method)
      return r.plan;
  return refuse(405, "method not allowed", methods_of(kind));
}

unsigned success_status(const wot_plan& plan, std::string_view json) noexcept {
  return plan.null_is_no_content && json == "null" ? 204 : 200;
}

allow_header allow_for(const wot_plan& plan, unsigned status) noexcept {
  if (status != 405)
    return {};
  return {true, plan.allow};
}

} // namespace kagami::http
