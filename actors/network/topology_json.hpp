#pragma once

// The merge inputs of one topology version (neighbour reports, known
// devices, the gateway's MAC) as JSON, for the topology history in the
// store. Storing the inputs instead of the graph keeps one source of truth:
// topology_graph::merge is deterministic, so a stored version is rebuilt
// exactly, and any two versions can be diffed. Plain C++, no I/O.
//
// Format (version 1):
//   {"format": 1, "gateway_mac": S,
//    "reports": [{"id": S, "kind": "switch"|"ap"|"router", "chassis": S,
//                 "address": S, "at_ms": I, "degraded": [S],
//                 "ports": [{"id": I, "name": S, "mac": S (optional),
//                            "lldp": [{"chassis": S, "port": S}],
//                            "macs": [S],
//                            "clients": [{"mac": S, "ssid": S}]}]}],
//    "devices": [{"mac": S, "thing": S|null, "level": "low"|...}]}

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/network/topology_model.hpp"

namespace kagami::topology {

/// Everything topology_graph::merge needs.
struct merge_inputs {
  std::vector<neighbour_report> reports;
  std::vector<device> known_devices;
  std::string gateway_mac;
  bool operator==(const merge_inputs&) const = default;
};

/// Bounds of one decode: stored bytes may be corrupt, so nothing is
/// allocated by an unchecked count.
struct topology_json_limits {
  std::size_t max_bytes = 64 * 1024 * 1024;
  std::size_t max_reports = 4096;
  std::size_t max_ports_per_report = 4096;
  std::size_t max_entries_per_port = 65536; ///< lldp + macs + clients.
  std::size_t max_devices = 1'000'000;
  std::size_t max_string = 1024;
};

nlohmann::json to_json(const merge_inputs& in);

/// The inverse of to_json. ec::storage_failure with "FIELD: REASON" (a JSON
/// pointer) for anything that does not fit the format or the limits. Never
/// throws.
caf::expected<merge_inputs> parse_merge_inputs(std::string_view text,
                                               const topology_json_limits& limits = {});

/// "switch" -> switch_element, "ap", "router"; false for anything else.
bool parse_element_kind(std::string_view text, element_kind& out);

/// parse_merge_inputs for a parsed document (the caller bounded its size and
/// nesting); the same errors.
caf::expected<merge_inputs> merge_inputs_from_json(const nlohmann::json& doc,
                                                   const topology_json_limits& limits = {});

/// The deepest nesting of a stored document this format allows.
inline constexpr std::size_t max_topology_json_depth = 8;

/// "low", "normal", "high", "critical"; false for anything else.
bool parse_criticality(std::string_view text, criticality& out);

} // namespace kagami::topology
