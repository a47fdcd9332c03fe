#include "protocols/lldp_htip/htip_sighting.hpp"

#include <cstdio>

#include "protocols/lldp_htip/htip_profile.hpp"

namespace kagami::protocols::lldp_htip {

namespace {

constexpr uint64_t fnv_offset = 0xcbf29ce484222325ULL;
constexpr uint64_t fnv_prime = 0x100000001b3ULL;

uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= fnv_prime;
  }
  return h;
}

} // namespace

std::string htip_fingerprint(const htip_device_info& info, std::string_view address) {
  uint64_t h = fnv1a(fnv_offset, info.raw.data(), info.raw.size());
  uint8_t nul = 0;
  h = fnv1a(h, &nul, 1);
  h = fnv1a(h, reinterpret_cast<const uint8_t*>(address.data()), address.size());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::optional<device_sighting> htip_sighting(const lldp_frame& frame, std::string seen_on) {
  auto profile = htip_profile(frame);
  if (!profile)
    return std::nullopt;
  device_sighting s;
  s.source = discovery_kind::htip;
  s.mac = format_mac(frame.src_mac);
  for (auto family : {management_address::ipv4, management_address::ipv6}) {
    for (const auto& m : frame.management_addresses)
      if (m.family == family) {
        s.address = m.address;
        break;
      }
    if (!s.address.empty())
      break;
  }
  s.seen_on = std::move(seen_on);
  s.profile = std::move(profile);
  s.fingerprint = htip_fingerprint(*frame.htip_device, s.address);
  return s;
}

} // namespace kagami::protocols::lldp_htip
