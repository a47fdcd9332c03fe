#include "protocols/nft/gateway_ruleset.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "actors/core/error.hpp"
#include "protocols/nft/firewall_script.hpp"

namespace kagami::protocols::nft {

namespace {

constexpr std::string_view ssdp_group = "239.255.255.250";
constexpr uint16_t ssdp_port = 1900;
constexpr uint16_t snmp_port = 161;

caf::error invalid(const std::string& field, const std::string& reason) {
  return make_error(ec::invalid_value, "gateway firewall: " + field + ": " + reason);
}

bool is_interface_name(std::string_view s) {
  // IFNAMSIZ - 1; the characters iproute2 names use. No quote, space or
  // separator can reach the script.
  if (s.empty() || s.size() > 15)
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '_' || c == '.' || c == '-';
  });
}

bool is_unicast(const ip_address& a) {
  if (a.family == ip_family::v4)
    return a.octets[0] != 0 && a.octets[0] < 224;
  in6_addr x;
  std::memcpy(&x, a.octets.data(), sizeof(x));
  return !IN6_IS_ADDR_UNSPECIFIED(&x) && !IN6_IS_ADDR_MULTICAST(&x);
}

template <class T>
std::vector<T> sorted_unique(std::vector<T> xs) {
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  return xs;
}

/// "{ a, b }", or the single element alone unless `braced` (nft takes a
/// concatenation only in braces).
std::string set_of(const std::vector<std::string>& xs, bool braced = false) {
  if (xs.size() == 1 && !braced)
    return xs.front();
  std::string out = "{ ";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += xs[i];
  }
  return out + " }";
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

/// The `ip`/`ip6` match keyword of a family.
std::string_view l3(ip_family f) {
  return f == ip_family::v4 ? "ip" : "ip6";
}

/// Appends one rule per family present in `xs`: "<l3> daddr<key> <set>
/// <rest>" with the elements formatted by `fmt`.
template <class T, class Address, class Format>
void per_family(std::string& out, const std::vector<T>& xs, Address address_of,
                Format fmt, std::string_view key, std::string_view rest) {
  for (auto family : {ip_family::v4, ip_family::v6}) {
    std::vector<std::string> els;
    for (auto& x : xs)
      if (address_of(x).family == family)
        els.push_back(fmt(x));
    if (els.empty())
      continue;
    out += "    ";
    out += l3(family);
    out += " daddr";
    out += key;
    out += ' ';
    out += set_of(els, !key.empty());
    out += ' ';
    out += rest;
    out += '\n';
  }
}

/// A set that rules fill from the packet path; elements expire.
std::string dynamic_set(std::string_view name, std::string_view type, uint32_t size,
                        uint32_t timeout_s) {
  std::string out = "  set ";
  out += name;
  out += " {\n    type ";
  out += type;
  out += "\n    size " + std::to_string(size) + "\n    flags dynamic,timeout\n    timeout "
         + std::to_string(timeout_s) + "s\n  }\n";
  return out;
}

caf::error check(const gateway_ruleset_input& in) {
  if (auto t = table_name::parse(in.table); !t)
    return invalid("table", detail_of(t.error()));
  if (in.wot_port == 0)
    return invalid("WoT port", "0 (any free port) cannot be filtered: give a fixed port");
  for (auto& i : in.ot_interfaces)
    if (!is_interface_name(i))
      return invalid("OT interface '" + i + "'",
                     "expected 1 to 15 characters from [A-Za-z0-9_.-]");
  for (auto& d : in.tcp_devices) {
    if (!is_unicast(d.address))
      return invalid("device " + to_string(d.address), "not a unicast address");
    if (d.port == 0)
      return invalid("device " + to_string(d.address), "port 0");
  }
  for (auto p : in.tcp_device_ports)
    if (p == 0)
      return invalid("device port", "port 0");
  for (auto& a : in.snmp_elements)
    if (!is_unicast(a))
      return invalid("SNMP element " + to_string(a), "not a unicast address");
  for (auto& a : in.ssdp.unicast_targets)
    if (a.family != ip_family::v4 || !is_unicast(a))
      return invalid("SSDP target " + to_string(a), "not a unicast IPv4 address");
  if (in.ssdp.reply_window_s < 1 || in.ssdp.reply_window_s > 3600)
    return invalid("SSDP reply window", "outside 1..3600 s");
  if (in.ssdp.host_window_s < 1 || in.ssdp.host_window_s > 86400)
    return invalid("SSDP host window", "outside 1..86400 s");
  if (in.ping_rate_per_s > 10000)
    return invalid("ping rate", "above 10000 per second");
  return {};
}

} // namespace

