// kagamid: the kagami gateway service.
//
//   kagamid --config site.json [--listen HOST:PORT] [--data-dir DIR]
//   kagamid --demo             [--listen HOST:PORT] [--data-dir DIR]
//   ... [--firewall apply|print|off]   (tools/kagamid/firewall_setup.hpp)
//
// Exit codes: 0 after a clean stop, 1 on a runtime failure (port, store),
// 2 on bad arguments or a bad config, 3 when a stop did not finish in 5 s.

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "config/site_config.hpp"
#include "tools/devsim/demo_simulators.hpp"
#include "tools/kagamid/firewall_setup.hpp"
#include "tools/kagamid/gateway.hpp"
#include "protocols/snmp/snmp_session.hpp"

namespace {

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts, so
/// that run_gateway() receives them with sigwait().
void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

} // namespace

int main(int argc, char** argv) {
  // net-snmp's process-wide set-up (it calls setenv) before any thread runs.
  kagami::protocols::snmp::init_snmp_library();
  CLI::App app{"kagami gateway: secure device virtualization over W3C WoT"};
  std::string config_file;
  std::string listen;
  std::string data_dir;
  bool demo = false;
  auto* config_opt = app.add_option("--config", config_file, "site config (JSON)");
  auto* demo_opt = app.add_flag("--demo", demo,
                                "run the embedded demo site with simulated devices");
  config_opt->excludes(demo_opt);
  app.add_option("--listen", listen, "WoT listener HOST:PORT (overrides the config)");
  app.add_option("--data-dir", data_dir, "data directory (overrides the config)");
  std::string firewall = "off";
  app.add_option("--firewall", firewall,
                 "the gateway's own nftables ruleset: apply, print (and exit) or off");
  CLI11_PARSE(app, argc, argv);
  auto firewall_mode = kagami::parse_firewall_mode(firewall);
  if (!firewall_mode) {
    std::cerr << "kagamid: --firewall " << firewall << ": expected apply, print or off\n";
    return 2;
  }
  if (config_file.empty() && !demo) {
    std::cerr << "kagamid: give --config FILE or --demo (see --help)\n";
    return 2;
  }

  block_stop_signals();
  auto loaded = demo ? kagami::config::demo_site_config()
                     : kagami::config::load_site_config(config_file);
  if (auto err = std::get_if<kagami::config::config_error>(&loaded)) {
    std::cerr << "kagamid: invalid config: " << err->to_string() << "\n";
    return 2;
  }
  auto site = std::get<kagami::config::site_config>(std::move(loaded));
  if (!listen.empty()) {
    auto parsed = kagami::config::parse_host_port(listen);
    if (!parsed) {
      std::cerr << "kagamid: --listen " << listen << ": "
                << kagami::detail_of(parsed.error()) << "\n";
      return 2;
    }
    site.listen = listen;
  }
  if (!data_dir.empty())
    site.data_dir = data_dir;
  if (*firewall_mode == kagami::firewall_mode::print)
    return kagami::print_gateway_ruleset(site, std::cout, std::cerr);

  // The demo's simulated devices live as long as the gateway runs.
  std::vector<kagami::devsim::running_simulator> sims;
  if (demo) {
    auto started = kagami::devsim::start_demo_simulators(site);
    if (!started) {
      std::cerr << "kagamid: demo simulators failed: "
                << kagami::detail_of(started.error()) << "\n";
      return 1;
    }
    sims = std::move(*started);
    std::cerr << "kagamid: demo site: " << sims.size()
              << " simulated devices on 127.0.0.1\n"
              << "kagamid: demo credentials (config/demo/site.json): user operator, "
                 "password kagami-demo (everything); API key kagami-demo-key "
                 "(X-API-Key header: reads and events only)\n";
  }
  // Installed before the WoT port opens; removed after a clean stop.
  auto firewall_setup = kagami::gateway_firewall_setup::start(*firewall_mode, site);
  if (!firewall_setup) {
    std::cerr << "kagamid: --firewall apply failed: "
              << kagami::detail_of(firewall_setup.error()) << "\n";
    return 1;
  }
  return (*firewall_setup)->finish(kagami::run_gateway(std::move(site)));
}
