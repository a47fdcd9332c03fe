#pragma once

// The topology as a Graphviz DOT document, for operators (rendered to SVG
// with `dot -Tsvg`). Plain C++, no I/O.
//
// Layout, chosen to stay legible for a 50-device site: left to right, the
// gateway at the left; every element (switch: box, AP: rounded box, router:
// 3-D box) in a cluster with the devices attached to it, so devices stack per
// element instead of fanning out of one node; element links carry the port
// names at both ends (small font).
//
// Marks:
// - isolated device: red, dashed border, "isolated" line;
// - rogue device: filled dark red, white text, "rogue" line;
// - unreachable device: grey, dashed, no edge (in its element's cluster if it
//   has an attachment, else in a "not located" cluster);
// - element with flags (degraded, duplicate chassis id): orange, flags listed;
//   unreachable element: grey, dashed.
//
// Security: node ids are generated ("gw", "e0", "d0", ...); every string that
// comes from the graph (element ids, port names, MACs, thing ids, SSIDs,
// flags) is written only inside a quoted label through `dot_quoted`, so a
// device-reported name cannot end a label or add statements.

#include <set>
#include <string>
#include <string_view>

#include "actors/network/topology_graph.hpp"

namespace kagami::topology {

/// Devices to mark, decided elsewhere (isolation and rogue detection).
struct dot_marks {
  /// Isolated devices: MACs (any case) or thing ids (exact).
  std::set<std::string> isolated;
  /// Rogue devices: MACs (any case). A MAC not in the graph is ignored.
  std::set<std::string> rogue;
};

/// `text` as a DOT quoted string, quotes included, safe in any label: `"`
/// and `\` are escaped, `&` becomes `&amp;`, control characters (newlines
/// too) become spaces, non-ASCII becomes numeric character references
/// (invalid UTF-8: U+FFFD). Longer than `max_chars` characters: cut, with
/// "..." appended. The result is plain ASCII.
std::string dot_quoted(std::string_view text, std::size_t max_chars = 48);

/// The graph as a DOT document (a `digraph` with undirected-looking edges).
/// Deterministic: the same graph and marks give the same text.
std::string to_dot(const topology_graph& g, const dot_marks& marks);

} // namespace kagami::topology
