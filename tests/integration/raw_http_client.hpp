#pragma once

// A raw-socket HTTP/1.1 client for tests that must send bytes no real client
// would send (smuggling patterns, garbage, slowloris, half-open connections)
// and observe exactly what comes back, including whether the server closed
// the connection. Header-only, plain POSIX sockets, every call bounded by a
// timeout. Connects to 127.0.0.1 only.
//
// Reusable against any server: the kagami http::server in
// http_hardening_test.cpp and, later, the whole gateway.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace kagami::test {

using namespace std::chrono_literals;

/// One response as received.
struct raw_response {
  unsigned status = 0;
  std::string reason;
  /// Header fields in order, names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The body, de-chunked.
  std::string body;

  /// The first value of header `lower_name`, or "".
  std::string header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
      if (k == lower_name)
        return v;
    return {};
  }

  bool has_header(std::string_view lower_name) const {
    return count_header(lower_name) > 0;
  }

  size_t count_header(std::string_view lower_name) const {
    size_t n = 0;
    for (const auto& h : headers)
      n += h.first == lower_name ? 1 : 0;
    return n;
  }
};

/// One TCP connection to 127.0.0.1. Move-only; closes on destruction.
class raw_connection {
public:
  using clock = std::chrono::steady_clock;
  using ms = std::chrono::milliseconds;

  raw_connection() = default;

  raw_connection(raw_connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buf_(std::move(other.buf_)),
      eof_(other.eof_) {
  }

  raw_connection& operator=(raw_connection&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
      buf_ = std::move(other.buf_);
      eof_ = other.eof_;
    }
    return *this;
  }

  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  ~raw_connection() {
    close();
  }

  /// Connects to 127.0.0.1:`port`. Check ok() afterwards.
  static raw_connection connect(uint16_t port, ms timeout = 2000ms) {
    raw_connection c;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return c;
    c.fd_ = fd;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      if (errno != EINPROGRESS) {
        c.close();
        return c;
      }
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof(err);
      if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1
          || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0
          || err != 0) {
        c.close();
        return c;
      }
    }
    return c;
  }

  bool ok() const noexcept {
    return fd_ >= 0;
  }

  int fd() const noexcept {
    return fd_;
  }

  void close() noexcept {
    if (fd_ >= 0)
      ::close(std::exchange(fd_, -1));
  }

  /// Sends all of `bytes`. False on error or timeout (e.g. the peer closed).
  bool send(std::string_view bytes, ms timeout = 2000ms) {
    auto deadline = clock::now() + timeout;
    while (!bytes.empty()) {
      if (fd_ < 0)
        return false;
      auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remaining(deadline)) != 1)
          return false;
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      return false;
    }
    return true;
  }

  /// Sends `bytes` one byte at a time with `pause` in between, and stops as
  /// soon as the peer closed the connection. Returns the number of bytes
  /// sent before that (bytes.size() when the peer never closed).
  size_t send_slowly(std::string_view bytes, ms pause) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (peer_closed(0ms) || !send(bytes.substr(i, 1), 500ms))
        return i;
      std::this_thread::sleep_for(pause);
    }
    return bytes.size();
  }

  /// Half-closes: the server sees EOF, the client can still read.
  bool shutdown_write() {
    return fd_ >= 0 && ::shutdown(fd_, SHUT_WR) == 0;
  }

  /// Reads one complete response: the head, then a body delimited by
  /// Content-Length, by chunked coding, or by the end of the connection
  /// (none for 1xx, 204 and 304). nullopt on timeout, malformed bytes or a
  /// connection closed before the response was complete.
  std::optional<raw_response> read_response(ms timeout = 2000ms) {
    auto deadline = clock::now() + timeout;
    auto r = read_head_until(deadline);
    if (!r)
      return std::nullopt;
    if (r->status < 200 || r->status == 204 || r->status == 304)
      return r;
    auto te = lower(r->header("transfer-encoding"));
    if (te == "chunked") {
      for (;;) {
        auto chunk = read_chunk_until(deadline);
        if (!chunk)
          return std::nullopt;
        if (chunk->empty())
          return r;
        r->body += *chunk;
      }
    }
    if (r->has_header("content-length")) {
      size_t n = 0;
      try {
        n = std::stoul(r->header("content-length"));
      } catch (...) {
        return std::nullopt;
      }
      while (buf_.size() < n)
        if (!fill(deadline))
          return std::nullopt;
      r->body = buf_.substr(0, n);
      buf_.erase(0, n);
      return r;
    }
    while (fill(deadline)) {
    }
    if (!eof_)
      return std::nullopt;
    r->body = std::move(buf_);
    buf_.clear();
    return r;
  }

  /// Reads a response head only (for streams). Continue with read_chunk().
  std::optional<raw_response> read_head(ms timeout = 2000ms) {
    return read_head_until(clock::now() + timeout);
  }

  /// Reads one chunk of a chunked body: its data, "" for the last chunk
  /// (trailers are consumed), nullopt on timeout or malformed framing.
  std::optional<std::string> read_chunk(ms timeout = 2000ms) {
    return read_chunk_until(clock::now() + timeout);
  }

  /// Reads whatever arrives until `timeout` passes or the peer closes.
  std::string read_available(ms timeout = 200ms) {
    auto deadline = clock::now() + timeout;
    while (fill(deadline)) {
    }
    return std::exchange(buf_, std::string{});
  }

  /// True when the peer closed (EOF or reset) within `timeout`. Data that
  /// arrives meanwhile is kept for later reads.
  bool peer_closed(ms timeout = 2000ms) {
    if (eof_ || fd_ < 0)
      return true;
    auto deadline = clock::now() + timeout;
    for (;;) {
      if (!fill(deadline))
        return eof_;
    }
  }

  /// Bytes received but not consumed by a read_* call.
  const std::string& pending() const noexcept {
    return buf_;
  }

