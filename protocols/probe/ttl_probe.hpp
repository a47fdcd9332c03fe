#pragma once

// TTL-stepped ICMP echo probes (traceroute style) to one IPv4 destination:
// the topology supervisor uses them to fill gaps in the graph, for devices
// that no network element reports as connected to the gateway.
//
// This is the I/O half; the decoding is icmp_reply_parser.hpp and the
// decision whether a datagram answers a probe is match_reply below (pure).
//
// Threading: probe_path blocks the calling thread for up to
// config.max_total (plus one system call). Call it from a detached actor or
// a thread of its own, never from a scheduler thread. Concurrent runs in one
// process are safe: each opens its own socket and uses its own identifier.
//
// Privilege: raw ICMP sockets need CAP_NET_RAW. Without it every function
// here fails with ec::unavailable and need_cap_net_raw as the detail.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "protocols/probe/icmp_reply_parser.hpp"

namespace kagami::protocols::probe {

/// The detail of the ec::unavailable error without CAP_NET_RAW.
inline constexpr const char* need_cap_net_raw
  = "ICMP probes need CAP_NET_RAW (run as root or grant the capability)";

/// How one run probes. validate() states the allowed ranges.
struct ttl_probe_config {
  /// The highest TTL tried, 1..64.
  uint8_t max_hops = 16;
  /// How long one probe waits for its reply, 10 ms..10 s.
  std::chrono::milliseconds hop_timeout{1000};
  /// Probes per TTL before the hop counts as silent, 1..5.
  uint8_t tries_per_hop = 2;
  /// The bound on the whole run, hop_timeout..5 min. When it runs out the
  /// run ends with what it has (ttl_probe_result::deadline_hit).
  std::chrono::milliseconds max_total{20000};
  /// Bytes of payload after the 8-byte echo header, 0..1024.
  uint16_t payload_size = 24;
  /// The ICMP identifier of the run; unset: a fresh one per run (a
  /// process-wide counter with a random start).
  std::optional<uint16_t> identifier;
  /// Limits for every datagram read.
  icmp_reply_limits reply_limits;

  /// ec::config_invalid naming the field and the range; none when valid.
  caf::error validate() const;
};

/// What answered one TTL.
enum class hop_outcome : uint8_t {
  /// Nothing answered any of the tries.
  no_reply,
  /// A router on the path: ICMP time exceeded (code 0, TTL expired).
  time_exceeded,
  /// The destination itself: ICMP echo reply.
  echo_reply,
  /// ICMP destination unreachable (code in probe_hop::code); the run stops.
  unreachable,
};

/// "no_reply", "time_exceeded", "echo_reply" or "unreachable".
const char* to_string(hop_outcome x);

/// One TTL of a run.
struct probe_hop {
  uint8_t ttl = 0;
  hop_outcome outcome = hop_outcome::no_reply;
  /// The IPv4 source of the answer; empty for no_reply.
  std::optional<ipv4_address> responder;
  /// From sending the answered probe to reading its answer; empty for
  /// no_reply.
  std::optional<std::chrono::microseconds> rtt;
  /// The ICMP code of the answer (the reason of an unreachable).
  uint8_t code = 0;
  /// Probes sent with this TTL.
  uint8_t probes_sent = 0;

  friend bool operator==(const probe_hop&, const probe_hop&) = default;
};

/// The path to one destination.
struct ttl_probe_result {
  ipv4_address destination{};
  uint16_t identifier = 0;
  /// One entry per TTL tried, from 1, in order; the last is the destination
  /// when `reached`.
  std::vector<probe_hop> hops;
  /// The destination answered an echo request.
  bool reached = false;
  /// max_total ran out before the run ended by itself.
  bool deadline_hit = false;
  /// Datagrams read that were malformed (parser errors), for diagnostics.
  uint32_t malformed = 0;
};

/// How a decoded datagram relates to the probes of run `identifier` towards
/// `target`.
enum class probe_match : uint8_t {
  /// Not ours: another type, identifier, target, or a quote of something
  /// other than our echo request.
  none,
  /// Time exceeded (code 0) quoting our echo request to `target`.
  hop,
  /// Echo reply with our identifier from `target` itself.
  destination,
  /// Destination unreachable quoting our echo request to `target`.
  unreachable,
};

/// Pure. The sequence number that identifies the probe is reply.echo.
probe_match match_reply(const icmp_reply& reply, uint16_t identifier,
                        const ipv4_address& target);

/// Opens and closes a raw ICMP socket: none when probes can run here;
/// ec::unavailable with need_cap_net_raw without the capability; another
/// ec::unavailable with the system's reason otherwise.
caf::error check_probe_capability();

/// Probes the path to `destination` (a dotted IPv4 literal): for TTL 1, 2,
/// ... max_hops sends up to tries_per_hop echo requests (IP_TTL set per
/// probe), each waiting up to hop_timeout, and records who answered, until
/// the destination answers (reached), a destination unreachable arrives, the
/// TTLs run out or max_total passes. A late answer to an earlier probe of
/// this run still fills its hop if that hop had none.
///
/// Errors: ec::config_invalid (validate()), ec::invalid_value for a
/// destination that is not an IPv4 literal, ec::unavailable without
/// CAP_NET_RAW (detail need_cap_net_raw, checked before any probe is sent)
/// or when a socket call fails (detail names the call and the reason). A
/// silent path is not an error: its hops are no_reply.
caf::expected<ttl_probe_result> probe_path(const std::string& destination,
                                           const ttl_probe_config& config = {});

} // namespace kagami::protocols::probe
