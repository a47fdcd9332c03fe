#include "config/network_config.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <set>

#include "actors/core/error.hpp"
#include "config/syntax.hpp"

namespace kagami::config {

namespace {

bool is_ipv4(const std::string& s) {
  in_addr a;
  return ::inet_pton(AF_INET, s.c_str(), &a) == 1;
}

/// An SNMP community: 1 to 64 printable ASCII characters without spaces,
/// the rule of a tag.
bool is_community(const std::string& s) {
  return is_tag(s);
}

} // namespace

const char* to_string(element_protocol x) {
  return x == element_protocol::ap ? "ap" : "snmp-switch";
}

std::optional<network_config::violation> network_config::check() const {
  using v = violation;
  if (elements.size() > 1024)
    return v{"/elements", "has more than 1024 entries"};
  std::set<std::string> ids;
  for (size_t i = 0; i < elements.size(); ++i) {
    const auto& e = elements[i];
    auto at = "/elements/" + std::to_string(i);
    if (!is_id(e.id))
      return v{at + "/id", "\"" + e.id + "\" is not an id ([A-Za-z0-9._-], 1 to 64)"};
    if (!ids.insert(e.id).second)
      return v{at + "/id", "\"" + e.id + "\" is used by another element"};
    if (!is_ipv4(e.address))
      return v{at + "/address", "\"" + e.address
                                  + "\" is not an IPv4 address (the gateway's firewall "
                                    "opens element addresses, so they must be literals)"};
    if (e.port == 0)
      return v{at + "/port", "must be 1 to 65535"};
    if (e.timeout_ms < 50 || e.timeout_ms > 60'000)
      return v{at + "/timeoutMs", "must be 50 to 60000"};
    if (e.retries > 5)
      return v{at + "/retries", "must be 0 to 5"};
    if (e.protocol == element_protocol::snmp_switch) {
      if (!is_community(e.community))
        return v{at + "/community", "is required for an snmp-switch: 1 to 64 printable "
                                    "characters without spaces"};
      if (!e.write_community.empty() && !is_community(e.write_community))
        return v{at + "/writeCommunity", "must be 1 to 64 printable characters without spaces"};
      if (!e.model.empty())
        return v{at + "/model", "is for access points only"};
    } else {
      if (e.model.empty() || !is_id(e.model))
        return v{at + "/model", "is required for an ap: the management API model "
                                "(e.g. \"kagami-sim-ap\")"};
      if (!e.community.empty() || !e.write_community.empty())
        return v{at + "/community", "is for snmp-switch elements only"};
    }
  }
  if (!gateway_mac.empty() && !is_colon_hex_address(gateway_mac))
    return v{"/gatewayMac", "\"" + gateway_mac + "\" is not a MAC (aa:bb:cc:dd:ee:ff)"};
  if (refresh_s < 1 || refresh_s > 86'400)
    return v{"/refreshS", "must be 1 to 86400"};
  if (element_timeout_ms < 100 || element_timeout_ms > 600'000)
    return v{"/elementTimeoutMs", "must be 100 to 600000"};
  if (history_retain < 1 || history_retain > 100'000)
    return v{"/historyRetain", "must be 1 to 100000"};
  if (probe.max_hops < 1 || probe.max_hops > 32)
    return v{"/probe/maxHops", "must be 1 to 32"};
  if (probe.hop_timeout_ms < 50 || probe.hop_timeout_ms > 10'000)
    return v{"/probe/hopTimeoutMs", "must be 50 to 10000"};
  if (probe.reprobe_s > 86'400)
    return v{"/probe/reprobeS", "must be 0 to 86400"};
  return std::nullopt;
}

caf::error network_config::validate() const {
  if (auto bad = check())
    return make_error(ec::config_invalid, "/network" + bad->field + ": " + bad->reason);
  return {};
}

} // namespace kagami::config
