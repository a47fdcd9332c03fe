#pragma once

// HTIP L2 agents as a topology source. An L2 agent (TTC JJ-300.00: a switch
// without SNMP) announces in its LLDP frames which MACs it learned on which
// port: HTIP link information TLVs (OUI E0-27-1A, subtype 2), decoded by
// parse_lldp_frame into lldp_frame::htip_links. Here one such frame becomes
// a topology neighbour report, and a small table keeps the latest report of
// every agent for as long as its LLDP TTL says.
//
// Pure: no I/O, no clock (the caller passes the time). The frames come from
// the OT network (untrusted); everything here is bounded by the parser's
// limits and htip_agent_limits.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/network/topology_model.hpp"
#include "protocols/lldp_htip/lldp_frame.hpp"

namespace kagami::protocols::lldp_htip {

/// The reporter id prefix of HTIP L2 agents: "htip-" + the agent's MAC.
inline constexpr const char* htip_reporter_prefix = "htip-";

/// The report one frame of an L2 agent makes, observed at `observed_at_ms`
/// (ms since the epoch).
///
/// - reporter: kind switch_element; chassis_mac is the frame's Chassis ID
///   when it is a MAC (subtype 4), else empty; id is "htip-" + that MAC, or
///   "htip-" + the frame's Ethernet source MAC when the Chassis ID is not a
///   MAC; management_address is the frame's first IPv4 management address
///   (else its first IPv6 one, else empty).
/// - ports: one port_observation per distinct port number, in order of
///   first appearance: port_id = the entry's port number, name = the number
///   as text, learned_macs = the entry's MACs ("aa:bb:cc:dd:ee:ff") without
///   duplicates, in frame order. Entries of the same port (an agent may
///   split a long MAC list over several TLVs) are merged.
///
/// Errors: ec::invalid_value "no HTIP link information (not an L2 agent)"
/// when the frame has no link information TLV. Never throws.
caf::expected<topology::neighbour_report> htip_l2_report(const lldp_frame& frame,
                                                         std::int64_t observed_at_ms);

/// Bounds of an htip_agent_table.
struct htip_agent_limits {
  /// The most agents kept at once. A frame of a new agent when the table is
  /// full (after expiry) is refused; known agents keep being refreshed, so a
  /// flood of forged chassis cannot push out agents already known.
  size_t max_agents = 256;
  /// The longest an entry is kept without a refresh, whatever TTL the frame
  /// claims (LLDP allows 65535 s).
  std::int64_t max_hold_ms = 3600 * 1000;
};

/// What htip_agent_table::observe did with a frame.
enum class htip_observe_result : uint8_t {
  /// A new agent.
  added,
  /// A known agent: its report replaced, its expiry renewed.
  refreshed,
  /// TTL 0 ("forget me"): the agent was removed (or was not known).
  withdrawn,
  /// No link information: not an L2 agent frame; the table is unchanged.
  not_an_agent,
};

/// "added", "refreshed", "withdrawn" or "not_an_agent".
const char* to_string(htip_observe_result x);

/// The latest report per L2 agent, each until its LLDP TTL runs out.
/// Keyed by reporter id (htip_l2_report). Not thread-safe: one owner (the
/// topology supervisor's state).
class htip_agent_table {
public:
  explicit htip_agent_table(htip_agent_limits limits = {});

  /// Feeds one parsed frame received at `now_ms`. Expires old entries first.
  /// A frame with link information replaces its agent's report (observed_at
  /// = now_ms) and keeps it until now_ms + min(TTL s * 1000, max_hold_ms).
  /// Errors: ec::unavailable "HTIP agent table full (N agents)" for a new
  /// agent when max_agents are kept; the table is unchanged then.
  caf::expected<htip_observe_result> observe(const lldp_frame& frame, std::int64_t now_ms);

  /// Removes the entries whose expiry is at or before `now_ms` and returns
  /// their reporter ids (sorted).
  std::vector<std::string> expire(std::int64_t now_ms);

  /// The reports of the entries still live at `now_ms` (expiry after
  /// now_ms), ordered by reporter id. Does not remove anything.
  std::vector<topology::neighbour_report> reports(std::int64_t now_ms) const;

  /// The report of one agent if it is live at `now_ms`.
  std::optional<topology::neighbour_report> report(const std::string& reporter_id,
                                                   std::int64_t now_ms) const;

  /// Entries kept (live or not yet expired by expire/observe).
  size_t size() const {
    return entries_.size();
  }

  const htip_agent_limits& limits() const {
    return limits_;
  }

private:
  struct entry {
    topology::neighbour_report report;
    std::int64_t expires_at_ms = 0;
  };

  htip_agent_limits limits_;
  std::map<std::string, entry> entries_;
};

} // namespace kagami::protocols::lldp_htip
