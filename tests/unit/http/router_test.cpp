#include "http/router.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kagami::http {
namespace {

using outcome = route_match::outcome;

struct router_case {
  const char* method;
  std::string path;
  outcome result;
  route_kind kind = route_kind::things;
  const char* id = "";
  const char* name = "";
  const char* allow = "";
};

std::ostream& operator<<(std::ostream& os, const router_case& c) {
  return os << c.method << ' ' << c.path;
}

class router_table : public ::testing::TestWithParam<router_case> {};

TEST_P(router_table, matches) {
  static const auto r = router::wot();
  const auto& c = GetParam();
  auto m = r.match(c.method, c.path);
  EXPECT_EQ(m.result, c.result) << m.reason;
  if (c.result == outcome::matched) {
    EXPECT_EQ(m.kind, c.kind) << to_string(m.kind);
    EXPECT_EQ(m.param("id"), c.id);
    EXPECT_EQ(m.param("name"), c.name);
    EXPECT_EQ(m.status(), 200u);
  }
  if (c.result == outcome::method_not_allowed) {
    EXPECT_EQ(m.allow_header(), c.allow);
    EXPECT_EQ(m.status(), 405u);
  }
  if (c.result == outcome::bad_path) {
    EXPECT_FALSE(m.reason.empty());
    EXPECT_EQ(m.status(), 400u);
  }
  if (c.result == outcome::not_found) {
    EXPECT_EQ(m.status(), 404u);
  }
}

const std::string long_name(65, 'a');
const std::string max_name(64, 'a');

INSTANTIATE_TEST_SUITE_P(
  wot, router_table,
  ::testing::Values(
    // Matches.
    router_case{"GET", "/.well-known/wot", outcome::matched,
                route_kind::well_known_wot},
    router_case{"GET", "/things", outcome::matched, route_kind::things},
    router_case{"GET", "/things/pump-1", outcome::matched, route_kind::thing,
                "pump-1"},
    router_case{"GET", "/things/a.b_c-D9", outcome::matched,
                route_kind::thing, "a.b_c-D9"},
    router_case{"GET", "/things/" + max_name, outcome::matched,
                route_kind::thing, max_name.c_str()},
    router_case{"GET", "/things/pump-1/properties", outcome::matched,
                route_kind::properties, "pump-1"},
    router_case{"PUT", "/things/pump-1/properties", outcome::matched,
                route_kind::properties, "pump-1"},
    router_case{"GET", "/things/pump-1/properties/temp", outcome::matched,
                route_kind::property, "pump-1", "temp"},
    router_case{"PUT", "/things/pump-1/properties/temp", outcome::matched,
                route_kind::property, "pump-1", "temp"},
    router_case{"GET", "/things/pump-1/properties/temp/observable",
                outcome::matched, route_kind::property_observe, "pump-1",
                "temp"},
    router_case{"POST", "/things/pump-1/actions/start", outcome::matched,
                route_kind::action, "pump-1", "start"},
    router_case{"GET", "/things/pump-1/events/overheat", outcome::matched,
                route_kind::event, "pump-1", "overheat"},
    router_case{"GET", "/admin/audit", outcome::matched, route_kind::admin_audit},
    router_case{"GET", "/admin/audit/verify", outcome::matched,
                route_kind::admin_audit_verify},
    router_case{"GET", "/admin/alerts", outcome::matched, route_kind::admin_alerts},
    router_case{"GET", "/admin/topology", outcome::matched, route_kind::admin_topology},
    router_case{"GET", "/admin/topology/history", outcome::matched,
                route_kind::admin_topology_history},
    router_case{"GET", "/admin/topology/diff", outcome::matched,
                route_kind::admin_topology_diff},
    router_case{"GET", "/admin/topology/events", outcome::matched,
                route_kind::admin_topology_events},
    router_case{"GET", "/admin/isolations", outcome::matched, route_kind::admin_isolations},
    router_case{"POST", "/admin/isolations/iso-029900000099-1765000000000/release",
                outcome::matched, route_kind::admin_isolation_release,
                "iso-029900000099-1765000000000"},
    router_case{"GET", "/admin/isolations/iso-1/release", outcome::method_not_allowed,
                route_kind::things, "", "", "POST"},
    router_case{"POST", "/admin/isolations/a:b/release", outcome::bad_path},
    router_case{"PUT", "/admin/audit", outcome::method_not_allowed, route_kind::things,
                "", "", "GET"},
    // A placeholder may carry a literal's text.
    router_case{"GET", "/things/things/properties/properties",
                outcome::matched, route_kind::property, "things",
                "properties"},
    // Wrong method: 405 with the Allow set.
    router_case{"POST", "/things", outcome::method_not_allowed,
                route_kind::things, "", "", "GET"},
    router_case{"DELETE", "/things/x/properties/y",
                outcome::method_not_allowed, route_kind::things, "", "",
                "GET, PUT"},
    router_case{"GET", "/things/x/actions/y", outcome::method_not_allowed,
                route_kind::things, "", "", "POST"},
    router_case{"get", "/things", outcome::method_not_allowed,
                route_kind::things, "", "", "GET"},
    // Unknown paths.
    router_case{"GET", "/", outcome::not_found},
    router_case{"GET", "/thing", outcome::not_found},
    router_case{"GET", "/Things", outcome::not_found},
    router_case{"GET", "/things/x/foo", outcome::not_found},
    router_case{"GET", "/things/x/properties/y/z", outcome::not_found},
    router_case{"GET", "/admin/anything", outcome::not_found},
    // Malformed paths and invalid ids/names.
    router_case{"GET", "", outcome::bad_path},
    router_case{"GET", "things", outcome::bad_path},
    router_case{"GET", "/things/", outcome::bad_path},
    router_case{"GET", "//things", outcome::bad_path},
    router_case{"GET", "/things//properties", outcome::bad_path},
    router_case{"GET", "/things/..", outcome::bad_path},
    router_case{"GET", "/things/.", outcome::bad_path},
    router_case{"GET", "/things/../things", outcome::bad_path},
    router_case{"GET", "/things/x/properties/..", outcome::bad_path},
    router_case{"GET", "/things/a b", outcome::bad_path},
    router_case{"GET", "/things/a%2Fb", outcome::bad_path},
    router_case{"GET", "/things/a\\b", outcome::bad_path},
    router_case{"GET", std::string{"/things/a\0b", 11}, outcome::bad_path},
    router_case{"GET", "/things/caf\xc3\xa9", outcome::bad_path},
    router_case{"GET", "/things/" + long_name, outcome::bad_path},
    router_case{"GET", "/things/x/properties/" + long_name,
                outcome::bad_path},
    router_case{"GET", "/things/" + std::string(300, 'a') + "/properties",
                outcome::bad_path}));

TEST(router, first_route_wins_and_methods_union) {
  router r;
  ASSERT_FALSE(r.add(route_kind::thing, "/things/{id}", {"GET"}));
  ASSERT_FALSE(r.add(route_kind::things, "/things/{id}", {"DELETE", "GET"}));
  ASSERT_FALSE(r.add(route_kind::things, "/things/special", {"PATCH"}));
  auto m = r.match("GET", "/things/a");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.kind, route_kind::thing);
  m = r.match("DELETE", "/things/a");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.kind, route_kind::things);
  m = r.match("PUT", "/things/special");
  ASSERT_EQ(m.result, outcome::method_not_allowed);
  EXPECT_EQ(m.allow_header(), "DELETE, GET, PATCH");
}

