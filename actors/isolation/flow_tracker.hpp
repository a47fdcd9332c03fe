#pragma once

// The flow monitor's memory (issue 6): it applies the flow policy to every
// decoded packet, remembers recent flows (to tell responses from
// initiations), and keeps evidence per suspect (a source MAC that sent
// traffic outside the policy), with a classification of the violation.
// Plain C++, no CAF; the flow_monitor actor's capture thread owns one.
//
// Thread contract: not thread-safe. One thread (the capture thread) calls
// observe() per packet and, between batches, set_policy(), the take_*()
// calls, snapshot() and counters().
//
// Memory contract: every table is bounded by flow_tracker_limits and
// allocated in the constructor. observe() never allocates and never throws:
// a full table evicts its least recently seen entry. Only the take_*() and
// snapshot() calls allocate, for the violations they return (the sample
// lines are formatted there, never per packet).
//
// Time is the packets' own (capture timestamps); the tracker never reads a
// clock. take_updated() takes the caller's `now` for its throttle.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actors/isolation/flow_policy.hpp"
#include "protocols/pcap/packet_decoder.hpp"

namespace kagami::isolation {

using timestamp = std::chrono::system_clock::time_point;

/// What kind of violation a suspect's out-of-policy traffic looks like,
/// from least to most severe. A suspect's kind only ever rises.
enum class violation_kind : uint8_t {
  /// Out of policy, but neither TCP/UDP to a device nor above a threshold
  /// (an ICMP echo request, an ARP request for a neighbour, a non-IP frame).
  unknown,
  /// TCP or UDP to another device (unicast), below the thresholds.
  lateral_connection,
  /// At least host_sweep_hosts distinct destination hosts.
  host_sweep,
  /// At least port_scan_ports distinct destination ports on one host.
  port_scan,
  /// At least flood_packets packets to one host within flood_window.
  flood,
};

/// "unknown", "lateral_connection", "host_sweep", "port_scan" or "flood".
const char* to_string(violation_kind x);

/// The bounds of every table. All memory is allocated in the constructor.
struct flow_tracker_limits {
  /// Flows remembered for the response rules (TCP/UDP 5-tuples with MACs,
  /// ARP requests, and the peers an out-of-policy packet contacted: a packet
  /// back to a peer that contacted its sender first, unicast or an ARP
  /// request for the contacting IP, is a response).
  size_t max_flows = 65536;
  /// A flow not seen for this long is forgotten: a packet in the reverse
  /// direction after that is no longer a response.
  std::chrono::milliseconds flow_idle_timeout{60'000};
  /// Suspects with evidence.
  size_t max_suspects = 1024;
  /// A suspect not seen for this long is forgotten; its next out-of-policy
  /// packet is a new violation.
  std::chrono::milliseconds suspect_idle_timeout{600'000};
  /// Destinations kept per suspect (counts go on beyond, estimated).
  size_t max_destinations = 32;
  /// Ports kept per destination (counts go on beyond, estimated).
  size_t max_ports_per_destination = 64;
  /// Packet summaries kept per suspect as evidence (the first ones).
  size_t max_samples = 8;
  /// take_updated() reports a suspect at most this often, unless its kind
  /// changed.
  std::chrono::milliseconds update_interval{1000};
};

/// When out-of-policy traffic gets which kind (violation_kind).
struct classification_thresholds {
  size_t port_scan_ports = 10;
  size_t host_sweep_hosts = 5;
  size_t flood_packets = 1000;
  std::chrono::milliseconds flood_window{1000};
};

/// One destination of a suspect's out-of-policy traffic. A host is its IP
/// when the packet had one (an ARP request counts for its target IP), else
/// its MAC.
struct violation_destination {
  /// "02:99:00:00:00:11", or "" when only an ARP request was seen.
  std::string mac;
  /// "10.99.1.11", or "" for non-IP traffic.
  std::string ip;
  /// Destination ports (TCP/UDP), at most max_ports_per_destination, in the
  /// order first seen.
  std::vector<uint16_t> ports;
  /// Distinct ports: exact while `ports` holds them all, an estimate after.
  uint64_t distinct_ports = 0;
  uint64_t packets = 0;
};

/// A suspect and its evidence.
struct violation {
  /// The source MAC, "aa:bb:cc:dd:ee:ff" in lower case.
  std::string suspect_mac;
  /// The source IP of its first out-of-policy IP (or ARP) packet; "" if none.
  std::string suspect_ip;
  violation_kind kind = violation_kind::unknown;
  /// Of its out-of-policy packets, in ms since the epoch.
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  /// Out-of-policy packets and their bytes on the wire.
  uint64_t packets = 0;
  uint64_t bytes = 0;
  /// The first max_destinations destinations.
  std::vector<violation_destination> destinations;
  /// Distinct destination hosts and distinct destination ports (over all
  /// hosts): exact while every one is kept, estimated (linear counting over
  /// a 4096-bit bitmap, within a few percent below ~10,000) beyond.
  uint64_t distinct_hosts = 0;
  uint64_t distinct_ports = 0;
  /// The first out-of-policy packets, one line each:
  /// "2024-05-01T12:00:00.123Z 02:99:... > ... tcp 10.99.1.66:40000 > 10.99.1.11:502 [S] 60 bytes".
  std::vector<std::string> samples;
  /// 1 for the first report of this suspect, +1 for every later one.
  uint64_t revision = 0;

  nlohmann::json to_json() const;
};

/// What the tracker has seen, since construction.
struct flow_tracker_counters {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  /// Packets by decode_status (index: the enum value).
  std::array<uint64_t, protocols::pcap::decode_status_count> by_status{};
  uint64_t not_subject = 0;
  uint64_t allowed = 0;
  uint64_t responses = 0;
  uint64_t out_of_policy = 0;
  /// Suspects created (each one a new violation).
  uint64_t violations = 0;
  uint64_t flows_evicted = 0;
  uint64_t suspects_evicted = 0;
  /// Current table sizes.
  uint64_t flows = 0;
  uint64_t suspects = 0;

  nlohmann::json to_json() const;
};

class flow_tracker {
public:
  /// `policy` must not be null.
  explicit flow_tracker(std::shared_ptr<const flow_policy> policy,
                        flow_tracker_limits limits = {},
                        classification_thresholds thresholds = {});
  ~flow_tracker();
  flow_tracker(const flow_tracker&) = delete;
  flow_tracker& operator=(const flow_tracker&) = delete;

  /// Judges one packet and updates the flows and evidence. Packets should
  /// come in time order; an older timestamp is treated as the newest seen.
  /// Returns the resolved verdict: not_subject, allowed, response or
  /// outside. Never allocates, never throws.
  verdict observe(const packet_summary& p, timestamp at);

  /// Replaces the policy (not null); flows and suspects are kept.
  void set_policy(std::shared_ptr<const flow_policy> policy);

  /// Suspects whose first out-of-policy packet came since the last call,
  /// each with its evidence as of now. A suspect appears here once (again
  /// only after it was forgotten).
  std::vector<violation> take_new_violations();

  /// Suspects reported before (by either take call) whose evidence changed
  /// since their last report, at most once per update_interval each, or at
  /// once when their kind changed. A suspect with a pending new violation
  /// is not in here.
  std::vector<violation> take_updated(timestamp now);

  /// Every current suspect's evidence (for inspection); changes nothing.
  std::vector<violation> snapshot() const;

  flow_tracker_counters counters() const;

  const flow_tracker_limits& limits() const {
    return limits_;
  }

private:
  struct impl;
  flow_tracker_limits limits_;
  std::unique_ptr<impl> impl_;
};

} // namespace kagami::isolation
