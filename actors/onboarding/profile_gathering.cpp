#include "actors/onboarding/profile_gathering.hpp"

#include "actors/core/error.hpp"

namespace kagami::onboarding {

caf::expected<gathered> gather_and_match(protocols::device_sighting s,
                                         const gathering_tools& tools) {
  if (!s.address.empty() && tools.address_allowed && !tools.address_allowed(s.address))
    return make_error(ec::invalid_value,
                      "address " + s.address
                        + " is not on the OT network: not fetched, not refused");
  gathered out;
  if (s.profile) {
    out.profile = *s.profile;
  } else {
    auto f = tools.fetchers.find(s.source);
    if (f == tools.fetchers.end() || !f->second)
      return make_error(ec::invalid_value,
                        std::string{"no profile fetcher for "}
                          + protocols::to_string(s.source) + " sightings");
    auto p = f->second->fetch(s, tools.fetch_timeout);
    if (!p)
      return std::move(p.error());
    out.profile = std::move(*p);
  }
  // After the fetch: talking to the device put it into the neighbour table.
  if (!s.address.empty() && tools.mac_of) {
    auto known = tools.mac_of(s.address);
    if (s.mac.empty())
      s.mac = known;
    else if (!known.empty() && known != s.mac)
      return make_error(ec::invalid_value,
                        "address " + s.address + " belongs to MAC " + known
                          + " in the neighbour table, but the sighting claims "
                          + s.mac);
  }
  if (s.mac.empty() && !s.address.empty() && tools.on_link && tools.on_link(s.address))
    return make_error(ec::invalid_value, "the MAC of on-link address " + s.address
                                           + " is unknown: not matched");
  out.match = tools.match ? tools.match(s, out.profile)
                          : match_summary{false, "", "", "no design information"};
  out.sighting = std::move(s);
  return out;
}

} // namespace kagami::onboarding
