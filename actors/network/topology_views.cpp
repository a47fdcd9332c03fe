#include "actors/network/topology_views.hpp"

#include <charconv>
#include <set>

#include "actors/core/error.hpp"

namespace kagami::topology {

namespace {

bool parse_u64(const std::string& text, std::uint64_t& out) {
  auto end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(text.data(), end, out);
  return !text.empty() && err == std::errc{} && ptr == end;
}

} // namespace

caf::expected<topology_query>
parse_topology_query(const std::string& path_view,
                     const std::multimap<std::string, std::string>& params) {
  topology_query q;
  std::set<std::string> known;
  if (path_view == "graph") {
    known = {"version", "format"};
  } else if (path_view == "history") {
    q.what = topology_query::view::history;
    known = {"limit", "before"};
  } else if (path_view == "diff") {
    q.what = topology_query::view::diff;
    known = {"from", "to"};
  } else {
    return make_error(ec::internal, "unknown topology view " + path_view);
  }
  bool has_from = false;
  for (const auto& [key, value] : params) {
    if (known.count(key) == 0)
      return make_error(ec::invalid_value, "unknown query parameter '" + key + "'");
    if (params.count(key) > 1)
      return make_error(ec::invalid_value, "query parameter '" + key + "' given twice");
    auto bad = [&name = key](const char* what) {
      return make_error(ec::invalid_value, "query parameter '" + name + "': " + what);
    };
    std::uint64_t n = 0;
    if (key == "format") {
      if (value == "json")
        q.what = topology_query::view::graph;
      else if (value == "dot")
        q.what = topology_query::view::dot;
      else if (value == "svg")
        q.what = topology_query::view::svg;
      else
        return bad("expected json, dot or svg");
      continue;
    }
    if (!parse_u64(value, n))
      return bad("expected a non-negative integer");
    if (key == "version") {
      q.version = n;
    } else if (key == "from") {
      if (n == 0)
        return bad("versions start at 1");
      q.from = n;
      has_from = true;
    } else if (key == "to") {
      q.to = n;
    } else if (key == "limit") {
      if (n < 1 || n > 1000)
        return bad("expected 1 to 1000");
      q.limit = n;
    } else if (key == "before") {
      q.before = n;
    }
  }
  if (q.what == topology_query::view::diff && !has_from)
    return make_error(ec::invalid_value, "query parameter 'from' is required");
  return q;
}

caf::expected<topology_version> load_version(topology_history& h, std::uint64_t v) {
  auto got = v == 0 ? h.latest() : h.get(v);
  if (!got)
    return got.error();
  if (!*got)
    return make_error(ec::not_found, v == 0 ? "no topology has been taken yet"
                                            : "topology version " + std::to_string(v)
                                                + " is not stored");
  return std::move(**got);
}

nlohmann::json graph_view(const topology_version& v, const topology_graph& g) {
  return {{"version", v.version},
          {"at_ms", v.at_ms},
          {"cause", v.cause},
          {"graph", g.to_json()},
          {"unreachable_devices", g.unreachable_devices()},
          {"unreachable_elements", g.unreachable_elements()}};
}

caf::expected<std::string> answer(topology_history& h, const topology_query& q,
                                  const dot_marks& marks) {
  using view = topology_query::view;
  auto rebuild = [](const topology_version& v) {
    return topology_graph::merge(v.inputs.reports, v.inputs.known_devices,
                                 v.inputs.gateway_mac);
  };
  switch (q.what) {
    case view::graph:
    case view::dot:
    case view::svg: {
      auto v = load_version(h, q.version);
      if (!v)
        return v.error();
      auto g = rebuild(*v);
      if (q.what == view::graph)
        return graph_view(*v, g).dump();
      return to_dot(g, marks);
    }
    case view::history: {
      auto listing = h.list(q.limit, q.before == 0 ? std::nullopt
                                                   : std::optional<std::uint64_t>{q.before});
      if (!listing)
        return listing.error();
      auto versions = nlohmann::json::array();
      for (auto& s : *listing)
        versions.push_back({{"version", s.version},
                            {"at_ms", s.at_ms},
                            {"cause", s.cause},
                            {"diff", s.diff}});
      return nlohmann::json{{"versions", std::move(versions)}}.dump();
    }
    case view::diff: {
      auto from = load_version(h, q.from);
      if (!from)
        return from.error();
      auto to = load_version(h, q.to);
      if (!to)
        return to.error();
      auto d = diff(rebuild(*from), rebuild(*to));
      return nlohmann::json{{"from", from->version}, {"to", to->version}, {"diff", d.to_json()}}
        .dump();
    }
  }
  return make_error(ec::internal, "unknown topology view");
}

} // namespace kagami::topology
