// libFuzzer target for the security check chain config
// (actors/security/chain/check_chains.hpp).
//
// Input: JSON text {"checks": ..., "chains": ...}; each member goes to
// check_chains::make with the built-in check types, one device model and two
// rules files served from memory (/fuzz/acl.json, /fuzz/signatures.json).
// Inline signature rules are skipped: compiling arbitrary Hyperscan patterns
// is the signature_rules target's and Hyperscan's business.
//
// Invariants: make never throws and is deterministic; a failure is
// ec::config_invalid whose detail starts with "/checks" or "/chains"; every
// compiled chain contains an acl-type check, so a subject that no ACL rule
// can name is denied whichever chain is selected; a denial carries a status
// of 400, 403 or 429 (429 with a Retry-After of at least 1 s) and the name
// of the deciding check.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_chains.hpp"
#include "actors/security/chain/check_registry.hpp"

using namespace kagami;
using namespace kagami::security;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

constexpr size_t max_input = 64 * 1024;
const std::map<std::string, config::device_model>& models() {
  static const auto result = [] {
    config::device_model m;
    m.id = "press";
    config::property_model setpoint;
    setpoint.name = "setpoint";
    setpoint.schema.minimum = 0;
    setpoint.schema.maximum = 120;
    config::property_model secret;
    secret.name = "secret";
    m.properties = {setpoint, secret};
    config::action_model start;
    start.name = "start";
    m.actions = {start};
    return std::map<std::string, config::device_model>{{"press", m}};
  }();
  return result;
}

std::optional<std::string> read_file(const std::string& path, std::string& why) {
  if (path == "/fuzz/acl.json")
    return R"({"rules": [
      {"subject": "role:operator", "thing": "model:press", "op": "*"},
      {"subject": "role:operator", "thing": "*", "affordance": "secret",
       "op": "readproperty", "effect": "deny"},
      {"subject": "app:hmi", "thing": "tag:line-1", "op": "readproperty"}]})";
  if (path == "/fuzz/signatures.json")
    return R"([{"id": "F-1", "pattern": "\\$\\{jndi:", "severity": "high",
                "fields": ["uri", "headers", "body"], "flags": ["caseless"]},
               {"id": "F-2", "pattern": "\\.\\./", "severity": "medium",
                "fields": ["uri"]}])";
  why = "no such file";
  return std::nullopt;
}

bool inline_signature_rules(const nlohmann::json& checks) {
  if (!checks.is_object())
    return false;
  for (auto& [_, c] : checks.items())
    if (c.is_object() && c.contains("rules") && c.value("type", nlohmann::json{}) == "signatures")
      return true;
  return false;
}

void check_denial(const verdict& v) {
  check(!v.allowed);
  check(v.status == 400 || v.status == 403 || v.status == 429);
  check(!v.check.empty());
  check(v.status != 429 || (v.retry_after && *v.retry_after >= std::chrono::seconds{1}));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size > max_input)
    return 0;
  auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded())
    return 0;
  nlohmann::json checks, chains;
  if (doc.is_object()) {
    checks = doc.value("checks", nlohmann::json{});
    chains = doc.value("chains", nlohmann::json{});
  }
  if (inline_signature_rules(checks))
    return 0;
  static const check_registry registry = [] {
    check_registry r;
    check(!register_builtin_checks(r));
    return r;
  }();
  check_context ctx;
  ctx.base_dir = "/fuzz";
  ctx.models = &models();
  ctx.read_file = read_file;
  auto made = check_chains::make(checks, chains, registry, ctx);
  auto again = check_chains::make(checks, chains, registry, ctx);
  check(static_cast<bool>(made) == static_cast<bool>(again));
  if (!made) {
    check(code_of(made.error()) == ec::config_invalid);
    auto detail = detail_of(made.error());
    check(detail.rfind("/checks", 0) == 0 || detail.rfind("/chains", 0) == 0);
    check(detail_of(again.error()) == detail);
    return 0;
  }
  // Every chain names an acl-type check.
  auto view = made->inspect();
  auto has_acl = [&](const nlohmann::json& names) {
    check(names.is_array() && !names.empty());
    bool found = false;
    for (auto& n : names)
      found = found || view["checks"][n.get<std::string>()]["type"] == "acl";
    return found;
  };
  check(has_acl(view["chains"]["default"]["checks"]));
  for (auto& rule : view["chains"]["rules"])
    check(has_acl(rule["checks"]));
  // Requests from several subjects to several things.
  const std::vector<std::string> tag_sets[] = {{}, {"line-1"}, {"line-2", "x"}};
  const authn::subject nobody{std::string(300, 'n'), authn::subject_kind::user, {}};
  const authn::subject subjects[] = {
    {"alice", authn::subject_kind::user, {"operator"}},
    {"hmi", authn::subject_kind::app, {}},
    nobody,
  };
  const std::map<std::string, std::string> headers{{"user-agent", "fuzz"}};
  const char* things[][2] = {{"press-1", "press"}, {"oven-1", "oven"}};
  auto t = std::chrono::steady_clock::time_point{std::chrono::hours{1}};
  for (auto& thing : things) {
    for (auto& tags : tag_sets) {
      for (auto& who : subjects) {
        for (int op = 0; op < 4; ++op) {
          check_request req;
          req.subject = &who;
          req.thing_id = thing[0];
          req.thing_model = thing[1];
          req.thing_tags = &tags;
          req.affordance = op == 0 ? "*" : op == 1 ? "setpoint" : "start";
          req.op = static_cast<authz::operation>(op);
          req.target = "/things/x";
          req.headers = &headers;
          req.body = op == 1 ? "50" : "";
          req.mono_now = t;
          t += std::chrono::milliseconds{100};
          check(!made->select(req.thing_id, req.thing_model, tags, who).empty());
          auto v = made->run(req);
          if (!v.allowed)
            check_denial(v);
          else
            check(v.status == 0 && v.check.empty());
          if (&who == &subjects[2])
            check(!v.allowed);
          made->observe(req, op == 0 ? R"({"setpoint": 40})" : "45");
        }
      }
    }
  }
  return 0;
}
