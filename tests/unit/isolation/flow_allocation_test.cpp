// The capture thread's contract: decoding and observe() allocate nothing per
// packet, also when the tables are full and evict (new flows, new suspects,
// a scan, a flood). Counted by replacing the global operator new in this
// test binary; counting is on only inside the measured loop.

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <gtest/gtest.h>

#include "actors/isolation/flow_policy.hpp"
#include "actors/isolation/flow_tracker.hpp"
#include "protocols/pcap/frame_builder.hpp"
#include "protocols/pcap/packet_decoder.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};
} // namespace

// GCC 12 cannot see that this pair replaces the global new and delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  if (counting.load(std::memory_order_relaxed))
    allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n))
    return p;
  throw std::bad_alloc{};
}

void operator delete(void* p) noexcept {
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace kagami::isolation;
using namespace kagami::protocols::pcap;
using namespace std::chrono_literals;

TEST(flow_allocation, observe_never_allocates_per_packet) {
  flow_policy_config c;
  mac_address gw{0x02, 0x99, 0, 0, 0, 0x01};
  c.gateway_macs = {gw};
  c.gateway_ips = {make_ipv4(10, 99, 1, 1)};
  flow_tracker_limits l;
  l.max_flows = 512;
  l.max_suspects = 16;
  l.max_destinations = 4;
  l.max_ports_per_destination = 8;
  l.max_samples = 4;
  flow_tracker tracker{std::make_shared<const flow_policy>(c), l};
  // Frames: polls to the gateway, a scan of many hosts and ports from 64
  // attackers (more than max_suspects), victims' answers, ARP, a flood.
  std::vector<frame_bytes> frames;
  for (uint32_t i = 0; i < 20'000; ++i) {
    uint8_t a = static_cast<uint8_t>(i % 64);
    mac_address attacker{0x02, 0x66, 0, 0, 0, a};
    mac_address victim{0x02, 0x99, 0, 0, 1, static_cast<uint8_t>(i % 200)};
    ip_address aip = make_ipv4(10, 99, 3, a);
    ip_address vip = make_ipv4(10, 99, 4, static_cast<uint8_t>(i % 200));
    frame_ends scan{attacker, victim, aip, vip, {}};
    frame_ends answer{victim, attacker, vip, aip, {}};
    frame_ends poll{victim, gw, vip, make_ipv4(10, 99, 1, 1), {}};
    auto port = static_cast<uint16_t>(i);
    frames.push_back(tcp_frame(scan, 40000, port, tcp_syn));
    frames.push_back(tcp_frame(answer, port, 40000, tcp_rst | tcp_ack));
    frames.push_back(tcp_frame(poll, 502, 40000, tcp_psh | tcp_ack, 12));
    frames.push_back(udp_frame(scan, 40000, 9, 100));
    frames.push_back(arp_frame(arp_request, attacker, aip, {}, vip, broadcast_mac));
  }
  timestamp now{std::chrono::seconds{1'700'000'000}};
  // Warm up: fill every table once.
  for (const auto& f : frames) {
    now += 10us;
    tracker.observe(decode_frame(f), now);
  }
  tracker.take_new_violations();
  tracker.take_updated(now + 1h);
  allocations = 0;
  counting = true;
  for (int round = 0; round < 3; ++round)
    for (const auto& f : frames) {
      now += 10us;
      tracker.observe(decode_frame(f), now);
    }
  counting = false;
  EXPECT_EQ(allocations.load(), 0u);
  auto counters = tracker.counters();
  EXPECT_EQ(counters.packets, 4 * frames.size());
  EXPECT_GT(counters.flows_evicted, 0u);
  EXPECT_GT(counters.suspects_evicted, 0u);
  EXPECT_LE(counters.suspects, l.max_suspects);
  // The take calls allocate (they build the reports), and that is counted.
  counting = true;
  auto v = tracker.take_new_violations();
  counting = false;
  EXPECT_FALSE(v.empty());
  EXPECT_GT(allocations.load(), 0u);
}
