#include "tools/devsim/ap_simulator.hpp"

#include <chrono>
#include <utility>

#include "protocols/wifi_ap/ap_api_model.hpp"
#include "tools/devsim/http_simulator.hpp"

namespace kagami::devsim {

ap_simulator::ap_simulator(std::unique_ptr<ap_sim_state> state,
                           std::unique_ptr<http_simulator> http)
  : state_(std::move(state)), http_(std::move(http)) {
}

ap_simulator::~ap_simulator() {
  stop();
}

caf::expected<std::unique_ptr<ap_simulator>>
ap_simulator::start(const ap_sim_config& cfg, const std::string& host, uint16_t port,
                    link_down_fn link_down) {
  auto state = std::make_unique<ap_sim_state>(cfg, std::move(link_down));
  auto http = http_simulator::start(http_sim_config{}, host, port);
  if (!http)
    return http.error();
  auto& server = (*http)->state();
  auto* ap = state.get();
  auto route = [&](const std::string& path) {
    server.set_handler(path, [ap, path](std::string_view method, std::string_view) {
      return ap->handle(method, path);
    });
  };
  route("/api/v1/status");
  for (auto& c : cfg.clients)
    route("/api/v1/clients/" + c.mac + "/deauth");
  for (auto& s : cfg.ssids)
    route("/api/v1/ssids/" + protocols::wifi_ap::encode_path_segment(s.name) + "/disable");
  for (auto& r : cfg.radios)
    route("/api/v1/radios/" + r.id + "/off");
  if (cfg.fault == ap_fault::slow)
    server.set_reply_delay(std::chrono::milliseconds(cfg.slow_ms));
  return std::unique_ptr<ap_simulator>{new ap_simulator(std::move(state), std::move(*http))};
}

void ap_simulator::stop() {
  if (http_)
    http_->stop();
}

const std::string& ap_simulator::host() const {
  return http_->host();
}

uint16_t ap_simulator::port() const {
  return http_->port();
}

std::string ap_simulator::management_address() const {
  if (host().find(':') != std::string::npos)
    return "[" + host() + "]:" + std::to_string(port());
  return host() + ":" + std::to_string(port());
}

ap_sim_state& ap_simulator::state() {
  return *state_;
}

} // namespace kagami::devsim
