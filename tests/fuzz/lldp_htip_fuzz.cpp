// libFuzzer target for the LLDP/HTIP frame parser (lldp_parser.hpp) and the
// HTIP profile (htip_profile.hpp).
//
// Input: one Ethernet frame. It is parsed with the default limits and with
// jumbo limits. Invariants: parsing never crashes or throws; a frame accepted
// with the default limits is accepted with the jumbo ones and decodes the
// same; every decoded string and list respects its limit and holds no
// control character; the profile's fields are at most max_profile_field.

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "protocols/lldp_htip/htip_profile.hpp"
#include "protocols/lldp_htip/lldp_parser.hpp"

using namespace kagami::protocols;
using namespace kagami::protocols::lldp_htip;

namespace {

void check_text(const std::string& s, size_t max) {
  if (s.size() > max)
    std::abort();
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      std::abort();
}

void check(const lldp_frame& f, const lldp_limits& limits) {
  check_text(f.chassis_id.value, limits.max_text);
  check_text(f.port_id.value, limits.max_text);
  check_text(f.system_name, limits.max_text);
  check_text(f.port_description, limits.max_text);
  if (f.management_addresses.size() > limits.max_management_addresses
      || f.org_tlvs.size() > limits.max_org_tlvs
      || f.htip_links.size() > limits.max_link_entries
      || f.htip_macs.size() > limits.max_mac_list)
    std::abort();
  for (const auto& link : f.htip_links)
    if (link.macs.size() > limits.max_macs_per_link)
      std::abort();
  if (f.htip_device) {
    check_text(f.htip_device->category, limits.max_text);
    check_text(f.htip_device->manufacturer_code, limits.max_manufacturer_code);
    check_text(f.htip_device->model_name, limits.max_model_name);
    check_text(f.htip_device->model_number, limits.max_model_number);
  }
  auto p = htip_profile(f);
  if (p.has_value() != f.htip_device.has_value())
    std::abort();
  if (p)
    for (const auto* s : {&p->vendor, &p->product, &p->model_number, &p->category})
      check_text(*s, max_profile_field);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> frame{data, size};
  lldp_limits jumbo;
  jumbo.max_frame = 9000;
  auto standard = parse_lldp_frame(frame);
  auto big = parse_lldp_frame(frame, jumbo);
  if (standard) {
    check(*standard, lldp_limits{});
    if (!big || !(*big == *standard))
      std::abort();
  }
  if (big)
    check(*big, jumbo);
  return 0;
}
