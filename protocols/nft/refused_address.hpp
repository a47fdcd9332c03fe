#pragma once

// Strict parsing of the addresses the gateway firewall refuses: a device's
// MAC and its IPv4 or IPv6 address. These are the only values that ever
// reach an nft command (firewall_script.hpp takes the parsed types, never
// text), so the parsers are the injection barrier: anything that is not
// exactly an address is rejected, never cleaned up.
//
// Pure; no I/O. Never throws.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::protocols::nft {

/// A unicast Ethernet address (the group bit is clear and it is not all
/// zeros): the only kind a device sends from.
struct mac_address {
  std::array<uint8_t, 6> octets{};

  friend auto operator<=>(const mac_address&, const mac_address&) = default;
};

/// Parses exactly six two-digit hex octets separated by ':'
/// ("02:99:fa:00:00:02"; upper or lower case). Fails with ec::invalid_value
/// and the reason for anything else, and for group (multicast, broadcast)
/// and all-zero addresses.
caf::expected<mac_address> parse_mac(std::string_view text);

/// "02:99:fa:00:00:02": lower case, the form nft prints.
std::string to_string(const mac_address& x);

enum class ip_family : uint8_t { v4, v6 };

/// A unicast IPv4 or IPv6 address of a device.
struct ip_address {
  ip_family family = ip_family::v4;
  /// The address in network order; an IPv4 address uses the first 4 bytes
  /// and the rest stay zero.
  std::array<uint8_t, 16> octets{};

  friend auto operator<=>(const ip_address&, const ip_address&) = default;
};

/// Parses a dotted-quad IPv4 address or an IPv6 address in the text forms of
/// inet_pton (no brackets, no prefix length, no zone). Only the characters
/// [0-9a-fA-F.:] are accepted and the text is at most 45 bytes, so embedded
/// NULs, spaces and separators never get through. Fails with
/// ec::invalid_value and the reason for anything else, and for addresses no
/// device can have: unspecified (0.0.0.0, ::), loopback, multicast,
/// 255.255.255.255 and IPv4-mapped IPv6 (use the IPv4 form).
caf::expected<ip_address> parse_ip(std::string_view text);

/// The inet_ntop form ("10.99.250.2", "fd99:fa::2"), which nft prints too.
std::string to_string(const ip_address& x);

/// What the firewall refuses: MACs and IP addresses, each list sorted and
/// without duplicates when it comes from parse_listing.
struct refused_entries {
  std::vector<mac_address> macs;
  std::vector<ip_address> addresses;

  bool empty() const {
    return macs.empty() && addresses.empty();
  }

  friend bool operator==(const refused_entries&, const refused_entries&) = default;
};

} // namespace kagami::protocols::nft
