#pragma once

// Route matching for the gateway's HTTP paths. Plain C++, no I/O.
//
// A router is an ordered table of routes. Each route has a kind, a pattern of
// '/'-separated segments, and the methods it accepts. A segment is either a
// literal (`things`) or a placeholder (`{id}`) that captures one segment.
//
// Paths are checked before any route is tried: a path must start with '/',
// must not contain empty segments (`//`, a trailing '/'), '.' or '..'
// segments, or segments longer than 255 bytes. Captured values must match
// [A-Za-z0-9._-]{1,64} and must not be '.' or '..'. That excludes '/', '\',
// '%', NUL and whitespace, so an encoded slash can never reach a handler.
//
// The input is the percent-decoded path without the query (request::path).
// The server already refuses targets whose decoding yields '/', NUL or
// control characters.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kagami::http {

/// What a matched path addresses. New groups (admin_*, directory_*) are
/// appended here together with their patterns.
enum class route_kind : uint8_t {
  /// GET /.well-known/wot — the discovery entry point.
  well_known_wot,
  /// GET /things — the list of Thing Descriptions.
  things,
  /// GET /things/{id} — one Thing Description.
  thing,
  /// GET|PUT /things/{id}/properties — read/write all properties.
  properties,
  /// GET|PUT /things/{id}/properties/{name}.
  property,
  /// GET /things/{id}/properties/{name}/observable — observe (SSE).
  property_observe,
  /// POST /things/{id}/actions/{name}.
  action,
  /// GET /things/{id}/events/{name} — subscribe (SSE).
  event,
  /// GET /admin/audit — audit records by filter (admin role).
  admin_audit,
  /// GET /admin/audit/verify — verify the audit chain (admin role).
  admin_audit_verify,
  /// GET /admin/alerts — log-validation alerts as SSE (admin role).
  admin_alerts,
  /// GET /admin/topology — the OT topology: JSON, DOT or SVG (admin role).
  admin_topology,
  /// GET /admin/topology/history — its versions, newest first.
  admin_topology_history,
  /// GET /admin/topology/diff — what changed between two versions.
  admin_topology_diff,
  /// GET /admin/topology/events — every new topology version as SSE.
  admin_topology_events,
  /// GET /admin/isolations — every isolation with its evidence and trail.
  admin_isolations,
  /// POST /admin/isolations/{id}/release — an operator releases one.
  admin_isolation_release,
};

const char* to_string(route_kind x);

/// The result of router::match.
struct route_match {
  enum class outcome : uint8_t {
    /// A route matched path and method: `kind` and `params` are set.
    matched,
    /// No route has this path.
    not_found,
    /// A route has this path but not this method: `allow` is set.
    method_not_allowed,
    /// The path is malformed or a captured value is invalid: `reason` is set.
    bad_path,
  };

  outcome result = outcome::not_found;
  route_kind kind = route_kind::things;
  /// Captured placeholders in pattern order, e.g. {"id","pump-1"}.
  std::vector<std::pair<std::string, std::string>> params;
  /// For method_not_allowed: the accepted methods, sorted, unique.
  std::vector<std::string> allow;
  /// For bad_path: why, safe to show to the client.
  std::string reason;

  bool ok() const noexcept { return result == outcome::matched; }

  /// The captured value of placeholder `name`, or "" when absent.
  std::string_view param(std::string_view name) const noexcept;

  /// `allow` joined for an Allow header: "GET, PUT".
  std::string allow_header() const;

  /// The HTTP status for a failed match: 404, 405 or 400 (200 if matched).
  unsigned status() const noexcept;
};

/// An ordered route table. Building is not thread-safe; a built router is
/// immutable and `match` may be called from any number of threads.
class router {
public:
  /// Appends a route. `pattern` starts with '/', its segments are literals
  /// or `{name}` placeholders (name: [a-z_]+, unique in the pattern).
  /// `methods` are case-sensitive tokens (GET, PUT, ...), at least one.
  /// Returns an error text when the pattern or methods are malformed; the
  /// route is not added then.
  std::optional<std::string> add(route_kind kind, std::string_view pattern,
                                 std::vector<std::string> methods);

  /// Matches `path` (decoded, without query) and `method`. Routes are tried
  /// in the order they were added; the first route whose pattern and method
  /// both match wins. Never throws on any input.
  route_match match(std::string_view method, std::string_view path) const;

  /// The WoT routes listed at route_kind.
  static router wot();

private:
  struct segment {
    bool placeholder;
    std::string text; // literal text or placeholder name
  };
  struct route {
    route_kind kind;
    std::vector<segment> segments;
    std::vector<std::string> methods;
  };
  std::vector<route> routes_;
};

/// True when `s` matches [A-Za-z0-9._-]{1,64} and is not "." or "..": the
/// syntax of thing ids and affordance names.
bool is_valid_name(std::string_view s) noexcept;

} // namespace kagami::http
