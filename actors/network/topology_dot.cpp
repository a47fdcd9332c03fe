#include "actors/network/topology_dot.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace kagami::topology {

namespace {

/// Decodes one UTF-8 sequence at `s[i]`; returns the code point and its
/// length, or nothing for an invalid (overlong, surrogate, truncated) one.
std::optional<std::pair<std::uint32_t, std::size_t>>
decode_utf8(std::string_view s, std::size_t i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len;
  std::uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return std::nullopt;
  }
  if (i + len > s.size())
    return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80)
      return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
      || (cp >= 0xD800 && cp <= 0xDFFF))
    return std::nullopt;
  return std::pair{cp, len};
}

/// The body of a quoted label line (see dot_quoted), without the quotes.
std::string escape_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (chars == max_chars) {
      out += "...";
      break;
    }
    ++chars;
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      if (c == '"')
        out += "\\\"";
      else if (c == '\\')
        out += "\\\\";
      else if (c == '&')
        out += "&amp;";
      else if (c < 0x20 || c == 0x7F)
        out += ' ';
      else
        out += static_cast<char>(c);
      continue;
    }
    std::uint32_t cp = 0xFFFD;
    if (auto d = decode_utf8(text, i)) {
      cp = d->first;
      i += d->second;
    } else {
      ++i;
    }
    out += "&#" + std::to_string(cp) + ";";
  }
  return out;
}

/// A quoted multi-line label: each line escaped, joined by DOT's "\n".
std::string label(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0)
      out += "\\n";
    out += escape_line(lines[i], 48);
  }
  return out + "\"";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// The name of `p` for a label: the element's port name, else its number.
std::string port_name(const topology_graph& g, const port_ref& p) {
  if (p.port_id == 0)
    return "port ?";
  if (auto e = g.elements().find(p.element_id); e != g.elements().end())
    if (auto n = e->second.ports.find(p.port_id);
        n != e->second.ports.end() && !n->second.empty())
      return n->second;
  return "port " + std::to_string(p.port_id);
}

const char* element_shape(element_kind k) {
  switch (k) {
    case element_kind::access_point:
      return "shape=box, style=\"rounded\"";
    case element_kind::router:
      return "shape=box3d, style=\"solid\"";
    case element_kind::switch_element:
      break;
  }
  return "shape=box, style=\"solid\"";
}

/// Hops from the gateway's element to each element over the links (for the
/// direction of link edges, so ranks grow away from the gateway).
std::map<std::string, std::size_t> distances(const topology_graph& g) {
  std::map<std::string, std::size_t> dist;
  if (!g.gateway_attachment())
    return dist;
  std::multimap<std::string, std::string> adjacent;
  for (const auto& l : g.links()) {
    adjacent.emplace(l.a.element_id, l.b.element_id);
    adjacent.emplace(l.b.element_id, l.a.element_id);
  }
  std::deque<std::string> queue{g.gateway_attachment()->element_id};
  dist[queue.front()] = 0;
  while (!queue.empty()) {
    auto at = queue.front();
    queue.pop_front();
    auto [lo, hi] = adjacent.equal_range(at);
    for (auto it = lo; it != hi; ++it)
      if (dist.emplace(it->second, dist[at] + 1).second)
        queue.push_back(it->second);
  }
  return dist;
}

} // namespace

std::string dot_quoted(std::string_view text, std::size_t max_chars) {
  return "\"" + escape_line(text, max_chars) + "\"";
}

