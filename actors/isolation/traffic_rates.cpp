#include "actors/isolation/traffic_rates.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "actors/core/error.hpp"

namespace kagami::isolation {

namespace {

/// The smallest Ethernet frame on the wire: 64 bytes + preamble (8) +
/// inter-frame gap (12).
constexpr double min_wire_frame_bits = 84 * 8;

bool finite_non_negative(double x) {
  return std::isfinite(x) && x >= 0;
}

std::string format_rate(double x) {
  std::ostringstream os;
  os.precision(x >= 1e6 ? 6 : 15);
  os << x;
  return os.str();
}

const char* measure_names[4] = {"in_pps", "in_bps", "out_pps", "out_bps"};

double measure_of(const port_rate& r, int i) {
  switch (i) {
    case 0:
      return r.in_pps;
    case 1:
      return r.in_bps;
    case 2:
      return r.out_pps;
    default:
      return r.out_bps;
  }
}

bool same_counters(const network::port_counters& a, const network::port_counters& b) {
  return a.in_octets == b.in_octets && a.out_octets == b.out_octets
         && a.in_packets == b.in_packets && a.out_packets == b.out_packets;
}

} // namespace

// -- config -------------------------------------------------------------------

caf::error traffic_rates_config::validate() const {
  auto bad = [](std::string field, std::string reason) {
    return make_error(ec::config_invalid, "traffic_rates: " + field + ": " + reason);
  };
  auto check = [&](const std::string& at, const rate_threshold& t) -> caf::error {
    if (!finite_non_negative(t.pps))
      return bad(at + ".pps", "must be a finite number >= 0 (0: no limit)");
    if (!finite_non_negative(t.bps))
      return bad(at + ".bps", "must be a finite number >= 0 (0: no limit)");
    return {};
  };
  if (auto err = check("default_threshold", default_threshold))
    return err;
  for (const auto& [key, t] : per_port) {
    auto at = "per_port[" + key.first + "/" + std::to_string(key.second) + "]";
    if (key.first.empty())
      return bad(at, "names no element");
    if (auto err = check(at, t))
      return err;
  }
  if (baseline_samples < 2 || baseline_samples > 100'000)
    return bad("baseline_samples", "must be 2 to 100000");
  if (!std::isfinite(baseline_factor) || baseline_factor < 0 || baseline_factor > 1000)
    return bad("baseline_factor", "must be 0 to 1000");
  if (!std::isfinite(baseline_floor_pps) || baseline_floor_pps <= 0)
    return bad("baseline_floor_pps", "must be a finite number > 0");
  if (!std::isfinite(baseline_floor_bps) || baseline_floor_bps <= 0)
    return bad("baseline_floor_bps", "must be a finite number > 0");
  if (counter_cache_ms < 0 || counter_cache_ms > 60'000)
    return bad("counter_cache_ms", "must be 0 to 60000");
  if (!std::isfinite(max_link_bps) || max_link_bps <= 0)
    return bad("max_link_bps", "must be a finite number > 0");
  return {};
}

// -- port_rate, rate_alarm ----------------------------------------------------

nlohmann::json port_rate::to_json() const {
  return {{"element", element_id}, {"port", port_id},       {"name", name},
          {"inPps", in_pps},       {"inBps", in_bps},       {"outPps", out_pps},
          {"outBps", out_bps},     {"intervalMs", interval_ms},
          {"observedAtMs", observed_at_ms}};
}

double rate_alarm::value() const {
  for (int i = 0; i < 4; ++i)
    if (measure == measure_names[i])
      return measure_of(rate, i);
  return 0;
}

double rate_alarm::limit() const {
  return measure.size() > 3 && measure.compare(measure.size() - 3, 3, "pps") == 0
           ? threshold.pps
           : threshold.bps;
}

nlohmann::json rate_alarm::to_json() const {
  return {{"element", rate.element_id},
          {"port", rate.port_id},
          {"name", rate.name},
          {"measure", measure},
          {"value", value()},
          {"limit", limit()},
          {"source", source},
          {"reason", reason},
          {"rate", rate.to_json()}};
}

// -- traffic_rates ------------------------------------------------------------

void traffic_rates::running_stats::add(double x) {
  ++n;
  auto d = x - mean;
  mean += d / static_cast<double>(n);
  m2 += d * (x - mean);
}

double traffic_rates::running_stats::stddev() const {
  return n == 0 ? 0.0 : std::sqrt(std::max(0.0, m2 / static_cast<double>(n)));
}

traffic_rates::traffic_rates(traffic_rates_config cfg) : cfg_(std::move(cfg)) {
  // Nothing else: ports appear with their first reading.
}

traffic_rates::applied_threshold
traffic_rates::threshold_for(const std::string& element_id, std::uint32_t port_id,
                             const port_state* port) const {
  if (auto i = cfg_.per_port.find({element_id, port_id}); i != cfg_.per_port.end())
    return {i->second, i->second, "port"};
  if (cfg_.learn_baseline && port != nullptr && port->learned)
    return {port->learned_in, port->learned_out, "baseline"};
  return {cfg_.default_threshold, cfg_.default_threshold, "default"};
}

traffic_rates::applied_threshold
traffic_rates::threshold_of(const std::string& element_id, std::uint32_t port_id) const {
  const port_state* port = nullptr;
  if (auto e = elements_.find(element_id); e != elements_.end())
    if (auto p = e->second.ports.find(port_id); p != e->second.ports.end())
      port = &p->second;
  return threshold_for(element_id, port_id, port);
}

void traffic_rates::learn(port_state& st, const port_rate& r) {
  if (!cfg_.learn_baseline || st.learned)
    return;
  for (int i = 0; i < 4; ++i)
    st.learning[i].add(measure_of(r, i));
  if (st.learning[0].n < static_cast<std::uint64_t>(cfg_.baseline_samples))
    return;
  auto limit = [&](int i, double floor) {
    return std::max(floor, st.learning[i].mean + cfg_.baseline_factor * st.learning[i].stddev());
  };
  st.learned_in = {limit(0, cfg_.baseline_floor_pps), limit(1, cfg_.baseline_floor_bps)};
  st.learned_out = {limit(2, cfg_.baseline_floor_pps), limit(3, cfg_.baseline_floor_bps)};
  st.learned = true;
}

std::vector<rate_alarm> traffic_rates::observe(const std::string& element_id,
                                               const network::counter_reading& reading) {
  std::vector<rate_alarm> alarms;
  auto& el = elements_[element_id];
  auto now = reading.observed_at_ms;
  if (el.has_reading && now <= el.last_at_ms) {
    ++ignored_readings_;
    return alarms;
  }
  el.has_reading = true;
  el.last_at_ms = now;
  // Ports missing from this reading are forgotten.
  std::set<std::uint32_t> seen;
  for (const auto& pc : reading.ports)
    seen.insert(pc.port_id);
  for (auto i = el.ports.begin(); i != el.ports.end();)
    i = seen.count(i->first) == 0 ? el.ports.erase(i) : std::next(i);
  seen.clear();
  const double max_octets_per_ms = cfg_.max_link_bps / 8.0 / 1000.0;
  const double max_packets_per_ms = cfg_.max_link_bps / min_wire_frame_bits / 1000.0;
  for (const auto& pc : reading.ports) {
    if (!seen.insert(pc.port_id).second)
      continue; // a duplicate ifIndex: the first one counts
    auto found = el.ports.find(pc.port_id);
    if (found == el.ports.end() || found->second.name != pc.name) {
      // First sight (or the ifIndex now names another interface).
      port_state fresh;
      fresh.name = pc.name;
      fresh.base = pc;
      fresh.base_at_ms = now;
      el.ports.insert_or_assign(pc.port_id, std::move(fresh));
      continue;
    }
    auto& st = found->second;
    port_rate r;
    r.element_id = element_id;
    r.port_id = pc.port_id;
    r.name = pc.name;
    r.observed_at_ms = now;
    r.interval_ms = now - st.base_at_ms;
    if (same_counters(pc, st.base)) {
      if (r.interval_ms <= cfg_.counter_cache_ms)
        continue; // the agent's cache: no news
      // Idle: rate 0. The agent refreshed its cache no earlier than
      // now - counter_cache_ms and still had the old values.
      st.base_at_ms = std::max(st.base_at_ms, now - cfg_.counter_cache_ms);
      st.last_rate = r;
      st.has_rate = true;
      learn(st, r);
      continue;
    }
    // Modular differences: a wrap at 2^64 is an ordinary step.
    std::uint64_t d_in_oct = pc.in_octets - st.base.in_octets;
    std::uint64_t d_out_oct = pc.out_octets - st.base.out_octets;
    std::uint64_t d_in_pkt = pc.in_packets - st.base.in_packets;
    std::uint64_t d_out_pkt = pc.out_packets - st.base.out_packets;
    auto ms = static_cast<double>(r.interval_ms);
    auto impossible_octets = [&](std::uint64_t d) {
      return static_cast<double>(d) > max_octets_per_ms * ms;
    };
    auto impossible_packets = [&](std::uint64_t d) {
      return static_cast<double>(d) > max_packets_per_ms * ms;
    };
    st.base = pc;
    st.base_at_ms = now;
    if (impossible_octets(d_in_oct) || impossible_octets(d_out_oct)
        || impossible_packets(d_in_pkt) || impossible_packets(d_out_pkt)) {
      // An agent restart or a counter reset: re-baseline, no rate.
      ++counter_resets_;
      continue;
    }
    auto s = ms / 1000.0;
    r.in_pps = static_cast<double>(d_in_pkt) / s;
    r.out_pps = static_cast<double>(d_out_pkt) / s;
    r.in_bps = static_cast<double>(d_in_oct) * 8.0 / s;
    r.out_bps = static_cast<double>(d_out_oct) * 8.0 / s;
    st.last_rate = r;
    st.has_rate = true;
    auto th = threshold_for(element_id, pc.port_id, &st);
    auto before = alarms.size();
    for (int i = 0; i < 4; ++i) {
      const auto& t = i < 2 ? th.in : th.out;
      double limit = (i % 2 == 0) ? t.pps : t.bps;
      double value = measure_of(r, i);
      if (limit <= 0 || !(value > limit))
        continue;
      rate_alarm a;
      a.rate = r;
      a.threshold = t;
      a.measure = measure_names[i];
      a.source = th.source;
      a.reason = element_id + " port " + std::to_string(pc.port_id)
                 + (pc.name.empty() ? "" : " (" + pc.name + ")") + ": " + a.measure + " "
                 + format_rate(value) + " > " + format_rate(limit) + " (" + th.source + ")";
      alarms.push_back(std::move(a));
    }
    if (alarms.size() == before)
      learn(st, r);
  }
  return alarms;
}

std::vector<port_rate> traffic_rates::rates() const {
  std::vector<port_rate> out;
  for (const auto& [id, el] : elements_)
    for (const auto& [port, st] : el.ports)
      if (st.has_rate)
        out.push_back(st.last_rate);
  return out;
}

void traffic_rates::forget(const std::string& element_id) {
  elements_.erase(element_id);
}

} // namespace kagami::isolation
