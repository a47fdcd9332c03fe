#pragma once

// The design matcher: decides whether a discovered device may join the site
// by matching what it says about itself against the design information.
// Plain C++, no actors, no I/O; deterministic (the same inputs give the same
// verdict and the same reasons in the same order).
//
// Rules (config/README.md, "Design information"):
// 1. A block entry holds when every field it gives matches. Any holding
//    block entry refuses the device, whatever else it matches.
// 2. An allowed entry holds when every field it gives matches. A field the
//    entry gives but the device does not report (empty) fails: unknown is
//    never a match.
// 3. Among the holding entries, pinned ones (mac, exact serial or udn) beat
//    unpinned ones. Two holding entries of the same kind are ambiguous and
//    refuse the device: the matcher never guesses.
// 4. A MAC that allowed entries pin belongs to them: a device with that MAC
//    that fits none of them is refused as spoofed, even if an unpinned
//    entry would take it.
// 5. The MAC a device is judged by is the sighting's (the link layer saw
//    it), not anything in the profile.

#include <cstddef>
#include <string>
#include <vector>

#include "config/design_info.hpp"
#include "protocols/discovery/discovery.hpp"

namespace kagami::onboarding {

struct match_result {
  enum class verdict {
    admitted,  ///< `entry` holds.
    blocked,   ///< A block entry holds.
    ambiguous, ///< Several equally specific entries hold.
    spoofed,   ///< Entries pin the device's MAC, but none of them holds.
    no_match,  ///< No allowed entry holds.
  };

  verdict outcome = verdict::no_match;
  /// The admitted entry (points into the design_info passed to match(),
  /// which must outlive the result); nullptr unless admitted.
  const config::allowed_device* entry = nullptr;
  /// Its index in design_info::allowed; meaningful only if admitted.
  size_t index = 0;
  /// The evidence, most important first. Admitted: why the entry holds
  /// ("press-plc: vendor KAGAMI = KAGAMI, ..."). Refused, e.g.:
  ///   "blocked by blocked[0]: vendor EVILCO matches EVIL*"
  ///   "ambiguous: entries env-a and env-b both match; pin one by mac,
  ///    serial or udn"
  ///   "MAC 02:99:00:00:00:15 belongs to entry press-plc, but product
  ///    KS-PLC900 ≠ KS-PLC200"
  ///   "press-plc: product KS-PLC900 ≠ KS-PLC200; firmware unknown"
  std::vector<std::string> reasons;

  bool admitted() const noexcept {
    return outcome == verdict::admitted;
  }

  /// The reasons joined with "; " (for a log line or a one-line record).
  std::string reason() const;
};

/// "admitted", "blocked", "ambiguous", "spoofed" or "no match".
const char* to_string(match_result::verdict x);

/// At most this many non-matching entries are explained when nothing holds
/// (the closest ones: most fields matched, then fewest failed; in config
/// order).
inline constexpr size_t max_explained_entries = 3;

/// Matches one device. `sighting` gives the MAC (any case; compared
/// normalized), `profile` the rest. Never throws except std::bad_alloc.
match_result match(const config::design_info& design,
                   const protocols::device_sighting& sighting,
                   const protocols::device_profile& profile);

} // namespace kagami::onboarding
