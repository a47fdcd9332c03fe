#pragma once

// The isolation supervisor's small judgements, apart from the actor so that
// they have direct tests: whether a cut in force still separates the suspect
// from the gateway, whether an element's reading shows a cut undone, and
// whether a suspect's MAC is one an admitted device owns (a spoofer: a cut
// by MAC could hit the genuine device). Plain C++, no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/isolation/cut_planner.hpp"
#include "actors/network/element_backend.hpp"
#include "actors/network/topology_graph.hpp"
#include "storage/isolation_registry.hpp"

namespace kagami::isolation {

/// True when `cut` lies on `path` (the suspect's hops to the gateway, as
/// topology_graph::path_to_gateway gives them): a port_down of a hop's
/// ingress port, or an AP action at the suspect's own AP (client_deauth
/// always; ssid_off when `ssid` is the suspect's SSID; radio_off when the
/// radio is the suspect's port). A suspect whose path crosses no cut in
/// force has moved (a handover) and must be cut again.
bool cut_on_path(const storage::applied_cut& cut, const std::vector<topology::hop>& path,
                 const std::optional<std::string>& ssid);

/// What a counter reading says about a port_down cut: nullopt when the
/// reading does not list the port (cannot tell); true when the port is
/// admin-down; false when someone set it up again.
std::optional<bool> port_still_down(const storage::applied_cut& cut,
                                    const network::counter_reading& reading);

/// True when the AP's neighbour reading lists `mac` (any case) as a client.
bool client_present(const network::element_reading& reading, const std::string& mac);

/// Nothing when `mac` may be cut by its attachment; else the reason an
/// operator must decide: the MAC belongs to an admitted device and the
/// topology records a conflict for it (two ports claim it), so the
/// attachment may be the genuine device's.
std::optional<std::string> spoofed_identity(const topology::topology_graph& graph,
                                            const std::string& mac);

/// The cut_order that (re)applies `cut` for attempt `attempt` (order ids
/// differ per attempt: the element actor makes each order id once).
network::cut_order order_for(const storage::applied_cut& cut, std::uint64_t attempt);

/// The applied_cut an option becomes.
storage::applied_cut to_applied(const cut_option& option);

/// Parses network::to_string(cut_action) back; nullopt for anything else.
std::optional<network::cut_action> cut_action_from_string(const std::string& s);

} // namespace kagami::isolation
