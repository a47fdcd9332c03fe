// log_validation_config: defaults, every key parsed, and errors that name the
// JSON pointer of the offending value.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/logcheck/log_validation_config.hpp"

using namespace kagami::security::logcheck;
using namespace std::chrono_literals;

namespace {

TEST(log_validation_config, defaults_are_valid_and_documented) {
  log_validation_config cfg;
  EXPECT_FALSE(cfg.validate());
  EXPECT_EQ(cfg.learning_events, 200u);
  EXPECT_EQ(cfg.max_alerts_per_minute, 60u);
  EXPECT_EQ(cfg.brute_force.threshold, 10u);
  EXPECT_EQ(cfg.brute_force.window, 60s);
  EXPECT_EQ(cfg.brute_force.severity, alert_severity::critical);
  EXPECT_EQ(cfg.password_spraying.threshold, 5u);
  EXPECT_EQ(cfg.password_spraying.window, 600s);
  EXPECT_EQ(cfg.repeated_forbidden.threshold, 10u);
  EXPECT_EQ(cfg.repeated_forbidden.severity, alert_severity::warning);
  EXPECT_FALSE(cfg.off_hours.working_hours);
  EXPECT_EQ(cfg.off_hours.ops,
            (std::vector<std::string>{"writeproperty", "invokeaction"}));
  // An empty section is the defaults.
  auto parsed = parse_log_validation_config(nlohmann::json::object());
  ASSERT_TRUE(parsed) << kagami::detail_of(parsed.error());
  EXPECT_EQ(parsed->brute_force.threshold, cfg.brute_force.threshold);
  EXPECT_EQ(parsed->limits, cfg.limits);
}

TEST(log_validation_config, parses_every_key) {
  auto j = nlohmann::json::parse(R"({
    "learningEvents": 50, "maxAlertsPerMinute": 30,
    "bruteForce": {"enabled": false, "failures": 7, "windowS": 30,
                   "cooldownS": 120, "severity": "warning"},
    "passwordSpraying": {"accounts": 3, "windowS": 300, "cooldownS": 60,
                         "severity": "critical"},
    "manyThings": {"enabled": true, "things": 20, "factor": 4, "windowS": 90,
                   "cooldownS": 900, "severity": "critical"},
    "newAffordance": {"enabled": false, "cooldownS": 30},
    "offHours": {"workingHours": {"days": ["mon", "tue"], "from": "07:30",
                                  "to": "19:00", "utcOffset": "+09:00"},
                 "ops": ["writeproperty"],
                 "exemptSubjects": ["app:night-batch"],
                 "cooldownS": 7200, "severity": "critical"},
    "repeatedForbidden": {"count": 4, "windowS": 10},
    "limits": {"maxAccounts": 11, "maxSources": 12, "maxSubjects": 13,
               "maxThingsPerSubject": 40, "maxTriplesPerSubject": 15,
               "maxCooldowns": 16}})");
  auto cfg = parse_log_validation_config(j);
  ASSERT_TRUE(cfg) << kagami::detail_of(cfg.error());
  EXPECT_EQ(cfg->learning_events, 50u);
  EXPECT_EQ(cfg->max_alerts_per_minute, 30u);
  EXPECT_FALSE(cfg->brute_force.enabled);
  EXPECT_EQ(cfg->brute_force.threshold, 7u);
  EXPECT_EQ(cfg->brute_force.window, 30s);
  EXPECT_EQ(cfg->brute_force.cooldown, 120s);
  EXPECT_EQ(cfg->brute_force.severity, alert_severity::warning);
  EXPECT_EQ(cfg->password_spraying.threshold, 3u);
  EXPECT_EQ(cfg->password_spraying.window, 300s);
  EXPECT_EQ(cfg->password_spraying.cooldown, 60s);
  EXPECT_EQ(cfg->many_things.things, 20u);
  EXPECT_EQ(cfg->many_things.factor, 4u);
  EXPECT_EQ(cfg->many_things.window, 90s);
  EXPECT_EQ(cfg->many_things.cooldown, 900s);
  EXPECT_EQ(cfg->many_things.severity, alert_severity::critical);
  EXPECT_FALSE(cfg->new_affordance.enabled);
  EXPECT_EQ(cfg->new_affordance.cooldown, 30s);
  ASSERT_TRUE(cfg->off_hours.working_hours);
  EXPECT_EQ(kagami::security::authz::to_string(*cfg->off_hours.working_hours),
            "Mon,Tue 07:30-19:00 UTC+09:00");
  EXPECT_EQ(cfg->off_hours.ops, std::vector<std::string>{"writeproperty"});
  EXPECT_EQ(cfg->off_hours.exempt_subjects,
            std::vector<std::string>{"app:night-batch"});
  EXPECT_EQ(cfg->off_hours.cooldown, 7200s);
  EXPECT_EQ(cfg->off_hours.severity, alert_severity::critical);
  EXPECT_EQ(cfg->repeated_forbidden.threshold, 4u);
  EXPECT_EQ(cfg->repeated_forbidden.window, 10s);
  EXPECT_EQ(cfg->limits, (log_validation_limits{11, 12, 13, 40, 15, 16}));
}

struct error_case {
  const char* json;
  const char* detail;
};

