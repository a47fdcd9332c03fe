#pragma once

// The simulated Wi-Fi access point: the "kagami-sim-ap" management API
// (ap_sim_state) served over HTTP/1.1 by an http_simulator (the one Beast
// server of kagami_devsim) on its own thread.
//
// The server routes the canonical paths of the configured objects
// (/api/v1/status, /api/v1/clients/<normalized mac>/deauth,
// /api/v1/ssids/<encode_path_segment(name)>/disable,
// /api/v1/radios/<id>/off) to ap_sim_state::handle; anything else is 404.
// With fault "slow" every reply (status and cuts) is delayed by slowMs
// without blocking other connections.

#include <cstdint>
#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "tools/devsim/ap_sim_config.hpp"
#include "tools/devsim/ap_sim_state.hpp"

namespace kagami::devsim {

class http_simulator;

class ap_simulator {
public:
  /// Listens on `host` (an IP address) and `port` (0: a free one) and
  /// starts serving; `link_down` sets a client's link down (tests pass a
  /// fake). Fails with ec::unavailable when the socket cannot be bound.
  static caf::expected<std::unique_ptr<ap_simulator>>
  start(const ap_sim_config& cfg, const std::string& host = "127.0.0.1",
        uint16_t port = 0, link_down_fn link_down = set_link_down);

  ~ap_simulator();
  ap_simulator(const ap_simulator&) = delete;
  ap_simulator& operator=(const ap_simulator&) = delete;

  /// Stops serving and closes all connections. Idempotent.
  void stop();

  const std::string& host() const;
  uint16_t port() const;
  /// "HOST:PORT", the AP's management address.
  std::string management_address() const;

  /// The AP's state: thread-safe.
  ap_sim_state& state();

private:
  ap_simulator(std::unique_ptr<ap_sim_state> state, std::unique_ptr<http_simulator> http);
  std::unique_ptr<ap_sim_state> state_;
  std::unique_ptr<http_simulator> http_;
};

} // namespace kagami::devsim
