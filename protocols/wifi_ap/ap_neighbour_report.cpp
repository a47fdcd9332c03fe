#include "protocols/wifi_ap/ap_neighbour_report.hpp"

namespace kagami::protocols::wifi_ap {

topology::neighbour_report to_neighbour_report(const topology::element& reporter,
                                               const ap_status& status,
                                               std::int64_t observed_at_ms) {
  topology::neighbour_report report;
  report.reporter = reporter;
  report.observed_at_ms = observed_at_ms;
  for (std::size_t i = 0; i < status.radios.size(); ++i) {
    topology::port_observation port;
    port.port_id = static_cast<std::uint32_t>(i + 1);
    port.name = status.radios[i].id;
    for (auto& c : status.clients)
      if (c.radio == port.name)
        port.clients.push_back(topology::ap_client{c.mac, c.ssid});
    report.ports.push_back(std::move(port));
  }
  return report;
}

} // namespace kagami::protocols::wifi_ap
