#include "protocols/lldp_htip/lldp_frame.hpp"

#include <cstdio>

namespace kagami::protocols::lldp_htip {

std::string tlv_name(uint8_t type) {
  switch (static_cast<tlv_type>(type)) {
    case tlv_type::end:
      return "End";
    case tlv_type::chassis_id:
      return "Chassis ID";
    case tlv_type::port_id:
      return "Port ID";
    case tlv_type::ttl:
      return "TTL";
    case tlv_type::port_description:
      return "Port Description";
    case tlv_type::system_name:
      return "System Name";
    case tlv_type::system_description:
      return "System Description";
    case tlv_type::system_capabilities:
      return "System Capabilities";
    case tlv_type::management_address:
      return "Management Address";
    case tlv_type::org_specific:
      return "Organizationally Specific";
  }
  return "type " + std::to_string(type);
}

std::string format_mac(const mac_address& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                mac[3], mac[4], mac[5]);
  return buf;
}

} // namespace kagami::protocols::lldp_htip
