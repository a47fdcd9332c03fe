// kagami-bench-flow: the flow monitor's capture and classification rate
// (issue 6) on one core, from a pcap file of mixed factory traffic that it
// generates (tools/bench/flow_traffic.hpp) in a temporary directory:
//   read             pcap_open_offline + pcap_next_ex, touching each packet
//   read_decode      + decode_frame
//   read_decode_track + flow_tracker::observe (policy, flows, evidence)
//   attack_decode_track  decode + observe from memory, a scan whose every
//                    packet is a new flow (the tracker's worst case)
// Prints packets/s of each (Google Benchmark's items_per_second), the
// ratios against the read-only baseline, and the goal. Never asserts.
//
//   kagami-bench-flow [--packets=N] [--keep=PATH] [--benchmark_...]
//   kagami-bench-flow --write-replay=PATH   (writes the replay test's pcap)

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <pcap/pcap.h>

#include "actors/isolation/flow_policy.hpp"
#include "actors/isolation/flow_tracker.hpp"
#include "protocols/pcap/packet_decoder.hpp"
#include "protocols/pcap/frame_builder.hpp"
#include "tools/bench/flow_traffic.hpp"

using namespace kagami;

namespace {

std::string traffic_path;

enum class stage { read, decode, track };

void run(benchmark::State& state, stage s) {
  auto policy = std::make_shared<const isolation::flow_policy>(bench::replay_policy());
  size_t total = 0;
  for (auto _ : state) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(traffic_path.c_str(), err);
    if (!p) {
      state.SkipWithError(err);
      return;
    }
    std::unique_ptr<isolation::flow_tracker> tracker;
    if (s == stage::track)
      tracker = std::make_unique<isolation::flow_tracker>(policy);
    pcap_pkthdr* h = nullptr;
    const u_char* bytes = nullptr;
    uint64_t sink = 0;
    size_t n = 0;
    while (pcap_next_ex(p, &h, &bytes) == 1) {
      ++n;
      if (s == stage::read) {
        sink += bytes[h->caplen - 1] + h->len;
        continue;
      }
      auto summary = protocols::pcap::decode_frame({bytes, h->caplen}, h->len);
      if (s == stage::decode) {
        sink += static_cast<uint64_t>(summary.status) + summary.destination_port;
        continue;
      }
      auto at = isolation::timestamp{std::chrono::seconds{h->ts.tv_sec}
                                     + std::chrono::microseconds{h->ts.tv_usec}};
      sink += static_cast<uint64_t>(tracker->observe(summary, at));
    }
    benchmark::DoNotOptimize(sink);
    if (tracker) {
      auto v = tracker->take_new_violations();
      benchmark::DoNotOptimize(v);
      state.counters["violations"] = static_cast<double>(tracker->counters().violations);
    }
    pcap_close(p);
    total += n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}

void read_only(benchmark::State& state) {
  run(state, stage::read);
}
void read_decode(benchmark::State& state) {
  run(state, stage::decode);
}
void read_decode_track(benchmark::State& state) {
  run(state, stage::track);
}

// The worst case for the tracker, from memory (no pcap read): a SYN scan
// of 100 hosts × 5,000 ports where every victim answers, so that every
// packet is a new flow, half of them out of policy and half responses that
// need a flow lookup. 1M packets.
struct attack_traffic {
  std::vector<uint8_t> bytes;
  std::vector<std::pair<size_t, size_t>> frames; // offset, length
};

const attack_traffic& attack() {
  static const attack_traffic t = [] {
    using namespace protocols::pcap;
    attack_traffic a;
    mac_address attacker{0x02, 0x99, 0, 0, 0, 0x66};
    ip_address aip = make_ipv4(10, 99, 1, 102);
    for (uint32_t port = 1; port <= 5000; ++port)
      for (uint8_t h = 0; h < 100; ++h) {
        mac_address victim{0x02, 0x99, 0, 0, 0x02, static_cast<uint8_t>(2 + h)};
        ip_address vip = make_ipv4(10, 99, 2, static_cast<uint8_t>(2 + h));
        for (const auto& f :
             {tcp_frame({attacker, victim, aip, vip, {}}, 45678, uint16_t(port), tcp_syn),
              tcp_frame({victim, attacker, vip, aip, {}}, uint16_t(port), 45678,
                        tcp_rst | tcp_ack)}) {
          a.frames.emplace_back(a.bytes.size(), f.size());
          a.bytes.insert(a.bytes.end(), f.begin(), f.end());
        }
      }
    return a;
  }();
  return t;
}

void attack_decode_track(benchmark::State& state) {
  const auto& a = attack();
  auto policy = std::make_shared<const isolation::flow_policy>(bench::replay_policy());
  size_t total = 0;
  for (auto _ : state) {
    isolation::flow_tracker tracker{policy};
    auto at = isolation::timestamp{std::chrono::seconds{1'714'521'600}};
    uint64_t sink = 0;
    for (const auto& [offset, length] : a.frames) {
      at += std::chrono::microseconds{1};
      auto summary = protocols::pcap::decode_frame({a.bytes.data() + offset, length});
      sink += static_cast<uint64_t>(tracker.observe(summary, at));
    }
    benchmark::DoNotOptimize(sink);
    state.counters["flows_evicted"] =
      static_cast<double>(tracker.counters().flows_evicted);
    total += a.frames.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}

// Collects items_per_second of each benchmark besides printing them.
class collecting_reporter : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end() && r.run_type == Run::RT_Iteration)
        rates[r.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
};

} // namespace

BENCHMARK(read_only)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_decode)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_decode_track)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(attack_decode_track)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  size_t packets = 1'200'000;
  std::string keep;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--write-replay=", 0) == 0) {
      auto path = a.substr(15);
      auto err = bench::write_replay_scenario(path);
      if (!err.empty()) {
        std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), err.c_str());
        return 1;
      }
      std::printf("wrote %s\n", path.c_str());
      return 0;
    }
    if (a.rfind("--packets=", 0) == 0)
      packets = std::strtoull(a.c_str() + 10, nullptr, 10);
    else if (a.rfind("--keep=", 0) == 0)
      keep = a.substr(7);
    else
      rest.push_back(argv[i]);
  }
  namespace fs = std::filesystem;
  fs::path dir;
  if (keep.empty()) {
    char tmpl[] = "/tmp/kagami-bench-flow-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
    traffic_path = (dir / "factory.pcap").string();
  } else {
    traffic_path = keep;
  }
  std::printf("generating %zu packets of factory traffic into %s\n", packets,
              traffic_path.c_str());
  auto err = bench::write_factory_traffic(traffic_path, packets);
  if (!err.empty()) {
    std::fprintf(stderr, "cannot write %s: %s\n", traffic_path.c_str(), err.c_str());
    return 1;
  }
  std::error_code ec;
  std::printf("file: %ju bytes\n", static_cast<uintmax_t>(fs::file_size(traffic_path, ec)));
  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // One more pass for what the tracker made of the traffic.
  {
    isolation::flow_tracker tracker{
      std::make_shared<const isolation::flow_policy>(bench::replay_policy())};
    char errbuf[PCAP_ERRBUF_SIZE];
    if (pcap_t* p = pcap_open_offline(traffic_path.c_str(), errbuf)) {
      pcap_pkthdr* h = nullptr;
      const u_char* bytes = nullptr;
      while (pcap_next_ex(p, &h, &bytes) == 1)
        tracker.observe(protocols::pcap::decode_frame({bytes, h->caplen}, h->len),
                        isolation::timestamp{std::chrono::seconds{h->ts.tv_sec}
                                             + std::chrono::microseconds{h->ts.tv_usec}});
      pcap_close(p);
      std::printf("\ntracker counters: %s\n", tracker.counters().to_json().dump().c_str());
      for (const auto& v : tracker.take_new_violations())
        std::printf("violation: %s %s, %ju packets to %ju hosts, %ju ports\n",
                    v.suspect_mac.c_str(), isolation::to_string(v.kind),
                    static_cast<uintmax_t>(v.packets), static_cast<uintmax_t>(v.distinct_hosts),
                    static_cast<uintmax_t>(v.distinct_ports));
    }
  }
  if (!dir.empty())
    fs::remove_all(dir, ec);
  auto base = reporter.rates["read_only/real_time"];
  std::printf("\npackets/s (one core):\n");
  for (const char* name : {"read_only", "read_decode", "read_decode_track"}) {
    auto r = reporter.rates[std::string(name) + "/real_time"];
    std::printf("  %-18s %8.3f Mpps  %.2fx of the read-only baseline\n", name, r / 1e6,
                base > 0 ? r / base : 0.0);
  }
  std::printf("  %-18s %8.3f Mpps  (from memory: a scan where every packet is a new flow)\n",
              "attack_decode_track", reporter.rates["attack_decode_track/real_time"] / 1e6);
  std::printf("goal: >= 1.5 Mpps (1 GbE, 64-byte frames)\n");
  return 0;
}
