// libFuzzer target for the log validation config section
// (actors/security/logcheck/log_validation_config.hpp).
//
// Input: JSON text, parsed with exceptions off twice: as nlohmann::json and
// as the order-preserving nlohmann::ordered_json of the site config parser;
// both overloads of parse_log_validation_config run.
//
// Invariants: the parser never crashes or throws; a failure is
// ec::config_invalid whose detail starts with the section's pointer; both
// overloads agree on acceptance and, when they accept, on the limits; an
// accepted config passes validate() again and keeps the ranges documented
// at the top of log_validation_config.hpp (checked here directly, not
// through validate()).

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/logcheck/log_validation_config.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami;
using kagami::fuzz::check;
using namespace kagami::security::logcheck;

namespace {

constexpr std::string_view pointer = "/security/logValidation";

bool in(int64_t x, int64_t lo, int64_t hi) {
  return lo <= x && x <= hi;
}

void check_windowed(const windowed_pattern& p, int64_t lo, int64_t hi) {
  check(in(p.threshold, lo, hi));
  check(in(p.window.count(), 1, 86400));
  check(in(p.cooldown.count(), 1, 604800));
}

void check_names(const std::vector<std::string>& names, size_t max) {
  check(names.size() <= max);
  std::set<std::string> seen;
  for (const auto& name : names) {
    check(in(static_cast<int64_t>(name.size()), 1, 256));
    for (unsigned char c : name)
      check(c >= 0x20 && c != 0x7f);
    check(seen.insert(name).second);
  }
}

void check_result(const caf::expected<log_validation_config>& cfg) {
  if (!cfg) {
    check(code_of(cfg.error()) == ec::config_invalid);
    check(detail_of(cfg.error()).rfind(pointer, 0) == 0);
    return;
  }
  check(!cfg->validate(pointer));
  const auto& l = cfg->limits;
  check(in(static_cast<int64_t>(cfg->learning_events), 1, 1'000'000'000));
  check(in(cfg->max_alerts_per_minute, 1, 100'000));
  for (auto n : {l.max_accounts, l.max_sources, l.max_subjects, l.max_cooldowns})
    check(in(static_cast<int64_t>(n), 1, 1'000'000));
  check(in(static_cast<int64_t>(l.max_things_per_subject), 1, 65536));
  check(in(static_cast<int64_t>(l.max_triples_per_subject), 1, 65536));
  check_windowed(cfg->brute_force, 1, 1000);
  check_windowed(cfg->password_spraying, 2, 100);
  check_windowed(cfg->repeated_forbidden, 1, 1000);
  const auto& mt = cfg->many_things;
  check(in(mt.things, 1, static_cast<int64_t>(l.max_things_per_subject)));
  check(in(mt.factor, 1, 1000));
  check(in(mt.window.count(), 1, 86400));
  check(in(mt.cooldown.count(), 1, 604800));
  check(in(cfg->new_affordance.cooldown.count(), 1, 604800));
  const auto& oh = cfg->off_hours;
  check(in(oh.cooldown.count(), 1, 604800));
  check(!oh.ops.empty());
  check_names(oh.ops, 4);
  for (const auto& op : oh.ops)
    check(security::authz::parse_operation(op).has_value());
  check_names(oh.exempt_subjects, 1000);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::check_both_json_forms(
    std::string_view{reinterpret_cast<const char*>(data), size},
    [](const auto& section) {
      return parse_log_validation_config(section, pointer);
    },
    check_result,
    [](const log_validation_config& x, const log_validation_config& y) {
      return x.limits == y.limits && x.learning_events == y.learning_events
             && x.off_hours.ops == y.off_hours.ops;
    });
  return 0;
}
