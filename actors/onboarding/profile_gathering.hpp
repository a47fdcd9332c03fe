#pragma once

// profile_gathering: the work of one onboarding, as plain C++: read the
// profile (inline, or through the source's fetcher), complete the sighting
// (the MAC from the neighbour table when the source could not see it; the
// fetch has just resolved it), then ask the matcher. Blocks for at most the fetch timeout; runs on the short-lived
// onboarding actor's own thread.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "actors/onboarding/onboarding_ledger.hpp"
#include "protocols/discovery/discovery.hpp"

namespace kagami::onboarding {

/// Everything one onboarding needs; shared by all of them, so each member
/// must be safe to call from several threads at once.
struct gathering_tools {
  /// A fetcher per source whose sightings carry no inline profile.
  std::map<protocols::discovery_kind, std::shared_ptr<protocols::profile_fetcher>>
    fetchers;
  /// The MAC of an on-link IP address ("" when unknown).
  std::function<std::string(const std::string& ip)> mac_of;
  /// The design matcher.
  std::function<match_summary(const protocols::device_sighting&,
                              const protocols::device_profile&)>
    match;
  std::chrono::milliseconds fetch_timeout{3000};
  /// Whether an address may be fetched from, refused and served: one on the
  /// OT side (or a configured routed device). Everything else is somebody
  /// else's, whatever a sighting claims. Unset: every address.
  std::function<bool(const std::string& address)> address_allowed;
  /// Whether an address is on the OT segment itself, where every device has
  /// a MAC the gateway can see. Unset: none is.
  std::function<bool(const std::string& address)> on_link;
};

struct gathered {
  /// The sighting with its MAC filled in where it could be.
  protocols::device_sighting sighting;
  protocols::device_profile profile;
  match_summary match;
};

/// Gathers and matches. Errors: the fetcher's (timeout, bad reply), or
/// ec::invalid_value when no profile can be had for this source, when the
/// address is not allowed (nothing is fetched), when the neighbour table
/// says the address belongs to another MAC than the sighting claims, or when
/// the MAC of an on-link address stays unknown (a design rule that names a
/// MAC could not be checked).
caf::expected<gathered> gather_and_match(protocols::device_sighting s,
                                         const gathering_tools& tools);

} // namespace kagami::onboarding
