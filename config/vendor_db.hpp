#pragma once

// The vendor device database: the profile of devices that announce none
// (no HTIP, UPnP or BLE DIS), keyed by their exact MAC or BD address. The
// vendor_db discovery source (protocols/neighbour/) turns a neighbour-table
// entry with such a MAC into a sighting with this profile.
//
// Exact addresses only, no OUI prefixes: an OUI names a vendor, not a
// product or firmware, and anyone can set any MAC, so a prefix would admit a
// whole vendor's range on the strength of three spoofable bytes.
// Format: config/README.md, "Vendor database".

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "config/config_error.hpp"
#include "protocols/discovery/discovery.hpp"

namespace kagami::config {

struct vendor_db {
  /// At most this many entries.
  static constexpr size_t max_entries = 100'000;

  /// Normalized MAC ("02:99:00:00:00:11", lower case) -> profile.
  std::map<std::string, protocols::device_profile, std::less<>> entries;

  /// The profile of `mac` (any case), or nullptr.
  const protocols::device_profile* find(std::string_view mac) const;

  bool empty() const {
    return entries.empty();
  }

  friend bool operator==(const vendor_db&, const vendor_db&) = default;
};

/// Parses a vendor database file: a JSON array of objects
///   {"mac": "02:99:00:00:00:11", "vendor": S, "product": S,
///    "modelNumber": S, "firmware": S, "hardware": S, "serial": S,
///    "category": S}
/// where mac, vendor and product are required, every string is 1 to
/// protocols::max_profile_field characters without control characters, and
/// a MAC appears once. At most vendor_db::max_entries entries. `file` names
/// the source in errors. Never throws.
std::variant<vendor_db, config_error> parse_vendor_db(const std::string& text,
                                                      const std::string& file);

} // namespace kagami::config
