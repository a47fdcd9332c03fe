#pragma once

// Shared pieces of the check chain tests: a device model, a site's security
// config with every built-in check, requests, and "probe", a test-only check
// type that records the order in which checks are consulted.

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_chains.hpp"
#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/check_section.hpp"
#include "config/device_model.hpp"

namespace kagami::security::test {

using namespace std::chrono_literals;

/// Model "press": setpoint (number 0..120), temperature (number, read-only),
/// mode (string enum), secret (integer); actions start (no input) and ramp
/// (integer 0..10); event overheat.
inline std::map<std::string, config::device_model> press_models() {
  config::device_model m;
  m.id = "press";
  config::property_model setpoint;
  setpoint.name = "setpoint";
  setpoint.schema.type = config::value_type::number;
  setpoint.schema.minimum = 0;
  setpoint.schema.maximum = 120;
  config::property_model temperature;
  temperature.name = "temperature";
  temperature.schema.read_only = true;
  config::property_model mode;
  mode.name = "mode";
  mode.schema.type = config::value_type::string;
  mode.schema.enumeration = {"auto", "manual"};
  config::property_model secret;
  secret.name = "secret";
  secret.schema.type = config::value_type::integer;
  m.properties = {setpoint, temperature, mode, secret};
  config::action_model start;
  start.name = "start";
  config::action_model ramp;
  ramp.name = "ramp";
  ramp.input = config::data_schema{};
  ramp.input->type = config::value_type::integer;
  ramp.input->minimum = 0;
  ramp.input->maximum = 10;
  m.actions = {start, ramp};
  config::event_model overheat;
  overheat.name = "overheat";
  overheat.property = "temperature";
  m.events = {overheat};
  return {{"press", m}};
}

/// ACL rules: operators may read, write and invoke on presses but never read
/// "secret"; the app hmi may read everything; user night may read at night
/// (22:00-06:00 UTC).
inline nlohmann::json acl_rules() {
  return nlohmann::json::parse(R"([
    {"subject": "role:operator", "thing": "model:press",
     "op": ["readproperty", "writeproperty", "invokeaction"]},
    {"subject": "role:operator", "thing": "model:press", "affordance": "secret",
     "op": "readproperty", "effect": "deny"},
    {"subject": "app:hmi", "thing": "*", "op": "readproperty"},
    {"subject": "user:night", "thing": "*", "op": "readproperty",
     "window": {"from": "22:00", "to": "06:00"}}])");
}

/// A "security.checks" section with one instance of every built-in type.
inline nlohmann::json builtin_checks_section() {
  return {
    {"acl", {{"type", "acl"}, {"rules", acl_rules()}}},
    {"sig", {{"type", "signatures"}, {"rulesFile", "security/signatures.json"}}},
    {"schema", {{"type", "schema"}}},
    {"use", nlohmann::json::parse(R"({
       "type": "expected_use",
       "envelopes": [{"thing": "press-1", "property": "setpoint",
                      "minimum": 0, "maximum": 100, "max_step": 10}],
       "rate_limit": {"requests_per_second": 0.25, "burst": 3},
       "write_interval": {"devices": {"press-1": 1500}}})")},
  };
}

inline nlohmann::json builtin_chains_section() {
  return {{"default", {"acl", "sig", "schema", "use"}}};
}

/// Where the default signature rules live: base_dir + "security/signatures.json".
inline std::string config_dir() {
  return KAGAMI_SOURCE_DIR "/config";
}

/// Shared log of the probe checks: "NAME" per decide(), "NAME:observe VALUE"
/// per observe().
struct probe_log {
  std::vector<std::string> calls;
};

/// The test-only check type "probe". Section: {"deny": bool, "status": N,
/// "throws": bool}, all optional.
class probe_check final : public security_check {
public:
  probe_check(std::string name, probe_log& log, bool deny, unsigned status,
              bool throws)
    : name_(std::move(name)), log_(log), deny_(deny), status_(status),
      throws_(throws) {
  }

  verdict decide(const check_request&) override {
    log_.calls.push_back(name_);
    if (throws_)
      throw std::runtime_error("probe failure");
    if (!deny_)
      return verdict::allow();
    return verdict::deny(status_, "denied by probe " + name_);
  }

  void observe(const check_request&, std::string_view value) override {
    log_.calls.push_back(name_ + ":observe " + std::string(value));
  }

  nlohmann::json inspect() const override {
    return {{"probe", name_}};
  }

private:
  std::string name_;
  probe_log& log_;
  bool deny_;
  unsigned status_;
  bool throws_;
};

/// The factory of "probe", writing into `log`. The instance name is the last
/// token of ctx.pointer.
inline check_factory probe_factory(probe_log& log) {
  return [&log](const nlohmann::json& section, const check_context& ctx)
           -> caf::expected<std::unique_ptr<security_check>> {
    if (auto err = only_keys(section, ctx.pointer, {"deny", "status", "throws"}))
      return err;
    auto name = ctx.pointer.substr(ctx.pointer.rfind('/') + 1);
    return std::make_unique<probe_check>(
      name, log, section.value("deny", false), section.value("status", 0u),
      section.value("throws", false));
  };
}

/// One request with its own storage. Defaults: user alice (role operator)
/// reads setpoint of press-1 (model press, tag line-1) from 10.0.0.7.
struct request_builder {
  authn::subject who{"alice", authn::subject_kind::user, {"operator"}};
  std::vector<std::string> tags{"line-1"};
  std::map<std::string, std::string> headers{{"content-type", "application/json"}};
  std::string thing = "press-1";
  std::string model = "press";
  std::string affordance = "setpoint";
  authz::operation op = authz::operation::readproperty;
  std::string method = "GET";
  std::string target = "/things/press-1/properties/setpoint";
  std::string body;
  /// Tuesday 2026-11-24 12:00 UTC.
  std::chrono::system_clock::time_point now
    = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 12h;
  std::chrono::steady_clock::time_point mono_now
    = std::chrono::steady_clock::time_point{std::chrono::hours{1000}};
  std::string request_id = "req-1";

  request_builder& write(std::string property, std::string value) {
    return to(authz::operation::writeproperty, "PUT", "properties",
              std::move(property), std::move(value));
  }

  request_builder& invoke(std::string action, std::string input) {
    return to(authz::operation::invokeaction, "POST", "actions",
              std::move(action), std::move(input));
  }

  request_builder& read(std::string property) {
    return to(authz::operation::readproperty, "GET", "properties",
              std::move(property), "");
  }

  request_builder& to(authz::operation o, std::string m, const char* kind,
                      std::string name, std::string value) {
    op = o;
    method = std::move(m);
    affordance = std::move(name);
    target = "/things/" + thing + "/" + kind + "/" + affordance;
    body = std::move(value);
    return *this;
  }

  request_builder& as(std::string name, authn::subject_kind kind,
                      std::vector<std::string> roles = {}) {
    who = authn::subject{std::move(name), kind, std::move(roles)};
    return *this;
  }

  check_request get() const {
    check_request r;
    r.request_id = request_id;
    r.subject = &who;
    r.source_address = "10.0.0.7";
    r.thing_id = thing;
    r.thing_model = model;
    r.thing_tags = &tags;
    r.affordance = affordance;
    r.op = op;
    r.method = method;
    r.target = target;
    r.headers = &headers;
    r.body = body;
    r.now = now;
    r.mono_now = mono_now;
    return r;
  }
};

} // namespace kagami::security::test
