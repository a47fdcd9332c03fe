#pragma once

// What the network_element actor needs from one switch or AP, whatever its
// own protocol: neighbours, per-port counters, the cuts it can make, and
// making them. Implemented by the adapters (protocols/snmp: an SNMP switch;
// protocols/wifi_ap: an AP's HTTP/JSON API). Plain C++, no CAF actors.
//
// Threading: every member may block on network I/O for at most the
// adapter's configured timeout (times its retries); the network_element
// actor calls them from its own detached thread, one at a time. No member
// throws; errors are values (ec::device_timeout when the element does not
// answer, ec::device_error when it refuses, ec::device_bad_reply when the
// answer is malformed, ec::not_writable for a cut it cannot make).

#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/network/topology_model.hpp"

namespace kagami::network {

/// One neighbour reading. `report.reporter` is the element as configured
/// (id, kind, management address) with the chassis MAC the element itself
/// reported, if any. `degraded` lists what was malformed or missing (each
/// reason names the table/OID or JSON pointer); the report still holds
/// whatever was sound.
struct element_reading {
  topology::neighbour_report report;
  std::vector<std::string> degraded;
};

/// One port's status and 64-bit counters.
struct port_counters {
  std::uint32_t port_id = 0; ///< ifIndex (an AP: radio position + 1).
  std::string name;
  std::int64_t admin_status = 0; ///< IF-MIB: 1 up, 2 down; 0 unknown.
  std::int64_t oper_status = 0;  ///< IF-MIB: 1 up, 2 down; 0 unknown.
  std::uint64_t in_octets = 0;
  std::uint64_t out_octets = 0;
  std::uint64_t in_packets = 0;  ///< Unicast packets.
  std::uint64_t out_packets = 0; ///< Unicast packets.
};

struct counter_reading {
  std::int64_t observed_at_ms = 0;
  std::vector<port_counters> ports;
  std::vector<std::string> degraded;
};

/// The containment actions a network element may offer.
enum class cut_action {
  port_down,     ///< A switch port admin-down; target: the ifIndex.
  client_deauth, ///< An AP client; target: its MAC.
  ssid_off,      ///< An AP SSID; target: the SSID.
  radio_off,     ///< An AP radio; target: the radio id.
};

/// "port_down", "client_deauth", "ssid_off" or "radio_off".
const char* to_string(cut_action x);

/// One cut to make (or undo). `order_id` makes it idempotent for callers.
struct cut_order {
  std::string order_id;
  cut_action action = cut_action::port_down;
  std::string target;
};

/// What the element says after a cut or a restore.
struct cut_outcome {
  bool applied = false;  ///< The element accepted the change.
  bool verified = false; ///< A read-back shows it in effect.
  std::string detail;    ///< Bounded text from the element or the check.
  /// When the element acknowledged the change (SNMP: the SET's response),
  /// in ms since the epoch; 0 when the backend cannot tell.
  std::int64_t acknowledged_ms = 0;
};

class element_backend {
public:
  virtual ~element_backend() = default;

  /// Asks the element who is attached to which port.
  virtual caf::expected<element_reading> read_neighbours() = 0;

  /// Reads the per-port status and counters.
  virtual caf::expected<counter_reading> read_counters() = 0;

  /// The cuts this element can make (from its config and its API).
  virtual std::vector<cut_action> capabilities() const = 0;

  /// Makes the cut, then reads back whether it is in effect.
  virtual caf::expected<cut_outcome> cut(const cut_order& order) = 0;

  /// Undoes the cut (port up, SSID/radio on; a deauth cannot be undone and
  /// fails with ec::not_writable), then reads back.
  virtual caf::expected<cut_outcome> restore(const cut_order& order) = 0;
};

} // namespace kagami::network
