// kagami-bench-latency: sequential reads of one Modbus register, once
// directly from the device (libmodbus) and once as a WoT property through
// kagamid (HTTP/1.1 keep-alive), in the same run. Prints p50/p99 and reads/s
// of both, and the gateway's added latency.
//
//   kagami-bench-latency --modbus-port P --register R --http-port Q
//                        --path /things/plc-1/properties/mode [--reads N]
//                        [--gap-ms G] [--http-only] [--label L]
//                        [--header "X-API-Key: K"]... [--tls]
//                        [--also LABEL@PORT[/tls]]...
//
// --gap-ms pauses G ms before each read: the latency of a gateway that was
// idle (its threads asleep), not of a busy one. --http-only skips the
// direct Modbus reads (for a path that does not reach the device, e.g. a TD).
// --header adds a request header (credentials); --tls speaks HTTPS (TLS 1.2+
// over the same keep-alive connection, handshake before the measurement; the
// server's certificate is not verified: loopback benchmark only). --label
// names the HTTP line of the output instead of "GET <path>".
// --also (with --http-only) measures more gateways in the same run,
// interleaved with the first in blocks of 100 reads on one connection each
// (same path and headers), so that a busy machine disturbs them alike; a
// line each, in the order given.
//
// Traffic goes to 127.0.0.1 only.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <modbus.h>
#include <openssl/ssl.h>

namespace {

using clock_type = std::chrono::steady_clock;

struct summary {
  double p50_us = 0;
  double p99_us = 0;
  double per_second = 0;
};

summary summarize(std::vector<double> us, double total_s) {
  std::sort(us.begin(), us.end());
  summary s;
  s.p50_us = us[us.size() / 2];
  s.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  s.per_second = us.size() / total_s;
  return s;
}

template <class Op>
summary measure(int reads, int warmup, std::chrono::milliseconds gap, Op op) {
  for (int i = 0; i < warmup; ++i)
    if (!op())
      return {};
  std::vector<double> us;
  us.reserve(reads);
  auto begin = clock_type::now();
  std::chrono::duration<double> paused{0};
  for (int i = 0; i < reads; ++i) {
    if (gap.count() > 0) {
      auto p0 = clock_type::now();
      std::this_thread::sleep_for(gap);
      paused += clock_type::now() - p0;
    }
    auto t0 = clock_type::now();
    if (!op())
      return {};
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
  }
  auto total = std::chrono::duration<double>(clock_type::now() - begin - paused).count();
  return summarize(std::move(us), total);
}

/// Sequential reads of several targets, interleaved in blocks of `block`
/// reads: target 0, 1, ..., then again. reads/s counts each target's own
/// time only. Empty summaries when a read fails.
template <class Op>
std::vector<summary> measure_interleaved(int reads, int block, std::vector<Op>& ops) {
  std::vector<summary> failed(ops.size());
  for (auto& op : ops)
    for (int i = 0; i < reads / 10; ++i)
      if (!op())
        return failed;
  std::vector<std::vector<double>> us(ops.size());
  std::vector<double> total_s(ops.size(), 0);
  for (int done = 0; done < reads; done += block) {
    for (size_t t = 0; t < ops.size(); ++t) {
      auto b0 = clock_type::now();
      for (int i = done; i < std::min(reads, done + block); ++i) {
        auto t0 = clock_type::now();
        if (!ops[t]())
          return failed;
        us[t].push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
      }
      total_s[t] += std::chrono::duration<double>(clock_type::now() - b0).count();
    }
  }
  std::vector<summary> out;
  for (size_t t = 0; t < ops.size(); ++t)
    out.push_back(summarize(std::move(us[t]), total_s[t]));
  return out;
}

/// A minimal keep-alive HTTP/1.1 GET client for one fixed request, over
/// plain TCP or TLS (blocking OpenSSL on the same socket).
class http_getter {
public:
  http_getter(uint16_t port, const std::string& path,
              const std::vector<std::string>& headers, bool tls) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd_);
      fd_ = -1;
    }
    request_ = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (auto& h : headers)
      request_ += h + "\r\n";
    request_ += "\r\n";
    if (tls && fd_ >= 0 && !start_tls()) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~http_getter() {
    if (ssl_)
      SSL_free(ssl_);
    if (ctx_)
      SSL_CTX_free(ctx_);
    if (fd_ >= 0)
      close(fd_);
  }
  http_getter(const http_getter&) = delete;
  http_getter& operator=(const http_getter&) = delete;

  /// One request/response; false on any error or a non-200 status.
  bool get() {
    if (fd_ < 0 || send(request_.data(), request_.size()) != ssize_t(request_.size()))
      return false;
    std::string buf;
    char chunk[4096];
    size_t body_at = std::string::npos, length = 0;
    for (;;) {
      auto n = receive(chunk, sizeof chunk);
      if (n <= 0)
        return false;
      buf.append(chunk, n);
      if (body_at == std::string::npos) {
        auto end = buf.find("\r\n\r\n");
        if (end == std::string::npos)
          continue;
        if (buf.compare(9, 3, "200") != 0)
          return false;
        body_at = end + 4;
        auto cl = buf.find("Content-Length: ");
        if (cl == std::string::npos || cl > end)
          return false;
        length = std::stoul(buf.substr(cl + 16));
      }
      if (buf.size() >= body_at + length)
        return true;
    }
  }

