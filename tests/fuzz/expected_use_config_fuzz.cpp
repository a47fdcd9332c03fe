// libFuzzer target for the expected-use config parser (expected_use_config.hpp).
//
// Invariants: parse_expected_use_config never crashes or throws; an accepted
// config keeps the documented contract (minimum <= maximum, max_step > 0,
// rate > 0, burst >= 1, bounded counts and intervals).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "actors/security/validation/expected_use_config.hpp"

using namespace kagami::security;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  expected_use_limits limits;
  auto config = parse_expected_use_config(text, limits);
  if (!config)
    return 0;
  if (config->envelopes.size() > limits.max_envelopes)
    std::abort();
  for (auto& e : config->envelopes) {
    if (e.thing.empty() || e.property.empty())
      std::abort();
    if (e.minimum && e.maximum && *e.maximum < *e.minimum)
      std::abort();
    if (e.max_step && !(*e.max_step > 0))
      std::abort();
    if (!e.minimum && !e.maximum && !e.max_step)
      std::abort();
  }
  if (auto& r = config->rate_limit) {
    if (!(r->requests_per_second > 0) || !(r->burst >= 1) || r->max_subjects < 1)
      std::abort();
  }
  auto& w = config->write_interval;
  if (w.devices.size() > limits.max_devices || w.max_devices < 1)
    std::abort();
  if (w.default_interval.count() < 0
      || w.default_interval.count() > limits.max_interval_ms)
    std::abort();
  for (auto& [name, interval] : w.devices)
    if (name.empty() || interval.count() < 0
        || interval.count() > limits.max_interval_ms)
      std::abort();
  return 0;
}
