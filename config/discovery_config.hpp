#pragma once

// Which discovery sources the gateway runs and how. All sources are off when
// the site config has no "discovery" section. Format: config/README.md,
// "Discovery".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>

namespace kagami::config {

struct discovery_config {
  /// The OT-side network interface the sources listen on ("ot0"). Required
  /// when htip, upnp or neighbours is enabled.
  std::string interface;
  /// The gateway's own IPv4 address on that interface (the UPnP source
  /// binds to it); empty: chosen by the kernel.
  std::string local_address;

  struct htip_config {
    bool enabled = false;
    friend bool operator==(const htip_config&, const htip_config&) = default;
  } htip;

  struct upnp_config {
    bool enabled = false;
    /// Seconds between M-SEARCH rounds: 1..86400.
    uint32_t search_interval_s = 30;
    /// IP literals that also get a unicast M-SEARCH (devices that ignore
    /// multicast); at most 256.
    std::vector<std::string> unicast_targets;
    friend bool operator==(const upnp_config&, const upnp_config&) = default;
  } upnp;

  struct ble_config {
    bool enabled = false;
    /// "system", "session" or "unix:path=SOCKET": the D-Bus bus where
    /// BlueZ runs.
    std::string bus = "system";
    friend bool operator==(const ble_config&, const ble_config&) = default;
  } ble;

  /// The vendor-database source: polls the neighbour table (ARP).
  struct neighbours_config {
    bool enabled = false;
    /// Seconds between polls: 1..3600.
    uint32_t interval_s = 5;
    friend bool operator==(const neighbours_config&, const neighbours_config&)
      = default;
  } neighbours;

  /// How long one profile fetch may take: 100..60000 ms.
  uint32_t profile_timeout_ms = 3000;
  /// How often an unchanged device is matched again (the design may have
  /// changed): 10..86400 s.
  uint32_t rematch_interval_s = 300;
  /// How long an admitted device's profile must keep failing the design
  /// before its thing is withdrawn (one forged announcement must not take
  /// a device away): 0..3600 s; 0 withdraws at once. Above twice the LLDP
  /// transmit interval (30 s by default), so the genuine device speaks up.
  uint32_t confirm_change_s = 65;

  /// True if any source is enabled.
  bool any_enabled() const {
    return htip.enabled || upnp.enabled || ble.enabled || neighbours.enabled;
  }

  /// A rule that does not hold: `field` is a JSON pointer relative to the
  /// "discovery" object ("/upnp/unicastTargets/0").
  struct violation {
    std::string field;
    std::string reason;
  };

  /// Checks the rules above (ranges, the interface name, IP literals, the
  /// bus, an interface for the sources that need one). The site parser
  /// calls it.
  std::optional<violation> check() const;

  /// check() as an error: ec::config_invalid with "/discovery/FIELD: REASON",
  /// or an empty error. For code that builds a discovery_config by hand.
  caf::error validate() const;

  friend bool operator==(const discovery_config&, const discovery_config&)
    = default;
};

} // namespace kagami::config
