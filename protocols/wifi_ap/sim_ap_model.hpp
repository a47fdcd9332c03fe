#pragma once

// "kagami-sim-ap": the management API of kagami's simulated access point
// (served by kagami-devsim). All bodies are UTF-8 JSON.
//
//   GET /api/v1/status
//     200 {"radios":  [{"id": "radio0", "band": "2.4GHz"|"5GHz"|"6GHz",
//                       "enabled": true}],
//          "ssids":   [{"name": "factory-iot", "radio": "radio0",
//                       "enabled": true}],
//          "clients": [{"mac": "aa:bb:cc:dd:ee:ff", "ssid": "factory-iot",
//                       "radio": "radio0", "rssi": -52}]}
//     "rssi" (integer dBm, -127..0) is optional; members not listed here
//     are ignored. Radio ids match [A-Za-z0-9_-]+; SSIDs are 1..32 bytes;
//     MACs may be written aa:bb.., AA-BB-.. or aabb.ccdd.eeff and are
//     normalized to lower-case colon form. A client's ssid must be served
//     on its radio; radio ids, (ssid, radio) pairs and client MACs are
//     unique.
//
//   POST /api/v1/ssids/{name}/disable    (name percent-encoded)
//   POST /api/v1/clients/{mac}/deauth    (mac as aa:bb:cc:dd:ee:ff)
//   POST /api/v1/radios/{id}/off
//     no request body;
//     2xx {"applied": true|false, "message": "optional text"}
//     4xx/5xx: the cut failed (404: no such SSID, client or radio).

#include <memory>

#include "protocols/wifi_ap/ap_api_model.hpp"

namespace kagami::protocols::wifi_ap {

/// The registry name of the simulated AP's API.
inline constexpr std::string_view sim_ap_model_name = "kagami-sim-ap";

/// The factory of "kagami-sim-ap" models (supports every ap_cut).
std::unique_ptr<ap_model_factory> make_sim_ap_model_factory();

} // namespace kagami::protocols::wifi_ap
