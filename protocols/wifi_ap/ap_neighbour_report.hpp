#pragma once

// An AP's status as a topology neighbour report.

#include <cstdint>

#include "actors/network/topology_model.hpp"
#include "protocols/wifi_ap/ap_status.hpp"

namespace kagami::protocols::wifi_ap {

/// The report of AP `reporter` (kind access_point) seeing `status` at
/// `observed_at_ms`. One port per radio, in `status.radios` order: port_id
/// is the radio's position + 1 (so never 0, which means "unknown"), name is
/// the radio id, and clients are the clients associated on that radio
/// ({mac, ssid}, MACs already normalized). A radio with no clients still
/// gets its port; SSIDs carry no port of their own. The radio numbering is
/// stable as long as the AP lists its radios in a stable order.
topology::neighbour_report to_neighbour_report(const topology::element& reporter,
                                               const ap_status& status,
                                               std::int64_t observed_at_ms);

} // namespace kagami::protocols::wifi_ap