TEST(log_validation_config, errors_name_the_json_pointer) {
  std::vector<error_case> cases{
    {R"([])", "/security/logValidation: must be an object, not an array"},
    {R"({"learningEvents": 0})",
     "/security/logValidation/learningEvents: must be an integer from 1 to "
     "1000000000"},
    {R"({"maxAlertsPerMinute": 100001})",
     "/security/logValidation/maxAlertsPerMinute: must be an integer from 1 "
     "to 100000"},
    {R"({"bruteForce": {"failures": 0}})",
     "/security/logValidation/bruteForce/failures: must be an integer from 1 "
     "to 1000"},
    {R"({"bruteForce": {"failures": 1001}})",
     "/security/logValidation/bruteForce/failures: must be an integer from 1 "
     "to 1000"},
    {R"({"bruteForce": {"failures": -1}})",
     "/security/logValidation/bruteForce/failures: must be an integer from 0 "
     "to 4294967295"},
    {R"({"bruteForce": {"failures": "10"}})",
     "/security/logValidation/bruteForce/failures: must be an integer from 0 "
     "to 4294967295, not a string"},
    {R"({"bruteForce": {"failure": 10}})",
     "/security/logValidation/bruteForce/failure: unknown key \"failure\" "
     "(did you mean \"failures\"?)"},
    {R"({"bruteForce": {"enabled": 1}})",
     "/security/logValidation/bruteForce/enabled: must be true or false, not "
     "1"},
    {R"({"bruteForce": []})",
     "/security/logValidation/bruteForce: must be an object, not an array"},
    {R"({"passwordSpraying": {"accounts": 1}})",
     "/security/logValidation/passwordSpraying/accounts: must be an integer "
     "from 2 to 100"},
    {R"({"manyThings": {"things": 257}})",
     "/security/logValidation/manyThings/things: must be an integer from 1 "
     "to 256"},
    {R"({"manyThings": {"things": 50}, "limits": {"maxThingsPerSubject": 40}})",
     "/security/logValidation/manyThings/things: must be an integer from 1 "
     "to 40"},
    {R"({"manyThings": {"factor": 0}})",
     "/security/logValidation/manyThings/factor: must be an integer from 1 "
     "to 1000"},
    {R"({"repeatedForbidden": {"windowS": 0}})",
     "/security/logValidation/repeatedForbidden/windowS: must be an integer "
     "from 1 to 86400"},
    {R"({"newAffordance": {"cooldownS": 0}})",
     "/security/logValidation/newAffordance/cooldownS: must be an integer "
     "from 1 to 604800"},
    {R"({"newAffordance": {"severity": "high"}})",
     "/security/logValidation/newAffordance/severity: unknown value "
     "\"high\"; expected one of: warning, critical"},
    {R"({"offHours": {"workingHours": {"from": "6am", "to": "18:00"}}})",
     "/security/logValidation/offHours/workingHours/from: expected "
     "\"HH:MM\""},
    {R"({"offHours": {"workingHours": {"from": "06:00", "to": "18:00",
                                       "utc_offset": "+09:00"}}})",
     "/security/logValidation/offHours/workingHours/utc_offset: unknown key"},
    {R"({"offHours": {"workingHours": {"from": "06:00"}}})",
     "/security/logValidation/offHours/workingHours: a window needs "
     "\"from\" and \"to\""},
    {R"({"offHours": {"ops": []}})",
     "/security/logValidation/offHours/ops: must name at least one op"},
    {R"({"offHours": {"ops": ["writeproperty", "delete"]}})",
     "/security/logValidation/offHours/ops/1: must be one of readproperty, "
     "writeproperty, invokeaction, subscribeevent"},
    {R"({"offHours": {"ops": "writeproperty"}})",
     "/security/logValidation/offHours/ops: must be an array, not a string"},
    {R"({"offHours": {"exemptSubjects": ["app:x", "app:x"]}})",
     "/security/logValidation/offHours/exemptSubjects/1: duplicate "
     "\"app:x\""},
    {R"({"offHours": {"exemptSubjects": [7]}})",
     "/security/logValidation/offHours/exemptSubjects/0: must be a string"},
    {R"({"offHours": {"exemptSubjects": ["app:\u0007"]}})",
     "/security/logValidation/offHours/exemptSubjects/0: must not contain "
     "control characters"},
    {R"({"offHours": {"enabled": true}})",
     "/security/logValidation/offHours/enabled: unknown key \"enabled\""},
    {R"({"limits": {"maxSubjects": 0}})",
     "/security/logValidation/limits/maxSubjects: must be an integer from 1 "
     "to 1000000"},
    {R"({"limits": {"maxTriplesPerSubject": 65537}})",
     "/security/logValidation/limits/maxTriplesPerSubject: must be an "
     "integer from 1 to 65536"},
    {R"({"limit": {}})",
     "/security/logValidation/limit: unknown key \"limit\" (did you mean "
     "\"limits\"?)"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.json);
    auto cfg = parse_log_validation_config(nlohmann::json::parse(c.json));
    ASSERT_FALSE(cfg);
    EXPECT_EQ(kagami::code_of(cfg.error()), kagami::ec::config_invalid);
    EXPECT_EQ(kagami::detail_of(cfg.error()), c.detail);
  }
}

TEST(log_validation_config, the_pointer_is_the_callers) {
  auto j = nlohmann::ordered_json::parse(R"({"bruteForce": {"windowS": 0}})");
  auto cfg = parse_log_validation_config(j, "/checks/3");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(kagami::detail_of(cfg.error()),
            "/checks/3/bruteForce/windowS: must be an integer from 1 to 86400");
  log_validation_config plain;
  plain.off_hours.ops.clear();
  EXPECT_EQ(kagami::detail_of(plain.validate("/x")),
            "/x/offHours/ops: must name at least one op");
}

} // namespace
