#include "protocols/upnp/upnp_discovery.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "actors/core/error.hpp"
#include "protocols/discovery/fingerprint.hpp"
#include "protocols/discovery/internal_error.hpp"
#include "protocols/upnp/description_url.hpp"
#include "protocols/upnp/udp_endpoint.hpp"

namespace kagami::protocols::upnp {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr const char* ssdp_group = "239.255.255.250";
constexpr uint16_t ssdp_port = 1900;
/// Datagrams read per socket and wake-up, so one busy socket cannot starve
/// the other or the stop request.
constexpr int max_reads_per_wake = 64;

std::string to_string(const sockaddr_in& sa) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sa.sin_addr, buf, sizeof(buf));
  return buf;
}

} // namespace

std::string sighting_fingerprint(const ssdp_message& m) {
  auto boot_id = m.boot_id ? std::to_string(*m.boot_id) : "-";
  auto config_id = m.config_id ? std::to_string(*m.config_id) : "-";
  return fields_fingerprint({m.location, boot_id, config_id});
}

struct upnp_discovery::impl {
  explicit impl(upnp_discovery_options o) : opts(std::move(o)) {
  }

  struct sender_state {
    double tokens = 0;
    clock_type::time_point refilled;
    clock_type::time_point last_seen;
    bool limit_reported = false;
    std::optional<device_sighting> last;
    clock_type::time_point last_reported;
  };

  upnp_discovery_options opts;
  discovery_sink sink;
  int search_fd = -1;
  int notify_fd = -1;
  int wake_fd = -1;
  unsigned ifindex = 0;
  uint16_t port = 0;
  std::thread thread;
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> refresh_pending{false};
  std::atomic<uint64_t> searches{0};
  std::string seen_on;
  std::string multicast_search;
  std::string unicast_search_prefix;
  std::vector<sockaddr_in> targets;
  std::unordered_map<uint32_t, sender_state> senders;

  ~impl() {
    close_fd(search_fd);
    close_fd(notify_fd);
    close_fd(wake_fd);
  }

