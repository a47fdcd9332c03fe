#include "config/discovery_config.hpp"

#include <arpa/inet.h>

#include "actors/core/error.hpp"
#include "config/syntax.hpp"

namespace kagami::config {

namespace {

bool is_ip(const std::string& s) {
  in6_addr a;
  return is_ipv4_literal(s) || ::inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

} // namespace

std::optional<discovery_config::violation> discovery_config::check() const {
  using v = violation;
  if (!interface.empty() && !is_interface_name(interface))
    return v{"/interface", "\"" + interface
                             + "\" is not an interface name (1 to 15 "
                               "characters without '/', ':' or spaces)"};
  if (interface.empty()) {
    for (auto [on, name] : {std::pair{htip.enabled, "htip"},
                            std::pair{upnp.enabled, "upnp"},
                            std::pair{neighbours.enabled, "neighbours"}})
      if (on)
        return v{"/interface", std::string{"is required when "} + name
                                 + " is enabled: the OT-side interface"};
  }
  if (!local_address.empty() && !is_ipv4_literal(local_address))
    return v{"/localAddress",
             "\"" + local_address + "\" is not an IPv4 address"};
  if (upnp.search_interval_s < 1 || upnp.search_interval_s > 86'400)
    return v{"/upnp/searchIntervalS", "must be 1 to 86400"};
  if (upnp.unicast_targets.size() > 256)
    return v{"/upnp/unicastTargets", "has more than 256 entries"};
  for (size_t i = 0; i < upnp.unicast_targets.size(); ++i)
    if (!is_ip(upnp.unicast_targets[i]))
      return v{"/upnp/unicastTargets/" + std::to_string(i),
               "\"" + upnp.unicast_targets[i]
                 + "\" is not an IPv4 or IPv6 address"};
  // A unix socket address names a private bus (a BlueZ stand-in in tests).
  bool unix_address = ble.bus.rfind("unix:path=", 0) == 0
                      && ble.bus.size() > 10 && ble.bus.size() <= 256
                      && ble.bus.find_first_of(",;'\"\\ ") == std::string::npos;
  if (ble.bus != "system" && ble.bus != "session" && !unix_address)
    return v{"/ble/bus", "unknown value \"" + ble.bus
                           + "\"; expected system, session or unix:path=SOCKET"};
  if (neighbours.interval_s < 1 || neighbours.interval_s > 3600)
    return v{"/neighbours/intervalS", "must be 1 to 3600"};
  if (profile_timeout_ms < 100 || profile_timeout_ms > 60'000)
    return v{"/profileTimeoutMs", "must be 100 to 60000"};
  if (rematch_interval_s < 10 || rematch_interval_s > 86'400)
    return v{"/rematchIntervalS", "must be 10 to 86400"};
  if (confirm_change_s > 3600)
    return v{"/confirmChangeS", "must be 0 to 3600"};
  return std::nullopt;
}

caf::error discovery_config::validate() const {
  if (auto bad = check())
    return make_error(ec::config_invalid,
                      "/discovery" + bad->field + ": " + bad->reason);
  return {};
}

} // namespace kagami::config