caf::expected<listen_address> parse_listen_address(std::string_view text) {
  static constexpr size_t max_text = 45;
  auto fail = [](const char* why) {
    return make_error(ec::invalid_value, std::string{"listen address: "} + why);
  };
  if (text.empty() || text.size() > max_text)
    return fail("expected an IPv4 or IPv6 address");
  for (char c : text)
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != ':')
      return fail("expected an IPv4 or IPv6 address");
  std::string copy{text};
  listen_address out;
  if (copy.find(':') == std::string::npos) {
    out.address.family = ip_family::v4;
    if (inet_pton(AF_INET, copy.c_str(), out.address.octets.data()) != 1)
      return fail("not a dotted-quad IPv4 address");
    auto& o = out.address.octets;
    out.wildcard = o[0] == 0 && o[1] == 0 && o[2] == 0 && o[3] == 0;
    if (o[0] >= 224)
      return fail("a multicast, reserved or broadcast address");
    return out;
  }
  out.address.family = ip_family::v6;
  if (inet_pton(AF_INET6, copy.c_str(), out.address.octets.data()) != 1)
    return fail("not an IPv6 address");
  in6_addr a;
  std::memcpy(&a, out.address.octets.data(), sizeof(a));
  if (IN6_IS_ADDR_MULTICAST(&a))
    return fail("a multicast address");
  out.wildcard = IN6_IS_ADDR_UNSPECIFIED(&a) != 0;
  return out;
}

