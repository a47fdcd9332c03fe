#include "config/isolation_config.hpp"

#include <arpa/inet.h>

#include <cmath>
#include <set>
#include <utility>

#include "actors/core/error.hpp"
#include "config/syntax.hpp"

namespace kagami::config {

namespace {

bool is_rate(double x) {
  return std::isfinite(x) && x >= 0;
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

} // namespace

const char* to_string(flow_protocol x) {
  return x == flow_protocol::tcp ? "tcp" : "udp";
}

std::optional<isolation_config::violation> isolation_config::check() const {
  using v = violation;
  if (mirror) {
    if (!is_interface_name(mirror->interface))
      return v{"/mirror/interface", quoted(mirror->interface)
                                      + " is not an interface name (1 to 15 characters "
                                        "without '/', ':' or spaces)"};
    if (mirror->snaplen < 64 || mirror->snaplen > 65'535)
      return v{"/mirror/snaplen", "must be 64 to 65535"};
    if (!mirror->filter.empty() && !is_text(mirror->filter, 1024))
      return v{"/mirror/filter", "must be at most 1024 characters without control characters"};
  }
  if (policy.dhcp_servers.size() > 16)
    return v{"/policy/dhcpServers", "has more than 16 entries"};
  for (size_t i = 0; i < policy.dhcp_servers.size(); ++i)
    if (!is_ipv4_literal(policy.dhcp_servers[i]))
      return v{"/policy/dhcpServers/" + std::to_string(i),
               quoted(policy.dhcp_servers[i]) + " is not an IPv4 address"};
  if (policy.allow.size() > 1024)
    return v{"/policy/allow", "has more than 1024 entries"};
  for (size_t i = 0; i < policy.allow.size(); ++i) {
    const auto& a = policy.allow[i];
    auto at = "/policy/allow/" + std::to_string(i);
    if (!is_ipv4_literal(a.address))
      return v{at + "/address", quoted(a.address) + " is not an IPv4 address"};
    if (a.port == 0)
      return v{at + "/port", "must be 1 to 65535"};
  }
  if (policy.exempt_macs.size() > 1024)
    return v{"/policy/exemptMacs", "has more than 1024 entries"};
  for (size_t i = 0; i < policy.exempt_macs.size(); ++i)
    if (!is_colon_hex_address(policy.exempt_macs[i]))
      return v{"/policy/exemptMacs/" + std::to_string(i),
               quoted(policy.exempt_macs[i]) + " is not a MAC (aa:bb:cc:dd:ee:ff)"};
  if (traffic.period_ms < 500 || traffic.period_ms > 3'600'000)
    return v{"/traffic/periodMs", "must be 500 to 3600000"};
  if (!is_rate(traffic.default_pps))
    return v{"/traffic/defaultPps", "must be a number >= 0 (0: no limit)"};
  if (!is_rate(traffic.default_bps))
    return v{"/traffic/defaultBps", "must be a number >= 0 (0: no limit)"};
  if (traffic.ports.size() > 4096)
    return v{"/traffic/ports", "has more than 4096 entries"};
  std::set<std::pair<std::string, uint32_t>> keys;
  for (size_t i = 0; i < traffic.ports.size(); ++i) {
    const auto& p = traffic.ports[i];
    auto at = "/traffic/ports/" + std::to_string(i);
    if (!is_id(p.element))
      return v{at + "/element", quoted(p.element) + " is not an id ([A-Za-z0-9._-], 1 to 64)"};
    if (p.port < 1 || p.port > 2'147'483'647)
      return v{at + "/port", "must be an ifIndex, 1 to 2147483647"};
    if (!is_rate(p.pps))
      return v{at + "/pps", "must be a number >= 0 (0: no limit)"};
    if (!is_rate(p.bps))
      return v{at + "/bps", "must be a number >= 0 (0: no limit)"};
    if (!keys.insert({p.element, p.port}).second)
      return v{at, "another entry already limits " + p.element + " port "
                     + std::to_string(p.port)};
  }
  if (traffic.baseline_samples < 2 || traffic.baseline_samples > 100'000)
    return v{"/traffic/baselineSamples", "must be 2 to 100000"};
  if (!std::isfinite(traffic.baseline_factor) || traffic.baseline_factor < 0
      || traffic.baseline_factor > 1000)
    return v{"/traffic/baselineFactor", "must be 0 to 1000"};
  if (cut.verify_timeout_ms < 100 || cut.verify_timeout_ms > 60'000)
    return v{"/cut/verifyTimeoutMs", "must be 100 to 60000"};
  if (cut.retries > 10)
    return v{"/cut/retries", "must be 0 to 10"};
  if (cut.reverify_s < 1 || cut.reverify_s > 3600)
    return v{"/cut/reverifyS", "must be 1 to 3600"};
  return std::nullopt;
}

std::optional<isolation_config::violation>
isolation_config::check(const network_config& network) const {
  if (auto bad = check())
    return bad;
  if (enabled && network.elements.empty())
    return violation{"/enabled", "needs a network section with at least one element: "
                                 "the cuts are made at the network elements"};
  std::set<std::string> ids;
  for (const auto& e : network.elements)
    ids.insert(e.id);
  for (size_t i = 0; i < traffic.ports.size(); ++i)
    if (ids.count(traffic.ports[i].element) == 0)
      return violation{"/traffic/ports/" + std::to_string(i) + "/element",
                       quoted(traffic.ports[i].element)
                         + " is not an element of network.elements"};
  return std::nullopt;
}

caf::error isolation_config::validate() const {
  if (auto bad = check())
    return make_error(ec::config_invalid, "/isolation" + bad->field + ": " + bad->reason);
  return {};
}

caf::error isolation_config::validate(const network_config& network) const {
  if (auto bad = check(network))
    return make_error(ec::config_invalid, "/isolation" + bad->field + ": " + bad->reason);
  return {};
}

} // namespace kagami::config
