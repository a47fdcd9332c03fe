// kagami-devsim: runs one simulated device until SIGTERM or SIGINT.
//
//   kagami-devsim modbus --config FILE [--listen HOST:PORT]
//   kagami-devsim http   --config FILE [--listen HOST:PORT]
//   kagami-devsim ap     --config FILE [--listen HOST:PORT]
//   kagami-devsim upnp   --config FILE [--listen IPV4:PORT] [--ssdp-port N]
//                        [--no-multicast] [--notify-to IPV4:PORT]...
//
// --listen defaults to 127.0.0.1:0 (a free port). Once serving, it prints
// exactly one line "READY <kind> <host>:<port>" to stdout. Exit codes: 0 after
// a clean stop, 2 for a bad command line or config (the message names the
// file and field), 1 when the socket cannot be bound.

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "tools/devsim/ap_simulator.hpp"
#include "tools/devsim/http_simulator.hpp"
#include "tools/devsim/modbus_simulator.hpp"
#include "tools/devsim/upnp_simulator.hpp"

namespace {

using namespace kagami;

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return static_cast<bool>(in) || in.eof();
}

/// Blocks until SIGTERM or SIGINT arrives (already blocked in every thread).
void wait_for_signal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
}

template <class Simulator>
int serve(caf::expected<std::unique_ptr<Simulator>> started, const char* kind,
          const sigset_t& set) {
  if (!started) {
    std::cerr << "kagami-devsim: " << detail_of(started.error()) << "\n";
    return 1;
  }
  auto& sim = **started;
  config::host_port bound{sim.host(), sim.port()};
  std::cout << "READY " << kind << " " << config::to_string(bound) << std::endl;
  wait_for_signal(set);
  sim.stop();
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"kagami-devsim: simulated Modbus/TCP, HTTP/JSON and UPnP devices and a "
               "Wi-Fi access point"};
  app.require_subcommand(1);
  std::string config_file;
  std::string listen = "127.0.0.1:0";
  for (auto* sub : {app.add_subcommand("modbus", "simulate a Modbus/TCP device"),
                    app.add_subcommand("http", "simulate an HTTP/JSON device"),
                    app.add_subcommand("ap", "simulate a Wi-Fi access point "
                                             "(kagami-sim-ap management API)")}) {
    sub->add_option("--config", config_file, "simulator config (JSON)")->required();
    sub->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)");
  }
  devsim::upnp_sim_network net;
  bool no_multicast = false;
  auto* upnp = app.add_subcommand("upnp", "simulate a UPnP device (SSDP + HTTP/JSON)");
  upnp->add_option("--config", config_file, "simulator config (JSON)")->required();
  upnp->add_option("--listen", listen, "IPV4:PORT of the HTTP server (port 0: any free port)");
  upnp->add_option("--ssdp-port", net.ssdp_port, "UDP port for M-SEARCH (default 1900)");
  upnp->add_flag("--no-multicast", no_multicast,
                 "do not join 239.255.255.250 nor send NOTIFYs to it");
  upnp->add_option("--notify-to", net.notify_targets,
                   "also send every NOTIFY to IPV4:PORT (repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  const bool modbus = app.got_subcommand("modbus");
  auto where = config::parse_host_port(listen);
  if (!where) {
    std::cerr << "kagami-devsim: --listen: " << detail_of(where.error()) << "\n";
    return 2;
  }
  std::string text;
  if (!read_text(config_file, text)) {
    std::cerr << "kagami-devsim: " << config_file << ": cannot read the file\n";
    return 2;
  }
  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and only sigwait() sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (app.got_subcommand("upnp")) {
    auto cfg = devsim::parse_upnp_sim_config(text, config_file);
    if (auto* err = std::get_if<devsim::sim_config_error>(&cfg)) {
      std::cerr << "kagami-devsim: " << err->to_string() << "\n";
      return 2;
    }
    net.multicast = !no_multicast;
    return serve(devsim::upnp_simulator::start(std::get<devsim::upnp_sim_config>(cfg),
                                               where->host, where->port, net),
                 "upnp", set);
  }
  if (app.got_subcommand("ap")) {
    auto cfg = devsim::parse_ap_sim_config(text, config_file);
    if (auto* err = std::get_if<devsim::sim_config_error>(&cfg)) {
      std::cerr << "kagami-devsim: " << err->to_string() << "\n";
      return 2;
    }
    return serve(devsim::ap_simulator::start(std::get<devsim::ap_sim_config>(cfg),
                                             where->host, where->port),
                 "ap", set);
  }
  if (modbus) {
    auto cfg = devsim::parse_modbus_sim_config(text, config_file);
    if (auto* err = std::get_if<devsim::sim_config_error>(&cfg)) {
      std::cerr << "kagami-devsim: " << err->to_string() << "\n";
      return 2;
    }
    return serve(devsim::modbus_simulator::start(std::get<devsim::modbus_sim_config>(cfg),
                                                 where->host, where->port),
                 "modbus", set);
  }
  auto cfg = devsim::parse_http_sim_config(text, config_file);
  if (auto* err = std::get_if<devsim::sim_config_error>(&cfg)) {
    std::cerr << "kagami-devsim: " << err->to_string() << "\n";
    return 2;
  }
  return serve(devsim::http_simulator::start(std::get<devsim::http_sim_config>(cfg),
                                             where->host, where->port),
               "http", set);
}