caf::expected<std::string> gateway_ruleset_script(const gateway_ruleset_input& in) {
  if (auto err = check(in))
    return err;
  const auto ot = sorted_unique(in.ot_interfaces);
  std::vector<std::string> ot_names;
  for (auto& i : ot)
    ot_names.push_back(quoted(i));
  const bool has_ot = !ot.empty();
  const bool ssdp = has_ot && in.ssdp.enabled;
  const auto ot_set = has_ot ? set_of(ot_names) : std::string{};
  const auto from_ot = has_ot ? "iifname " + ot_set + " " : std::string{};
  const auto not_from_ot = has_ot ? "iifname != " + ot_set + " " : std::string{};
  const auto ref = "inet " + in.table;

  std::string out;
  out += "table " + ref + "\n";
  out += "delete table " + ref + "\n";
  out += "table " + ref + " {\n";
  if (ssdp) {
    out += dynamic_set("ssdp_searches", "ipv4_addr . inet_service", ssdp_searches_size,
                       in.ssdp.reply_window_s);
    out += dynamic_set("upnp_hosts", "ipv4_addr", upnp_hosts_size, in.ssdp.host_window_s);
  }

  // Input: policy drop.
  out += "  chain input {\n"
         "    type filter hook input priority filter; policy drop;\n"
         "    iif \"lo\" accept\n"
         "    ct state invalid counter drop\n";
  if (ssdp) {
    // Before the established rule: a unicast search's reply is established,
    // and its sender must still enter upnp_hosts.
    // Any source port: UDA does not fix the one a reply comes from (the lab's
    // simulator, like many stacks, answers from an ephemeral port).
    out += "    " + from_ot
           + "ip daddr . udp dport @ssdp_searches update @upnp_hosts { ip saddr } accept\n";
    out += "    " + from_ot + "ip daddr " + std::string{ssdp_group} + " udp dport "
           + std::to_string(ssdp_port) + " update @upnp_hosts { ip saddr } accept\n";
  }
  out += "    ct state established,related accept\n";
  {
    auto port = std::to_string(in.wot_port);
    const auto& w = in.wot_address;
    out += "    " + not_from_ot;
    if (!w.wildcard)
      out += std::string{l3(w.address.family)} + " daddr " + to_string(w.address) + " ";
    else if (w.address.family == ip_family::v4)
      out += "meta nfproto ipv4 "; // 0.0.0.0 takes IPv4 only; :: takes both
    out += "tcp dport " + port + " accept\n";
  }
  if (in.ping_rate_per_s > 0) {
    auto limit = "limit rate " + std::to_string(in.ping_rate_per_s) + "/second burst "
                 + std::to_string(2 * in.ping_rate_per_s) + " packets accept\n";
    out += "    " + not_from_ot + "icmp type echo-request " + limit;
    out += "    " + not_from_ot + "icmpv6 type echo-request " + limit;
  }
  out += "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } "
         "ip6 hoplimit 255 accept\n";
  if (has_ot) {
    out += "    " + from_ot + "ip protocol igmp accept\n";
    out += "    " + from_ot + "icmpv6 type mld-listener-query accept\n";
  }
  out += "    counter drop\n"
         "  }\n";

  // Output: policy accept; what leaves an OT interface is restricted.
  out += "  chain output {\n"
         "    type filter hook output priority filter; policy accept;\n"
         "    oif \"lo\" accept\n";
  if (has_ot)
    out += "    oifname " + ot_set + " jump ot_output\n";
  out += "  }\n";
  if (has_ot) {
    out += "  chain ot_output {\n";
    if (ssdp) {
      // Before the established rule: a unicast search becomes established
      // after its first reply, and every search must renew its socket.
      std::vector<std::string> targets{std::string{ssdp_group}};
      for (auto& a : sorted_unique(in.ssdp.unicast_targets))
        targets.push_back(to_string(a));
      out += "    ip daddr " + set_of(targets) + " udp dport " + std::to_string(ssdp_port)
             + " update @ssdp_searches { ip saddr . udp sport } accept\n";
    }
    out += "    ct state established,related accept\n";
    auto ports = sorted_unique(in.tcp_device_ports);
    if (!ports.empty()) {
      std::vector<std::string> ps;
      for (auto p : ports)
        ps.push_back(std::to_string(p));
      out += "    tcp dport " + set_of(ps) + " accept\n";
    }
    per_family(
      out, sorted_unique(in.tcp_devices),
      [](const service_endpoint& d) -> const ip_address& { return d.address; },
      [](const service_endpoint& d) {
        return to_string(d.address) + " . " + std::to_string(d.port);
      },
      " . tcp dport", "accept");
    if (ssdp)
      out += "    ip daddr @upnp_hosts meta l4proto tcp accept\n";
    per_family(
      out, sorted_unique(in.snmp_elements),
      [](const ip_address& a) -> const ip_address& { return a; },
      [](const ip_address& a) { return to_string(a); }, "",
      "udp dport " + std::to_string(snmp_port) + " accept");
    if (in.icmp_probes) {
      out += "    icmp type echo-request accept\n";
      out += "    icmpv6 type echo-request accept\n";
    }
    out += "    ip protocol igmp accept\n";
    out += "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, "
           "mld-listener-report, mld2-listener-report } accept\n";
    out += "    counter drop\n"
           "  }\n";
  }
  out += "}\n";
  return out;
}

caf::expected<std::string> gateway_ruleset_removal(std::string_view table) {
  auto name = table_name::parse(table);
  if (!name)
    return name.error();
  return remove_script(*name);
}

} // namespace kagami::protocols::nft
