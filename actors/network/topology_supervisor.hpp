#pragma once

// topology_supervisor: keeps the OT topology. On every refresh (on a
// schedule, and when asked: a device was onboarded, an operator asked) it
//  1. asks every network_element actor for its neighbours (with a timeout;
//     an element that fails is listed in the graph as degraded, with no
//     ports, so operators see it);
//  2. merges the reports with the managed devices and the gateway's MAC
//     (topology_graph::merge);
//  3. when probing is on, probes the devices the graph does not connect
//     (probe_cache decides which are due; path_prober does the I/O) and
//     merges again with the routers found (router_reports);
//  4. when the graph changed (topology_changed), appends a version with the
//     diff to the history (synced) and sends (topology_atom, event JSON) to
//     every subscriber: {"version", "at_ms", "cause", "diff"}.
// One refresh runs at a time; a refresh asked for meanwhile runs right
// after it (once, however often it was asked).
//
// Queries (the admin API) are answered from the history
// (topology_views.hpp); SVG is rendered by the renderer actor.
//
// Detached: refreshes and queries read and write the store, read the
// device registry and the neighbour table, all on its own thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/core/atoms.hpp"
#include "actors/network/network_element.hpp"
#include "actors/network/path_prober.hpp"
#include "actors/network/topology_views.hpp"
#include "storage/kv_store.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kagami::topology::topology_query)

namespace kagami::network {

/// Renders DOT to SVG (Graphviz); detached, it may take a while.
using topology_renderer_actor
  = caf::typed_actor<caf::replies_to<render_atom, std::string>::with<std::string>>;

using topology_supervisor_actor = caf::typed_actor<
  /// Refresh now; the text is the cause recorded with a new version.
  caf::reacts_to<refresh_atom, std::string>,
  /// Internal: the scheduled refresh (re-arms itself; sent once at start).
  caf::reacts_to<refresh_atom>,
  /// An operator view: JSON, or DOT / SVG text (topology_views.hpp).
  caf::replies_to<topology_atom, topology::topology_query>::with<std::string>,
  /// `sink` receives (topology_atom, event JSON) for every new version
  /// until it terminates.
  caf::reacts_to<subscribe_atom, caf::actor>,
  /// Refresh counters, the current version and the elements as JSON.
  caf::replies_to<inspect_atom>::with<std::string>>;

/// One element as the supervisor knows it.
struct managed_element {
  topology::element identity;
  network_element_actor handle;
};

struct topology_supervisor_config {
  std::vector<managed_element> elements;
  /// The gateway's MAC on the OT side (lower case).
  std::string gateway_mac;
  std::chrono::milliseconds refresh_period{30'000};
  /// How long one element may take to answer.
  std::chrono::milliseconds element_timeout{15'000};
  /// The devices the gateway manages, read at every refresh (the device
  /// registry). Called on the supervisor's thread; must be quick.
  std::function<std::vector<topology::managed_device>()> devices;
  /// Rogue and isolated devices to mark in DOT / SVG, read per query.
  std::function<topology::dot_marks()> marks;
  /// The gateway's neighbour table (IPv4 -> MAC), read once per refresh: an
  /// element that reports no chassis MAC (an AP's API rarely does) is
  /// identified by the MAC of its management address. Empty: not used.
  std::function<std::map<std::string, std::string>()> neighbour_table;
  /// Reports of elements heard rather than asked (HTIP L2 agents), read
  /// once per refresh. Empty: none.
  std::function<std::vector<topology::neighbour_report>()> heard_reports;
  /// Null: no probing.
  path_prober_actor prober;
  /// Destinations probed in one refresh at most (the rest wait for the
  /// next), and how long the whole run may take.
  std::size_t max_probes_per_refresh = 16;
  std::chrono::milliseconds probe_timeout{30'000};
  std::chrono::milliseconds reprobe{300'000};
  /// Null: SVG is refused with ec::unavailable.
  topology_renderer_actor renderer;
  std::chrono::milliseconds render_timeout{10'000};
  /// The store of the history (outlives the actor) and how many versions
  /// it keeps.
  storage::kv_store* store = nullptr;
  std::size_t history_retain = 1000;
};

/// Spawns the supervisor; it takes its first topology at once.
topology_supervisor_actor spawn_topology_supervisor(caf::actor_system& sys,
                                                    topology_supervisor_config cfg);

/// Spawns the Graphviz renderer (detached; libgvc runs one layout at a
/// time). DOT that Graphviz rejects is ec::invalid_value.
topology_renderer_actor spawn_topology_renderer(caf::actor_system& sys);

} // namespace kagami::network
