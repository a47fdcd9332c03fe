// libFuzzer target for HTIP L2 agents as a topology source
// (protocols/lldp_htip/htip_l2_agent.hpp): raw LLDP frame bytes ->
// parse_lldp_frame -> htip_l2_report, and through a small htip_agent_table.
//
// Invariants: nothing crashes or throws; a report exists exactly when the
// frame has link information; its reporter id is "htip-" + a MAC and
// chassis_mac is that MAC or empty; port ids are unique, at most one port per
// link entry; every learned MAC is a lower-case "aa:bb:cc:dd:ee:ff", unique
// per port, and appears in the frame's entries for that port; the table never
// holds more than max_agents, returns only live reports, in id order, and a
// TTL-0 frame removes its agent.

#include <cstdint>
#include <set>
#include <span>
#include <string>

#include "protocols/lldp_htip/htip_l2_agent.hpp"
#include "protocols/lldp_htip/lldp_parser.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami::protocols::lldp_htip;
using kagami::fuzz::check;

namespace {

bool is_mac_text(const std::string& s) {
  if (s.size() != 17)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':')
        return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

void check_report(const lldp_frame& f, const kagami::topology::neighbour_report& r) {
  const std::string prefix = htip_reporter_prefix;
  check(r.reporter.id.rfind(prefix, 0) == 0);
  check(is_mac_text(r.reporter.id.substr(prefix.size())));
  check(r.reporter.chassis_mac.empty() || r.reporter.id == prefix + r.reporter.chassis_mac);
  check(r.ports.size() <= f.htip_links.size());
  std::set<uint32_t> port_ids;
  for (const auto& p : r.ports) {
    check(port_ids.insert(p.port_id).second);
    check(p.name == std::to_string(p.port_id));
    std::set<std::string> in_frame;
    for (const auto& e : f.htip_links)
      if (e.port_number == p.port_id)
        for (const auto& m : e.macs)
          in_frame.insert(format_mac(m));
    std::set<std::string> seen;
    for (const auto& mac : p.learned_macs) {
      check(is_mac_text(mac));
      check(seen.insert(mac).second);
      check(in_frame.count(mac) == 1);
    }
    check(seen.size() == in_frame.size());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto frame = parse_lldp_frame(std::span<const uint8_t>{data, size});
  if (!frame)
    return 0;
  auto report = htip_l2_report(*frame, 42);
  check(static_cast<bool>(report) == !frame->htip_links.empty());
  if (report) {
    check(report->observed_at_ms == 42);
    check_report(*frame, *report);
  }
  htip_agent_limits limits;
  limits.max_agents = 2;
  limits.max_hold_ms = 5000;
  htip_agent_table table{limits};
  // The same frame at several times, and a variant from a second chassis.
  for (int64_t now : {0, 1000, 4000, 9000, 70'000'000}) {
    auto r = table.observe(*frame, now);
    check(static_cast<bool>(r));
    check(table.size() <= limits.max_agents);
    if (frame->ttl == 0)
      check(*r == htip_observe_result::withdrawn);
    else if (!report)
      check(*r == htip_observe_result::not_an_agent);
    auto live = table.reports(now);
    check(live.size() <= table.size());
    for (size_t i = 1; i < live.size(); ++i)
      check(live[i - 1].reporter.id < live[i].reporter.id);
    for (const auto& l : live) {
      check(l.observed_at_ms <= now);
      check_report(*frame, l);
    }
    auto other = *frame;
    other.src_mac[5] ^= 0xff;
    other.chassis_id = lldp_id{chassis_subtype_mac, format_mac(other.src_mac)};
    (void) table.observe(other, now);
    check(table.size() <= limits.max_agents);
  }
  table.expire(100'000'000);
  check(table.size() == 0);
  return 0;
}
