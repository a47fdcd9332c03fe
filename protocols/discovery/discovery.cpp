#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols {

const char* to_string(discovery_kind k) {
  switch (k) {
    case discovery_kind::htip:
      return "htip";
    case discovery_kind::upnp:
      return "upnp";
    case discovery_kind::ble:
      return "ble";
    case discovery_kind::vendor_db:
      return "vendor_db";
  }
  return "unknown";
}

} // namespace kagami::protocols
