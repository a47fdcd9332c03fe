#pragma once

// An SNMP-managed switch as a network element: neighbours from IF-MIB,
// BRIDGE-MIB and LLDP-MIB, per-port counters from IF-MIB, and a port cut by
// SET ifAdminStatus. The I/O happens here (through snmp_client); what the
// varbinds mean is decided by switch_reading.hpp.
//
// Threading: as element_backend says: the network_element actor calls the
// members from its own detached thread, one at a time. The adapter opens
// its SNMP sessions lazily on first use, on that thread, and keeps them.
// Blocking bounds: one request takes at most timeout * (retries + 1); one
// walk at most walk_deadline plus one request; read_neighbours and
// read_counters skip the tables left once read_deadline has passed; cut and
// restore add at most verify_timeout of read-back.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/network/element_backend.hpp"
#include "protocols/snmp/snmp_session.hpp"
#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

/// One switch as the site config describes it.
struct snmp_switch_config {
  /// The element id in the site ("sw1"); the report's reporter id.
  std::string element_id;
  /// The agent: "IPv4[:port]" or "[IPv6][:port]" (port 161 by default).
  std::string management_address;
  /// SNMPv2c community for reads.
  std::string read_community;
  /// SNMPv2c community for SETs; without it the switch offers no cut.
  std::optional<std::string> write_community;
  /// One request's reply wait, and its resends.
  std::chrono::milliseconds timeout{1000};
  int retries = 1;
  /// One walk's deadline, and one whole reading's (neighbours, counters).
  std::chrono::milliseconds walk_deadline{10'000};
  std::chrono::milliseconds read_deadline{30'000};
  /// Varbinds one walk may collect, and GETBULK max-repetitions.
  size_t max_walk_varbinds = 100'000;
  uint32_t max_repetitions = 25;
  /// How long cut/restore re-read ifAdminStatus until it shows the change
  /// (0..60 s; polled every 100 ms).
  std::chrono::milliseconds verify_timeout{3000};
  /// Bounds of every reply and every decode.
  decode_limits limits;

  /// ec::config_invalid naming the field ("snmp switch sw1: timeout: ...");
  /// an empty error when usable.
  caf::error validate() const;

  /// The session configs for reads and for SETs (write_community must be
  /// set for the latter).
  session_config read_session() const;
  session_config write_session() const;
};

/// Opens one session; open_snmp_session when the adapter gets none.
using snmp_session_factory
  = std::function<caf::expected<std::unique_ptr<snmp_client>>(const session_config&)>;

class snmp_switch_adapter final : public network::element_backend {
public:
  /// Validates `config` (ec::config_invalid) and builds the adapter; no
  /// packet is sent yet. An empty `factory` means open_snmp_session.
  static caf::expected<std::unique_ptr<snmp_switch_adapter>>
  make(snmp_switch_config config, snmp_session_factory factory = {});

  /// IF-MIB, BRIDGE-MIB and LLDP-MIB walks mapped by to_element_reading.
  /// Fails only when the agent does not answer the first walk (ifDescr):
  /// ec::device_timeout (or the session's open error). Every later table
  /// that fails (timeout, error status, bad reply, getnext loop, the
  /// read deadline) is a reason in `degraded`, named by the table and OID.
  caf::expected<network::element_reading> read_neighbours() override;

  /// ifDescr, ifAdminStatus, ifOperStatus, ifName and the HC counters.
  /// Fails as read_neighbours.
  caf::expected<network::counter_reading> read_counters() override;

  /// {port_down} with a write community, else {}.
  std::vector<network::cut_action> capabilities() const override;

  /// port_down of ifIndex `order.target` (decimal): SET ifAdminStatus = 2,
  /// then re-reads ifAdminStatus until it is 2 or verify_timeout passes.
  /// `detail` names the final ifAdminStatus and ifOperStatus. Errors:
  /// ec::not_writable (another action, or no write community),
  /// ec::invalid_value (a target that is not a decimal ifIndex the agent
  /// lists), and the SET's errors (ec::device_error "noAccess ...",
  /// ec::device_timeout).
  caf::expected<network::cut_outcome> cut(const network::cut_order& order) override;

  /// As cut, with ifAdminStatus = 1 (up).
  caf::expected<network::cut_outcome> restore(const network::cut_order& order) override;

  const snmp_switch_config& config() const {
    return config_;
  }

private:
  snmp_switch_adapter(snmp_switch_config config, snmp_session_factory factory);

  caf::expected<snmp_client*> reader();
  caf::expected<snmp_client*> writer();

  /// Walks every column of switch_oids::interface_columns() into `out`; an
  /// error only when the first walk gets no answer.
  caf::error walk_interfaces(snmp_client& client, std::vector<varbind>& out,
                             std::vector<std::string>& degraded,
                             std::chrono::steady_clock::time_point deadline);

  caf::expected<network::cut_outcome> set_admin_status(const network::cut_order& order,
                                                       int64_t wanted);

  snmp_switch_config config_;
  snmp_session_factory factory_;
  std::unique_ptr<snmp_client> reader_;
  std::unique_ptr<snmp_client> writer_;
};

} // namespace kagami::protocols::snmp