  caf::error open_sockets() {
    wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0)
      return make_error(ec::unavailable, "UPnP discovery: " + errno_text("eventfd"));
    in_addr local{};
    inet_pton(AF_INET, opts.local_address.c_str(), &local);
    auto fail = [&](const char* call) {
      return make_error(ec::unavailable, "UPnP discovery on " + opts.local_address + ": "
                                           + errno_text(call));
    };
    int on = 1;
    int off = 0;
    search_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (search_fd < 0)
      return fail("socket");
    auto bound = make_addr(opts.local_address, 0);
    if (::bind(search_fd, reinterpret_cast<sockaddr*>(&bound), sizeof(bound)) != 0)
      return fail("bind");
    socklen_t len = sizeof(bound);
    ::getsockname(search_fd, reinterpret_cast<sockaddr*>(&bound), &len);
    port = ntohs(bound.sin_port);
    unsigned char ttl = 2;
    if (::setsockopt(search_fd, IPPROTO_IP, IP_MULTICAST_IF, &local, sizeof(local)) != 0
        || ::setsockopt(search_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0
        || ::setsockopt(search_fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) != 0)
      return fail("setsockopt");
    if (!opts.listen_notify)
      return {};
    notify_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (notify_fd < 0)
      return fail("socket");
    if (::setsockopt(notify_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0)
      return fail("setsockopt(SO_REUSEADDR)");
    auto any = make_addr("0.0.0.0", opts.notify_port);
    if (::bind(notify_fd, reinterpret_cast<sockaddr*>(&any), sizeof(any)) != 0)
      return fail("bind(0.0.0.0:notify_port)");
    ip_mreq mreq{};
    inet_pton(AF_INET, ssdp_group, &mreq.imr_multiaddr);
    mreq.imr_interface = local;
    if (::setsockopt(notify_fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0)
      return fail("setsockopt(IP_ADD_MEMBERSHIP)");
    if (::setsockopt(notify_fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof(off)) != 0
        || ::setsockopt(notify_fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) != 0)
      return fail("setsockopt");
    return {};
  }

  void send_searches() {
    ++searches;
    if (opts.multicast_search) {
      auto group = make_addr(ssdp_group, ssdp_port);
      // Failures (no multicast route, an interface going down) only cost this
      // round; the next one retries.
      (void) ::sendto(search_fd, multicast_search.data(), multicast_search.size(), 0,
                      reinterpret_cast<const sockaddr*>(&group), sizeof(group));
    }
    for (const auto& t : targets) {
      auto text = unicast_search_prefix;
      text.replace(text.find("{HOST}"), 6,
                   to_string(t) + ":" + std::to_string(ntohs(t.sin_port)));
      (void) ::sendto(search_fd, text.data(), text.size(), 0,
                      reinterpret_cast<const sockaddr*>(&t), sizeof(t));
    }
  }

  /// Forgets the sender idle for the longest time when the table is full.
  void make_room() {
    if (senders.size() < upnp_discovery_options::max_tracked_senders)
      return;
    auto oldest = std::min_element(senders.begin(), senders.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.second.last_seen < b.second.last_seen;
                                   });
    senders.erase(oldest);
  }

  void reject(const std::string& from, std::string reason) {
    if (sink.rejected)
      sink.rejected(discovery_kind::upnp, from, std::move(reason));
  }

  void on_datagram(const sockaddr_in& src, std::string_view bytes, size_t real_size) {
    auto now = clock_type::now();
    auto ip = to_string(src);
    auto from = ip + ":" + std::to_string(ntohs(src.sin_port));
    auto key = src.sin_addr.s_addr;
    auto it = senders.find(key);
    if (it == senders.end()) {
      make_room();
      it = senders.emplace(key, sender_state{}).first;
      it->second.tokens = opts.rate_burst;
      it->second.refilled = now;
    }
    auto& st = it->second;
    st.last_seen = now;
    std::chrono::duration<double> dt = now - st.refilled;
    st.tokens = std::min(opts.rate_burst, st.tokens + dt.count() * opts.rate_per_second);
    st.refilled = now;
    if (st.tokens < 1) {
      if (!st.limit_reported) {
        st.limit_reported = true;
        reject(from, "rate limit exceeded");
      }
      return;
    }
    st.tokens -= 1;
    st.limit_reported = false;
    if (real_size > ssdp_limits::max_datagram) {
      reject(from, "SSDP: datagram of " + std::to_string(real_size) + " bytes exceeds "
                     + std::to_string(ssdp_limits::max_datagram));
      return;
    }
    auto m = parse_ssdp(bytes);
    if (!m) {
      reject(from, detail_of(m.error()));
      return;
    }
    if (m->kind == ssdp_kind::search_request || m->nts == notify_subtype::byebye)
      return;
    auto url = parse_description_url(m->location);
    if (!url) {
      reject(from, "LOCATION: " + detail_of(url.error()));
      return;
    }
    if (url->host != ip) {
      reject(from, "LOCATION host " + url->host + " is not the sender " + ip);
      return;
    }
    device_sighting s;
    s.source = discovery_kind::upnp;
    s.address = ip;
    s.seen_on = seen_on;
    s.locator = m->location;
    s.fingerprint = sighting_fingerprint(*m);
    if (st.last && *st.last == s && now - st.last_reported < opts.dedup_window)
      return;
    st.last = s;
    st.last_reported = now;
    if (!sink.seen)
      return;
    try {
      sink.seen(std::move(s));
    } catch (...) {
      st.last.reset(); // not delivered: a repeat must not be held back
      throw;
    }
  }

  void drain(int fd) {
    char buf[ssdp_limits::max_datagram + 1];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
    for (int i = 0; i < max_reads_per_wake; ++i) {
      sockaddr_in src{};
      iovec iov{buf, sizeof(buf)};
      msghdr msg{};
      msg.msg_name = &src;
      msg.msg_namelen = sizeof(src);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      auto n = ::recvmsg(fd, &msg, MSG_TRUNC);
      if (n < 0)
        return; // EAGAIN: drained (other errors: retried at the next wake)
      if (src.sin_family != AF_INET)
        continue;
      if (ifindex != 0) {
        unsigned arrived = 0;
        for (auto* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
          if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof(info));
            arrived = static_cast<unsigned>(info.ipi_ifindex);
          }
        if (arrived != ifindex)
          continue;
      }
      auto size = static_cast<size_t>(n);
      on_datagram(src, std::string_view{buf, std::min(size, sizeof(buf))}, size);
    }
  }

