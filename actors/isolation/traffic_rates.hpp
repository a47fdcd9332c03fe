#pragma once

// The traffic monitor's judgement: per-port packet and bit rates from the
// periodic IF-MIB 64-bit counter readings of the network elements, and the
// alarms a rate above its threshold raises (a DoS suspicion). Plain C++, no
// actors, no I/O; the traffic monitor actor polls the elements and feeds
// every reading to observe().
//
// Rates. A port's rate is (counters now - counters at its base) / (now -
// base time), per measure: in_pps/out_pps from ifHCIn/OutUcastPkts,
// in_bps/out_bps from ifHCIn/OutOctets times 8.
//  - The first reading of a port gives no rate; it becomes the base.
//  - Counter differences are modular (unsigned 64-bit), so a wrap at 2^64
//    is an ordinary step.
//  - Agent caches: snmpd serves counters from a cache refreshed every 2-3 s
//    (FACTS.md), so readings polled faster repeat the same values and then
//    jump. A rate is therefore computed only when a port's counters CHANGE,
//    over the interval since the reading at which the previous values were
//    first seen (not since the previous reading, which would give 0 and
//    then a 3x burst). While the values stay the same for at most
//    `counter_cache_ms` the reading is the cache talking: no new rate, no
//    alarm. Once they stay the same longer, the port is idle: its rate is 0,
//    and the base time moves forward to (that reading - counter_cache_ms), the
//    earliest moment the agent's cache can have been refreshed still showing
//    the old values, so a flood that starts after a long idle period is not
//    diluted over the whole idle time at its first change.
//  - Agent restart / counter reset: a difference that implies more than
//    `max_link_bps` (default 10 x 100 Gbit/s; packets at the minimum
//    Ethernet frame of 84 bytes on the wire) over the interval is not
//    traffic. Counters that went backwards always are such a difference
//    (modular arithmetic turns them into ~2^64). The sample gives no rate
//    and the reading becomes the new counter base ("re-baseline"); what the
//    port has learned about its normal rates (see below) is kept.
//  - A reading whose observed_at_ms is not after the element's previous
//    accepted reading is ignored entirely (clock step, reordered reply).
//  - A port missing from a reading is forgotten (its base, its learned
//    baseline, its last rate); when it reappears it starts afresh. So does a
//    port whose name changed (the agent gave the ifIndex to another
//    interface). A duplicate ifIndex in one reading: the first one counts.
//
// Thresholds. rate_threshold{pps, bps} limits both directions of a port,
// each direction separately; 0 disables that measure. The direction that
// matters for a DoS *from* a device at an access port is IN: the switch
// receives the device's frames (ifIn*), so an in_* alarm at an access port
// accuses the attached device. An out_* alarm at an access port means the
// attached device RECEIVES too much (it is the victim, or the port floods);
// the caller decides what it means (on an uplink both directions are
// transit). Which threshold applies to a port, first match:
//  1. cfg.per_port[(element id, ifIndex)] (configured for that port);
//  2. when cfg.learn_baseline and the port has `baseline_samples` rate
//     samples: per measure and direction, max(floor, mean + factor *
//     stddev) of those samples (population stddev). Learning happens once,
//     from the first samples after the port's (re)appearance; a sample that
//     raised an alarm is not learned;
//  3. cfg.default_threshold.
// An alarm is raised for every measure above its limit (strictly greater)
// on every sample; deduplication is the caller's.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "actors/network/element_backend.hpp"

namespace kagami::isolation {

/// Limits of one port: packets/s and bits/s, each direction separately.
/// 0 means no limit on that measure.
struct rate_threshold {
  double pps = 0;
  double bps = 0;

  friend bool operator==(const rate_threshold&, const rate_threshold&) = default;
};

struct traffic_rates_config {
  /// Limits of every port without a per-port entry (and without a learned
  /// baseline).
  rate_threshold default_threshold;
  /// Per-port limits, keyed by (element id, ifIndex).
  std::map<std::pair<std::string, std::uint32_t>, rate_threshold> per_port;
  /// Learn each port's threshold from its first `baseline_samples` rates.
  bool learn_baseline = false;
  /// 2..100000.
  int baseline_samples = 30;
  /// Standard deviations above the mean: 0..1000.
  double baseline_factor = 5.0;
  /// A learned limit is never below these (> 0; a quiet port's learned
  /// limit would otherwise be ~0, and 0 means "no limit").
  double baseline_floor_pps = 1000;
  double baseline_floor_bps = 10e6;
  /// How long an agent may serve unchanged (cached) counters: 0..60000 ms.
  /// snmpd caches for 2-3 s; 4000 leaves a margin. 0: the agent does not
  /// cache; equal counters mean an idle port at once.
  std::int64_t counter_cache_ms = 4000;
  /// Faster than this (bits/s per direction) is impossible: a counter reset.
  /// > 0; default 10 x 100 Gbit/s.
  double max_link_bps = 1e12;

