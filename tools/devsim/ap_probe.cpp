// kagami-ap-probe: drives one access point through kagami's AP adapter
// (protocols/wifi_ap/ap_adapter.hpp), for the lab and for trying an AP by
// hand. It is the adapter itself, not a re-implementation, so what it
// prints is what kagami's network_element actor would see.
//
//   kagami-ap-probe --address HOST:PORT [--model NAME] [--element ID]
//                   [--chassis-mac MAC] [--timeout-ms N] neighbours
//   kagami-ap-probe ... counters
//   kagami-ap-probe ... capabilities
//   kagami-ap-probe ... cut client_deauth|ssid_off|radio_off TARGET
//
// Prints one JSON object on stdout. Exit codes: 0 done (a cut: applied and
// verified), 1 an error value ({"error": {"code", "detail"}}), 2 bad command
// line or adapter config, 3 a cut that was not applied or not verified.

#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/wifi_ap/ap_adapter.hpp"

namespace {

using namespace kagami;
using nlohmann::json;
namespace wifi = protocols::wifi_ap;

int print_error(const caf::error& err) {
  json out{{"error", {{"code", to_string(code_of(err))},
                      {"detail", detail_of(err)}}}};
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << std::endl;
  return 1;
}

json to_json(const network::element_reading& r) {
  json ports = json::array();
  for (auto& p : r.report.ports) {
    json clients = json::array();
    for (auto& c : p.clients)
      clients.push_back({{"mac", c.mac}, {"ssid", c.ssid}});
    ports.push_back({{"port_id", p.port_id}, {"name", p.name}, {"clients", clients}});
  }
  auto& e = r.report.reporter;
  return {{"reporter",
           {{"id", e.id}, {"kind", topology::to_string(e.kind)},
            {"chassis_mac", e.chassis_mac}, {"management_address", e.management_address}}},
          {"observed_at_ms", r.report.observed_at_ms},
          {"ports", ports},
          {"degraded", r.degraded}};
}

json to_json(const network::counter_reading& r) {
  json ports = json::array();
  for (auto& p : r.ports)
    ports.push_back({{"port_id", p.port_id}, {"name", p.name},
                     {"admin_status", p.admin_status}, {"oper_status", p.oper_status},
                     {"in_octets", p.in_octets}, {"out_octets", p.out_octets},
                     {"in_packets", p.in_packets}, {"out_packets", p.out_packets}});
  return {{"observed_at_ms", r.observed_at_ms}, {"ports", ports}, {"degraded", r.degraded}};
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"kagami-ap-probe: read and cut an access point through kagami's AP adapter"};
  app.require_subcommand(1);
  wifi::ap_adapter_config cfg;
  cfg.element_id = "ap";
  long timeout_ms = 3000;
  app.add_option("--address", cfg.management_address, "HOST:PORT of the management API")
    ->required();
  app.add_option("--model", cfg.model, "AP API model (default kagami-sim-ap)");
  app.add_option("--element", cfg.element_id, "element id in the report (default ap)");
  app.add_option("--chassis-mac", cfg.chassis_mac, "the AP's own MAC for the report");
  app.add_option("--timeout-ms", timeout_ms, "per request (default 3000)");
  app.add_subcommand("neighbours", "the AP's clients as a neighbour report");
  app.add_subcommand("counters", "per-radio status (the API has no traffic counters)");
  app.add_subcommand("capabilities", "the cuts the AP can make");
  auto* cut = app.add_subcommand("cut", "make a cut and verify it by reading back");
  std::string action, target;
  cut->add_option("action", action, "client_deauth, ssid_off or radio_off")->required();
  cut->add_option("target", target, "client MAC, SSID or radio id")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  cfg.timeout = std::chrono::milliseconds(timeout_ms);
  wifi::ap_model_registry registry;
  if (auto err = wifi::register_builtin_ap_models(registry)) {
    std::cerr << "kagami-ap-probe: " << detail_of(err) << "\n";
    return 2;
  }
  auto adapter = wifi::ap_adapter::make(cfg, registry);
  if (!adapter) {
    std::cerr << "kagami-ap-probe: " << detail_of(adapter.error()) << "\n";
    return 2;
  }
  auto& ap = **adapter;
  if (app.got_subcommand("neighbours")) {
    auto r = ap.read_neighbours();
    if (!r)
      return print_error(r.error());
    std::cout << to_json(*r).dump(2) << std::endl;
    return 0;
  }
  if (app.got_subcommand("counters")) {
    auto r = ap.read_counters();
    if (!r)
      return print_error(r.error());
    std::cout << to_json(*r).dump(2) << std::endl;
    return 0;
  }
  if (app.got_subcommand("capabilities")) {
    json caps = json::array();
    for (auto c : ap.capabilities())
      caps.push_back(network::to_string(c));
    std::cout << json{{"capabilities", caps}}.dump(2) << std::endl;
    return 0;
  }
  network::cut_order order;
  order.order_id = "kagami-ap-probe";
  order.target = target;
  if (action == "client_deauth")
    order.action = network::cut_action::client_deauth;
  else if (action == "ssid_off")
    order.action = network::cut_action::ssid_off;
  else if (action == "radio_off")
    order.action = network::cut_action::radio_off;
  else if (action == "port_down")
    order.action = network::cut_action::port_down;
  else {
    std::cerr << "kagami-ap-probe: unknown cut action " << action << "\n";
    return 2;
  }
  auto r = ap.cut(order);
  if (!r)
    return print_error(r.error());
  std::cout << json{{"applied", r->applied}, {"verified", r->verified}, {"detail", r->detail}}
                 .dump(2, ' ', false, json::error_handler_t::replace)
            << std::endl;
  return r->applied && r->verified ? 0 : 3;
}
