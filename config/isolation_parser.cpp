#include "config/isolation_parser.hpp"

#include <array>
#include <utility>

namespace kagami::config {

namespace {

constexpr std::array<std::pair<std::string_view, flow_protocol>, 2> protocol_names{{
  {"tcp", flow_protocol::tcp},
  {"udp", flow_protocol::udp},
}};

/// Appends the strings of the optional array `key` to `out`, at most `max`.
void read_strings(const object_reader& r, std::string_view key, size_t max,
                  std::vector<std::string>& out) {
  auto& sink = r.sink();
  auto list = r.get_array(key);
  if (!list)
    return;
  if (list->size() > max) {
    r.fail(key, "has more than " + std::to_string(max) + " entries");
    return;
  }
  for (size_t i = 0; i < list->size() && sink.ok(); ++i) {
    auto& item = (*list)[i];
    if (!item.is_string())
      sink.fail(r.path(key) + "/" + std::to_string(i), "must be a string");
    else
      out.push_back(item.get<std::string>());
  }
}

/// Calls `each(reader, index)` for every object of the optional array `key`,
/// at most `max`.
template <class F>
void read_objects(const object_reader& r, std::string_view key, size_t max, F each) {
  auto& sink = r.sink();
  auto list = r.get_array(key);
  if (!list)
    return;
  if (list->size() > max) {
    r.fail(key, "has more than " + std::to_string(max) + " entries");
    return;
  }
  for (size_t i = 0; i < list->size() && sink.ok(); ++i) {
    auto at = r.path(key) + "/" + std::to_string(i);
    auto& item = (*list)[i];
    if (!item.is_object()) {
      sink.fail(at, "must be an object");
      return;
    }
    each(object_reader{sink, item, at});
  }
}

void read_mirror(const object_reader& r, isolation_config::mirror_config& m) {
  if (!r.known_keys({"interface", "snaplen", "filter"}))
    return;
  r.read("interface", m.interface, need::required);
  r.read_int("snaplen", m.snaplen, 64, 65'535);
  r.read("filter", m.filter);
}

void read_policy(const object_reader& r, isolation_config::policy_config& p) {
  if (!r.known_keys({"dhcpServers", "allow", "exemptMacs"}))
    return;
  read_strings(r, "dhcpServers", 16, p.dhcp_servers);
  read_objects(r, "allow", 1024, [&](const object_reader& a) {
    if (!a.known_keys({"protocol", "address", "port"}))
      return;
    isolation_config::allow_rule rule;
    a.read_enum("protocol", rule.protocol, protocol_names, need::required);
    a.read("address", rule.address, need::required);
    a.read_int("port", rule.port, 1, 65'535, need::required);
    p.allow.push_back(std::move(rule));
  });
  read_strings(r, "exemptMacs", 1024, p.exempt_macs);
}

void read_traffic(const object_reader& r, isolation_config::traffic_config& t) {
  if (!r.known_keys({"periodMs", "defaultPps", "defaultBps", "ports", "learnBaseline",
                     "baselineSamples", "baselineFactor"}))
    return;
  r.read_int("periodMs", t.period_ms, 500, 3'600'000);
  r.read("defaultPps", t.default_pps);
  r.read("defaultBps", t.default_bps);
  read_objects(r, "ports", 4096, [&](const object_reader& p) {
    if (!p.known_keys({"element", "port", "pps", "bps"}))
      return;
    isolation_config::traffic_port port;
    p.read("element", port.element, need::required);
    p.read_int("port", port.port, 1, 2'147'483'647, need::required);
    p.read("pps", port.pps);
    p.read("bps", port.bps);
    t.ports.push_back(std::move(port));
  });
  r.read("learnBaseline", t.learn_baseline);
  r.read_int("baselineSamples", t.baseline_samples, 2, 100'000);
  r.read("baselineFactor", t.baseline_factor);
}

void read_cut(const object_reader& r, isolation_config::cut_config& c) {
  if (!r.known_keys({"allowUplinkCut", "actOnCritical", "verifyTimeoutMs", "retries",
                     "reverifyS"}))
    return;
  r.read("allowUplinkCut", c.allow_uplink_cut);
  r.read("actOnCritical", c.act_on_critical);
  r.read_int("verifyTimeoutMs", c.verify_timeout_ms, 100, 60'000);
  r.read_int("retries", c.retries, 0, 10);
  r.read_int("reverifyS", c.reverify_s, 1, 3600);
}

} // namespace

void read_isolation(const object_reader& r, const network_config& network,
                    isolation_config& out) {
  auto& sink = r.sink();
  if (!r.known_keys({"enabled", "mirror", "policy", "traffic", "cut", "rogues"}))
    return;
  r.read("enabled", out.enabled);
  if (auto o = r.get_object("mirror")) {
    // Built apart, then moved in: clang cannot default-construct a nested
    // struct with member initializers inside std::optional's emplace here.
    isolation_config::mirror_config mirror;
    read_mirror(object_reader{sink, *o, r.path("mirror")}, mirror);
    out.mirror = std::move(mirror);
  }
  if (auto o = r.get_object("policy"))
    read_policy(object_reader{sink, *o, r.path("policy")}, out.policy);
  if (auto o = r.get_object("traffic"))
    read_traffic(object_reader{sink, *o, r.path("traffic")}, out.traffic);
  if (auto o = r.get_object("cut"))
    read_cut(object_reader{sink, *o, r.path("cut")}, out.cut);
  r.read("rogues", out.rogues);
  if (!sink.ok())
    return;
  if (auto bad = out.check(network))
    sink.fail(r.pointer() + bad->field, bad->reason);
}

} // namespace kagami::config
