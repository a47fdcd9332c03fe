#pragma once

// The HTIP discovery source: captures LLDP frames (EtherType 0x88CC) with
// libpcap on the OT interface and reports every device that announces HTIP
// device information (TTC JJ-300.00).
//
// Thread contract (see discovery_source): start() opens the capture and
// starts its thread; the sink is called on that thread only. stop() joins
// it, after which the sink is never called again. stats() and failure() are
// thread-safe.
//
// What reaches the sink, and how much:
// - A frame with HTIP device information: sink.seen(htip_sighting(frame,
//   "pcap:<iface>")). Per source MAC, an unchanged sighting is reported at
//   most once per `min_repeat`; a changed fingerprint is reported at once.
//   At most `max_tracked_macs` MACs are remembered (least recently seen
//   forgotten first).
// - An LLDP frame without HTIP: nothing (not an error).
// - A malformed frame: sink.rejected(htip, "<src mac>" or "unknown", reason),
//   at most `max_rejects_per_window` per `reject_window`; suppressed reports
//   are counted and the next report says how many were suppressed.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <caf/error.hpp>

#include "protocols/discovery/discovery.hpp"
#include "protocols/lldp_htip/lldp_parser.hpp"
#include "protocols/lldp_htip/report_throttle.hpp"
#include "protocols/pcap/live_capture.hpp"

namespace kagami::protocols::lldp_htip {

struct htip_discovery_options {
  /// The OT interface, e.g. "ot0". Required.
  std::string interface;
  /// Receive LLDP's group address on NICs that filter multicast.
  bool promiscuous = true;
  /// An unchanged sighting of one MAC is reported at most this often.
  std::chrono::milliseconds min_repeat{10'000};
  /// The most MACs remembered for min_repeat.
  size_t max_tracked_macs = 4096;
  /// Rejected-frame reports: at most this many per window.
  size_t max_rejects_per_window = 20;
  std::chrono::milliseconds reject_window{10'000};
  /// Frame limits; max_frame also sets the capture's snaplen.
  lldp_limits limits;

  /// ec::config_invalid naming the field when a value is out of range.
  caf::error validate() const;
};

/// Counters of one htip_discovery.
struct htip_discovery_stats {
  pcap::capture_stats capture;
  uint64_t frames = 0;           ///< Frames parsed (LLDP or not).
  uint64_t sightings = 0;        ///< Reported to sink.seen.
  uint64_t repeats_dropped = 0;  ///< Held back by min_repeat.
  uint64_t without_htip = 0;     ///< Valid LLDP without HTIP device information.
  uint64_t rejected = 0;         ///< Malformed frames, reported or not.
  uint64_t rejects_suppressed = 0; ///< Malformed frames not reported (rate limit).
  uint64_t macs_evicted = 0;     ///< MACs forgotten because the table was full.
};

class htip_discovery final : public discovery_source {
public:
  /// Validates nothing yet; start() does.
  explicit htip_discovery(htip_discovery_options opts);
  ~htip_discovery() override;

  discovery_kind kind() const override {
    return discovery_kind::htip;
  }

  /// Validates the options, opens the capture with filter
  /// "ether proto 0x88cc" and starts its thread. Errors: ec::config_invalid
  /// (bad options, no such interface, not an Ethernet interface),
  /// ec::unavailable (no permission: capture needs root or CAP_NET_RAW),
  /// ec::invalid_value (called twice).
  caf::error start(discovery_sink sink) override;

  void stop() override;

  htip_discovery_stats stats() const;

  /// The error that ended the capture after start (the interface went
  /// away), or none.
  caf::error failure() const;

private:
  void on_batch(std::span<const pcap::captured_packet> batch);
  void handle(const pcap::captured_packet& pkt);
  /// Counts a malformed frame and reports it unless the limiter holds it.
  void reject(std::span<const uint8_t> frame, std::string reason,
              throttle_clock::time_point now);

  htip_discovery_options opts_;
  std::string seen_on_;
  discovery_sink sink_;
  std::unique_ptr<pcap::live_capture> capture_;
  bool started_ = false;
  // Owned by the capture thread.
  sighting_throttle throttle_;
  report_limiter reject_limiter_;
  // Counters, written by the capture thread.
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> sightings_{0};
  std::atomic<uint64_t> repeats_dropped_{0};
  std::atomic<uint64_t> without_htip_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> rejects_suppressed_{0};
  std::atomic<uint64_t> macs_evicted_{0};
};

} // namespace kagami::protocols::lldp_htip
