#include "protocols/probe/probe_json.hpp"

namespace kagami::protocols::probe {

nlohmann::json to_json(const ttl_probe_result& result) {
  auto hops = nlohmann::json::array();
  for (const auto& h : result.hops) {
    nlohmann::json j;
    j["ttl"] = h.ttl;
    j["outcome"] = to_string(h.outcome);
    j["address"] = h.responder ? nlohmann::json(format_ipv4(*h.responder)) : nlohmann::json();
    j["rtt_us"] = h.rtt ? nlohmann::json(h.rtt->count()) : nlohmann::json();
    j["code"] = h.code;
    j["probes"] = h.probes_sent;
    hops.push_back(std::move(j));
  }
  return nlohmann::json{{"destination", format_ipv4(result.destination)},
                        {"identifier", result.identifier},
                        {"reached", result.reached},
                        {"deadline_hit", result.deadline_hit},
                        {"malformed", result.malformed},
                        {"hops", std::move(hops)}};
}

} // namespace kagami::protocols::probe
