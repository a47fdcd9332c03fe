// kagami-bench-topology: the topology merge (issue 5) on synthetic neighbour
// reports of 10,000 devices on 500 switches. Goal: under 100 ms per merge.
// Printed by Google Benchmark, never asserted.
//
// The site: a core switch (the gateway on its port 1) and 499 access
// switches in 50 daisy chains of up to 10, LLDP on every inter-switch link
// (both sides). Each access switch has about 20 devices on access ports
// 3..; its port 1 faces the core and learned the gateway MAC, its port 2
// faces the next switch of its chain and learned every device further down
// the chain, and each core port learned every device of its chain (the
// MAC tables a gateway-centric site has: devices talk only to the gateway).
// All devices are also known from onboarding.
//
//   kagami-bench-topology [--benchmark_repetitions=N ...]

#include <cstdio>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "actors/network/topology_graph.hpp"

using namespace kagami::topology;

namespace {

constexpr int switch_count = 500; // the core and 499 access switches
constexpr int chain_length = 10;
constexpr int device_count = 10000;
const std::string gateway_mac = "02:00:00:00:00:01";

std::string mac(unsigned prefix, unsigned n) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:00:00:%02x:%02x:%02x", prefix,
                (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  return buf;
}

std::string switch_id(int i) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "sw%03d", i);
  return buf;
}

struct site {
  std::vector<neighbour_report> reports;
  std::vector<device> known;
};

site make_site() {
  site s;
  const int access = switch_count - 1;
  std::vector<std::vector<std::string>> local(switch_count);
  for (int j = 0; j < device_count; ++j) {
    auto m = mac(0x02, 0x100000 + j);
    local[1 + j % access].push_back(m);
    s.known.push_back({m, "thing-" + std::to_string(j), criticality::normal});
  }
  s.reports.resize(switch_count);
  auto& core = s.reports[0];
  core.reporter = {switch_id(0), element_kind::switch_element, mac(0x0a, 0),
                   "192.0.2.1"};
  core.observed_at_ms = 1000;
  core.ports.push_back({1, "ge1", {}, {gateway_mac}, {}});
  for (int i = 1; i < switch_count; ++i) {
    auto& r = s.reports[i];
    r.reporter = {switch_id(i), element_kind::switch_element, mac(0x0a, i),
                  "192.0.2.1"};
    r.observed_at_ms = 1000;
    int position = (i - 1) % chain_length;
    int up = position == 0 ? 0 : i - 1;
    // The port of `up` that faces this switch.
    std::uint32_t up_port = position == 0 ? 2 + (i - 1) / chain_length : 2;
    r.ports.push_back({1, "ge1", {{mac(0x0a, up), std::to_string(up_port)}},
                       {gateway_mac}, {}});
    port_observation down{2, "ge2", {}, {}, {}};
    bool has_next = position + 1 < chain_length && i + 1 < switch_count;
    if (has_next) {
      down.lldp.push_back({mac(0x0a, i + 1), "1"});
      for (int k = i + 1; k < switch_count && (k - 1) / chain_length
                                                == (i - 1) / chain_length;
           ++k)
        down.learned_macs.insert(down.learned_macs.end(), local[k].begin(),
                                 local[k].end());
    }
    r.ports.push_back(std::move(down));
    for (size_t d = 0; d < local[i].size(); ++d)
      r.ports.push_back({static_cast<std::uint32_t>(3 + d),
                         "ge" + std::to_string(3 + d), {}, {local[i][d]}, {}});
    if (position == 0) {
      port_observation p{up_port, "ge" + std::to_string(up_port),
                         {{mac(0x0a, i), "1"}}, {}, {}};
      for (int k = i; k < switch_count && (k - 1) / chain_length
                                            == (i - 1) / chain_length;
           ++k)
        p.learned_macs.insert(p.learned_macs.end(), local[k].begin(),
                              local[k].end());
      core.ports.push_back(std::move(p));
    }
  }
  return s;
}

void merge_10k_devices_500_switches(benchmark::State& state) {
  static const site s = make_site();
  size_t entries = 0;
  for (const auto& r : s.reports)
    for (const auto& p : r.ports)
      entries += p.learned_macs.size() + p.lldp.size();
  for (auto _ : state) {
    auto g = topology_graph::merge(s.reports, s.known, gateway_mac);
    benchmark::DoNotOptimize(g);
    state.PauseTiming();
    // Not a timing assertion: a merge that got the site wrong measures
    // nothing worth printing.
    if (g.devices().size() != device_count || !g.unreachable_devices().empty()
        || g.elements().size() != switch_count
        || g.links().size() != switch_count - 1)
      state.SkipWithError("the merge did not find the synthetic site");
    state.ResumeTiming();
  }
  state.counters["devices"] = device_count;
  state.counters["switches"] = switch_count;
  state.counters["table_entries"] = static_cast<double>(entries);
}

BENCHMARK(merge_10k_devices_500_switches)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