  /// Checks the ranges above, finite non-negative thresholds and non-empty
  /// per-port element ids. ec::config_invalid naming the field.
  caf::error validate() const;
};

/// The rates of one port over `interval_ms` (packets/s and bits/s).
struct port_rate {
  std::string element_id;
  std::uint32_t port_id = 0;
  std::string name;
  double in_pps = 0;
  double in_bps = 0;
  double out_pps = 0;
  double out_bps = 0;
  std::int64_t interval_ms = 0;
  /// observed_at_ms of the reading that produced this rate.
  std::int64_t observed_at_ms = 0;

  /// {"element", "port", "name", "inPps", "inBps", "outPps", "outBps",
  /// "intervalMs", "observedAtMs"}.
  nlohmann::json to_json() const;
};

/// One measure of one port above its limit.
struct rate_alarm {
  port_rate rate;
  /// The limits that applied to the measure's direction.
  rate_threshold threshold;
  /// "in_pps", "in_bps", "out_pps" or "out_bps".
  std::string measure;
  /// Where the limit came from: "port", "baseline" or "default".
  std::string source;
  /// "sw1 port 5 (p-dev1): in_pps 12000 > 5000 (port)".
  std::string reason;

  /// True for in_* measures: the attached side sends (see above).
  bool inbound() const { return measure.rfind("in_", 0) == 0; }

  /// The measured value and its limit.
  double value() const;
  double limit() const;

  /// {"element", "port", "name", "measure", "value", "limit", "source",
  /// "reason", "rate": port_rate::to_json()}.
  nlohmann::json to_json() const;
};

class traffic_rates {
public:
  /// `cfg` should have passed validate(); observe() does not check it again.
  explicit traffic_rates(traffic_rates_config cfg);

  /// Takes one reading of one element; returns the alarms it raises (the
  /// measures of its ports whose rates exceed their thresholds), in the
  /// reading's port order, then in_pps, in_bps, out_pps, out_bps.
  std::vector<rate_alarm> observe(const std::string& element_id,
                                  const network::counter_reading& reading);

  /// The last computed rate of every port that has one, for inspection and
  /// metrics, ordered by element id then ifIndex.
  std::vector<port_rate> rates() const;

  /// Forgets an element (it left the config): all its ports start afresh.
  void forget(const std::string& element_id);

  /// The thresholds that apply to a port's in and out directions now, and
  /// their source ("port", "baseline", "default"). For an unknown port:
  /// the configured or default ones.
  struct applied_threshold {
    rate_threshold in;
    rate_threshold out;
    std::string source;
  };
  applied_threshold threshold_of(const std::string& element_id,
                                 std::uint32_t port_id) const;

  /// Readings ignored because their time was not after the previous one,
  /// and samples dropped as counter resets, since construction.
  std::uint64_t ignored_readings() const { return ignored_readings_; }
  std::uint64_t counter_resets() const { return counter_resets_; }

  const traffic_rates_config& config() const { return cfg_; }

private:
  /// Running mean and variance (Welford).
  struct running_stats {
    std::uint64_t n = 0;
    double mean = 0;
    double m2 = 0;
    void add(double x);
    double stddev() const;
  };

  struct port_state {
    std::string name;
    /// The counters at the base and when they were first seen (possibly
    /// moved forward by the idle rule).
    network::port_counters base;
    std::int64_t base_at_ms = 0;
    bool has_rate = false;
    port_rate last_rate;
    /// in_pps, in_bps, out_pps, out_bps.
    running_stats learning[4];
    bool learned = false;
    rate_threshold learned_in;
    rate_threshold learned_out;
  };

  struct element_state {
    bool has_reading = false;
    std::int64_t last_at_ms = 0;
    std::map<std::uint32_t, port_state> ports;
  };

  applied_threshold threshold_for(const std::string& element_id, std::uint32_t port_id,
                                  const port_state* port) const;

  void learn(port_state& st, const port_rate& r);

  traffic_rates_config cfg_;
  std::map<std::string, element_state> elements_;
  std::uint64_t ignored_readings_ = 0;
  std::uint64_t counter_resets_ = 0;
};

} // namespace kagami::isolation
