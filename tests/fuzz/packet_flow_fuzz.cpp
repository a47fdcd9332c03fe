// libFuzzer target for the flow monitor's per-packet path: the packet
// decoder (protocols/pcap/packet_decoder.hpp) and the flow tracker with a
// small policy and small tables (actors/isolation/flow_tracker.hpp).
//
// Input: a sequence of records [length: 2 bytes, big endian, taken modulo
// 2048][time step: 1 byte, in ms][frame: length bytes (fewer at the end)],
// so several frames hit one tracker. Invariants: decoding never crashes and
// is deterministic; the summary's layers are consistent with its status;
// the tracker's verdicts are resolved, its tables never exceed their
// limits, its counters add up, and every violation respects the kept-list
// bounds and serializes to JSON.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include <nlohmann/json.hpp>

#include "actors/isolation/flow_policy.hpp"
#include "actors/isolation/flow_tracker.hpp"
#include "protocols/pcap/packet_decoder.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami::isolation;
using namespace kagami::protocols::pcap;
using kagami::fuzz::check;

namespace {

std::shared_ptr<const flow_policy> small_policy() {
  flow_policy_config c;
  c.gateway_macs = {{0x02, 0x99, 0, 0, 0, 0x01}};
  c.gateway_ips = {make_ipv4(10, 99, 1, 1)};
  c.exempt_macs = {{0x02, 0x99, 0, 0, 0, 0xf1}};
  c.dhcp_servers = {make_ipv4(10, 99, 1, 2)};
  c.allowances.push_back({17, make_ipv4(239, 255, 255, 250), 1900});
  c.allowances.push_back({6, std::nullopt, 443});
  return std::make_shared<const flow_policy>(c);
}

void check_summary(const packet_summary& s, size_t size) {
  check(s.captured_length == size);
  check(s.has_ethernet == (size >= 14));
  check(s.vlan_count <= max_vlan_tags_supported);
  check(static_cast<size_t>(s.status) < decode_status_count);
  if (s.transport != transport_layer::none)
    check(s.network == network_layer::ipv4 || s.network == network_layer::ipv6);
  if (s.later_fragment)
    check(s.transport == transport_layer::none);
  if (s.network == network_layer::arp || s.network == network_layer::lldp)
    check(s.status == decode_status::ok);
  if (!s.has_ethernet)
    check(s.status == decode_status::truncated && s.network == network_layer::none);
  if (s.network == network_layer::ipv4 || s.network == network_layer::ipv6)
    check(s.source_ip.version == (s.network == network_layer::ipv4 ? 4 : 6));
  check(!describe(s).empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto policy = small_policy();
  flow_tracker_limits limits;
  limits.max_flows = 16;
  limits.max_suspects = 4;
  limits.max_destinations = 3;
  limits.max_ports_per_destination = 4;
  limits.max_samples = 2;
  limits.flow_idle_timeout = std::chrono::milliseconds{500};
  limits.suspect_idle_timeout = std::chrono::milliseconds{2000};
  classification_thresholds thresholds;
  thresholds.port_scan_ports = 3;
  thresholds.host_sweep_hosts = 2;
  thresholds.flood_packets = 8;
  flow_tracker tracker{policy, limits, thresholds};
  timestamp now{std::chrono::seconds{1'700'000'000}};
  size_t frames = 0;
  size_t pos = 0;
  while (pos + 3 <= size) {
    size_t length = ((size_t{data[pos]} << 8) | data[pos + 1]) % 2048;
    now += std::chrono::milliseconds{data[pos + 2]};
    pos += 3;
    length = std::min(length, size - pos);
    std::span<const uint8_t> frame{data + pos, length};
    pos += length;
    auto s = decode_frame(frame);
    check_summary(s, length);
    check(describe(decode_frame(frame)) == describe(s));
    decoder_limits strict;
    strict.max_vlan_tags = 0;
    strict.max_ipv6_extension_headers = 0;
    check_summary(decode_frame(frame, 0, strict), length);
    auto v = tracker.observe(s, now);
    check(v == verdict::not_subject || v == verdict::allowed || v == verdict::response
          || v == verdict::outside);
    ++frames;
    auto c = tracker.counters();
    check(c.flows <= limits.max_flows && c.suspects <= limits.max_suspects);
    if (frames % 7 == 0) {
      for (const auto& x : tracker.take_new_violations())
        check(x.revision == 1);
      tracker.take_updated(now);
    }
  }
  auto c = tracker.counters();
  check(c.packets == frames);
  check(c.not_subject + c.allowed + c.responses + c.out_of_policy == frames);
  uint64_t by_status = 0;
  for (auto n : c.by_status)
    by_status += n;
  check(by_status == frames);
  for (const auto& x : tracker.snapshot()) {
    check(x.suspect_mac.size() == 17);
    check(x.packets >= 1 && x.packets <= frames);
    check(x.destinations.size() <= limits.max_destinations);
    check(x.distinct_hosts >= x.destinations.size());
    check(x.samples.size() <= limits.max_samples);
    check(x.samples.size() == std::min<uint64_t>(x.packets, limits.max_samples));
    for (const auto& d : x.destinations) {
      check(d.ports.size() <= limits.max_ports_per_destination);
      check(d.distinct_ports >= d.ports.size());
    }
    check(!x.to_json().dump().empty());
  }
  return 0;
}
