#pragma once

// The operator views of the topology (admin API): a version's graph, the
// history, the diff of two versions, and the DOT rendering. Plain C++ over
// the history; the topology supervisor answers with them.
//
// JSON shapes:
//   graph:   {"version": N, "at_ms": I, "cause": S, "graph": GRAPH,
//             "unreachable_devices": [S], "unreachable_elements": [S]}
//            (GRAPH is topology_graph::to_json()); the supervisor adds
//            "refresh": {"refreshes", "last_at_ms", "last_duration_us",
//            "period_ms", "last_error"} to the newest one.
//   history: {"versions": [{"version", "at_ms", "cause", "diff"}], newest first}
//   diff:    {"from": N, "to": N, "diff": topology_diff::to_json()}

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/network/topology_dot.hpp"
#include "actors/network/topology_history.hpp"

namespace kagami::topology {

/// What an operator asks for.
struct topology_query {
  enum class view { graph, dot, svg, history, diff };
  view what = view::graph;
  /// graph, dot, svg: the version (0: the newest).
  std::uint64_t version = 0;
  /// diff: both versions (to 0: the newest).
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  /// history: at most `limit` versions older than `before` (0: from the
  /// newest).
  std::size_t limit = 50;
  std::uint64_t before = 0;
};

/// Parses the admin API query string of GET /admin/topology (`path_view`
/// "graph"), /admin/topology/history ("history") or /admin/topology/diff
/// ("diff"): version=N, format=json|dot|svg, from=N, to=N, limit=1..1000,
/// before=N. ec::invalid_value naming the parameter for anything else.
caf::expected<topology_query>
parse_topology_query(const std::string& path_view,
                     const std::multimap<std::string, std::string>& params);

/// The stored version `v` (0: newest) rebuilt by merge. ec::not_found when
/// it is not (or no longer) stored.
caf::expected<topology_version> load_version(topology_history& h, std::uint64_t v);

/// The graph view of version `v`, rebuilt.
nlohmann::json graph_view(const topology_version& v, const topology_graph& g);

/// Answers `q` from the history. For view::dot and view::svg the answer is
/// the DOT text (the caller renders SVG); the marks come from `marks`.
caf::expected<std::string> answer(topology_history& h, const topology_query& q,
                                  const dot_marks& marks);

} // namespace kagami::topology
