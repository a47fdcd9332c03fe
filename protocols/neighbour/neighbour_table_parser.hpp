#pragma once

// Parses the kernel's IPv4 neighbour table as /proc/net/arp prints it:
//
//   IP address       HW type     Flags       HW address            Mask     Device
//   10.99.1.11       0x1         0x2         02:99:00:00:00:11     *        ot0
//
// Pure and bounded. Only complete entries (flag 0x2, ATF_COM) with a
// non-zero MAC become rows; incomplete and failed entries are skipped.
// IPv4 only: IPv6 neighbours are not in this file.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::protocols {

struct neighbour_row {
  std::string ip;     ///< Dotted IPv4.
  std::string mac;    ///< "02:99:00:00:00:11", lower case.
  std::string device; ///< The interface ("ot0").

  friend bool operator==(const neighbour_row&, const neighbour_row&) = default;
};

struct neighbour_table_limits {
  /// The whole text. A row is at most ~90 bytes, so 4096 rows fit.
  size_t max_bytes = 512 * 1024;
  /// Data lines (complete or not).
  size_t max_rows = 4096;
};

/// Fails with ec::invalid_value and the reason ("line 3: ...") on a missing
/// or unexpected header, a line without six fields, a malformed IPv4
/// address, flags value, MAC or device name, or input beyond `limits`.
/// Never throws.
caf::expected<std::vector<neighbour_row>>
parse_neighbour_table(std::string_view text, const neighbour_table_limits& limits = {});

} // namespace kagami::protocols
