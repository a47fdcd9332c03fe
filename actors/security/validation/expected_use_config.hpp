#pragma once

// The config section of the expected-use check: operational envelopes per
// thing property, the per-subject rate limit and the per-device minimum write
// interval. Decoding and validation only.
//
// Format (JSON object, every key optional):
//   {"envelopes": [{"thing": "press-1", "property": "setpoint",
//                   "minimum": 0, "maximum": 80, "max_step": 5,
//                   "unknown_previous": "reject"}],
//    "rate_limit": {"requests_per_second": 10, "burst": 20,
//                   "max_subjects": 10000},
//    "write_interval": {"default_ms": 0, "devices": {"press-1": 500},
//                       "max_devices": 65536}}

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json_fwd.hpp>

namespace kagami::security {

/// An operational envelope of one numeric property, narrower than its
/// DataSchema. Every bound is optional; an envelope without any is rejected.
struct property_envelope {
  std::string thing;
  std::string property;
  std::optional<double> minimum;
  std::optional<double> maximum;
  /// Largest allowed |new - previous| for one write, previous being the
  /// last value written or read (> 0).
  std::optional<double> max_step;
  /// With max_step and no previous value known: true refuses the write
  /// (the default, so the device's safety never depends on the app), false
  /// lets it pass the step check.
  bool reject_unknown_previous = true;
};

struct rate_limit_config {
  /// Sustained rate per subject (> 0).
  double requests_per_second = 10;
  /// Bucket size: requests a subject may send at once (>= 1).
  double burst = 20;
  /// At most this many subjects are tracked (>= 1); see rate_limiter.
  size_t max_subjects = 10000;
};

struct write_interval_config {
  /// Minimum interval between two writes to one device, for devices not in
  /// `devices`. Zero disables the limit for them.
  std::chrono::milliseconds default_interval{0};
  /// Per-device (thing id) minimum interval.
  std::map<std::string, std::chrono::milliseconds, std::less<>> devices;
  /// At most this many devices are tracked (>= 1); see write_interval_gate.
  size_t max_devices = 65536;
};

struct expected_use_config {
  std::vector<property_envelope> envelopes;
  /// No rate limit when absent.
  std::optional<rate_limit_config> rate_limit;
  write_interval_config write_interval;
};

struct expected_use_limits {
  size_t max_file_bytes = 1 << 20;
  size_t max_envelopes = 10000;
  size_t max_devices = 10000;
  size_t max_name_length = 256;
  /// Upper bound of any interval, in milliseconds (one day).
  int64_t max_interval_ms = 86'400'000;
};

/// Decodes the section from JSON text. Errors are ec::config_invalid whose
/// detail starts with the JSON pointer of the offending value, e.g.
/// "/envelopes/0/maximum: below minimum 10". Unknown keys are errors.
/// Never throws; untrusted input is fine.
caf::expected<expected_use_config>
parse_expected_use_config(std::string_view text,
                          const expected_use_limits& limits = {});

/// The same for an already parsed section; `pointer` is the section's JSON
/// pointer in its document and prefixes every error (e.g. "/checks/2").
caf::expected<expected_use_config>
parse_expected_use_config(const nlohmann::json& section,
                          const std::string& pointer,
                          const expected_use_limits& limits = {});

} // namespace kagami::security
