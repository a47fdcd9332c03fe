#pragma once

// From a parsed LLDP frame to what HTIP discovery reports. Pure.

#include <optional>
#include <string>
#include <string_view>

#include "protocols/discovery/discovery.hpp"
#include "protocols/lldp_htip/lldp_frame.hpp"

namespace kagami::protocols::lldp_htip {

/// A stable 64-bit FNV-1a hash, as 16 lower-case hex digits, of the frame's
/// HTIP device information bytes (htip_device_info::raw), a NUL and
/// `address`. Identical across runs, builds and hosts.
std::string htip_fingerprint(const htip_device_info& info, std::string_view address);

/// The sighting of a frame with HTIP device information: source htip, mac =
/// the Ethernet source MAC, address = the first IPv4 management address
/// (else the first IPv6, else empty), seen_on as given ("pcap:ot0"), the
/// profile inline (htip_profile) and htip_fingerprint. nullopt when the
/// frame has no HTIP device information.
std::optional<device_sighting> htip_sighting(const lldp_frame& frame, std::string seen_on);

} // namespace kagami::protocols::lldp_htip
