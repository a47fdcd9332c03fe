#pragma once

// The nft command text of the gateway's own firewall. Pure; no I/O.
//
// The builders take only parsed values (table_name, mac_address,
// ip_address), whose text forms consist of [0-9a-zA-Z_.:] alone, so no
// caller-supplied text is ever interpolated into a command.
//
// The table (family inet) holds:
// - sets refused_mac (ether_addr), refused_v4 (ipv4_addr), refused_v6
//   (ipv6_addr);
// - chain input (hook input): drops ether saddr @refused_mac, ip saddr
//   @refused_v4, ip6 saddr @refused_v6;
// - chain forward (hook forward): the same, plus ip daddr @refused_v4 and
//   ip6 daddr @refused_v6;
// - chain output (hook output): drops ip daddr @refused_v4 and ip6 daddr
//   @refused_v6 (no Ethernet header exists yet on output, so a device
//   refused by MAC only is cut off inbound only);
// all at priority filter - 10 with policy accept, each rule with a counter.

#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "protocols/nft/refused_address.hpp"

namespace kagami::protocols::nft {

/// The name of the one nftables table the firewall owns.
class table_name {
public:
  /// Accepts 1 to 32 characters from [A-Za-z0-9_], starting with a letter.
  /// Fails with ec::invalid_value otherwise.
  static caf::expected<table_name> parse(std::string_view text);

  const std::string& str() const {
    return value_;
  }

private:
  explicit table_name(std::string value) : value_(std::move(value)) {
  }

  std::string value_;
};

/// The set names in the table.
inline constexpr std::string_view refused_mac_set = "refused_mac";
inline constexpr std::string_view refused_v4_set = "refused_v4";
inline constexpr std::string_view refused_v6_set = "refused_v6";

/// One transaction that replaces the table (if any) by a fresh one holding
/// exactly `initial`: "table inet T" (creates it if absent), "delete table
/// inet T", then the full definition. The old table stays in force until the
/// transaction commits, and a failed transaction changes nothing.
std::string install_script(const table_name& table, const refused_entries& initial);

/// Adds every entry of `x` to its set ("add element inet T refused_mac { .. }").
/// Adding a present element is not an error. Empty when `x` is empty.
std::string add_elements_script(const table_name& table, const refused_entries& x);

/// Removes every entry of `x` from its set. Each element is added and then
/// deleted in the same transaction, so removing an absent element is not an
/// error. Empty when `x` is empty.
std::string delete_elements_script(const table_name& table, const refused_entries& x);

/// "list table inet T".
std::string list_script(const table_name& table);

/// Deletes the table; removing an absent table is not an error.
std::string remove_script(const table_name& table);

} // namespace kagami::protocols::nft
