#include "config/network_parser.hpp"

#include <array>
#include <utility>

namespace kagami::config {

namespace {

constexpr std::array<std::pair<std::string_view, element_protocol>, 2> protocol_names{{
  {"snmp-switch", element_protocol::snmp_switch},
  {"ap", element_protocol::ap},
}};

void read_element(const object_reader& r, network_element_config& e) {
  if (!r.known_keys({"id", "kind", "address", "port", "community", "writeCommunity",
                     "model", "timeoutMs", "retries"}))
    return;
  r.read("id", e.id, need::required);
  r.read_enum("kind", e.protocol, protocol_names, need::required);
  r.read("address", e.address, need::required);
  e.port = e.protocol == element_protocol::ap ? 80 : 161;
  r.read_int("port", e.port, 1, 65535);
  r.read("community", e.community);
  if (r.read("writeCommunity", e.write_community) && e.write_community.empty())
    r.fail("writeCommunity", "must be 1 to 64 printable characters without spaces");
  r.read("model", e.model);
  r.read_int("timeoutMs", e.timeout_ms, 50, 60'000);
  r.read_int("retries", e.retries, 0, 5);
}

} // namespace

void read_network(const object_reader& r, network_config& out) {
  auto& sink = r.sink();
  if (!r.known_keys({"elements", "gatewayMac", "refreshS", "elementTimeoutMs",
                     "historyRetain", "probe", "htipAgents"}))
    return;
  if (auto list = r.get_array("elements")) {
    for (size_t i = 0; i < list->size() && sink.ok(); ++i) {
      auto at = r.path("elements") + "/" + std::to_string(i);
      auto& item = (*list)[i];
      if (!item.is_object()) {
        sink.fail(at, "must be an object");
        break;
      }
      network_element_config e;
      read_element(object_reader{sink, item, at}, e);
      out.elements.push_back(std::move(e));
    }
  }
  r.read("gatewayMac", out.gateway_mac);
  r.read_int("refreshS", out.refresh_s, 1, 86'400);
  r.read_int("elementTimeoutMs", out.element_timeout_ms, 100, 600'000);
  r.read_int("historyRetain", out.history_retain, 1, 100'000);
  if (auto o = r.get_object("probe")) {
    object_reader p{sink, *o, r.path("probe")};
    if (p.known_keys({"enabled", "maxHops", "hopTimeoutMs", "reprobeS"})) {
      p.read("enabled", out.probe.enabled);
      p.read_int("maxHops", out.probe.max_hops, 1, 32);
      p.read_int("hopTimeoutMs", out.probe.hop_timeout_ms, 50, 10'000);
      p.read_int("reprobeS", out.probe.reprobe_s, 0, 86'400);
    }
  }
  if (auto o = r.get_object("htipAgents")) {
    object_reader h{sink, *o, r.path("htipAgents")};
    if (h.known_keys({"enabled"}))
      h.read("enabled", out.htip_agents.enabled);
  }
  if (!sink.ok())
    return;
  if (auto bad = out.check())
    sink.fail(r.pointer() + bad->field, bad->reason);
}

} // namespace kagami::config
