// kagami-trace: the path to one IPv4 address by TTL-stepped ICMP echo probes
// (protocols/probe/ttl_probe.hpp), printed as one JSON object on stdout
// (protocols/probe/probe_json.hpp).
//
//   kagami-trace [--max-hops N] [--timeout-ms MS] [--tries N]
//                [--max-total-ms MS] [--payload N] ADDRESS
//
// Exit codes: 0 the destination answered; 3 it did not (the path so far is
// printed); 1 the probe could not run (no CAP_NET_RAW, a socket error: the
// reason on stderr); 2 bad arguments.

#include <chrono>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "actors/core/error.hpp"
#include "protocols/probe/probe_json.hpp"
#include "protocols/probe/ttl_probe.hpp"

int main(int argc, char** argv) {
  using namespace kagami;
  using namespace kagami::protocols::probe;
  CLI::App app{"kagami-trace: the path to an IPv4 address by TTL-stepped ICMP probes"};
  std::string destination;
  unsigned max_hops = 16;
  unsigned tries = 2;
  long timeout_ms = 1000;
  long max_total_ms = 20000;
  unsigned payload = 24;
  app.add_option("address", destination, "destination IPv4 address")->required();
  app.add_option("--max-hops", max_hops, "highest TTL (1..64)");
  app.add_option("--tries", tries, "probes per TTL (1..5)");
  app.add_option("--timeout-ms", timeout_ms, "wait per probe (10..10000)");
  app.add_option("--max-total-ms", max_total_ms, "bound on the whole run");
  app.add_option("--payload", payload, "payload bytes (0..1024)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (max_hops > 255 || tries > 255 || payload > 65535) {
    std::cerr << "kagami-trace: a value is out of range\n";
    return 2;
  }
  ttl_probe_config config;
  config.max_hops = static_cast<uint8_t>(max_hops);
  config.tries_per_hop = static_cast<uint8_t>(tries);
  config.hop_timeout = std::chrono::milliseconds{timeout_ms};
  config.max_total = std::chrono::milliseconds{max_total_ms};
  config.payload_size = static_cast<uint16_t>(payload);
  if (auto err = config.validate()) {
    std::cerr << "kagami-trace: " << detail_of(err) << "\n";
    return 2;
  }
  auto result = probe_path(destination, config);
  if (!result) {
    std::cerr << "kagami-trace: " << detail_of(result.error()) << "\n";
    return code_of(result.error()) == ec::invalid_value ? 2 : 1;
  }
  std::cout << to_json(*result).dump() << "\n";
  return result->reached ? 0 : 3;
}
