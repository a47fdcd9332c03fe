#pragma once

// A blocking SNMPv2c client for one agent, on net-snmp's single-session API
// (snmp_sess_open / snmp_sess_synch_response). The replies come back as the
// pure varbinds of varbind.hpp, converted under decode_limits: nothing is
// allocated by a length the agent sent before that length is checked.
//
// Threading: one snmp_client object is used by one thread at a time (the
// network_element actor's detached thread). Different objects may be used
// from different threads at once. Every call blocks for at most
// timeout * (retries + 1) per request; a walk also stops at its deadline.
//
// Process-wide: init_snmp_library() (called by the first
// open_snmp_session()) initializes net-snmp once without loading MIBs or
// reading snmp.conf files and with persistent state disabled, so nothing is
// read from /etc/snmp or /usr/share/snmp/mibs or written under
// /var/lib/snmp.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "protocols/snmp/varbind.hpp"

namespace kagami::protocols::snmp {

/// How to reach one agent and how far to trust its replies.
struct session_config {
  /// "IPv4[:port]" or "[IPv6][:port]"; the port defaults to 161. No host
  /// names (a DNS lookup would block without bound).
  std::string address;
  /// The SNMPv2c community (1..255 bytes).
  std::string community;
  /// Wait for one reply (1 ms .. 60 s).
  std::chrono::milliseconds timeout{1000};
  /// Resends after a timeout (0..10).
  int retries = 1;
  /// GETBULK max-repetitions of a walk (1..1000).
  uint32_t max_repetitions = 25;
  /// Varbinds one walk may collect before it fails (1..1,000,000).
  size_t max_walk_varbinds = 100'000;
  /// One walk's overall deadline, checked between requests (so a walk ends
  /// at most one request's time after it).
  std::chrono::milliseconds walk_deadline{10'000};
  /// Applied to every varbind while converting it (OID length, string
  /// length) and to the number of varbinds in one reply (max_varbinds).
  decode_limits limits;

  /// ec::config_invalid naming the field and the reason; an empty error
  /// when the config is usable.
  caf::error validate() const;
};

/// The agent address as net-snmp's transport string ("udp:10.99.1.2:161",
/// "udp6:[::1]:161"), or ec::config_invalid.
caf::expected<std::string> transport_address(const std::string& address);

/// The RFC 3416 name of an error-status ("noAccess", "notWritable", ...),
/// or "errorStatus N" for an unknown value.
std::string error_status_name(long status);

/// The SNMP operations the switch adapter needs. Implemented by
/// snmp_session (net-snmp); a test may substitute its own agent.
class snmp_client {
public:
  virtual ~snmp_client() = default;

  /// GET of `oids` in one request (1..limits.max_varbinds OIDs). The reply
  /// holds one varbind per OID, in order; an absent object comes back as a
  /// no_value (noSuchObject / noSuchInstance), not as an error.
  /// Errors: ec::device_timeout (no answer: down, unreachable, or a wrong
  /// community), ec::device_error (an errorStatus, named with the OID),
  /// ec::device_bad_reply (a reply that breaks the limits, has another
  /// number of varbinds or other OIDs than asked, or an unknown type).
  virtual caf::expected<std::vector<varbind>>
  get(const std::vector<object_identifier>& oids) = 0;

  /// Every varbind under `subtree` in OID order, by GETBULK. Ends at the
  /// first OID outside the subtree or at endOfMibView (neither is
  /// returned). Errors as get(), and ec::device_bad_reply
  /// "getnext loop at OID ..." when an OID is not strictly greater than the
  /// one before it (the first must be greater than `subtree`),
  /// ec::device_bad_reply when the walk exceeds max_walk_varbinds, and
  /// ec::device_timeout when it exceeds walk_deadline.
  virtual caf::expected<std::vector<varbind>> walk(const object_identifier& subtree) = 0;

  /// SET of one INTEGER. Errors as get(); a refused SET is
  /// ec::device_error "<errorStatus name> at <OID>" (noAccess with a
  /// read-only community, notWritable, wrongValue, ...).
  virtual caf::error set_integer(const object_identifier& oid, int64_t value) = 0;
};

/// Initializes net-snmp for this process, once (std::call_once): no
/// snmp.conf files, no MIB modules (it sets MIBS= in the environment), no
/// persistent state. open_snmp_session calls it; because it changes the
/// environment, call it from main() before other threads start.
void init_snmp_library();

/// Opens a net-snmp session to `config.address` (no packet is sent yet).
/// ec::config_invalid when validate() fails, ec::unavailable when net-snmp
/// cannot open the socket.
caf::expected<std::unique_ptr<snmp_client>> open_snmp_session(const session_config& config);

} // namespace kagami::protocols::snmp
