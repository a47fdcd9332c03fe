#include "protocols/lldp_htip/htip_profile.hpp"

namespace kagami::protocols::lldp_htip {

std::optional<device_profile> htip_profile(const lldp_frame& frame) {
  if (!frame.htip_device)
    return std::nullopt;
  const auto& dev = *frame.htip_device;
  device_profile p;
  p.vendor = dev.manufacturer_code;
  // The parser already strips the code's padding; a code built by other
  // means may still carry it.
  while (!p.vendor.empty() && (p.vendor.back() == ' ' || p.vendor.back() == '\0'))
    p.vendor.pop_back();
  p.product = dev.model_name;
  p.model_number = dev.model_number;
  p.category = dev.category;
  return p;
}

} // namespace kagami::protocols::lldp_htip
