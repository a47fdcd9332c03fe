#include "protocols/lldp_htip/htip_discovery.hpp"

#include <algorithm>

#include <pcap/dlt.h>

#include "actors/core/error.hpp"
#include "protocols/lldp_htip/htip_sighting.hpp"

namespace kagami::protocols::lldp_htip {

caf::error htip_discovery_options::validate() const {
  auto bad = [](std::string what) {
    return make_error(ec::config_invalid, "htip discovery: " + std::move(what));
  };
  if (interface.empty())
    return bad("interface is empty");
  if (min_repeat < std::chrono::milliseconds{0})
    return bad("min_repeat is negative");
  if (max_tracked_macs < 1 || max_tracked_macs > 1'000'000)
    return bad("max_tracked_macs " + std::to_string(max_tracked_macs) + " outside 1..1000000");
  if (reject_window <= std::chrono::milliseconds{0})
    return bad("reject_window must be positive");
  if (limits.max_frame < 64 || limits.max_frame > 9018)
    return bad("limits.max_frame " + std::to_string(limits.max_frame) + " outside 64..9018");
  if (limits.max_text > max_profile_field)
    return bad("limits.max_text " + std::to_string(limits.max_text)
               + " exceeds max_profile_field (" + std::to_string(max_profile_field) + ")");
  if (reopen_delay < std::chrono::milliseconds{10}
      || reopen_delay > std::chrono::milliseconds{60'000})
    return bad("reopen_delay outside 10 ms..60 s");
  if (reopen_max_delay < reopen_delay || reopen_max_delay > std::chrono::minutes{10})
    return bad("reopen_max_delay outside reopen_delay..10 min");
  return caf::none;
}

htip_discovery::htip_discovery(htip_discovery_options opts)
  : opts_(std::move(opts)),
    seen_on_("pcap:" + opts_.interface),
    throttle_(opts_.min_repeat, opts_.max_tracked_macs),
    reject_limiter_(opts_.max_rejects_per_window, opts_.reject_window),
    internal_errors_(discovery_kind::htip, seen_on_) {
}

htip_discovery::~htip_discovery() {
  stop();
}

caf::error htip_discovery::start(discovery_sink sink) {
  if (started_)
    return make_error(ec::invalid_value, "htip discovery on " + opts_.interface
                                           + ": already started");
  if (auto err = opts_.validate())
    return err;
  sink_ = std::move(sink);
  if (auto err = open_capture())
    return err;
  started_ = true;
  // Created here, so that it (and every capture it reopens) lives in the
  // caller's network namespace.
  supervisor_ = std::thread{[this] { supervise(); }};
  return caf::none;
}

caf::error htip_discovery::open_capture() {
  pcap::capture_options copts;
  copts.interface = opts_.interface;
  // One byte more than the largest accepted frame, so an oversized frame is
  // seen as oversized rather than cut to fit.
  copts.snaplen = static_cast<int>(opts_.limits.max_frame) + 1;
  copts.promiscuous = opts_.promiscuous;
  copts.filter = "ether proto 0x88cc";
  auto cap = pcap::live_capture::open(std::move(copts));
  if (!cap)
    return std::move(cap.error());
  if ((*cap)->datalink() != DLT_EN10MB)
    return make_error(ec::config_invalid, "htip discovery on " + opts_.interface
                                            + ": not an Ethernet interface (link type "
                                            + std::to_string((*cap)->datalink()) + ")");
  // Current before it starts: its failure handler may run at once.
  auto* raw = cap->get();
  {
    std::lock_guard guard{mtx_};
    capture_ = std::move(*cap);
    capture_started_ = std::chrono::steady_clock::now();
  }
  return raw->start([this](auto batch) { on_batch(batch); },
                    [this](const caf::error& err) { on_capture_failed(err); });
}

void htip_discovery::on_capture_failed(const caf::error& err) {
  {
    std::lock_guard guard{mtx_};
    capture_failed_ = true;
    failure_ = err;
  }
  cv_.notify_all();
}

void htip_discovery::report_capture_problem(std::string reason) {
  if (!sink_.rejected)
    return;
  try {
    sink_.rejected(discovery_kind::htip, seen_on_, std::move(reason));
  } catch (...) {
    // The sink's own failure; the supervisor carries on.
  }
}

void htip_discovery::supervise() {
  auto delay = opts_.reopen_delay;
  std::unique_lock lock{mtx_};
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || capture_failed_; });
    if (stopping_)
      return;
    capture_failed_ = false;
    auto failed = std::move(capture_);
    auto ran = std::chrono::steady_clock::now() - capture_started_;
    auto why = failure_;
    lock.unlock();
    // Its thread has ended (the failure handler is its last act): join it,
    // so that it can no longer call the sink, and keep its counters.
    failed->stop();
    auto last = failed->stats();
    failed.reset();
    ++capture_failures_;
    if (ran >= opts_.reopen_max_delay)
      delay = opts_.reopen_delay;
    report_capture_problem(detail_of(why) + "; reopening");
    lock.lock();
    capture_base_.received += last.received;
    capture_base_.dropped += last.dropped;
    capture_base_.interface_dropped += last.interface_dropped;
    capture_base_.delivered += last.delivered;
    std::string last_reported;
    for (;;) {
      if (cv_.wait_for(lock, delay, [this] { return stopping_; }))
        return;
      delay = std::min(delay * 2, opts_.reopen_max_delay);
      lock.unlock();
      caf::error err;
      try {
        err = open_capture();
      } catch (const std::exception& e) {
        err = make_error(ec::unavailable, std::string{"reopen: "} + e.what());
      }
      if (!err) {
        ++reopens_;
        lock.lock();
        // A capture that failed at once has set capture_failed_ again.
        if (!capture_failed_)
          failure_ = caf::error{};
        break;
      }
      auto reason = "cannot reopen the capture: " + detail_of(err);
      if (reason != last_reported) {
        report_capture_problem(reason);
        last_reported = std::move(reason);
      }
      lock.lock();
      capture_.reset();
    }
  }
}

