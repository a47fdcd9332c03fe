// libFuzzer target for log validation's audit analyzer
// (actors/security/logcheck/audit_analyzer.hpp): a stream of audit events,
// decoded from the input, fed to one analyzer with small table limits and
// thresholds, so that eviction, cool-down and the alert budget all happen
// within a few dozen events.
//
// Input layout: byte 0 switches patterns off (bit k clear: pattern k on;
// bit 6 set: no working hours); then 4 bytes per event (a short tail is
// ignored):
//  - byte 0, time step: low 6 bits m, high 2 bits u: u=0 +m*100 ms,
//    u=1 +m s, u=2 +m min, u=3 m min back (an event older than the clock);
//  - byte 1: subject (low 3 bits) and source (high 5 bits, 32 choices) from
//    small alphabets, so that keys collide; they include "", keys longer
//    than max_key_bytes, control characters and IPv6 in one /64;
//  - byte 2: thing (low 3 bits), affordance (2 bits), op (3 bits, including
//    "alert");
//  - byte 3: HTTP status (low 3 bits), outcome (2 bits), check (3 bits).
// Time starts at Mon 2026-01-05 00:00 UTC and stays within about a year.
//
// Invariants: observe never crashes or throws; after every event each
// table stays within its limit; events with op "alert" change nothing and
// raise nothing; every alert has a known kind and severity, a time equal to
// the newest event time, and subject and source of at most 128 bytes
// without control characters; stats count every alert returned.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "actors/security/logcheck/audit_analyzer.hpp"
#include "actors/security/logcheck/log_validation_config.hpp"
#include "actors/security/logcheck/security_alert.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami;
using kagami::fuzz::check;
using namespace kagami::security;
using namespace kagami::security::logcheck;

