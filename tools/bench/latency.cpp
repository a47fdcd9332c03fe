// kagami-bench-latency: sequential reads of one Modbus register, once
// directly from the device (libmodbus) and once as a WoT property through
// kagamid (HTTP/1.1 keep-alive), in the same run. Prints p50/p99 and reads/s
// of both, and the gateway's added latency.
//
//   kagami-bench-latency --modbus-port P --register R --http-port Q
//                        --path /things/plc-1/properties/mode [--reads N]
//                        [--gap-ms G] [--http-only]
//
// --gap-ms pauses G ms before each read: the latency of a gateway that was
// idle (its threads asleep), not of a busy one. --http-only skips the
// direct Modbus reads (for a path that does not reach the device, e.g. a TD).
//
// Traffic goes to 127.0.0.1 only.

#include <algorithm>
#include <chrono>
#include <cstdio>
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

/// A minimal keep-alive HTTP/1.1 GET client for one fixed request.
class http_getter {
public:
  http_getter(uint16_t port, const std::string& path) {
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
    request_ = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }
  ~http_getter() {
    if (fd_ >= 0)
      close(fd_);
  }
  /// One request/response; false on any error or a non-200 status.
  bool get() {
    if (fd_ < 0 || write(fd_, request_.data(), request_.size()) != ssize_t(request_.size()))
      return false;
    std::string buf;
    char chunk[4096];
    size_t body_at = std::string::npos, length = 0;
    for (;;) {
      auto n = read(fd_, chunk, sizeof chunk);
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
  int fd_ = -1;
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
  bool http_only = false;
  std::string path;
  app.add_option("--modbus-port", modbus_port)->required();
  app.add_option("--register", reg)->required();
  app.add_option("--http-port", http_port)->required();
  app.add_option("--path", path)->required();
  app.add_option("--reads", reads);
  app.add_option("--gap-ms", gap_ms, "pause before each read (idle latency)");
  app.add_flag("--http-only", http_only, "measure only the HTTP path");
  CLI11_PARSE(app, argc, argv);

  auto gap = std::chrono::milliseconds{gap_ms};
  http_getter getter{static_cast<uint16_t>(http_port), path};
  if (http_only) {
    auto gateway = measure(reads, reads / 10, gap, [&] { return getter.get(); });
    if (gateway.per_second == 0) {
      std::fprintf(stderr, "a read failed during the measurement\n");
      return 1;
    }
    print(("GET " + path).c_str(), gateway);
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