  void run() {
    internal_error_reporter internal_errors{discovery_kind::upnp, seen_on};
    auto next_search = clock_type::now();
    while (!stopping.load()) {
      try {
        auto now = clock_type::now();
        if (refresh_pending.exchange(false) || now >= next_search) {
          // Set first: a round that throws is not retried at once.
          next_search = now + opts.search_interval;
          send_searches();
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_search - now);
        pollfd fds[3] = {{wake_fd, POLLIN, 0}, {search_fd, POLLIN, 0}, {notify_fd, POLLIN, 0}};
        nfds_t count = notify_fd >= 0 ? 3 : 2;
        int rc = ::poll(fds, count, static_cast<int>(std::max<int64_t>(wait.count(), 1) + 1));
        if (rc <= 0)
          continue;
        if (fds[0].revents & POLLIN)
          clear_wake(wake_fd);
        if (stopping.load())
          break;
        if (fds[1].revents & POLLIN)
          drain(search_fd);
        if (count == 3 && (fds[2].revents & POLLIN))
          drain(notify_fd);
      } catch (...) {
        // std::bad_alloc or a throwing sink: the datagram at hand is lost
        // (it was already read), the sockets and every sender's state stay
        // usable, so the loop goes on.
        internal_errors.report(sink);
      }
    }
  }

  void wake() {
    signal_wake(wake_fd);
  }
};

upnp_discovery::upnp_discovery(upnp_discovery_options opts)
  : impl_(std::make_unique<impl>(std::move(opts))) {
}

upnp_discovery::~upnp_discovery() {
  stop();
}

caf::error upnp_discovery::start(discovery_sink sink) {
  auto& p = *impl_;
  if (p.started.exchange(true))
    return make_error(ec::unavailable, "UPnP discovery: already started");
  auto& o = p.opts;
  auto invalid = [](std::string why) {
    return make_error(ec::invalid_value, "UPnP discovery: " + std::move(why));
  };
  if (canonical_ipv4(o.local_address) != o.local_address)
    return invalid("local address '" + o.local_address + "' is not an IPv4 literal");
  if (o.unicast_targets.size() > upnp_discovery_options::max_unicast_targets)
    return invalid("more than "
                   + std::to_string(upnp_discovery_options::max_unicast_targets)
                   + " unicast targets");
  if (o.search_interval < std::chrono::milliseconds(100))
    return invalid("search interval below 100 ms");
  if (o.target_port == 0)
    return invalid("target port 0");
  if (o.rate_per_second <= 0 || o.rate_burst < 1)
    return invalid("rate limit below one datagram");
  for (const auto& t : o.unicast_targets) {
    if (canonical_ipv4(t) != t)
      return invalid("unicast target '" + t + "' is not an IPv4 literal");
    p.targets.push_back(make_addr(t, o.target_port));
  }
  ssdp_message search;
  search.kind = ssdp_kind::search_request;
  search.host = std::string{ssdp_group} + ":" + std::to_string(ssdp_port);
  search.man = "\"ssdp:discover\"";
  search.mx = o.mx;
  search.target = o.search_target;
  if (o.mx < 1 || o.mx > 5)
    return invalid("MX outside 1..5");
  auto multicast = encode_ssdp(search);
  if (!multicast)
    return invalid("search target: " + detail_of(multicast.error()));
  p.multicast_search = std::move(*multicast);
  // UDA 1.1 unicast M-SEARCH: HOST is the target, no MX.
  search.host = "{HOST}";
  search.mx.reset();
  auto unicast = encode_ssdp(search);
  if (!unicast)
    return invalid("search target: " + detail_of(unicast.error()));
  p.unicast_search_prefix = std::move(*unicast);
  if (!o.interface_name.empty()) {
    p.ifindex = ::if_nametoindex(o.interface_name.c_str());
    if (p.ifindex == 0)
      return make_error(ec::unavailable,
                        "UPnP discovery: no interface '" + o.interface_name + "'");
  }
  p.seen_on = "ssdp:" + o.interface_name;
  if (auto err = p.open_sockets())
    return err;
  p.sink = std::move(sink);
  p.thread = std::thread([&p] { p.run(); });
  return {};
}

void upnp_discovery::stop() {
  auto& p = *impl_;
  if (!p.thread.joinable())
    return;
  p.stopping = true;
  p.wake();
  p.thread.join();
  close_fd(p.search_fd);
  close_fd(p.notify_fd);
}

void upnp_discovery::refresh() {
  auto& p = *impl_;
  if (p.wake_fd < 0)
    return;
  p.refresh_pending = true;
  p.wake();
}

uint16_t upnp_discovery::search_port() const {
  return impl_->port;
}

uint64_t upnp_discovery::searches() const {
  return impl_->searches.load();
}

} // namespace kagami::protocols::upnp