std::string to_dot(const topology_graph& g, const dot_marks& marks) {
  std::set<std::string> rogue;
  for (const auto& m : marks.rogue)
    rogue.insert(lower(m));
  std::set<std::string> isolated_macs;
  for (const auto& m : marks.isolated)
    isolated_macs.insert(lower(m));

  std::string out;
  out += "digraph topology {\n";
  out += "  graph [rankdir=LR, splines=true, overlap=false, nodesep=0.2, "
         "ranksep=1.0, newrank=true, fontname=\"Helvetica\", fontsize=11];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.08,0.03\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=7, dir=none, "
         "labelfontsize=7, labeldistance=1.6, color=\"#555555\"];\n";

  // Node ids are generated; nothing from the graph is ever an id.
  std::map<std::string, std::string> element_ids;
  {
    std::size_t n = 0;
    for (const auto& [id, e] : g.elements())
      element_ids[id] = "e" + std::to_string(n++);
  }

  std::vector<std::string> gw_lines{"gateway"};
  if (!g.gateway_mac().empty())
    gw_lines.push_back(g.gateway_mac());
  out += "  gw [label=" + label(gw_lines)
         + ", shape=doubleoctagon, style=filled, fillcolor=\"#cfe2ff\"];\n";
  out += "  { rank=min; gw; }\n";

  // Devices per cluster: an element id, or "" for devices not located.
  std::map<std::string, std::vector<std::string>> cluster_nodes;
  std::vector<std::string> device_edges;
  std::size_t n = 0;
  for (const auto& [mac, d] : g.devices()) {
    auto id = "d" + std::to_string(n++);
    bool is_rogue = rogue.contains(mac);
    bool is_isolated = isolated_macs.contains(mac)
                       || (d.thing_id && marks.isolated.contains(*d.thing_id));
    bool located = d.attached && element_ids.contains(d.attached->element_id);
    std::vector<std::string> lines;
    if (is_rogue)
      lines.push_back("rogue");
    lines.push_back(d.thing_id ? *d.thing_id : mac);
    if (located) {
      auto where = port_name(g, *d.attached);
      if (d.ssid)
        where += " / SSID " + *d.ssid;
      lines.push_back(where);
    }
    if (is_isolated)
      lines.push_back("isolated");
    if (!d.reachable)
      lines.push_back("unreachable");

    std::vector<std::string> style;
    std::string attrs = "shape=ellipse";
    if (is_rogue) {
      style.push_back("filled");
      attrs += ", fillcolor=\"#8b0000\", fontcolor=white";
    }
    if (is_isolated || !d.reachable)
      style.push_back("dashed");
    if (is_isolated)
      attrs += ", color=red, penwidth=2";
    else if (!d.reachable)
      attrs += ", color=grey50";
    if (!d.reachable && !is_rogue)
      attrs += ", fontcolor=grey40";
    if (!style.empty()) {
      std::string joined;
      for (const auto& s : style)
        joined += (joined.empty() ? "" : ",") + s;
      attrs += ", style=\"" + joined + "\"";
    }
    auto node = id + " [label=" + label(lines) + ", " + attrs + "];";
    cluster_nodes[located ? d.attached->element_id : ""].push_back(node);
    if (located && d.reachable)
      device_edges.push_back(element_ids[d.attached->element_id] + " -> " + id
                             + ";");
  }

  for (const auto& [eid, e] : g.elements()) {
    const auto& id = element_ids[eid];
    out += "  subgraph cluster_" + id + " {\n";
    out += "    style=\"rounded,dotted\"; color=grey70; label=\"\";\n";
    std::vector<std::string> lines{eid, to_string(e.info.kind)};
    if (!e.info.management_address.empty())
      lines.push_back(e.info.management_address);
    for (const auto& f : e.flags)
      lines.push_back(f);
    if (!e.reachable)
      lines.push_back("unreachable");
    std::string attrs = element_shape(e.info.kind);
    if (!e.flags.empty()) {
      attrs.insert(attrs.size() - 1, ",filled");
      attrs += ", color=darkorange, fillcolor=\"#ffd8a8\", penwidth=2";
    } else if (!e.reachable) {
      attrs.insert(attrs.size() - 1, ",dashed");
      attrs += ", color=grey50, fontcolor=grey40";
    } else {
      attrs.insert(attrs.size() - 1, ",filled");
      attrs += ", fillcolor=\"#e9ecef\"";
    }
    out += "    " + id + " [label=" + label(lines) + ", " + attrs + "];\n";
    for (const auto& node : cluster_nodes[eid])
      out += "    " + node + "\n";
    out += "  }\n";
  }
  if (auto it = cluster_nodes.find(""); it != cluster_nodes.end()) {
    out += "  subgraph cluster_unlocated {\n";
    out += "    style=\"rounded,dashed\"; color=grey50; fontcolor=grey40; "
           "label=\"not located\";\n";
    for (const auto& node : it->second)
      out += "    " + node + "\n";
    out += "  }\n";
  }

  if (const auto& at = g.gateway_attachment();
      at && element_ids.contains(at->element_id))
    out += "  gw -> " + element_ids[at->element_id]
           + " [headlabel=" + label({port_name(g, *at)}) + "];\n";

  auto dist = distances(g);
  auto far = [&](const std::string& element) {
    auto it = dist.find(element);
    return it == dist.end() ? SIZE_MAX : it->second;
  };
  for (const auto& l : g.links()) {
    if (!element_ids.contains(l.a.element_id)
        || !element_ids.contains(l.b.element_id))
      continue;
    // Tail towards the gateway, head away from it.
    const auto& [tail, head] = far(l.b.element_id) < far(l.a.element_id)
                                 ? std::pair{l.b, l.a}
                                 : std::pair{l.a, l.b};
    out += "  " + element_ids[tail.element_id] + " -> "
           + element_ids[head.element_id]
           + " [taillabel=" + label({port_name(g, tail)})
           + ", headlabel=" + label({port_name(g, head)}) + ", penwidth=2];\n";
  }
  for (const auto& e : device_edges)
    out += "  " + e + "\n";
  out += "}\n";
  return out;
}

} // namespace kagami::topology
