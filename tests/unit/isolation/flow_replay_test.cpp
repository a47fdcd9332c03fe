// Replay of a stored capture (tests/data/pcap/factory_scan.pcap, written by
// `kagami-bench-flow --write-replay=PATH`, see tools/bench/flow_traffic.hpp)
// through the packet decoder and the flow tracker, in batches as the live
// capture hands them over: normal Modbus/HTTP polls, ARP, LLDP, DHCP and
// SSDP make no violation; the SYN scan makes the attacker a port_scan
// suspect in the batch of its first packet, and its victims answering with
// RST and SYN-ACK are not suspects; the lateral UDP sender is a
// lateral_connection suspect.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pcap/pcap.h>

#include <gtest/gtest.h>

#include "actors/isolation/flow_policy.hpp"
#include "actors/isolation/flow_tracker.hpp"
#include "protocols/pcap/packet_decoder.hpp"

using namespace kagami::isolation;
using namespace kagami::protocols::pcap;

namespace {

const std::string capture = KAGAMI_SOURCE_DIR "/tests/data/pcap/factory_scan.pcap";

// The policy of that traffic.
flow_policy_config scenario_policy() {
  flow_policy_config c;
  c.gateway_macs = {*parse_mac("02:99:00:00:00:01")};
  c.gateway_ips = {*parse_ip("10.99.1.1")};
  c.exempt_macs = {*parse_mac("02:99:00:00:00:f1")};
  c.allowances.push_back({17, *parse_ip("239.255.255.250"), 1900});
  return c;
}

struct replay_result {
  std::map<std::string, violation> reported; // latest report per suspect
  std::map<std::string, violation> final;    // the snapshot at the end
  std::map<std::string, size_t> new_in_batch;
  std::map<std::string, size_t> first_outside_batch;
  size_t packets = 0;
  flow_tracker_counters counters;
};

replay_result replay(size_t batch_size) {
  replay_result r;
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(capture.c_str(), err);
  if (!p) {
    ADD_FAILURE() << err;
    return r;
  }
  EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
  flow_tracker tracker{std::make_shared<const flow_policy>(scenario_policy())};
  pcap_pkthdr* h = nullptr;
  const u_char* bytes = nullptr;
  size_t batch = 0;
  size_t in_batch = 0;
  timestamp last{};
  auto end_batch = [&] {
    for (auto& v : tracker.take_new_violations()) {
      r.new_in_batch[v.suspect_mac] = batch;
      r.reported[v.suspect_mac] = v;
    }
    for (auto& v : tracker.take_updated(last))
      r.reported[v.suspect_mac] = v;
    ++batch;
    in_batch = 0;
  };
  while (pcap_next_ex(p, &h, &bytes) == 1) {
    auto s = decode_frame({bytes, h->caplen}, h->len);
    last = timestamp{std::chrono::seconds{h->ts.tv_sec}
                     + std::chrono::microseconds{h->ts.tv_usec}};
    if (tracker.observe(s, last) == verdict::outside)
      r.first_outside_batch.emplace(format_mac(s.source_mac), batch);
    ++r.packets;
    if (++in_batch == batch_size)
      end_batch();
  }
  end_batch();
  pcap_close(p);
  // The final state: every suspect's evidence as of the end.
  for (auto& v : tracker.snapshot())
    r.final[v.suspect_mac] = v;
  r.counters = tracker.counters();
  return r;
}

} // namespace

TEST(flow_replay, stored_capture_gives_exactly_the_expected_violations) {
  auto r = replay(32);
  EXPECT_EQ(r.packets, 295u);
  EXPECT_EQ(r.counters.by_status[size_t(decode_status::ok)], 295u);
  EXPECT_EQ(r.counters.violations, 2u);
  ASSERT_EQ(r.reported.size(), 2u);
  ASSERT_EQ(r.final.size(), 2u);

  ASSERT_TRUE(r.final.count("02:99:00:00:00:66"));
  const auto& attacker = r.final["02:99:00:00:00:66"];
  EXPECT_EQ(r.reported["02:99:00:00:00:66"].kind, violation_kind::port_scan);
  EXPECT_EQ(attacker.kind, violation_kind::port_scan);
  EXPECT_EQ(attacker.suspect_ip, "10.99.1.102");
  // 2 ARP requests and 40 SYNs; its resets of the open ports answer the
  // victims' SYN-ACKs.
  EXPECT_EQ(attacker.packets, 42u);
  EXPECT_EQ(attacker.distinct_hosts, 2u);
  EXPECT_EQ(attacker.distinct_ports, 21u); // 1-19, 502 and 80
  ASSERT_EQ(attacker.destinations.size(), 2u);
  EXPECT_EQ(attacker.destinations[0].ip, "10.99.1.17");
  EXPECT_EQ(attacker.destinations[0].distinct_ports, 20u);
  EXPECT_EQ(attacker.destinations[1].ip, "10.99.1.18");
  EXPECT_EQ(attacker.destinations[1].mac, "02:99:00:00:00:12");
  EXPECT_EQ(attacker.destinations[1].distinct_ports, 20u);
  EXPECT_FALSE(attacker.samples.empty());
  // Reported in the very batch of its first out-of-policy packet.
  EXPECT_EQ(r.new_in_batch["02:99:00:00:00:66"], r.first_outside_batch["02:99:00:00:00:66"]);

  ASSERT_TRUE(r.final.count("02:99:00:00:00:14"));
  const auto& lateral = r.final["02:99:00:00:00:14"];
  EXPECT_EQ(r.reported["02:99:00:00:00:14"].kind, violation_kind::lateral_connection);
  EXPECT_EQ(lateral.kind, violation_kind::lateral_connection);
  EXPECT_EQ(lateral.suspect_ip, "10.99.1.20");
  EXPECT_EQ(lateral.packets, 3u);
  ASSERT_EQ(lateral.destinations.size(), 1u);
  EXPECT_EQ(lateral.destinations[0].ip, "10.99.1.19");
  EXPECT_EQ(lateral.destinations[0].ports, std::vector<uint16_t>{5000});

  // The victims, the other devices, the gateway and the switch: nothing.
  for (const char* m : {"02:99:00:00:00:11", "02:99:00:00:00:12", "02:99:00:00:00:13",
                        "02:99:00:00:00:01", "02:99:00:00:00:f1"})
    EXPECT_EQ(r.first_outside_batch.count(m), 0u) << m;
  EXPECT_EQ(r.counters.responses, 2u /*ARP*/ + 40u /*RST, SYN-ACK*/ + 2u /*RST*/ + 1u /*UDP*/);
}

TEST(flow_replay, batch_size_does_not_change_the_outcome) {
  auto one = replay(1);
  auto many = replay(4096);
  ASSERT_EQ(one.final.size(), 2u);
  ASSERT_EQ(many.final.size(), 2u);
  for (const auto& [mac, v] : one.final) {
    // The same evidence; only the number of reports differs.
    auto a = many.final[mac].to_json();
    auto b = v.to_json();
    a.erase("revision");
    b.erase("revision");
    EXPECT_EQ(a, b) << mac;
    EXPECT_EQ(many.reported[mac].kind, one.reported[mac].kind) << mac;
  }
}
