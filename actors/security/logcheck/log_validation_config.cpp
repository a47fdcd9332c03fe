#include "actors/security/logcheck/log_validation_config.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "actors/core/error.hpp"
#include "config/json_reader.hpp"

namespace kagami::security::logcheck {

namespace {

using config::object_reader;

constexpr std::array<std::pair<std::string_view, alert_severity>, 2>
  severity_names{{{"warning", alert_severity::warning},
                  {"critical", alert_severity::critical}}};

constexpr int64_t u32_max = std::numeric_limits<uint32_t>::max();
constexpr int64_t i64_max = std::numeric_limits<int64_t>::max();

caf::error invalid(std::string pointer, std::string reason) {
  return make_error(ec::config_invalid, std::move(pointer) + ": "
                                          + std::move(reason));
}

caf::error check_range(int64_t value, int64_t lo, int64_t hi,
                       std::string pointer) {
  if (value >= lo && value <= hi)
    return {};
  return invalid(std::move(pointer), "must be an integer from "
                                       + std::to_string(lo) + " to "
                                       + std::to_string(hi));
}

/// The first error of several checks, in order.
caf::error first_of(std::initializer_list<caf::error> errors) {
  for (auto& err : errors)
    if (err)
      return err;
  return {};
}

void read_seconds(const object_reader& r, std::string_view key,
                  std::chrono::seconds& out) {
  int64_t s = 0;
  if (r.read_int(key, s, 0, u32_max))
    out = std::chrono::seconds{s};
}

void read_common(const object_reader& r, bool* enabled,
                 std::chrono::seconds& cooldown, alert_severity& severity) {
  if (enabled)
    r.read("enabled", *enabled);
  read_seconds(r, "cooldownS", cooldown);
  r.read_enum("severity", severity, severity_names);
}

void read_windowed(const object_reader& parent, std::string_view key,
                   std::string_view threshold_key, windowed_pattern& out) {
  auto obj = parent.get_object(key);
  if (!obj)
    return;
  object_reader r{parent.sink(), *obj, parent.path(key)};
  if (!r.known_keys({"enabled", threshold_key, "windowS", "cooldownS",
                     "severity"}))
    return;
  read_common(r, &out.enabled, out.cooldown, out.severity);
  r.read_int(threshold_key, out.threshold, 0, u32_max);
  read_seconds(r, "windowS", out.window);
}

void read_many_things(const object_reader& parent, many_things_pattern& out) {
  auto obj = parent.get_object("manyThings");
  if (!obj)
    return;
  object_reader r{parent.sink(), *obj, parent.path("manyThings")};
  if (!r.known_keys({"enabled", "things", "factor", "windowS", "cooldownS",
                     "severity"}))
    return;
  read_common(r, &out.enabled, out.cooldown, out.severity);
  r.read_int("things", out.things, 0, u32_max);
  r.read_int("factor", out.factor, 0, u32_max);
  read_seconds(r, "windowS", out.window);
}

void read_new_affordance(const object_reader& parent,
                         new_affordance_pattern& out) {
  auto obj = parent.get_object("newAffordance");
  if (!obj)
    return;
  object_reader r{parent.sink(), *obj, parent.path("newAffordance")};
  if (r.known_keys({"enabled", "cooldownS", "severity"}))
    read_common(r, &out.enabled, out.cooldown, out.severity);
}

void read_strings(const object_reader& r, std::string_view key,
                  std::vector<std::string>& out) {
  auto list = r.get_array(key);
  if (!list)
    return;
  out.clear();
  for (size_t i = 0; i < list->size(); ++i) {
    auto& item = (*list)[i];
    if (!item.is_string()) {
      r.sink().fail(r.path(key) + "/" + std::to_string(i),
                    "must be a string");
      return;
    }
    out.push_back(item.get<std::string>());
  }
}

void read_off_hours(const object_reader& parent, off_hours_pattern& out) {
  auto obj = parent.get_object("offHours");
  if (!obj)
    return;
  object_reader r{parent.sink(), *obj, parent.path("offHours")};
  if (!r.known_keys({"workingHours", "ops", "exemptSubjects", "cooldownS",
                     "severity"}))
    return;
  read_common(r, nullptr, out.cooldown, out.severity);
  read_strings(r, "ops", out.ops);
  read_strings(r, "exemptSubjects", out.exempt_subjects);
  if (auto hours = r.get("workingHours")) {
    auto window = authz::parse_time_window(nlohmann::json(*hours),
                                           r.path("workingHours"),
                                           "utcOffset");
    if (window)
      out.working_hours = *window;
    else
      r.sink().fail("", detail_of(window.error()));
  }
}

void read_limits(const object_reader& parent, log_validation_limits& out) {
  auto obj = parent.get_object("limits");
  if (!obj)
    return;
  object_reader r{parent.sink(), *obj, parent.path("limits")};
  if (!r.known_keys({"maxAccounts", "maxSources", "maxSubjects",
                     "maxThingsPerSubject", "maxTriplesPerSubject",
                     "maxCooldowns"}))
    return;
  r.read_int("maxAccounts", out.max_accounts, 0, i64_max);
  r.read_int("maxSources", out.max_sources, 0, i64_max);
  r.read_int("maxSubjects", out.max_subjects, 0, i64_max);
  r.read_int("maxThingsPerSubject", out.max_things_per_subject, 0, i64_max);
  r.read_int("maxTriplesPerSubject", out.max_triples_per_subject, 0, i64_max);
  r.read_int("maxCooldowns", out.max_cooldowns, 0, i64_max);
}

caf::error validate_windowed(const windowed_pattern& p, const std::string& at,
                             std::string_view threshold_key, int64_t lo,
                             int64_t hi) {
  return first_of(
    {check_range(p.threshold, lo, hi, at + "/" + std::string{threshold_key}),
     check_range(p.window.count(), 1, 86400, at + "/windowS"),
     check_range(p.cooldown.count(), 1, 604800, at + "/cooldownS")});
}

caf::error validate_names(const std::vector<std::string>& names,
                          const std::string& at, size_t max_count) {
  if (names.size() > max_count)
    return invalid(at, "more than " + std::to_string(max_count) + " entries");
  std::set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    auto here = at + "/" + std::to_string(i);
    auto& name = names[i];
    if (name.empty() || name.size() > 256)
      return invalid(here, "must be 1 to 256 bytes long");
    for (unsigned char c : name)
      if (c < 0x20 || c == 0x7f)
        return invalid(here, "must not contain control characters");
    if (!seen.insert(name).second)
      return invalid(here, "duplicate \"" + name + "\"");
  }
  return {};
}

} // namespace

