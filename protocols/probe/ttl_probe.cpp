#include "protocols/probe/ttl_probe.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include <linux/icmp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::probe {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// Owns one file descriptor.
class socket_fd {
public:
  explicit socket_fd(int fd) : fd_(fd) {
  }
  socket_fd(const socket_fd&) = delete;
  socket_fd& operator=(const socket_fd&) = delete;
  ~socket_fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const {
    return fd_;
  }

private:
  int fd_;
};

std::string sys_error(const char* call, int err) {
  return std::string{call} + " failed: " + std::strerror(err);
}

caf::expected<int> open_icmp_socket() {
  int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd >= 0)
    return fd;
  int err = errno;
  if (err == EPERM || err == EACCES)
    return make_error(ec::unavailable, need_cap_net_raw);
  return make_error(ec::unavailable, "cannot open a raw ICMP socket: " + sys_error("socket", err));
}

uint16_t next_identifier() {
  static std::atomic<uint16_t> counter{static_cast<uint16_t>(std::random_device{}())};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

caf::error field_range(const char* field, const std::string& range) {
  return make_error(ec::config_invalid, std::string{"ttl_probe_config."} + field + " must be "
                                          + range);
}

/// One probe sent in this run.
struct sent_probe {
  uint16_t sequence = 0;
  uint8_t ttl = 0;
  clock::time_point at;
};

} // namespace

caf::error ttl_probe_config::validate() const {
  if (max_hops < 1 || max_hops > 64)
    return field_range("max_hops", "1..64, not " + std::to_string(max_hops));
  if (hop_timeout < 10ms || hop_timeout > 10s)
    return field_range("hop_timeout", "10 ms..10 s, not " + std::to_string(hop_timeout.count())
                                        + " ms");
  if (tries_per_hop < 1 || tries_per_hop > 5)
    return field_range("tries_per_hop", "1..5, not " + std::to_string(tries_per_hop));
  if (max_total < hop_timeout || max_total > std::chrono::minutes{5})
    return field_range("max_total", "hop_timeout.." + std::to_string(300000) + " ms, not "
                                      + std::to_string(max_total.count()) + " ms");
  if (payload_size > 1024)
    return field_range("payload_size", "0..1024, not " + std::to_string(payload_size));
  if (reply_limits.max_datagram < 28)
    return field_range("reply_limits.max_datagram", "at least 28");
  return caf::none;
}

const char* to_string(hop_outcome x) {
  switch (x) {
    case hop_outcome::time_exceeded:
      return "time_exceeded";
    case hop_outcome::echo_reply:
      return "echo_reply";
    case hop_outcome::unreachable:
      return "unreachable";
    case hop_outcome::no_reply:
      break;
  }
  return "no_reply";
}

probe_match match_reply(const icmp_reply& reply, uint16_t identifier,
                        const ipv4_address& target) {
  if (!reply.echo || reply.echo->identifier != identifier)
    return probe_match::none;
  switch (reply.kind) {
    case icmp_kind::echo_reply:
      return reply.source == target ? probe_match::destination : probe_match::none;
    case icmp_kind::time_exceeded:
      if (reply.code != 0 || reply.quoted_destination != target)
        return probe_match::none;
      return probe_match::hop;
    case icmp_kind::destination_unreachable:
      return reply.quoted_destination == target ? probe_match::unreachable : probe_match::none;
    case icmp_kind::other:
      break;
  }
  return probe_match::none;
}

caf::error check_probe_capability() {
  auto fd = open_icmp_socket();
  if (!fd)
    return std::move(fd.error());
  ::close(*fd);
  return caf::none;
}

