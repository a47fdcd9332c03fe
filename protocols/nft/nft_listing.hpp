#pragma once

// Parsing of nft's JSON listing of the gateway firewall's table
// ("nft -j list table inet T"): the refused entries and the drop counters.
//
// The text comes from libnftables, not from a device, but it is still parsed
// as untrusted: the kernel's table may have been changed by someone else.
// Pure; no I/O. Never throws, never crashes on any input.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/nft/refused_address.hpp"

namespace kagami::protocols::nft {

/// The limits of one listing.
struct listing_limits {
  /// The largest listing accepted.
  static constexpr size_t max_bytes = 16 * 1024 * 1024;
  /// The deepest nesting of arrays and objects; deeper input is rejected
  /// while parsing, before any tree is built.
  static constexpr size_t max_depth = 32;
  /// The most elements over all three sets.
  static constexpr size_t max_elements = 1 << 16;
};

/// The counter of one drop rule, e.g. chain "input", match "ip saddr
/// @refused_v4".
struct drop_counter {
  std::string chain;
  /// "PROTOCOL FIELD @SET" of the rule's match, as nft prints it.
  std::string match;
  uint64_t packets = 0;
  uint64_t bytes = 0;

  friend bool operator==(const drop_counter&, const drop_counter&) = default;
};

/// What the table holds.
struct firewall_listing {
  /// The elements of refused_mac, refused_v4 and refused_v6, sorted.
  refused_entries refused;
  /// One per rule that has a counter, in listing order.
  std::vector<drop_counter> counters;

  /// The packets dropped by all rules.
  uint64_t dropped_packets() const;
};

/// Parses the JSON listing of table `inet TABLE`. Only objects of that table
/// are read; the three sets must be present, and every element must parse
/// with parse_mac / parse_ip into the family of its set. Fails with
/// ec::internal and the reason when the text is not such a listing or breaks
/// a limit.
caf::expected<firewall_listing> parse_listing(std::string_view json,
                                              std::string_view table);

} // namespace kagami::protocols::nft