const char* to_string(alert_severity x) noexcept {
  return x == alert_severity::critical ? "critical" : "warning";
}

caf::error log_validation_config::validate(std::string_view pointer) const {
  std::string at{pointer};
  auto& l = limits;
  if (auto err = first_of(
        {check_range(static_cast<int64_t>(learning_events), 1, 1'000'000'000,
                     at + "/learningEvents"),
         check_range(max_alerts_per_minute, 1, 100'000,
                     at + "/maxAlertsPerMinute"),
         check_range(static_cast<int64_t>(l.max_accounts), 1, 1'000'000,
                     at + "/limits/maxAccounts"),
         check_range(static_cast<int64_t>(l.max_sources), 1, 1'000'000,
                     at + "/limits/maxSources"),
         check_range(static_cast<int64_t>(l.max_subjects), 1, 1'000'000,
                     at + "/limits/maxSubjects"),
         check_range(static_cast<int64_t>(l.max_things_per_subject), 1, 65536,
                     at + "/limits/maxThingsPerSubject"),
         check_range(static_cast<int64_t>(l.max_triples_per_subject), 1, 65536,
                     at + "/limits/maxTriplesPerSubject"),
         check_range(static_cast<int64_t>(l.max_cooldowns), 1, 1'000'000,
                     at + "/limits/maxCooldowns")}))
    return err;
  if (auto err = first_of(
        {validate_windowed(brute_force, at + "/bruteForce", "failures", 1,
                           1000),
         validate_windowed(password_spraying, at + "/passwordSpraying",
                           "accounts", 2, 100),
         validate_windowed(repeated_forbidden, at + "/repeatedForbidden",
                           "count", 1, 1000)}))
    return err;
  auto mt = at + "/manyThings";
  if (auto err = first_of(
        {check_range(many_things.things, 1,
                     static_cast<int64_t>(l.max_things_per_subject),
                     mt + "/things"),
         check_range(many_things.factor, 1, 1000, mt + "/factor"),
         check_range(many_things.window.count(), 1, 86400, mt + "/windowS"),
         check_range(many_things.cooldown.count(), 1, 604800,
                     mt + "/cooldownS"),
         check_range(new_affordance.cooldown.count(), 1, 604800,
                     at + "/newAffordance/cooldownS")}))
    return err;
  auto oh = at + "/offHours";
  if (auto err = check_range(off_hours.cooldown.count(), 1, 604800,
                             oh + "/cooldownS"))
    return err;
  if (off_hours.ops.empty())
    return invalid(oh + "/ops", "must name at least one op");
  if (auto err = validate_names(off_hours.ops, oh + "/ops", 4))
    return err;
  for (size_t i = 0; i < off_hours.ops.size(); ++i)
    if (!authz::parse_operation(off_hours.ops[i]))
      return invalid(oh + "/ops/" + std::to_string(i),
                     "must be one of readproperty, writeproperty, "
                     "invokeaction, subscribeevent");
  return validate_names(off_hours.exempt_subjects, oh + "/exemptSubjects",
                        1000);
}

caf::expected<log_validation_config>
parse_log_validation_config(const nlohmann::ordered_json& section,
                            std::string_view pointer) {
  config::error_sink sink{""};
  object_reader r{sink, section, std::string{pointer}};
  log_validation_config cfg;
  if (r.known_keys({"learningEvents", "maxAlertsPerMinute", "bruteForce",
                    "passwordSpraying", "manyThings", "newAffordance",
                    "offHours", "repeatedForbidden", "limits"})) {
    r.read_int("learningEvents", cfg.learning_events, 0, i64_max);
    r.read_int("maxAlertsPerMinute", cfg.max_alerts_per_minute, 0, u32_max);
    read_windowed(r, "bruteForce", "failures", cfg.brute_force);
    read_windowed(r, "passwordSpraying", "accounts", cfg.password_spraying);
    read_many_things(r, cfg.many_things);
    read_new_affordance(r, cfg.new_affordance);
    read_off_hours(r, cfg.off_hours);
    read_windowed(r, "repeatedForbidden", "count", cfg.repeated_forbidden);
    read_limits(r, cfg.limits);
  }
  if (!sink.ok())
    return sink.error().to_error();
  if (auto err = cfg.validate(pointer))
    return err;
  return cfg;
}

caf::expected<log_validation_config>
parse_log_validation_config(const nlohmann::json& section,
                            std::string_view pointer) {
  return parse_log_validation_config(nlohmann::ordered_json(section), pointer);
}

} // namespace kagami::security::logcheck
