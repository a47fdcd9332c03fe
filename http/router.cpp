#include "http/router.hpp"

#include <algorithm>

#include "http/framing_guard.hpp"

namespace kagami::http {

namespace {

constexpr size_t max_segment_size = 255;
constexpr size_t max_name_size = 64;

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool is_placeholder_name(std::string_view s) noexcept {
  if (s.empty())
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

/// Splits "/a/b" into {"a","b"}; "/" into {}. Returns an error text for
/// malformed paths.
std::optional<std::string> split_path(std::string_view path,
                                      std::vector<std::string_view>& out) {
  out.clear();
  if (path.empty() || path.front() != '/')
    return "path must start with '/'";
  if (path == "/")
    return std::nullopt;
  size_t pos = 1;
  for (;;) {
    auto next = path.find('/', pos);
    auto seg = path.substr(pos, next == std::string_view::npos
                                  ? std::string_view::npos
                                  : next - pos);
    if (seg.empty())
      return "empty path segment";
    if (seg == "." || seg == "..")
      return "dot segment in path";
    if (seg.size() > max_segment_size)
      return "path segment too long";
    out.push_back(seg);
    if (next == std::string_view::npos)
      return std::nullopt;
    pos = next + 1;
  }
}

} // namespace

const char* to_string(route_kind x) {
  switch (x) {
    case route_kind::well_known_wot: return "well_known_wot";
    case route_kind::things: return "things";
    case route_kind::thing: return "thing";
    case route_kind::properties: return "properties";
    case route_kind::property: return "property";
    case route_kind::property_observe: return "property_observe";
    case route_kind::action: return "action";
    case route_kind::event: return "event";
    case route_kind::admin_audit: return "admin_audit";
    case route_kind::admin_audit_verify: return "admin_audit_verify";
    case route_kind::admin_alerts: return "admin_alerts";
    case route_kind::admin_topology: return "admin_topology";
    case route_kind::admin_topology_history: return "admin_topology_history";
    case route_kind::admin_topology_diff: return "admin_topology_diff";
    case route_kind::admin_topology_events: return "admin_topology_events";
    case route_kind::admin_isolations: return "admin_isolations";
    case route_kind::admin_isolation_release: return "admin_isolation_release";
  }
  return "unknown";
}

bool is_valid_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > max_name_size || s == "." || s == "..")
    return false;
  return std::all_of(s.begin(), s.end(), is_name_char);
}

std::string_view route_match::param(std::string_view name) const noexcept {
  for (const auto& [k, v] : params)
    if (k == name)
      return v;
  return {};
}

std::string route_match::allow_header() const {
  std::string out;
  for (const auto& m : allow) {
    if (!out.empty())
      out += ", ";
    out += m;
  }
  return out;
}

unsigned route_match::status() const noexcept {
  switch (result) {
    case outcome::matched: return 200;
    case outcome::not_found: return 404;
    case outcome::method_not_allowed: return 405;
    case outcome::bad_path: return 400;
  }
  return 500;
}

std::optional<std::string> router::add(route_kind kind,
                                       std::string_view pattern,
                                       std::vector<std::string> methods) {
  if (methods.empty())
    return "a route needs at least one method";
  for (const auto& m : methods)
    if (!is_token(m))
      return "invalid method '" + m + "'";
  std::vector<std::string_view> parts;
  if (auto err = split_path(pattern, parts))
    return "invalid pattern: " + *err;
  route r{kind, {}, std::move(methods)};
  for (auto part : parts) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      auto name = part.substr(1, part.size() - 2);
      if (!is_placeholder_name(name))
        return "invalid placeholder '" + std::string{part} + "'";
      for (const auto& s : r.segments)
        if (s.placeholder && s.text == name)
          return "duplicate placeholder '" + std::string{part} + "'";
      r.segments.push_back(segment{true, std::string{name}});
    } else {
      if (part.find_first_of("{}") != std::string_view::npos)
        return "invalid literal segment '" + std::string{part} + "'";
      r.segments.push_back(segment{false, std::string{part}});
    }
  }
  routes_.push_back(std::move(r));
  return std::nullopt;
}

route_match router::match(std::string_view method,
                          std::string_view path) const {
  route_match res;
  std::vector<std::string_view> parts;
  if (auto err = split_path(path, parts)) {
    res.result = route_match::outcome::bad_path;
    res.reason = std::move(*err);
    return res;
  }
  std::string bad_param; // first placeholder that failed validation
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size())
      continue;
    bool literal_ok = true;
    std::string invalid;
    for (size_t i = 0; i < parts.size() && literal_ok; ++i) {
      const auto& seg = r.segments[i];
      if (!seg.placeholder)
        literal_ok = seg.text == parts[i];
      else if (invalid.empty() && !is_valid_name(parts[i]))
        invalid = seg.text;
    }
    if (!literal_ok)
      continue;
    if (!invalid.empty()) {
      if (bad_param.empty())
        bad_param = std::move(invalid);
      continue;
    }
    if (std::find(r.methods.begin(), r.methods.end(), method)
        != r.methods.end()) {
      res.result = route_match::outcome::matched;
      res.kind = r.kind;
      res.allow.clear();
      for (size_t i = 0; i < parts.size(); ++i)
        if (r.segments[i].placeholder)
          res.params.emplace_back(r.segments[i].text, std::string{parts[i]});
      return res;
    }
    res.allow.insert(res.allow.end(), r.methods.begin(), r.methods.end());
  }
  if (!res.allow.empty()) {
    std::sort(res.allow.begin(), res.allow.end());
    res.allow.erase(std::unique(res.allow.begin(), res.allow.end()),
                    res.allow.end());
    res.result = route_match::outcome::method_not_allowed;
  } else if (!bad_param.empty()) {
    res.result = route_match::outcome::bad_path;
    res.reason = "invalid " + bad_param
                 + ": expected 1 to 64 characters of [A-Za-z0-9._-]";
  } else {
    res.result = route_match::outcome::not_found;
  }
  return res;
}

router router::wot() {
  router r;
  r.add(route_kind::well_known_wot, "/.well-known/wot", {"GET"});
  r.add(route_kind::things, "/things", {"GET"});
  r.add(route_kind::thing, "/things/{id}", {"GET"});
  r.add(route_kind::properties, "/things/{id}/properties", {"GET", "PUT"});
  r.add(route_kind::property, "/things/{id}/properties/{name}",
        {"GET", "PUT"});
  r.add(route_kind::property_observe,
        "/things/{id}/properties/{name}/observable", {"GET"});
  r.add(route_kind::action, "/things/{id}/actions/{name}", {"POST"});
  r.add(route_kind::event, "/things/{id}/events/{name}", {"GET"});
  r.add(route_kind::admin_audit, "/admin/audit", {"GET"});
  r.add(route_kind::admin_audit_verify, "/admin/audit/verify", {"GET"});
  r.add(route_kind::admin_alerts, "/admin/alerts", {"GET"});
  r.add(route_kind::admin_topology, "/admin/topology", {"GET"});
  r.add(route_kind::admin_topology_history, "/admin/topology/history", {"GET"});
  r.add(route_kind::admin_topology_diff, "/admin/topology/diff", {"GET"});
  r.add(route_kind::admin_topology_events, "/admin/topology/events", {"GET"});
  r.add(route_kind::admin_isolations, "/admin/isolations", {"GET"});
  r.add(route_kind::admin_isolation_release, "/admin/isolations/{id}/release", {"POST"});
  return r;
}

} // namespace kagami::http
