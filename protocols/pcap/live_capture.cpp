#include "protocols/pcap/live_capture.hpp"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::pcap {

caf::error capture_options::validate() const {
  auto bad = [](std::string what) {
    return make_error(ec::config_invalid, "capture: " + std::move(what));
  };
  if (interface.empty())
    return bad("interface is empty");
  if (snaplen < 64 || snaplen > 65535)
    return bad("snaplen " + std::to_string(snaplen) + " outside 64..65535");
  if (max_batch < 1 || max_batch > 4096)
    return bad("max_batch " + std::to_string(max_batch) + " outside 1..4096");
  if (poll_interval < std::chrono::milliseconds{10}
      || poll_interval > std::chrono::milliseconds{10000})
    return bad("poll_interval outside 10 ms..10 s");
  return caf::none;
}

live_capture::live_capture(capture_options opts) : opts_(std::move(opts)) {
}

live_capture::~live_capture() {
  stop();
  if (handle_ != nullptr)
    pcap_close(handle_);
  if (wake_fd_ >= 0)
    ::close(wake_fd_);
}

caf::expected<std::unique_ptr<live_capture>> live_capture::open(capture_options opts) {
  if (auto err = opts.validate())
    return err;
  std::unique_ptr<live_capture> self{new live_capture(std::move(opts))};
  const auto& o = self->opts_;
  auto where = "capture on " + o.interface + ": ";
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  self->handle_ = pcap_create(o.interface.c_str(), errbuf);
  if (self->handle_ == nullptr)
    return make_error(ec::unavailable, where + errbuf);
  auto* h = self->handle_;
  pcap_set_snaplen(h, o.snaplen);
  pcap_set_promisc(h, o.promiscuous ? 1 : 0);
  pcap_set_immediate_mode(h, 1);
  pcap_set_timeout(h, static_cast<int>(o.poll_interval.count()));
  int rc = pcap_activate(h);
  if (rc < 0) {
    std::string msg = pcap_statustostr(rc);
    std::string detail = pcap_geterr(h);
    if (!detail.empty())
      msg += ": " + detail;
    switch (rc) {
      case PCAP_ERROR_NO_SUCH_DEVICE:
        return make_error(ec::config_invalid, where + "no such interface (" + msg + ")");
      case PCAP_ERROR_PERM_DENIED:
      case PCAP_ERROR_PROMISC_PERM_DENIED:
        return make_error(ec::unavailable, where + "permission denied, capture needs root "
                                                   "or CAP_NET_RAW ("
                                             + msg + ")");
      default:
        return make_error(ec::unavailable, where + msg);
    }
  }
  if (!o.filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(h, &prog, o.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
      return make_error(ec::config_invalid,
                        where + "bad filter \"" + o.filter + "\": " + pcap_geterr(h));
    rc = pcap_setfilter(h, &prog);
    pcap_freecode(&prog);
    if (rc != 0)
      return make_error(ec::unavailable, where + "cannot set the filter: " + pcap_geterr(h));
  }
  if (pcap_setnonblock(h, 1, errbuf) != 0)
    return make_error(ec::unavailable, where + "non-blocking mode: " + errbuf);
  if (pcap_get_selectable_fd(h) < 0)
    return make_error(ec::unavailable, where + "no selectable file descriptor");
  self->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (self->wake_fd_ < 0)
    return make_error(ec::unavailable, where + "eventfd: " + std::strerror(errno));
  return self;
}

int live_capture::datalink() const {
  return pcap_datalink(handle_);
}

caf::error live_capture::start(batch_handler on_batch, failure_handler on_failure) {
  std::lock_guard guard{stop_mtx_};
  if (started_)
    return make_error(ec::invalid_value, "capture on " + opts_.interface + ": already started");
  started_ = true;
  on_batch_ = std::move(on_batch);
  on_failure_ = std::move(on_failure);
  arena_.resize(opts_.max_batch * static_cast<size_t>(opts_.snaplen));
  batch_.reserve(opts_.max_batch);
  thread_ = std::thread{[this] { run(); }};
  return caf::none;
}

void live_capture::stop() {
  if (thread_.joinable() && thread_.get_id() == std::this_thread::get_id())
    return; // Called from a handler: joining ourselves would deadlock.
  std::lock_guard guard{stop_mtx_};
  if (!thread_.joinable())
    return;
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
}

capture_stats live_capture::stats() const {
  return {received_.load(), dropped_.load(), if_dropped_.load(), delivered_.load()};
}

caf::error live_capture::failure() const {
  std::lock_guard guard{failure_mtx_};
  return failure_;
}

void live_capture::on_packet(unsigned char* user, const ::pcap_pkthdr* h,
                             const unsigned char* bytes) {
  auto* self = reinterpret_cast<live_capture*>(user);
  size_t slot = self->batch_.size();
  if (slot >= self->opts_.max_batch)
    return; // pcap_dispatch honours the count; never overrun the arena.
  size_t n = std::min<size_t>(h->caplen, static_cast<size_t>(self->opts_.snaplen));
  auto* dst = self->arena_.data() + slot * static_cast<size_t>(self->opts_.snaplen);
  std::memcpy(dst, bytes, n);
  auto ts = std::chrono::system_clock::time_point{
    std::chrono::seconds{h->ts.tv_sec} + std::chrono::microseconds{h->ts.tv_usec}};
  self->batch_.push_back(captured_packet{ts, {dst, n}, h->len});
}

void live_capture::refresh_stats() {
  struct pcap_stat s {};
  if (pcap_stats(handle_, &s) == 0) {
    received_ = s.ps_recv;
    dropped_ = s.ps_drop;
    if_dropped_ = s.ps_ifdrop;
  }
}

void live_capture::deliver_batch() {
  if (batch_.empty())
    return;
  delivered_ += batch_.size();
  if (on_batch_)
    on_batch_(std::span<const captured_packet>{batch_});
}

void live_capture::fail(const std::string& why) {
  auto err = make_error(ec::unavailable, "capture on " + opts_.interface + ": " + why);
  {
    std::lock_guard guard{failure_mtx_};
    failure_ = err;
  }
  if (!on_failure_)
    return;
  try {
    on_failure_(err);
  } catch (...) {
    // The handler's own problem; the thread ends either way.
  }
}

void live_capture::run() {
  try {
    capture_loop();
  } catch (...) {
    // A throwing batch handler or std::bad_alloc: the packets at hand are
    // lost and the handler's state is unknown, so the capture ends as failed
    // rather than carry on (or reach std::terminate).
    try {
      fail("internal error: " + describe(std::current_exception()));
    } catch (...) {
      // No memory even for the message: end quietly.
    }
  }
  refresh_stats();
}

std::string live_capture::describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(std::move(e));
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

void live_capture::capture_loop() {
  pollfd fds[2] = {{pcap_get_selectable_fd(handle_), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  auto last_refresh = std::chrono::steady_clock::now();
  for (;;) {
    int rc = ::poll(fds, 2, static_cast<int>(opts_.poll_interval.count()));
    if (rc < 0 && errno != EINTR) {
      fail(std::string{"poll: "} + std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0)
      return; // stop()
    if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
      // Let pcap tell why (e.g. "The interface went down"). What it reads
      // instead, if the condition was transient, is a packet: deliver it.
      batch_.clear();
      if (pcap_dispatch(handle_, 1, &live_capture::on_packet,
                        reinterpret_cast<unsigned char*>(this)) < 0) {
        fail(pcap_geterr(handle_));
        return;
      }
      deliver_batch();
    }
    // Drain what is ready, one batch at a time, checking for stop between
    // batches so that a flood cannot delay stop().
    for (;;) {
      batch_.clear();
      int n = pcap_dispatch(handle_, static_cast<int>(opts_.max_batch),
                            &live_capture::on_packet, reinterpret_cast<unsigned char*>(this));
      if (n < 0) {
        fail(n == PCAP_ERROR_BREAK ? "capture broken off" : pcap_geterr(handle_));
        return;
      }
      deliver_batch();
      if (static_cast<size_t>(n) < opts_.max_batch)
        break;
      pollfd wake{wake_fd_, POLLIN, 0};
      if (::poll(&wake, 1, 0) > 0)
        break;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_refresh >= opts_.poll_interval) {
      refresh_stats();
      last_refresh = now;
    }
  }
}

} // namespace kagami::protocols::pcap
