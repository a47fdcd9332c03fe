#pragma once

// Live packet capture with libpcap on one interface, on a thread of its own.
//
// Thread contract:
// - open() and start() are called by the owner, start() at most once.
// - The batch handler runs on the capture thread only, one call at a time.
//   The packets and their bytes are valid only during that call: copy what
//   you keep. The handler must not call stop() (it would deadlock; the call
//   is detected and ignored). It should not throw: an exception out of it
//   (or std::bad_alloc in the thread) ends the capture like a pcap failure,
//   with the reason "internal error: <what>", and never reaches
//   std::terminate.
// - The failure handler runs on the capture thread, at most once, as the
//   thread's last act; an exception out of it is ignored.
// - stop() may be called from any other thread, any number of times. It wakes
//   the capture thread at once (an eventfd next to pcap's selectable fd),
//   joins it, and after it returns the handlers are never called again. The
//   destructor calls stop().
// - stats() and failure() are thread-safe: the capture thread refreshes the
//   counters, so pcap's handle is only ever touched by one thread at a time.
//
// No per-packet allocation: a batch is copied into buffers sized once at
// start (max_batch × snaplen bytes).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

struct pcap;
struct pcap_pkthdr;

namespace kagami::protocols::pcap {

struct capture_options {
  /// The interface, e.g. "ot0". Required.
  std::string interface;
  /// Bytes kept of each packet (64..65535).
  int snaplen = 2048;
  /// Receive frames for other MACs and groups too (a mirror port, LLDP's
  /// 01:80:c2:00:00:0e on a NIC that filters multicast).
  bool promiscuous = false;
  /// A BPF filter in tcpdump syntax, e.g. "ether proto 0x88cc"; empty takes
  /// everything.
  std::string filter;
  /// The most packets handed over in one batch (1..4096).
  size_t max_batch = 64;
  /// How often the capture thread wakes without traffic to refresh stats
  /// (10 ms..10 s). stop() does not wait for it.
  std::chrono::milliseconds poll_interval{200};

  /// ec::config_invalid naming the field when a value is out of range.
  caf::error validate() const;
};

/// One captured packet, valid only during the batch handler's call.
struct captured_packet {
  std::chrono::system_clock::time_point timestamp;
  /// The captured bytes (at most snaplen).
  std::span<const uint8_t> bytes;
  /// The length on the wire.
  uint32_t wire_length = 0;
};

/// pcap_stats of the handle plus what this capture delivered.
struct capture_stats {
  /// Packets the kernel received for this socket (pcap's ps_recv).
  uint64_t received = 0;
  /// Packets dropped because the buffer was full (ps_drop).
  uint64_t dropped = 0;
  /// Packets the interface dropped (ps_ifdrop), where the OS tells.
  uint64_t interface_dropped = 0;
  /// Packets handed to the batch handler.
  uint64_t delivered = 0;
};

class live_capture {
public:
  using batch_handler = std::function<void(std::span<const captured_packet>)>;
  /// Called once on the capture thread when the capture fails after start
  /// (the interface went down or away, or the batch handler threw); the
  /// thread then ends. The owner reopens (a new live_capture) if it wants.
  using failure_handler = std::function<void(const caf::error&)>;

  /// Opens and activates the capture and installs the filter; nothing is
  /// delivered before start(). Errors carry pcap's message:
  /// ec::config_invalid for invalid options, no such interface or a filter
  /// that does not compile; ec::unavailable for missing permission (capture
  /// needs root or CAP_NET_RAW) and other failures.
  static caf::expected<std::unique_ptr<live_capture>> open(capture_options opts);

  ~live_capture();
  live_capture(const live_capture&) = delete;
  live_capture& operator=(const live_capture&) = delete;

  /// The link-layer type (DLT_EN10MB = 1 for Ethernet).
  int datalink() const;

  /// Starts the capture thread. ec::invalid_value when already started.
  caf::error start(batch_handler on_batch, failure_handler on_failure = {});

  /// Stops and joins the capture thread. Idempotent.
  void stop();

  /// The counters as of the capture thread's last refresh (at most
  /// poll_interval old while running, final after stop()).
  capture_stats stats() const;

  /// The error that ended the capture thread, or none.
  caf::error failure() const;

  const capture_options& options() const {
    return opts_;
  }

private:
  explicit live_capture(capture_options opts);
  void run();
  void capture_loop();
  /// Hands batch_ to the batch handler when it holds packets.
  void deliver_batch();
  /// Records the failure and calls the failure handler.
  void fail(const std::string& why);
  static std::string describe(std::exception_ptr e);
  void refresh_stats();
  static void on_packet(unsigned char* user, const ::pcap_pkthdr* h,
                        const unsigned char* bytes);

  capture_options opts_;
  ::pcap* handle_ = nullptr;
  int wake_fd_ = -1;
  batch_handler on_batch_;
  failure_handler on_failure_;
  std::thread thread_;
  std::mutex stop_mtx_;
  bool started_ = false;
  // The batch under construction: reused, sized at start.
  std::vector<uint8_t> arena_;
  std::vector<captured_packet> batch_;
  // Counters, written by the capture thread.
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> if_dropped_{0};
  std::atomic<uint64_t> delivered_{0};
  mutable std::mutex failure_mtx_;
  caf::error failure_;
};

} // namespace kagami::protocols::pcap
