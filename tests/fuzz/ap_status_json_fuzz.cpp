// libFuzzer target for the Wi-Fi AP reply decoding (protocols/wifi_ap).
//
// Input: the body of a "kagami-sim-ap" reply, as the AP sent it. It is
// decoded as a status reply (default and tight limits) and as a cut reply.
//
// Invariants: nothing crashes or throws; decoding is deterministic; a
// decoded status passes check_ap_status under the limits it was decoded
// with (so lists stay within their bounds and every client MAC is
// normalized and unique); its neighbour report has one port per radio,
// numbered 1.., and exactly one port observation per client.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocols/wifi_ap/ap_api_model.hpp"
#include "protocols/wifi_ap/ap_neighbour_report.hpp"
#include "protocols/wifi_ap/ap_status.hpp"

using namespace kagami;
using namespace kagami::protocols::wifi_ap;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

void run(const ap_api_model& model, std::string_view body, const ap_limits& limits) {
  auto status = model.parse_status(200, body, limits);
  check(status == model.parse_status(200, body, limits));
  if (status) {
    check(!check_ap_status(*status, limits));
    auto report = to_neighbour_report({"ap", topology::element_kind::access_point, "", ""},
                                      *status, 1);
    check(report.ports.size() == status->radios.size());
    std::size_t clients = 0;
    for (std::size_t i = 0; i < report.ports.size(); ++i) {
      check(report.ports[i].port_id == i + 1);
      clients += report.ports[i].clients.size();
    }
    check(clients == status->clients.size());
  }
  auto cut = model.parse_cut({ap_cut::deauth_client, "02:00:00:00:00:01"}, 200, body, limits);
  check(!cut || cut->message.size() <= limits.max_string_length);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ap_model_registry registry;
  check(!register_builtin_ap_models(registry));
  auto model = registry.create("kagami-sim-ap");
  check(static_cast<bool>(model));
  std::string_view body{reinterpret_cast<const char*>(data), size};
  run(**model, body, ap_limits{});
  ap_limits tight;
  tight.max_body_bytes = 512;
  tight.max_depth = 4;
  tight.max_radios = 2;
  tight.max_ssids = 2;
  tight.max_clients = 2;
  tight.max_string_length = 8;
  run(**model, body, tight);
  return 0;
}
