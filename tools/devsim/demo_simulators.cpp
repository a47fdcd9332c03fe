#include "tools/devsim/demo_simulators.hpp"

#include <variant>

#include "actors/core/error.hpp"
#include "config/embedded_files.hpp"

namespace kagami::devsim {

namespace {

struct demo_entry {
  const char* model_id;
  const char* file;
};

constexpr demo_entry demo_entries[] = {
  {"line-plc", "config/demo/devsim-plc.json"},
  {"env-sensor", "config/demo/devsim-sensor.json"},
};

const char* demo_file(const std::string& model_id) {
  for (const auto& e : demo_entries)
    if (model_id == e.model_id)
      return e.file;
  return nullptr;
}

} // namespace

std::optional<std::string_view> demo_simulator_config(const std::string& model_id) {
  const char* file = demo_file(model_id);
  if (file == nullptr)
    return std::nullopt;
  return config::find_embedded_file(file);
}

std::string running_simulator::device_address() const {
  if (modbus)
    return modbus->device_address();
  if (http)
    return http->device_address();
  return {};
}

caf::expected<std::vector<running_simulator>>
start_demo_simulators(config::site_config& site, const std::string& host) {
  std::vector<running_simulator> sims;
  for (auto& dev : site.devices) {
    const auto* model = site.model_of(dev);
    if (model == nullptr)
      continue;
    auto text = demo_simulator_config(model->id);
    if (!text)
      continue;
    running_simulator sim;
    sim.device_id = dev.id;
    const std::string file = demo_file(model->id);
    if (model->protocol == config::device_protocol::modbus_tcp) {
      auto cfg = parse_modbus_sim_config(*text, file);
      if (auto* err = std::get_if<sim_config_error>(&cfg))
        return make_error(ec::config_invalid, err->to_string());
      auto started = modbus_simulator::start(std::get<modbus_sim_config>(cfg), host, 0);
      if (!started)
        return std::move(started.error());
      sim.modbus = std::move(*started);
    } else {
      auto cfg = parse_http_sim_config(*text, file);
      if (auto* err = std::get_if<sim_config_error>(&cfg))
        return make_error(ec::config_invalid, err->to_string());
      auto started = http_simulator::start(std::get<http_sim_config>(cfg), host, 0);
      if (!started)
        return std::move(started.error());
      sim.http = std::move(*started);
    }
    sims.push_back(std::move(sim));
  }
  // Rewrite addresses only once every simulator runs.
  for (const auto& sim : sims)
    for (auto& dev : site.devices)
      if (dev.id == sim.device_id)
        dev.address = sim.device_address();
  return sims;
}

} // namespace kagami::devsim
