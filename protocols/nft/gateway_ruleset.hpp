#pragma once

// The gateway's own packet filter as an nft script: on the app side only the
// WoT port, on the OT side only what the adapters and monitors use. Pure; no
// I/O. tools/kagamid/firewall_setup.hpp derives the input from the site
// config; gateway_ruleset_adapter.hpp installs the text.
//
// Table: `inet kagami_gateway` by default, apart from the onboarding table
// `inet kagami` (gateway_firewall.hpp). The two have different lives: the
// refusals of rogue devices stay in force when kagamid stops or crashes (fail
// closed) and are replaced by gateway_firewall::install(), which deletes and
// recreates its table; this ruleset is removed when kagamid stops cleanly and
// is replaced the same way. In one table, each owner's atomic replace would
// wipe the other's chains. Base chains of both tables see every packet: a
// drop in either is final, so the refusals (priority filter - 10) come first
// and this filter (priority filter) decides the rest.
//
// Policy (chain input, policy drop):
// - lo: everything. ct invalid: drop. ct established,related: accept (the
//   replies of the gateway's own connections, and the ICMP errors that
//   belong to them: unreachable, fragmentation needed, time exceeded for the
//   TTL probes).
// - The WoT port on the listen address, from any interface except the OT
//   interfaces (a device has no business with the WoT API). A wildcard
//   listener (0.0.0.0 or ::) gets the port on every address of every
//   interface except the OT ones.
// - ICMP echo-request from the non-OT side, rate-limited (ping_rate_per_s,
//   burst 2x): diagnostics. It opens no port, so `nmap -sT` still finds the
//   WoT port alone. IPv6 neighbour discovery (NS, NA, RA with hop limit 255)
//   on every interface; IPv4 ARP is not filtered by an inet table.
// - OT side: IGMP (queries keep a snooping switch forwarding the SSDP group)
//   and SSDP when enabled (below). Nothing else that is new.
// - SSDP: replies to an M-SEARCH come unicast from the device to the search
//   socket's ephemeral port. For a multicast search conntrack cannot pair
//   them with the request, so they are NEW; and UDA does not fix their
//   source port (many stacks, and the lab's simulator, answer from an
//   ephemeral port, not 1900), so even a unicast search's reply may not be
//   established. The output chain records the (address . port) of every
//   search socket in the dynamic set ssdp_searches for ssdp.reply_window_s;
//   the input chain accepts udp from the OT side to exactly those sockets,
//   from any source port, and NOTIFYs to 239.255.255.250:1900. Both record
//   the sender in upnp_hosts for ssdp.host_window_s.
//
// Policy (chain output, policy accept): the app side and lo are not
// restricted. What leaves an OT interface jumps to ot_output, which accepts
// established/related and only:
// - the M-SEARCHes (to 239.255.255.250:1900 and the unicast targets);
// - tcp to devices: `address . port` of every configured device, and the
//   ports of the design entries to any OT address (onboarding learns the
//   addresses at run time);
// - tcp on any port to a host in upnp_hosts (the description URL of a UPnP
//   device names its own port, and the fetcher only fetches from the host
//   that answered);
// - udp 161 to the SNMP network elements;
// - ICMP echo-request (probes), IGMP and ICMPv6 neighbour discovery / MLD;
// and drops the rest with a counter (a local sender gets EPERM). LLDP/HTIP is
// Ethernet, not IP: an inet table neither sees nor filters it, nor the
// mirror port's capture (pcap sees packets before the IP stack). DHCP is not
// allowed: the gateway's OT address is static.
//
// Without OT interfaces the input chain is the same without the OT rules, and
// the output chain restricts nothing.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "protocols/nft/refused_address.hpp"

namespace kagami::protocols::nft {

/// Any address of the gateway's own, including loopback and the unspecified
/// ones (which mean "every address"). Parsed strictly, like parse_ip.
struct listen_address {
  ip_address address;
  /// 0.0.0.0 or ::.
  bool wildcard = false;
};

/// Parses an IPv4 or IPv6 literal (no brackets, no zone, no prefix) for a
/// listener: unspecified and loopback addresses are accepted; multicast and
/// broadcast are not. Fails with ec::invalid_value and the reason.
caf::expected<listen_address> parse_listen_address(std::string_view text);

/// A device's service: a unicast address and a port (1..65535).
struct service_endpoint {
  ip_address address;
  uint16_t port = 0;

  friend auto operator<=>(const service_endpoint&, const service_endpoint&) = default;
};

/// What the ruleset allows.
struct gateway_ruleset_input {
  /// The table, `inet <table>`; [A-Za-z][A-Za-z0-9_]{0,31}.
  std::string table = "kagami_gateway";
  /// The WoT listener; port 1..65535.
  listen_address wot_address;
  uint16_t wot_port = 0;
  /// The OT-side interfaces ([A-Za-z0-9_.-]{1,15}); empty: none known.
  std::vector<std::string> ot_interfaces;
  /// TCP services the adapters reach at a known address (configured devices).
  std::vector<service_endpoint> tcp_devices;
  /// TCP ports the adapters reach on any OT address (devices that
  /// onboarding admits; their addresses are learnt at run time).
  std::vector<uint16_t> tcp_device_ports;
  /// SNMP agents of the network elements (udp 161).
  std::vector<ip_address> snmp_elements;

  struct ssdp_config {
    bool enabled = false;
    /// IPv4 targets of unicast M-SEARCHes.
    std::vector<ip_address> unicast_targets;
    /// How long a search socket accepts replies: 1..3600 s (MX is at most 5).
    uint32_t reply_window_s = 10;
    /// How long a host that spoke SSDP may be fetched from: 1..86400 s.
    uint32_t host_window_s = 300;
  } ssdp;

  /// ICMP echo-request to the OT side (probes).
  bool icmp_probes = true;
  /// Echo-requests accepted from the non-OT side per second: 0 (none) ..
  /// 10000.
  uint32_t ping_rate_per_s = 10;
};

/// The largest dynamic sets (a flood of forged SSDP senders fills the set,
/// and further updates fail: those packets are dropped).
inline constexpr uint32_t ssdp_searches_size = 1024;
inline constexpr uint32_t upnp_hosts_size = 4096;

/// The nft script that replaces table `inet <table>` in one transaction:
/// "table inet T", "delete table inet T", then the full definition (see the
/// policy above). The same input gives the same text: lists are sorted and
/// without duplicates. Fails with ec::invalid_value and the field for a bad
/// table or interface name, a port 0, a multicast or unspecified device
/// address, an IPv6 SSDP target or a window out of range.
caf::expected<std::string> gateway_ruleset_script(const gateway_ruleset_input& in);

/// Deletes table `inet <table>`; absent is not an error. Fails like
/// table_name::parse.
caf::expected<std::string> gateway_ruleset_removal(std::string_view table);

} // namespace kagami::protocols::nft