TEST(router, rejects_malformed_patterns) {
  router r;
  EXPECT_TRUE(r.add(route_kind::thing, "things", {"GET"}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/", {"GET"}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/{}", {"GET"}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/{Id}", {"GET"}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/{id}/{id}", {"GET"}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/x{id}", {"GET"}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/{id}", {}));
  EXPECT_TRUE(r.add(route_kind::thing, "/things/{id}", {"G T"}));
  EXPECT_FALSE(r.match("GET", "/things/x").ok());
}

TEST(router, valid_names) {
  EXPECT_TRUE(is_valid_name("a"));
  EXPECT_TRUE(is_valid_name("...")); // neither "." nor ".."
  EXPECT_TRUE(is_valid_name(max_name));
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name("."));
  EXPECT_FALSE(is_valid_name(".."));
  EXPECT_FALSE(is_valid_name(long_name));
  EXPECT_FALSE(is_valid_name("a/b"));
  EXPECT_FALSE(is_valid_name("a%2fb"));
  EXPECT_FALSE(is_valid_name("a:b"));
}

TEST(router, every_kind_has_a_name) {
  for (auto k : {route_kind::well_known_wot, route_kind::things,
                 route_kind::thing, route_kind::properties,
                 route_kind::property, route_kind::property_observe,
                 route_kind::action, route_kind::event, route_kind::admin_audit,
                 route_kind::admin_audit_verify, route_kind::admin_alerts,
                 route_kind::admin_topology, route_kind::admin_topology_history,
                 route_kind::admin_topology_diff, route_kind::admin_topology_events,
                 route_kind::admin_isolations, route_kind::admin_isolation_release})
    EXPECT_STRNE(to_string(k), "unknown");
}

} // namespace
} // namespace kagami::http