private:
  /// The TLS handshake; the server's certificate is not verified.
  bool start_tls() {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_ || SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION) != 1)
      return false;
    ssl_ = SSL_new(ctx_);
    return ssl_ && SSL_set_fd(ssl_, fd_) == 1 && SSL_connect(ssl_) == 1;
  }

  ssize_t send(const char* data, size_t size) {
    if (!ssl_)
      return write(fd_, data, size);
    size_t written = 0;
    return SSL_write_ex(ssl_, data, size, &written) == 1 ? ssize_t(written) : -1;
  }

  ssize_t receive(char* data, size_t size) {
    if (!ssl_)
      return read(fd_, data, size);
    size_t got = 0;
    return SSL_read_ex(ssl_, data, size, &got) == 1 ? ssize_t(got) : -1;
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string request_;
};

void print(const char* label, const summary& s) {
  std::printf("%-28s p50 %8.1f us   p99 %8.1f us   %9.0f reads/s\n", label, s.p50_us,
              s.p99_us, s.per_second);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"kagami read latency: direct Modbus vs through kagamid"};
  int modbus_port = 0, reg = 0, http_port = 0, reads = 20000, gap_ms = 0;
  bool http_only = false, tls = false;
  std::string path, label;
  std::vector<std::string> headers, also;
  app.add_option("--modbus-port", modbus_port)->required();
  app.add_option("--register", reg)->required();
  app.add_option("--http-port", http_port)->required();
  app.add_option("--path", path)->required();
  app.add_option("--reads", reads);
  app.add_option("--gap-ms", gap_ms, "pause before each read (idle latency)");
  app.add_flag("--http-only", http_only, "measure only the HTTP path");
  app.add_option("--header", headers, "extra request header, \"Name: value\"");
  app.add_flag("--tls", tls, "HTTPS (the certificate is not verified)");
  app.add_option("--label", label, "name of the HTTP line (default: GET <path>)");
  app.add_option("--also", also, "another gateway, LABEL@PORT or LABEL@PORT/tls, "
                               "interleaved (with --http-only)");
  CLI11_PARSE(app, argc, argv);

  auto gap = std::chrono::milliseconds{gap_ms};
  http_getter getter{static_cast<uint16_t>(http_port), path, headers, tls};
  if (label.empty())
    label = "GET " + path;
  if (http_only && !also.empty()) {
    std::vector<std::string> labels{label};
    std::vector<std::unique_ptr<http_getter>> getters;
    getters.push_back(std::make_unique<http_getter>(static_cast<uint16_t>(http_port), path,
                                                    headers, tls));
    for (auto& spec : also) {
      auto at = spec.rfind('@');
      if (at == std::string::npos) {
        std::fprintf(stderr, "--also %s: expected LABEL@PORT[/tls]\n", spec.c_str());
        return 2;
      }
      auto port_part = spec.substr(at + 1);
      bool also_tls = port_part.size() > 4 && port_part.ends_with("/tls");
      labels.push_back(spec.substr(0, at));
      getters.push_back(std::make_unique<http_getter>(
        static_cast<uint16_t>(std::stoi(port_part)), path, headers, also_tls));
    }
    std::vector<std::function<bool()>> ops;
    for (auto& g : getters)
      ops.push_back([g = g.get()] { return g->get(); });
    auto results = measure_interleaved(reads, 100, ops);
    for (size_t t = 0; t < results.size(); ++t) {
      if (results[t].per_second == 0) {
        std::fprintf(stderr, "a read failed during the measurement\n");
        return 1;
      }
      print(labels[t].c_str(), results[t]);
    }
    return 0;
  }
  if (http_only) {
    auto gateway = measure(reads, reads / 10, gap, [&] { return getter.get(); });
    if (gateway.per_second == 0) {
      std::fprintf(stderr, "a read failed during the measurement\n");
      return 1;
    }
    print(label.c_str(), gateway);
    return 0;
  }
  auto* ctx = modbus_new_tcp("127.0.0.1", modbus_port);
  if (!ctx || modbus_connect(ctx) != 0) {
    std::fprintf(stderr, "cannot connect to the device on port %d\n", modbus_port);
    return 1;
  }
  auto direct = measure(reads, reads / 10, gap, [&] {
    uint16_t v;
    return modbus_read_registers(ctx, reg, 1, &v) == 1;
  });
  modbus_close(ctx);
  modbus_free(ctx);

  auto gateway = measure(reads, reads / 10, gap, [&] { return getter.get(); });
  if (direct.per_second == 0 || gateway.per_second == 0) {
    std::fprintf(stderr, "a read failed during the measurement\n");
    return 1;
  }
  print("direct Modbus read", direct);
  print("WoT read through kagamid", gateway);
  std::printf("gateway adds at p50: %.1f us (budget 50 us); throughput ratio %.2f\n",
              gateway.p50_us - direct.p50_us, gateway.per_second / direct.per_second);
  return 0;
}
