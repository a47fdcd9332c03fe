#pragma once

// The HTIP discovery source: captures LLDP frames (EtherType 0x88CC) with
// libpcap on the OT interface and reports every device that announces HTIP
// device information (TTC JJ-300.00).
//
// Thread contract (see discovery_source): start() opens the capture and
// starts its thread and a supervisor thread. The sink is called from one
// thread at a time: the capture thread, or between two captures the
// supervisor. stop() joins both, after which the sink is never called
// again. stats() and failure() are thread-safe.
//
// When the capture fails after start (link down, the interface deleted and
// re-created, a capture-thread error), the failure is reported as
// sink.rejected(htip, "pcap:<iface>", reason) and the supervisor reopens the
// capture after reopen_delay, doubling the wait after each failed attempt up
// to reopen_max_delay, until it succeeds or stop() is called. A failed
// reopen is reported when its reason differs from the last one reported.
// The wait is reset to reopen_delay only when a capture ran for at least
// reopen_max_delay, so a flapping link is reported at most once per wait.
// Both threads are created by start() and therefore capture in the network
// namespace of the thread that called start().
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
// - An exception while handling a frame (std::bad_alloc, a throwing sink):
//   the frame is dropped and sink.rejected(htip, "pcap:<iface>", "internal
//   error: ...") is reported at most every 10 s; the capture goes on.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <caf/error.hpp>

#include "protocols/discovery/discovery.hpp"
#include "protocols/discovery/internal_error.hpp"
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
  /// Called on the capture thread with every well-formed frame that carries
  /// HTIP link information (an L2 agent's MAC table), before and whatever
  /// the device-information handling does. Must be quick; an exception is
  /// handled like one of the sink's. Empty: not called.
  std::function<void(const lldp_frame&)> on_link_information;
  /// The first wait before reopening a failed capture (10 ms..60 s), and
  /// the most it doubles to (reopen_delay..10 min).
  std::chrono::milliseconds reopen_delay{1'000};
  std::chrono::milliseconds reopen_max_delay{30'000};

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
  uint64_t internal_errors = 0;  ///< Frames dropped by an exception.
  uint64_t capture_failures = 0; ///< Captures that failed after start.
  uint64_t reopens = 0;          ///< Captures reopened after a failure.
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

  /// The error that ended the last capture while no reopened capture runs
  /// yet (the interface is down or gone), or none.
  caf::error failure() const;

private:
  /// Opens and starts a capture and makes it current.
  caf::error open_capture();
  /// The failure handler of every capture (on its thread).
  void on_capture_failed(const caf::error& err);
  /// The supervisor thread: waits for a failure, reopens with back-off.
  void supervise();
  /// Calls sink.rejected(htip, seen_on_, reason); swallows a throw.
  void report_capture_problem(std::string reason);
  void on_batch(std::span<const pcap::captured_packet> batch);
  void handle(const pcap::captured_packet& pkt);
  /// Counts a malformed frame and reports it unless the limiter holds it.
  void reject(std::span<const uint8_t> frame, std::string reason,
              throttle_clock::time_point now);

  htip_discovery_options opts_;
  std::string seen_on_;
  discovery_sink sink_;
  bool started_ = false;
  // Guards capture_ (replaced by the supervisor) and the supervisor state.
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::unique_ptr<pcap::live_capture> capture_;
  std::chrono::steady_clock::time_point capture_started_;
  /// The counters of captures that failed, so stats() keeps counting.
  pcap::capture_stats capture_base_;
  bool stopping_ = false;
  bool capture_failed_ = false;
  caf::error failure_;
  std::thread supervisor_;
  // Owned by the capture thread (one capture thread at a time; the
  // supervisor joins a failed one before it starts the next).
  sighting_throttle throttle_;
  report_limiter reject_limiter_;
  internal_error_reporter internal_errors_;
  // Counters, written by the capture thread.
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> sightings_{0};
  std::atomic<uint64_t> repeats_dropped_{0};
  std::atomic<uint64_t> without_htip_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> rejects_suppressed_{0};
  std::atomic<uint64_t> macs_evicted_{0};
  std::atomic<uint64_t> internal_errors_count_{0};
  std::atomic<uint64_t> capture_failures_{0};
  std::atomic<uint64_t> reopens_{0};
};

} // namespace kagami::protocols::lldp_htip
