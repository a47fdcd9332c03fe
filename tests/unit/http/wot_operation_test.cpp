#include "http/wot_operation.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kagami::http {
namespace {

// -- plan_for: (route, method) -> operation -----------------------------------

struct plan_case {
  route_kind kind;
  const char* method;
  wot_op op;
  /// For refuse: the status; 0 otherwise.
  unsigned status = 0;
  /// The Allow of a 405 for this request (refused here or by the device).
  const char* allow = "";
  bool null_is_no_content = false;
  bool needs_thing = true;
  bool asks_device = true;
};

std::ostream& operator<<(std::ostream& os, const plan_case& c) {
  return os << c.method << ' ' << to_string(c.kind);
}

class plan_table : public ::testing::TestWithParam<plan_case> {};

TEST_P(plan_table, decides) {
  const auto& c = GetParam();
  auto p = plan_for(c.kind, c.method);
  EXPECT_EQ(p.op, c.op) << to_string(p.op);
  EXPECT_EQ(p.status, c.status);
  EXPECT_EQ(p.allow, c.allow);
  EXPECT_EQ(p.null_is_no_content, c.null_is_no_content);
  EXPECT_EQ(p.needs_thing(), c.needs_thing);
  EXPECT_EQ(p.asks_device(), c.asks_device);
  if (p.op == wot_op::refuse) {
    EXPECT_FALSE(p.reason.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
  wot_routes, plan_table,
  ::testing::Values(
    plan_case{route_kind::well_known_wot, "GET", wot_op::directory_td, 0, "", false,
              false, false},
    plan_case{route_kind::things, "GET", wot_op::list_things, 0, "", false, false,
              false},
    plan_case{route_kind::thing, "GET", wot_op::thing_td, 0, "", false, true, false},
    plan_case{route_kind::properties, "GET", wot_op::read_all_properties},
    // Writing all properties at once is not offered: 405 naming GET.
    plan_case{route_kind::properties, "PUT", wot_op::refuse, 405, "GET", false, false,
              false},
    // A device 405 on a read means a write-only property: PUT stays.
    plan_case{route_kind::property, "GET", wot_op::read_property, 0, "PUT"},
    // A device 405 on a write means a read-only property: GET stays.
    plan_case{route_kind::property, "PUT", wot_op::write_property, 0, "GET", true},
    plan_case{route_kind::property_observe, "GET", wot_op::refuse, 404, "", false,
              false, false},
    plan_case{route_kind::action, "POST", wot_op::invoke_action, 0, "", true},
    plan_case{route_kind::event, "GET", wot_op::subscribe_event},
    // The admin API addresses no thing.
    plan_case{route_kind::admin_audit, "GET", wot_op::admin_audit_query, 0, "", false,
              false, false},
    plan_case{route_kind::admin_audit_verify, "GET", wot_op::admin_audit_verify, 0, "",
              false, false, false},
    plan_case{route_kind::admin_alerts, "GET", wot_op::admin_alerts, 0, "", false,
              false, false},
    plan_case{route_kind::admin_topology, "GET", wot_op::admin_topology, 0, "", false,
              false, false},
    plan_case{route_kind::admin_topology_history, "GET", wot_op::admin_topology_history, 0,
              "", false, false, false},
    plan_case{route_kind::admin_topology_diff, "GET", wot_op::admin_topology_diff, 0, "",
              false, false, false},
    plan_case{route_kind::admin_topology_events, "GET", wot_op::admin_topology_events, 0,
              "", false, false, false},
    plan_case{route_kind::admin_topology, "POST", wot_op::refuse, 405, "GET", false, false,
              false},
    plan_case{route_kind::admin_isolations, "GET", wot_op::admin_isolations, 0, "", false,
              false, false},
    plan_case{route_kind::admin_isolation_release, "POST", wot_op::admin_isolation_release, 0,
              "", false, false, false},
    plan_case{route_kind::admin_isolation_release, "GET", wot_op::refuse, 405, "POST", false,
              false, false},
    plan_case{route_kind::admin_isolations, "POST", wot_op::refuse, 405, "GET", false, false,
              false},
    plan_case{route_kind::admin_audit, "DELETE", wot_op::refuse, 405, "GET", false,
              false, false},
    // Pairs outside the table: 405 with the methods of the route.
    plan_case{route_kind::thing, "DELETE", wot_op::refuse, 405, "GET", false, false,
              false},
    plan_case{route_kind::property, "POST", wot_op::refuse, 405, "GET, PUT", false,
              false, false},
    plan_case{route_kind::action, "GET", wot_op::refuse, 405, "POST", false, false,
              false},
    plan_case{route_kind::event, "PUT", wot_op::refuse, 405, "GET", false, false,
              false},
    // Methods are case-sensitive (RFC 9110 9.1).
    plan_case{route_kind::property, "get", wot_op::refuse, 405, "GET, PUT", false,
              false, false},
    plan_case{route_kind::properties, "", wot_op::refuse, 405, "GET", false, false,
              false}));

// -- success_status: 200 vs 204 -------------------------------------------------

struct status_case {
  route_kind kind;
  const char* method;
  const char* json;
  unsigned status;
};

std::ostream& operator<<(std::ostream& os, const status_case& c) {
  return os << c.method << ' ' << to_string(c.kind) << " -> " << c.json;
}

class status_table : public ::testing::TestWithParam<status_case> {};

TEST_P(status_table, answers) {
  const auto& c = GetParam();
  EXPECT_EQ(success_status(plan_for(c.kind, c.method), c.json), c.status);
}

INSTANTIATE_TEST_SUITE_P(
  wot_results, status_table,
  ::testing::Values(
    // A write or an action without output: 204, no body.
    status_case{route_kind::property, "PUT", "null", 204},
    status_case{route_kind::action, "POST", "null", 204},
    // An action with output: 200.
    status_case{route_kind::action, "POST", "{\"ok\":true}", 200},
    status_case{route_kind::property, "PUT", "42", 200},
    // A read always answers 200, also a null value.
    status_case{route_kind::property, "GET", "null", 200},
    status_case{route_kind::property, "GET", "21.5", 200},
    status_case{route_kind::properties, "GET", "{}", 200},
    status_case{route_kind::properties, "GET", "null", 200},
    // Only exactly `null` is "no output".
    status_case{route_kind::property, "PUT", "\"null\"", 200},
    status_case{route_kind::property, "PUT", "", 200}));

// -- allow_for: a 405 always carries Allow, nothing else does ------------------

struct allow_case {
  route_kind kind;
  const char* method;
  unsigned status;
  bool present;
  const char* value;
};

std::ostream& operator<<(std::ostream& os, const allow_case& c) {
  return os << c.method << ' ' << to_string(c.kind) << " -> " << c.status;
}

class allow_table : public ::testing::TestWithParam<allow_case> {};

TEST_P(allow_table, names_the_remaining_methods) {
  const auto& c = GetParam();
  auto a = allow_for(plan_for(c.kind, c.method), c.status);
  EXPECT_EQ(a.present, c.present);
  EXPECT_EQ(a.value, c.value);
}

INSTANTIATE_TEST_SUITE_P(
  wot_errors, allow_table,
  ::testing::Values(
    // The device refuses a write to a read-only property.
    allow_case{route_kind::property, "PUT", 405, true, "GET"},
    allow_case{route_kind::property, "GET", 405, true, "PUT"},
    allow_case{route_kind::properties, "PUT", 405, true, "GET"},
    // An action the device refuses: the resource allows nothing (empty Allow).
    allow_case{route_kind::action, "POST", 405, true, ""},
    allow_case{route_kind::property, "PUT", 400, false, ""},
    allow_case{route_kind::property, "PUT", 404, false, ""},
    allow_case{route_kind::property, "GET", 504, false, ""},
    allow_case{route_kind::event, "GET", 503, false, ""}));

TEST(wot_op_names, every_op_has_a_name) {
  for (auto op : {wot_op::refuse, wot_op::directory_td, wot_op::list_things,
                  wot_op::thing_td, wot_op::read_all_properties, wot_op::read_property,
                  wot_op::write_property, wot_op::invoke_action,
                  wot_op::subscribe_event})
    EXPECT_STRNE(to_string(op), "?");
}

} // namespace
} // namespace kagami::http