namespace {

constexpr int64_t start_ms = 1767571200000; // Mon 2026-01-05 00:00 UTC

const std::string long_key(200, 'x');

const std::array<std::string, 8> subjects{
  "", "user:alice", "user:bob", "app:hmi", "app:night-batch", "user:carol",
  long_key, std::string{"user:\x01\x7f"}};

const std::array<std::string, 32> sources{
  "192.0.2.7:51432", "192.0.2.7:51433", "192.0.2.8:1", "[fd00::1]:443",
  "[fd00::2]:443", "[fd00:0:0:1::1]:443", "fd00::3:8080", "", "garbage",
  "192.0.2.9", "[::1", "192.0.2.7:99999", "10.0.0.1:0", "10.0.0.2:5",
  "10.0.0.3:5", "10.0.0.4:5", "10.0.0.5:5", "10.0.0.6:5", "[::ffff:10.0.0.1]:7",
  "::1:80", long_key + ":1", "10.0.0.7:5", "10.0.0.8:5", "10.0.0.9:5",
  "10.0.0.10:5", "10.0.0.11:5", "10.0.0.12:5", "10.0.0.13:5", "10.0.0.14:5",
  "10.0.0.15:5", "\n\t:1", "[]:1"};

const std::array<std::string, 8> things{
  "press-1", "press-2", "oven", "camera", "plc-7", "", long_key, "dev\x1b"};

const std::array<std::string, 4> affordances{"", "setpoint", "temperature",
                                             "reset"};

const std::array<std::string, 8> ops{
  "readproperty", "writeproperty", "invokeaction", "subscribeevent",
  "alert", "", "observeproperty", "WRITEPROPERTY"};

const std::array<uint16_t, 8> statuses{200, 401, 403, 429, 500, 400, 204, 0};

const std::array<storage::audit_outcome, 4> outcomes{
  storage::audit_outcome::allowed, storage::audit_outcome::denied,
  storage::audit_outcome::error, storage::audit_outcome::allowed};

const std::array<std::string, 8> checks{
  "authn.basic", "authn.bruteforce", "authz.acl", "signatures", "",
  "authn.jwt", "logcheck.brute_force", "authn."};

log_validation_config make_config(uint8_t switches) {
  log_validation_config cfg;
  cfg.learning_events = 3;
  cfg.max_alerts_per_minute = 4;
  cfg.brute_force = {(switches & 1) == 0, 3, std::chrono::seconds{60},
                     std::chrono::seconds{120}, alert_severity::critical};
  cfg.password_spraying = {(switches & 2) == 0, 2, std::chrono::seconds{600},
                           std::chrono::seconds{60}, alert_severity::critical};
  cfg.many_things.enabled = (switches & 4) == 0;
  cfg.many_things.things = 2;
  cfg.many_things.factor = 1;
  cfg.many_things.window = std::chrono::seconds{60};
  cfg.many_things.cooldown = std::chrono::seconds{30};
  cfg.new_affordance.enabled = (switches & 8) == 0;
  cfg.new_affordance.cooldown = std::chrono::seconds{1};
  cfg.repeated_forbidden = {(switches & 16) == 0, 3, std::chrono::seconds{60},
                            std::chrono::seconds{60}, alert_severity::warning};
  if ((switches & 64) == 0) {
    auto hours = authz::parse_time_window(
      nlohmann::json{{"days", {"mon", "tue", "wed", "thu", "fri"}},
                     {"from", "06:00"},
                     {"to", "22:00"},
                     {"utcOffset", "+09:00"}},
      "/offHours/workingHours", "utcOffset");
    check(static_cast<bool>(hours));
    cfg.off_hours.working_hours = *hours;
  }
  cfg.off_hours.exempt_subjects = {"app:night-batch"};
  cfg.off_hours.cooldown = std::chrono::seconds{60};
  cfg.limits.max_accounts = 3;
  cfg.limits.max_sources = 3;
  cfg.limits.max_subjects = 3;
  cfg.limits.max_things_per_subject = 4;
  cfg.limits.max_triples_per_subject = 5;
  cfg.limits.max_cooldowns = 4;
  return cfg;
}

bool clean_field(const std::string& s) {
  if (s.size() > 128)
    return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

bool known_kind(std::string_view k) {
  return k == alert_kind::brute_force || k == alert_kind::password_spraying
         || k == alert_kind::many_things || k == alert_kind::new_affordance
         || k == alert_kind::off_hours_write
         || k == alert_kind::repeated_forbidden;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto analyzer = audit_analyzer::make(make_config(data[0]));
  check(static_cast<bool>(analyzer));
  const auto& limits = analyzer->config().limits;
  int64_t time = start_ms;
  std::optional<int64_t> newest;
  uint64_t returned = 0;
  for (size_t i = 1; i + 4 <= size; i += 4) {
    const uint8_t* b = data + i;
    int64_t m = b[0] & 0x3f;
    switch (b[0] >> 6) {
      case 0: time += m * 100; break;
      case 1: time += m * 1000; break;
      case 2: time += m * 60'000; break;
      default: time -= m * 60'000; break;
    }
    storage::audit_event ev;
    ev.time_ms = time;
    ev.subject = subjects[b[1] & 7];
    ev.source = sources[b[1] >> 3];
    ev.thing = things[b[2] & 7];
    ev.affordance = affordances[(b[2] >> 3) & 3];
    ev.op = ops[b[2] >> 5];
    ev.http_status = statuses[b[3] & 7];
    ev.outcome = outcomes[(b[3] >> 3) & 3];
    ev.check = checks[b[3] >> 5];
    ev.reason = "fuzz";
    ev.request_id = "req-" + std::to_string(i / 4);
    auto before = analyzer->stats();
    auto alerts = analyzer->observe(ev);
    auto after = analyzer->stats();
    if (ev.op == alert_op) {
      check(alerts.empty());
      check(after.events == before.events && after.alerts == before.alerts
            && after.suppressed == before.suppressed
            && after.dropped == before.dropped
            && after.accounts == before.accounts
            && after.sources == before.sources
            && after.subjects == before.subjects
            && after.forbidden_keys == before.forbidden_keys
            && after.cooldowns == before.cooldowns);
      continue;
    }
    newest = newest ? std::max(*newest, time) : time;
    check(after.events == before.events + 1);
    check(after.accounts <= limits.max_accounts);
    check(after.sources <= limits.max_sources);
    check(after.subjects <= limits.max_subjects);
    check(after.forbidden_keys <= limits.max_subjects);
    check(after.cooldowns <= limits.max_cooldowns);
    returned += alerts.size();
    check(after.alerts == returned);
    for (const auto& a : alerts) {
      check(known_kind(a.kind));
      check(a.severity == "warning" || a.severity == "critical");
      check(a.time_ms == *newest);
      check(clean_field(a.subject) && clean_field(a.source));
      check(!a.summary.empty());
    }
  }
  return 0;
}
