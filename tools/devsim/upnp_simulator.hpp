#pragma once

// A simulated UPnP device: an http_simulator (the config's documents,
// writable values and actions) that also serves its UPnP device description,
// plus SSDP on its own thread.
//
// HTTP (on HOST:PORT):
// - GET /description.xml: the description built from upnp_device_info
//   (<root xmlns="urn:schemas-upnp-org:device-1-0" configId=...>).
// - GET /sim/profile: the device info as JSON with "bootId" and "configId".
// - PUT /sim/profile: merges a JSON object into the device info (204; 400 for
//   an unknown field or a bad value), bumps CONFIGID and announces the change
//   with NOTIFY ssdp:update and ssdp:alive.
// SSDP:
// - answers M-SEARCH (ST ssdp:all, upnp:rootdevice, the UDN or the device
//   type) received on HOST:ssdp_port (unicast) and, with multicast, on
//   239.255.255.250:ssdp_port joined on the interface that owns HOST. The
//   reply comes from HOST (an ephemeral port), at once (no MX delay), with
//   LOCATION http://HOST:PORT/description.xml, BOOTID.UPNP.ORG and
//   CONFIGID.UPNP.ORG.
// - sends NOTIFY ssdp:alive (for upnp:rootdevice, the UDN and the device
//   type) at start and every notify_interval_s to 239.255.255.250:1900 (with
//   multicast, TTL 2) and to every notify target.
// BOOTID is the start time in seconds (mod 2^31), so a restarted simulator
// announces a new one; CONFIGID starts at 1.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "tools/devsim/http_simulator.hpp"
#include "tools/devsim/upnp_sim_config.hpp"

namespace kagami::devsim {

/// Where the simulator's SSDP listens and announces.
struct upnp_sim_network {
  /// The UDP port for M-SEARCH (1900; 0 picks a free port, for tests).
  uint16_t ssdp_port = 1900;
  /// Join 239.255.255.250 and send NOTIFYs to it. Off: unicast only.
  bool multicast = true;
  /// More receivers of every NOTIFY, as "IPv4:PORT" (tests).
  std::vector<std::string> notify_targets;
};

class upnp_simulator {
public:
  /// Starts the HTTP server on `host` (an IPv4 address) and `port` and SSDP
  /// per `net`. Fails with ec::unavailable when a socket cannot be bound or
  /// joined, ec::invalid_value for a host or notify target that is not IPv4.
  static caf::expected<std::unique_ptr<upnp_simulator>>
  start(const upnp_sim_config& cfg, const std::string& host = "127.0.0.1",
        uint16_t port = 0, upnp_sim_network net = {});

  ~upnp_simulator();
  upnp_simulator(const upnp_simulator&) = delete;
  upnp_simulator& operator=(const upnp_simulator&) = delete;

  /// Stops SSDP and HTTP. Idempotent.
  void stop();

  const std::string& host() const;
  uint16_t port() const;
  /// The bound SSDP port (ssdp_port, or the one picked for 0).
  uint16_t ssdp_port() const;
  /// "http://HOST:PORT/description.xml", the LOCATION.
  std::string description_url() const;

  upnp_device_info device() const;
  uint32_t boot_id() const;
  uint32_t config_id() const;

  /// What PUT /sim/profile does: "" or the reason the patch was refused.
  std::string update_device(const nlohmann::json& patch);

  /// M-SEARCH requests answered and NOTIFY rounds sent so far.
  uint64_t searches_answered() const;
  uint64_t notify_rounds() const;

  /// The HTTP side (tests: state().set_raw("/description.xml", ...)).
  http_simulator& http();

private:
  struct impl;
  explicit upnp_simulator(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagami::devsim
