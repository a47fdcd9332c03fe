#pragma once

// Syntax of the network addresses in a site config: the listener and the
// device addresses. Pure string checks; nothing here resolves names.

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace kagami::config {

/// A host and a port. `host` is a DNS name, a dotted IPv4 address or an IPv6
/// address without brackets.
struct host_port {
  std::string host;
  /// 0 means "any free port" for a listener and "not known yet" for a device.
  uint16_t port = 0;

  friend bool operator==(const host_port&, const host_port&) = default;
};

/// Parses "HOST:PORT", where HOST is a DNS name, a dotted IPv4 address or a
/// bracketed IPv6 address ("[::1]:80") and PORT is 0..65535 in decimal.
/// Fails with ec::config_invalid and a reason.
caf::expected<host_port> parse_host_port(std::string_view text);

/// Parses the base URL of an HTTP/JSON device: exactly "http://HOST:PORT".
/// Rejects https (not supported yet), other schemes and any path.
caf::expected<host_port> parse_http_address(std::string_view text);

/// Checks a public base URL: "http://" or "https://", a host with an
/// optional port, and an optional path without query or fragment.
caf::error check_base_url(std::string_view text);

/// Formats `x` as "HOST:PORT", bracketing an IPv6 host.
std::string to_string(const host_port& x);

} // namespace kagami::config