void htip_discovery::stop() {
  {
    std::lock_guard guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  if (supervisor_.joinable())
    supervisor_.join();
  // The supervisor is gone: only this thread replaces capture_ now.
  if (capture_)
    capture_->stop();
}

void htip_discovery::on_batch(std::span<const pcap::captured_packet> batch) {
  for (const auto& pkt : batch) {
    try {
      handle(pkt);
    } catch (...) {
      ++internal_errors_count_;
      internal_errors_.report(sink_);
    }
  }
}

void htip_discovery::handle(const pcap::captured_packet& pkt) {
  ++frames_;
  auto now = throttle_clock::now();
  if (pkt.wire_length > pkt.bytes.size()) {
    // Cut by the snaplen of max_frame + 1: too large to parse whole.
    reject(pkt.bytes, "frame of " + std::to_string(pkt.wire_length)
                        + " bytes exceeds the limit of "
                        + std::to_string(opts_.limits.max_frame), now);
    return;
  }
  auto frame = parse_lldp_frame(pkt.bytes, opts_.limits);
  if (!frame) {
    reject(pkt.bytes, detail_of(frame.error()), now);
    return;
  }
  if (opts_.on_link_information && !frame->htip_links.empty())
    opts_.on_link_information(*frame);
  auto sighting = htip_sighting(*frame, seen_on_);
  if (!sighting) {
    ++without_htip_;
    return;
  }
  auto evicted_before = throttle_.evicted();
  bool report = throttle_.admit(sighting->mac, sighting->fingerprint, now);
  macs_evicted_ += throttle_.evicted() - evicted_before;
  if (!report) {
    ++repeats_dropped_;
    return;
  }
  ++sightings_;
  if (sink_.seen)
    sink_.seen(std::move(*sighting));
}

void htip_discovery::reject(std::span<const uint8_t> bytes, std::string reason,
                            throttle_clock::time_point now) {
  ++rejected_;
  uint64_t suppressed = 0;
  if (!reject_limiter_.admit(now, suppressed)) {
    ++rejects_suppressed_;
    return;
  }
  std::string from = "unknown";
  if (bytes.size() >= 12) {
    mac_address src;
    std::copy(bytes.begin() + 6, bytes.begin() + 12, src.begin());
    from = format_mac(src);
  }
  if (suppressed > 0)
    reason += " (" + std::to_string(suppressed) + " earlier reports suppressed)";
  if (sink_.rejected)
    sink_.rejected(discovery_kind::htip, std::move(from), std::move(reason));
}

htip_discovery_stats htip_discovery::stats() const {
  htip_discovery_stats s;
  {
    std::lock_guard guard{mtx_};
    s.capture = capture_base_;
    if (capture_) {
      auto now = capture_->stats();
      s.capture.received += now.received;
      s.capture.dropped += now.dropped;
      s.capture.interface_dropped += now.interface_dropped;
      s.capture.delivered += now.delivered;
    }
  }
  s.frames = frames_;
  s.sightings = sightings_;
  s.repeats_dropped = repeats_dropped_;
  s.without_htip = without_htip_;
  s.rejected = rejected_;
  s.rejects_suppressed = rejects_suppressed_;
  s.macs_evicted = macs_evicted_;
  s.internal_errors = internal_errors_count_;
  s.capture_failures = capture_failures_;
  s.reopens = reopens_;
  return s;
}

caf::error htip_discovery::failure() const {
  std::lock_guard guard{mtx_};
  return failure_;
}

} // namespace kagami::protocols::lldp_htip
