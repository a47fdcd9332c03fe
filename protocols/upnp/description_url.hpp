#pragma once

// The URL of a UPnP device description (the SSDP LOCATION), restricted to
// what the gateway is willing to fetch: plain http:// to an IPv4 literal,
// without userinfo. Pure: no I/O, never throws.

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace kagami::protocols::upnp {

struct description_url {
  /// The IPv4 literal in dotted-quad form, as inet_ntop writes it.
  std::string host;
  uint16_t port = 80;
  /// The request target: the path and query, "/" when the URL has no path.
  std::string target;

  friend bool operator==(const description_url&, const description_url&) = default;
};

/// The longest URL accepted (the SSDP header value limit).
inline constexpr size_t max_description_url = 512;

/// Parses `url` as "http://A.B.C.D[:PORT][/PATH[?QUERY]]". The scheme is
/// case-insensitive. Fails with ec::invalid_value and the reason for: another
/// scheme (https included: the gateway does not fetch it), userinfo ("@"), a
/// host that is not a dotted-quad IPv4 literal (names, IPv6, leading zeros
/// and other inet_aton forms are refused), a port outside 1..65535, a
/// fragment, a space, control or non-ASCII byte, or more than
/// max_description_url bytes.
caf::expected<description_url> parse_description_url(std::string_view url);

/// The dotted-quad form of an IPv4 literal, or "" when `text` is not one
/// (same rules as the host of parse_description_url).
std::string canonical_ipv4(std::string_view text);

} // namespace kagami::protocols::upnp
