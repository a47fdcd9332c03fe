// libFuzzer target for the SSDP datagram parser and the description URL
// parser (protocols/upnp/ssdp_parser.hpp, description_url.hpp).
//
// Input: one datagram. Invariants: parse_ssdp never crashes or throws; a
// parsed message stays within ssdp_limits, encodes, and parses back to the
// same message (the encoder adds a default CACHE-CONTROL where none was
// given); parse_description_url never crashes on its LOCATION and yields a
// target that starts with "/".

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocols/upnp/description_url.hpp"
#include "protocols/upnp/ssdp_parser.hpp"

using namespace kagami::protocols::upnp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = parse_ssdp(text);
  if (!m)
    return 0;
  for (auto* s : {&m->host, &m->location, &m->usn, &m->target, &m->cache_control,
                  &m->server, &m->man})
    if (s->size() > ssdp_limits::max_value)
      std::abort();
  auto encoded = encode_ssdp(*m);
  if (!encoded)
    std::abort();
  auto back = parse_ssdp(*encoded);
  if (!back)
    std::abort();
  auto expected = *m;
  if (expected.cache_control.empty())
    expected.cache_control = back->cache_control;
  if (!(*back == expected))
    std::abort();
  (void) usn_uuid(m->usn);
  if (auto url = parse_description_url(m->location)) {
    if (url->target.empty() || url->target.front() != '/' || url->host.empty())
      std::abort();
    if (canonical_ipv4(url->host) != url->host)
      std::abort();
  }
  return 0;
}