private:
  static int remaining(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<ms>(deadline - clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
  }

  static std::string lower(std::string s) {
    for (auto& c : s)
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
    return s;
  }

  /// Reads more bytes into buf_. False on timeout, EOF (sets eof_) or error
  /// (also sets eof_: a reset counts as closed).
  bool fill(clock::time_point deadline) {
    if (fd_ < 0 || eof_)
      return false;
    for (;;) {
      char tmp[16384];
      auto n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n > 0) {
        buf_.append(tmp, static_cast<size_t>(n));
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return false;
      }
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        eof_ = true;
        return false;
      }
      pollfd p{fd_, POLLIN, 0};
      int rc = ::poll(&p, 1, remaining(deadline));
      if (rc <= 0)
        return false;
    }
  }

  std::optional<raw_response> read_head_until(clock::time_point deadline) {
    size_t eoh;
    while ((eoh = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(deadline))
        return std::nullopt;
    std::string head = buf_.substr(0, eoh + 2);
    buf_.erase(0, eoh + 4);
    raw_response r;
    auto eol = head.find("\r\n");
    auto status_line = head.substr(0, eol);
    // HTTP/1.1 SP 3DIGIT SP reason
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0)
      return std::nullopt;
    try {
      r.status = static_cast<unsigned>(std::stoul(status_line.substr(9, 3)));
    } catch (...) {
      return std::nullopt;
    }
    if (status_line.size() > 13)
      r.reason = status_line.substr(13);
    size_t pos = eol + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      auto line = head.substr(pos, end - pos);
      pos = end + 2;
      auto colon = line.find(':');
      if (colon == std::string::npos)
        return std::nullopt;
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.erase(0, 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.pop_back();
      r.headers.emplace_back(lower(line.substr(0, colon)), value);
    }
    return r;
  }

  std::optional<std::string> read_chunk_until(clock::time_point deadline) {
    size_t eol;
    while ((eol = buf_.find("\r\n")) == std::string::npos)
      if (!fill(deadline))
        return std::nullopt;
    size_t size = 0;
    try {
      size = std::stoul(buf_.substr(0, eol), nullptr, 16);
    } catch (...) {
      return std::nullopt;
    }
    buf_.erase(0, eol + 2);
    if (size == 0) {
      // Trailers, then the empty line.
      for (;;) {
        while ((eol = buf_.find("\r\n")) == std::string::npos)
          if (!fill(deadline))
            return std::nullopt;
        bool last = eol == 0;
        buf_.erase(0, eol + 2);
        if (last)
          return std::string{};
      }
    }
    while (buf_.size() < size + 2)
      if (!fill(deadline))
        return std::nullopt;
    if (buf_.compare(size, 2, "\r\n") != 0)
      return std::nullopt;
    std::string data = buf_.substr(0, size);
    buf_.erase(0, size + 2);
    return data;
  }

  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

/// Connects, sends `request`, reads one response.
inline std::optional<raw_response>
exchange(uint16_t port, std::string_view request,
         std::chrono::milliseconds timeout = 2000ms) {
  auto c = raw_connection::connect(port, timeout);
  if (!c.ok() || !c.send(request, timeout))
    return std::nullopt;
  return c.read_response(timeout);
}

} // namespace kagami::test
