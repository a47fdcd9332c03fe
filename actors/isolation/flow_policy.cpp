#include "actors/isolation/flow_policy.hpp"

#include <algorithm>

namespace kagami::isolation {

using namespace protocols::pcap;

namespace {

std::vector<uint64_t> sorted_macs(const std::vector<mac_address>& macs) {
  std::vector<uint64_t> out;
  out.reserve(macs.size());
  for (const auto& m : macs)
    out.push_back(mac_to_u64(m));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool contains(const std::vector<uint64_t>& sorted, const mac_address& mac) {
  return std::binary_search(sorted.begin(), sorted.end(), mac_to_u64(mac));
}

bool is_ipv4_broadcast(const ip_address& ip) {
  return ip.version == 4 && ip.bytes[0] == 255 && ip.bytes[1] == 255
         && ip.bytes[2] == 255 && ip.bytes[3] == 255;
}

bool is_icmp_response(const packet_summary& p) {
  if (p.transport == transport_layer::icmp)
    return p.icmp_type == 0 || p.icmp_type == 3 || p.icmp_type == 11
           || p.icmp_type == 12;
  if (p.transport == transport_layer::icmpv6)
    return p.icmp_type == 1 || p.icmp_type == 2 || p.icmp_type == 3
           || p.icmp_type == 4 || p.icmp_type == 129 || p.icmp_type == 136;
  return false;
}

constexpr judgement allow(allowance_rule r) {
  return {verdict::allowed, r};
}

constexpr judgement outside{verdict::outside, allowance_rule::none};

} // namespace

const char* to_string(verdict x) {
  switch (x) {
    case verdict::not_subject:
      return "not_subject";
    case verdict::allowed:
      return "allowed";
    case verdict::response:
      return "response";
    case verdict::response_if_reverse_flow:
      return "response_if_reverse_flow";
    case verdict::response_if_arp_request:
      return "response_if_arp_request";
    case verdict::outside:
      return "outside";
  }
  return "unknown";
}

const char* to_string(allowance_rule x) {
  switch (x) {
    case allowance_rule::none:
      return "none";
    case allowance_rule::gateway:
      return "gateway";
    case allowance_rule::lldp:
      return "lldp";
    case allowance_rule::arp_for_gateway:
      return "arp_for_gateway";
    case allowance_rule::arp_gratuitous:
      return "arp_gratuitous";
    case allowance_rule::arp_reply_to_gateway:
      return "arp_reply_to_gateway";
    case allowance_rule::dhcp:
      return "dhcp";
    case allowance_rule::igmp:
      return "igmp";
    case allowance_rule::ipv6_link_control:
      return "ipv6_link_control";
    case allowance_rule::configured:
      return "configured";
  }
  return "unknown";
}

flow_policy::flow_policy(flow_policy_config config)
  : config_(std::move(config)),
    gateway_macs_(sorted_macs(config_.gateway_macs)),
    exempt_macs_(sorted_macs(config_.exempt_macs)) {
}

bool flow_policy::is_gateway_mac(const mac_address& mac) const {
  return contains(gateway_macs_, mac);
}

bool flow_policy::is_gateway_ip(const ip_address& ip) const {
  if (ip.empty())
    return false;
  return std::find(config_.gateway_ips.begin(), config_.gateway_ips.end(), ip)
         != config_.gateway_ips.end();
}

bool flow_policy::is_exempt_mac(const mac_address& mac) const {
  return contains(exempt_macs_, mac);
}

bool flow_policy::is_subject(const mac_address& mac) const {
  return !is_gateway_mac(mac) && !is_exempt_mac(mac);
}

judgement flow_policy::judge(const packet_summary& p) const {
  if (!p.has_ethernet || !is_subject(p.source_mac))
    return {};
  bool to_gateway = is_gateway_mac(p.destination_mac);
  switch (p.network) {
    case network_layer::arp:
      return judge_arp(p);
    case network_layer::ipv4:
    case network_layer::ipv6:
      return judge_ip(p);
    case network_layer::lldp: {
      const auto& d = config_.lldp_destinations;
      if (std::find(d.begin(), d.end(), p.destination_mac) != d.end())
        return allow(allowance_rule::lldp);
      return to_gateway ? allow(allowance_rule::gateway) : outside;
    }
    case network_layer::none:
      break;
  }
  return to_gateway ? allow(allowance_rule::gateway) : outside;
}

judgement flow_policy::judge_arp(const packet_summary& p) const {
  // A subject claiming a gateway IP (gratuitously or in a reply) is
  // poisoning ARP caches.
  if (is_gateway_ip(p.arp_sender_ip))
    return outside;
  if (p.arp_sender_ip == p.arp_target_ip)
    return allow(allowance_rule::arp_gratuitous);
  if (config_.allow_arp_probes && p.arp_operation == arp_request
      && p.arp_sender_ip.is_unspecified() && is_group_mac(p.destination_mac))
    return allow(allowance_rule::arp_gratuitous);
  if (is_gateway_ip(p.arp_target_ip))
    return allow(allowance_rule::arp_for_gateway);
  if (p.arp_operation == arp_reply) {
    if (is_gateway_mac(p.destination_mac) || is_gateway_mac(p.arp_target_mac))
      return allow(allowance_rule::arp_reply_to_gateway);
    return {verdict::response_if_arp_request, allowance_rule::none};
  }
  return outside;
}

judgement flow_policy::judge_ip(const packet_summary& p) const {
  const auto& dst = p.destination_ip;
  if (is_gateway_mac(p.destination_mac)
      && (is_gateway_ip(dst) || dst.is_ipv6_link_local()))
    return allow(allowance_rule::gateway);
  if (is_icmp_response(p))
    return {verdict::response, allowance_rule::none};
  bool udp = p.transport == transport_layer::udp;
  bool tcp = p.transport == transport_layer::tcp;
  if (config_.allow_dhcp && udp && p.source_port == 68 && p.destination_port == 67
      && (is_ipv4_broadcast(dst)
          || std::find(config_.dhcp_servers.begin(), config_.dhcp_servers.end(), dst)
               != config_.dhcp_servers.end()))
    return allow(allowance_rule::dhcp);
  if (config_.allow_igmp && p.network == network_layer::ipv4
      && p.ip_protocol == ip_proto_igmp && !p.later_fragment
      && dst.is_multicast_or_broadcast())
    return allow(allowance_rule::igmp);
  if (config_.allow_ipv6_link_control && p.transport == transport_layer::icmpv6
      && is_group_mac(p.destination_mac)
      && (p.icmp_type == 133 || p.icmp_type == 135 || p.icmp_type == 131
          || p.icmp_type == 132 || p.icmp_type == 143))
    return allow(allowance_rule::ipv6_link_control);
  if (!p.later_fragment && p.transport != transport_layer::none) {
    for (const auto& a : config_.allowances) {
      if (a.ip_protocol != p.ip_protocol)
        continue;
      if (a.destination && !(*a.destination == dst))
        continue;
      if (a.destination_port && (!(tcp || udp) || *a.destination_port != p.destination_port))
        continue;
      return allow(allowance_rule::configured);
    }
  }
  if (tcp) {
    bool syn_only = (p.tcp_flags & tcp_syn) && !(p.tcp_flags & tcp_ack);
    if (!syn_only)
      return {verdict::response_if_reverse_flow, allowance_rule::none};
    return outside;
  }
  if (udp)
    return {verdict::response_if_reverse_flow, allowance_rule::none};
  return outside;
}

} // namespace kagami::isolation
