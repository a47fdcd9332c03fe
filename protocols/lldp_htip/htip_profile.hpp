#pragma once

// The device profile an HTIP announcement carries. Pure.

#include <optional>

#include "protocols/discovery/discovery.hpp"
#include "protocols/lldp_htip/lldp_frame.hpp"

namespace kagami::protocols::lldp_htip {

/// The profile of a frame's HTIP device information: vendor = manufacturer
/// code (trailing spaces and NULs trimmed), product = model name,
/// model_number, category; the other fields stay empty. nullopt when the
/// frame has no HTIP device information TLV.
std::optional<device_profile> htip_profile(const lldp_frame& frame);

} // namespace kagami::protocols::lldp_htip
