#pragma once

// Reads the UPnP device description behind a UPnP sighting: one HTTP/1.1 GET
// of the sighting's locator, then parse_description.
//
// What it fetches (anything else is ec::invalid_value, before any I/O):
// the sighting's source is upnp and its locator passes
// parse_description_url (http:// to an IPv4 literal, no userinfo) with a
// host equal to the sighting's address. Redirects are not followed.
//
// Limits: `timeout` covers connect, write and read together; the response
// header is at most fetch_limits::header_limit bytes and the body at most
// fetch_limits::body_limit (description_limits::max_document).
//
// Errors: ec::device_timeout when the device does not answer in time or
// cannot be reached (refused, unreachable); ec::device_bad_reply for a
// status other than 200 (redirects included), an oversized or malformed
// response, or a description that parse_description refuses (the detail
// says why).
//
// Thread-safe: fetch() keeps no state between calls; each call runs its own
// io_context on the calling thread.

#include <chrono>
#include <cstddef>

#include "protocols/discovery/discovery.hpp"
#include "protocols/upnp/description_parser.hpp"

namespace kagami::protocols::upnp {

struct fetch_limits {
  static constexpr size_t header_limit = 8 * 1024;
  static constexpr size_t body_limit = description_limits::max_document;
};

class upnp_fetcher : public profile_fetcher {
public:
  caf::expected<device_profile> fetch(const device_sighting& s,
                                      std::chrono::milliseconds timeout) override;
};

} // namespace kagami::protocols::upnp
