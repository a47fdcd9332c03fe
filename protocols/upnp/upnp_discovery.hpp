#pragma once

// The UPnP discovery source: SSDP over UDP/IPv4 on the OT interface.
//
// Mechanism only: it reports every well-formed, acceptable M-SEARCH reply and
// NOTIFY as a device_sighting and every other datagram as rejected; it never
// fetches anything and never judges a device.
//
// Sockets (opened by start(), on the source's own thread):
// - the search socket, bound to local_address on an ephemeral port: sends
//   M-SEARCH to 239.255.255.250:1900 (multicast, IP_MULTICAST_IF =
//   local_address, TTL 2) and to every unicast target (UDA 1.1 unicast
//   M-SEARCH, no MX), and receives the replies;
// - with listen_notify, the NOTIFY socket: 0.0.0.0:notify_port with
//   SO_REUSEADDR, joined to 239.255.255.250 on the interface that owns
//   local_address, IP_MULTICAST_ALL off.
// Datagrams that arrive on another interface than `interface_name` (IP_PKTINFO)
// are dropped silently: the IT side must not create OT sightings.
//
// What is reported for each datagram, in this order:
// 1. a sender over its rate limit (a token bucket per sender IP) is dropped;
//    one rejection "rate limit exceeded" is reported per burst;
// 2. a datagram that parse_ssdp refuses -> rejected(sender, reason);
// 3. M-SEARCH requests of other control points and NOTIFY ssdp:byebye are
//    ignored: a device leaving is not evidence of anything onboarding acts on
//    (its lease simply stops being renewed);
// 4. a LOCATION that parse_description_url refuses (not http://, userinfo, not
//    an IPv4 literal, ...) or whose host is not the IP the datagram came from
//    -> rejected: the gateway must never be made to fetch from a third party;
// 5. otherwise a sighting: source upnp, address = sender IP, seen_on
//    "ssdp:<interface_name>", locator = LOCATION, mac empty (onboarding reads
//    it from the neighbour table), fingerprint = sighting_fingerprint(). It is
//    dropped when it equals the last sighting reported for that sender less
//    than dedup_window ago, so a multicast flood or a burst of replies to
//    ssdp:all (one per USN) cannot flood onboarding.
//
// `from` in rejections is "IP:PORT" of the sender.
//
// An exception out of the source's own work (std::bad_alloc, a throwing
// sink) loses the datagram at hand, is reported as rejected(upnp,
// "ssdp:<interface_name>", "internal error: ...") at most every 10 s, and the
// thread carries on.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "protocols/discovery/discovery.hpp"
#include "protocols/upnp/ssdp_parser.hpp"

namespace kagami::protocols::upnp {

struct upnp_discovery_options {
  /// The IPv4 address of the OT interface (e.g. "10.99.1.1"); the search
  /// socket binds to it and multicast leaves through it.
  std::string local_address;
  /// The name of that interface ("ot0"); names the source in seen_on and
  /// filters arriving datagrams. Empty: no interface filter (tests only).
  std::string interface_name;
  /// How often to search. At least 100 ms.
  std::chrono::milliseconds search_interval = std::chrono::seconds(60);
  /// The ST of the M-SEARCH: "ssdp:all" or "upnp:rootdevice" (or any ST).
  std::string search_target = "ssdp:all";
  /// The MX of the multicast M-SEARCH (1..5 per UDA 1.1).
  uint32_t mx = 2;
  /// Send M-SEARCH to 239.255.255.250:1900.
  bool multicast_search = true;
  /// IPv4 literals that get a unicast M-SEARCH on `target_port` too; at most
  /// max_unicast_targets.
  std::vector<std::string> unicast_targets;
  uint16_t target_port = 1900;
  /// Listen for NOTIFY on 0.0.0.0:notify_port joined to the SSDP group.
  bool listen_notify = true;
  uint16_t notify_port = 1900;
  /// Token bucket per sender IP: `rate_burst` datagrams at once, refilled at
  /// `rate_per_second`.
  double rate_per_second = 20;
  double rate_burst = 40;
  /// Identical consecutive sightings of one sender within this window are
  /// reported once.
  std::chrono::milliseconds dedup_window = std::chrono::seconds(5);

  static constexpr size_t max_unicast_targets = 256;
  /// Senders tracked for the rate limit and the dedup at once; beyond it,
  /// senders idle for the longest time are forgotten first.
  static constexpr size_t max_tracked_senders = 4096;
};

/// The fingerprint of an SSDP announcement: 16 hex digits of FNV-1a-64 over
/// LOCATION, BOOTID.UPNP.ORG and CONFIGID.UPNP.ORG (absent ones as "-").
/// The USN is left out on purpose: one device announces several USNs (root
/// device, UUID, device and service types, embedded devices) that would make
/// the fingerprint flip between them; BOOTID changes on reboot and CONFIGID
/// whenever the description changes (UDA 1.1, 1.2.2).
std::string sighting_fingerprint(const ssdp_message& m);

class upnp_discovery : public discovery_source {
public:
  explicit upnp_discovery(upnp_discovery_options opts);
  ~upnp_discovery() override;

  discovery_kind kind() const override {
    return discovery_kind::upnp;
  }

  /// Validates the options, opens the sockets and starts the thread, which
  /// sends the first M-SEARCH at once. Fails with ec::invalid_value for bad
  /// options (not an IPv4 literal, too many targets, ...) and
  /// ec::unavailable when a socket cannot be opened, bound or joined (the
  /// reason names the call and errno), or when called twice.
  caf::error start(discovery_sink sink) override;

  /// Stops and joins the thread and closes the sockets. Idempotent.
  void stop() override;

  /// Sends the M-SEARCHes now (coalesced with a pending one). Thread-safe.
  void refresh() override;

  /// The port of the search socket after start() (0 before): where replies
  /// and unicast NOTIFYs (tests) arrive.
  uint16_t search_port() const;

  /// M-SEARCH rounds sent so far. Thread-safe.
  uint64_t searches() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace kagami::protocols::upnp
