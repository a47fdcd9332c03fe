#pragma once

// A simulated HTTP/JSON device: a small Boost.Beast HTTP/1.1 server (kept out
// of this header) on its own thread, answering with an http_sim_state.
//
// start() binds and listens before it returns (port 0 picks a free port), then
// serves keep-alive connections asynchronously on one io thread until stop()
// (or the destructor), which closes every connection and joins the thread.
// Request limits: http_sim_limits (8 KiB header, 64 KiB body); an idle
// connection closes after 30 s.

#include <cstdint>
#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "tools/devsim/http_sim_config.hpp"
#include "tools/devsim/http_sim_state.hpp"

namespace kagami::devsim {

class http_simulator {
public:
  /// Listens on `host` (an IP address) and `port` and starts serving. Fails
  /// with ec::unavailable when the socket cannot be bound.
  static caf::expected<std::unique_ptr<http_simulator>>
  start(const http_sim_config& cfg, const std::string& host = "127.0.0.1",
        uint16_t port = 0);

  ~http_simulator();
  http_simulator(const http_simulator&) = delete;
  http_simulator& operator=(const http_simulator&) = delete;

  /// Stops serving and closes all connections. Idempotent.
  void stop();

  const std::string& host() const;
  uint16_t port() const;
  /// "http://HOST:PORT", as a device_config address.
  std::string device_address() const;

  /// The simulated device's state: thread-safe accessors for tests.
  http_sim_state& state();

  /// Connections accepted so far (tests check keep-alive reuse with it).
  uint64_t accepted() const;

private:
  struct impl;
  explicit http_simulator(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagami::devsim
