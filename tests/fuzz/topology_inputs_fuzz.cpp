// libFuzzer target for the stored topology history (actors/network
// topology_json): a record's merge inputs as the store holds them, which may
// be corrupt.
//
// Input: the JSON text of one version's inputs. It is decoded with default
// and tight limits.
//
// Invariants: nothing crashes or throws; decoding is deterministic; decoded
// inputs stay within the limits they were decoded with; they encode and
// decode back to themselves; and the merge of decoded inputs (the graph an
// operator would see) is deterministic, including its JSON and DOT.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "actors/network/topology_dot.hpp"
#include "actors/network/topology_graph.hpp"
#include "actors/network/topology_json.hpp"

using namespace kagami::topology;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

void run(std::string_view text, const topology_json_limits& limits) {
  auto in = parse_merge_inputs(text, limits);
  auto again = parse_merge_inputs(text, limits);
  check(static_cast<bool>(in) == static_cast<bool>(again));
  if (!in)
    return;
  check(*in == *again);
  check(in->reports.size() <= limits.max_reports);
  check(in->known_devices.size() <= limits.max_devices);
  for (const auto& r : in->reports)
    check(r.ports.size() <= limits.max_ports_per_report);
  auto back = parse_merge_inputs(to_json(*in).dump(), limits);
  check(back && *back == *in);
  auto g1 = topology_graph::merge(in->reports, in->known_devices, in->gateway_mac);
  auto g2 = topology_graph::merge(in->reports, in->known_devices, in->gateway_mac);
  check(g1.to_json() == g2.to_json());
  check(to_dot(g1, {}) == to_dot(g2, {}));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  run(text, {});
  topology_json_limits tight;
  tight.max_reports = 3;
  tight.max_ports_per_report = 4;
  tight.max_entries_per_port = 4;
  tight.max_devices = 4;
  tight.max_string = 24;
  run(text, tight);
  return 0;
}
