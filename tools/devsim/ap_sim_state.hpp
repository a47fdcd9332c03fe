#pragma once

// The behaviour of the simulated access point, without networking: the
// "kagami-sim-ap" API (protocols/wifi_ap/sim_ap_model.hpp) over the radios,
// SSIDs and clients of an ap_sim_config. Thread-safe: the server thread
// calls handle() while tests read the state.
//
//   GET  /api/v1/status                -> 200 the status (or the fault's reply)
//   POST /api/v1/clients/{mac}/deauth  -> sets the client's link down, removes
//                                         the client
//   POST /api/v1/ssids/{name}/disable  -> sets the links of the SSID's clients
//                                         down, removes them, disables the SSID
//   POST /api/v1/radios/{id}/off       -> the same for every client on the
//                                         radio; disables the radio
//
// A cut answers 200 {"applied": true|false, "message": "..."} (message at
// most 64 bytes, what kagami's model accepts), 404 for an unknown client,
// SSID or radio, 405 for another method. A link that cannot be set down
// (no such interface, no permission) makes the cut answer applied=false
// with the link and the reason; the client then stays associated, and an
// SSID or radio with such a client stays enabled (the clients whose links
// did go down are gone). Repeating a cut that is in effect answers
// applied=true. Path segments are percent-decoded; a MAC may be written in
// any form normalize_mac accepts.

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/devsim/ap_sim_config.hpp"
#include "tools/devsim/http_sim_state.hpp"

namespace kagami::devsim {

/// Sets network interface `link` down; returns "" on success, else the
/// reason ("No such device").
using link_down_fn = std::function<std::string(const std::string& link)>;

/// Sets `link` down in the calling thread's network namespace
/// (SIOCGIFFLAGS/SIOCSIFFLAGS; needs CAP_NET_ADMIN).
std::string set_link_down(const std::string& link);

/// The longest "message" of a cut reply.
inline constexpr std::size_t ap_sim_max_message = 64;

class ap_sim_state {
public:
  explicit ap_sim_state(ap_sim_config cfg, link_down_fn link_down = set_link_down);

  /// Answers one request (target: origin form; a query is ignored).
  sim_response handle(std::string_view method, std::string_view target);

  /// The true status as the API documents it, whatever the fault.
  nlohmann::json status_json() const;

  /// The links set down so far, in order.
  std::vector<std::string> links_down() const;

  ap_fault fault() const;
  uint32_t slow_ms() const;

private:
  sim_response status_reply() const;
  /// Takes the clients `pick` selects off the air; returns the first
  /// failure ("" if none). Requires mtx_.
  template <class Pick>
  std::string drop_clients(Pick pick, size_t& dropped);
  sim_response deauth(const std::string& mac);
  sim_response disable_ssid(const std::string& name);
  sim_response radio_off(const std::string& id);

  mutable std::mutex mtx_;
  ap_sim_config cfg_;
  link_down_fn link_down_;
  std::vector<std::string> links_down_;
};

} // namespace kagami::devsim
