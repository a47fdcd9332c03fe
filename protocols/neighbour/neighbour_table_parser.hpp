#pragma once

// Parses the kernel's IPv4 neighbour table as /proc/net/arp prints it:
//
//   IP address       HW type     Flags       HW address            Mask     Device
//   10.99.1.11       0x1         0x2         02:99:00:00:00:11     *        ot0
//
// Pure and bounded. Only complete entries (flag 0x2, ATF_COM) with a
// non-zero MAC become rows; incomplete and failed entries are skipped.
// IPv4 only: IPv6 neighbours are not in this file.
//
// A table with more complete entries than `max_rows` is not an error (an ARP
// flood must not blind every consumer): the first `max_rows` are kept and the
// rest only counted in `truncated`.

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
  /// The whole text; more is an error. A line is at most ~90 bytes, so 4096
  /// lines fit.
  size_t max_bytes = 512 * 1024;
  /// Complete rows kept; further complete rows are counted, not kept.
  size_t max_rows = 4096;
};

/// The parsed table.
struct neighbour_table {
  /// The first (at most max_rows) complete rows, in file order.
  std::vector<neighbour_row> rows;
  /// Complete rows after the first max_rows, dropped. Non-zero means `rows`
  /// is not the whole table: a lookup that misses may be a truncation.
  size_t truncated = 0;

  friend bool operator==(const neighbour_table&, const neighbour_table&) = default;
};

/// Fails with ec::invalid_value and the reason ("line 3: ...") on a missing
/// or unexpected header, a line without six fields, a malformed IPv4
/// address, flags value, MAC or device name (every line is checked, also
/// beyond max_rows), or text longer than limits.max_bytes. More than
/// limits.max_rows complete rows is not an error: see neighbour_table.
/// Never throws.
caf::expected<neighbour_table>
parse_neighbour_table(std::string_view text, const neighbour_table_limits& limits = {});

} // namespace kagami::protocols
