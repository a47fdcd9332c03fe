#include "protocols/lldp_htip/htip_discovery.hpp"

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
  return caf::none;
}

htip_discovery::htip_discovery(htip_discovery_options opts)
  : opts_(std::move(opts)),
    seen_on_("pcap:" + opts_.interface),
    throttle_(opts_.min_repeat, opts_.max_tracked_macs),
    reject_limiter_(opts_.max_rejects_per_window, opts_.reject_window) {
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
  started_ = true;
  sink_ = std::move(sink);
  capture_ = std::move(*cap);
  return capture_->start([this](auto batch) { on_batch(batch); });
}

void htip_discovery::stop() {
  if (capture_)
    capture_->stop();
}

void htip_discovery::on_batch(std::span<const pcap::captured_packet> batch) {
  for (const auto& pkt : batch)
    handle(pkt);
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
  if (capture_)
    s.capture = capture_->stats();
  s.frames = frames_;
  s.sightings = sightings_;
  s.repeats_dropped = repeats_dropped_;
  s.without_htip = without_htip_;
  s.rejected = rejected_;
  s.rejects_suppressed = rejects_suppressed_;
  s.macs_evicted = macs_evicted_;
  return s;
}

caf::error htip_discovery::failure() const {
  return capture_ ? capture_->failure() : caf::error{};
}

} // namespace kagami::protocols::lldp_htip