caf::expected<ttl_probe_result> probe_path(const std::string& destination,
                                           const ttl_probe_config& config) {
  if (auto err = config.validate())
    return err;
  auto target = parse_ipv4(destination);
  if (!target)
    return make_error(ec::invalid_value, "not an IPv4 address: '" + destination.substr(0, 64)
                                           + "'");
  auto opened = open_icmp_socket();
  if (!opened)
    return std::move(opened.error());
  socket_fd sock{*opened};
  // Only the three types a probe waits for reach this socket (Linux
  // ICMP_FILTER: a set bit filters its type out).
  icmp_filter filter{};
  filter.data = ~((1u << icmp_echo_reply) | (1u << icmp_destination_unreachable)
                  | (1u << icmp_time_exceeded));
  if (::setsockopt(sock.get(), SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0)
    return make_error(ec::unavailable, sys_error("setsockopt(ICMP_FILTER)", errno));

  ttl_probe_result result;
  result.destination = *target;
  result.identifier = config.identifier ? *config.identifier : next_identifier();
  const auto deadline = clock::now() + config.max_total;
  std::vector<uint8_t> payload(config.payload_size);
  for (size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<uint8_t>('k' + i % 16);
  std::vector<sent_probe> sent;
  uint16_t sequence = 0;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr.s_addr, target->data(), 4);
  std::vector<uint8_t> buffer(std::min<size_t>(config.reply_limits.max_datagram, 65535) + 1);
  bool done = false;

  // Records an answer to probe `p`; true when it ends the run.
  auto record = [&](const sent_probe& p, probe_match m, const icmp_reply& reply,
                    clock::time_point now) {
    auto& hop = result.hops[p.ttl - 1];
    if (hop.outcome != hop_outcome::no_reply)
      return false; // already answered (a duplicate or a second try's answer)
    hop.outcome = m == probe_match::hop           ? hop_outcome::time_exceeded
                  : m == probe_match::destination ? hop_outcome::echo_reply
                                                  : hop_outcome::unreachable;
    hop.responder = reply.source;
    hop.code = reply.code;
    hop.rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - p.at);
    if (m == probe_match::destination)
      result.reached = true;
    return m != probe_match::hop;
  };

  for (uint8_t ttl = 1; ttl <= config.max_hops && !done; ++ttl) {
    result.hops.push_back(probe_hop{});
    result.hops.back().ttl = ttl;
    int ttl_value = ttl;
    if (::setsockopt(sock.get(), IPPROTO_IP, IP_TTL, &ttl_value, sizeof ttl_value) != 0)
      return make_error(ec::unavailable, sys_error("setsockopt(IP_TTL)", errno));
    for (uint8_t attempt = 0; attempt < config.tries_per_hop && !done; ++attempt) {
      if (result.hops[ttl - 1].outcome != hop_outcome::no_reply)
        break;
      if (clock::now() >= deadline) {
        result.deadline_hit = true;
        done = true;
        break;
      }
      sent_probe p{++sequence, ttl, clock::now()};
      auto msg = encode_echo_request(echo_id{result.identifier, p.sequence}, payload);
      if (::sendto(sock.get(), msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to),
                   sizeof to)
          < 0)
        return make_error(ec::unavailable, "sending the TTL " + std::to_string(ttl)
                                             + " probe to " + destination + ": "
                                             + sys_error("sendto", errno));
      sent.push_back(p);
      ++result.hops[ttl - 1].probes_sent;
      auto wait_end = std::min(p.at + config.hop_timeout, deadline);
      // Read until this TTL is answered, the try times out or the run ends.
      while (!done && result.hops[ttl - 1].outcome == hop_outcome::no_reply) {
        auto now = clock::now();
        if (now >= wait_end) {
          if (now >= deadline) {
            result.deadline_hit = true;
            done = true;
          }
          break;
        }
        auto left = std::chrono::ceil<std::chrono::milliseconds>(wait_end - now);
        pollfd pfd{sock.get(), POLLIN, 0};
        int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0) {
          if (errno == EINTR)
            continue;
          return make_error(ec::unavailable, sys_error("poll", errno));
        }
        if (ready == 0)
          continue;
        auto got = ::recv(sock.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (got < 0) {
          if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            continue;
          return make_error(ec::unavailable, sys_error("recv", errno));
        }
        auto read_at = clock::now();
        auto reply = parse_icmp_reply(
          std::span<const uint8_t>{buffer.data(), static_cast<size_t>(got)},
          config.reply_limits);
        if (!reply) {
          ++result.malformed;
          continue;
        }
        auto m = match_reply(*reply, result.identifier, *target);
        if (m == probe_match::none)
          continue;
        for (const auto& s : sent)
          if (s.sequence == reply->echo->sequence) {
            if (record(s, m, *reply, read_at))
              done = true;
            break;
          }
      }
    }
  }
  // A run that ended early keeps only the TTLs it tried up to its end: the
  // destination's or the unreachable's hop is the last.
  for (size_t i = 0; i < result.hops.size(); ++i)
    if (result.hops[i].outcome == hop_outcome::echo_reply
        || result.hops[i].outcome == hop_outcome::unreachable) {
      result.hops.resize(i + 1);
      break;
    }
  return result;
}

} // namespace kagami::protocols::probe
