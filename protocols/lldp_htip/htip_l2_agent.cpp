#include "protocols/lldp_htip/htip_l2_agent.hpp"

#include <algorithm>

#include "actors/core/error.hpp"

namespace kagami::protocols::lldp_htip {

namespace {

/// The agent's element as its frame names it.
topology::element reporter_of(const lldp_frame& frame) {
  topology::element e;
  e.kind = topology::element_kind::switch_element;
  if (frame.chassis_id.subtype == chassis_subtype_mac && !frame.chassis_id.value.empty())
    e.chassis_mac = frame.chassis_id.value;
  e.id = std::string{htip_reporter_prefix}
         + (e.chassis_mac.empty() ? format_mac(frame.src_mac) : e.chassis_mac);
  const management_address* chosen = nullptr;
  for (const auto& m : frame.management_addresses)
    if (m.family == management_address::ipv4) {
      chosen = &m;
      break;
    }
  if (chosen == nullptr && !frame.management_addresses.empty())
    chosen = &frame.management_addresses.front();
  if (chosen != nullptr)
    e.management_address = chosen->address;
  return e;
}

} // namespace

caf::expected<topology::neighbour_report> htip_l2_report(const lldp_frame& frame,
                                                         std::int64_t observed_at_ms) {
  if (frame.htip_links.empty())
    return make_error(ec::invalid_value, "no HTIP link information (not an L2 agent)");
  topology::neighbour_report report;
  report.reporter = reporter_of(frame);
  report.observed_at_ms = observed_at_ms;
  for (const auto& link : frame.htip_links) {
    auto port = std::find_if(report.ports.begin(), report.ports.end(),
                             [&](const auto& p) { return p.port_id == link.port_number; });
    if (port == report.ports.end()) {
      topology::port_observation p;
      p.port_id = link.port_number;
      p.name = std::to_string(link.port_number);
      report.ports.push_back(std::move(p));
      port = std::prev(report.ports.end());
    }
    for (const auto& mac : link.macs) {
      auto text = format_mac(mac);
      if (std::find(port->learned_macs.begin(), port->learned_macs.end(), text)
          == port->learned_macs.end())
        port->learned_macs.push_back(std::move(text));
    }
  }
  return report;
}

const char* to_string(htip_observe_result x) {
  switch (x) {
    case htip_observe_result::added:
      return "added";
    case htip_observe_result::refreshed:
      return "refreshed";
    case htip_observe_result::withdrawn:
      return "withdrawn";
    case htip_observe_result::not_an_agent:
      break;
  }
  return "not_an_agent";
}

htip_agent_table::htip_agent_table(htip_agent_limits limits) : limits_(limits) {
}

caf::expected<htip_observe_result> htip_agent_table::observe(const lldp_frame& frame,
                                                             std::int64_t now_ms) {
  expire(now_ms);
  if (frame.ttl == 0) {
    entries_.erase(reporter_of(frame).id);
    return htip_observe_result::withdrawn;
  }
  auto report = htip_l2_report(frame, now_ms);
  if (!report)
    return htip_observe_result::not_an_agent;
  auto id = report->reporter.id;
  auto hold = std::min<std::int64_t>(static_cast<std::int64_t>(frame.ttl) * 1000,
                                     limits_.max_hold_ms);
  auto i = entries_.find(id);
  if (i != entries_.end()) {
    i->second = entry{std::move(*report), now_ms + hold};
    return htip_observe_result::refreshed;
  }
  if (entries_.size() >= limits_.max_agents)
    return make_error(ec::unavailable, "HTIP agent table full (" + std::to_string(entries_.size())
                                         + " agents)");
  entries_.emplace(std::move(id), entry{std::move(*report), now_ms + hold});
  return htip_observe_result::added;
}

std::vector<std::string> htip_agent_table::expire(std::int64_t now_ms) {
  std::vector<std::string> gone;
  for (auto i = entries_.begin(); i != entries_.end();) {
    if (i->second.expires_at_ms <= now_ms) {
      gone.push_back(i->first);
      i = entries_.erase(i);
    } else {
      ++i;
    }
  }
  return gone; // std::map order: sorted
}

std::vector<topology::neighbour_report> htip_agent_table::reports(std::int64_t now_ms) const {
  std::vector<topology::neighbour_report> out;
  for (const auto& [id, e] : entries_)
    if (e.expires_at_ms > now_ms)
      out.push_back(e.report);
  return out;
}

std::optional<topology::neighbour_report>
htip_agent_table::report(const std::string& reporter_id, std::int64_t now_ms) const {
  auto i = entries_.find(reporter_id);
  if (i == entries_.end() || i->second.expires_at_ms <= now_ms)
    return std::nullopt;
  return i->second.report;
}

} // namespace kagami::protocols::lldp_htip
