// security_alert: the JSON for SSE and the admin API, and the audit record of
// an alert.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/security/logcheck/security_alert.hpp"

using namespace kagami::security::logcheck;
using kagami::storage::audit_event;
using kagami::storage::audit_outcome;

namespace {

security_alert sample() {
  security_alert a;
  a.kind = std::string{alert_kind::brute_force};
  a.severity = "critical";
  a.subject = "user:alice";
  a.source = "192.0.2.7:40000";
  a.summary = "10 failed authentications for user:alice within 60 s from 1 "
              "source address";
  a.time_ms = 1795428000000;
  a.evidence = {{"failures", 10}, {"windowS", 60}};
  return a;
}

TEST(security_alert, json_has_every_field) {
  auto j = nlohmann::json::parse(to_json_text(sample()));
  EXPECT_EQ(j, (nlohmann::json{{"kind", "brute_force"},
                               {"severity", "critical"},
                               {"subject", "user:alice"},
                               {"source", "192.0.2.7:40000"},
                               {"summary", sample().summary},
                               {"timeMs", 1795428000000},
                               {"evidence", {{"failures", 10},
                                             {"windowS", 60}}}}));
  nlohmann::json direct = sample();
  EXPECT_EQ(direct, j);
}

TEST(security_alert, invalid_utf8_is_replaced_not_thrown) {
  auto a = sample();
  a.subject = "user:\xff\xfe";
  a.evidence["accountNames"] = {"\xc3"};
  std::string text;
  ASSERT_NO_THROW(text = to_json_text(a));
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["subject"], "user:\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(j["evidence"]["accountNames"][0], "\xEF\xBF\xBD");
}

TEST(security_alert, audit_record_names_the_alert_and_its_trigger) {
  audit_event trigger;
  trigger.time_ms = 1795427999000;
  trigger.subject = "user:alice";
  trigger.source = "192.0.2.7:40000";
  trigger.thing = "press-1";
  trigger.affordance = "setpoint";
  trigger.op = "writeproperty";
  trigger.outcome = audit_outcome::denied;
  trigger.http_status = 401;
  trigger.check = "authn.basic";
  trigger.reason = "bad password";
  trigger.request_id = "r-42";
  auto rec = to_audit_event(sample(), trigger);
  audit_event expected;
  expected.time_ms = 1795428000000;
  expected.subject = "user:alice";
  expected.source = "192.0.2.7:40000";
  expected.thing = "press-1";
  expected.affordance = "setpoint";
  expected.op = "alert";
  expected.outcome = audit_outcome::denied;
  expected.http_status = 401;
  expected.check = "logcheck.brute_force";
  expected.reason = sample().summary;
  expected.request_id = "r-42";
  EXPECT_EQ(rec, expected);
}

} // namespace
