// libFuzzer target for the ICMP reply parser (protocols/probe/
// icmp_reply_parser.hpp) and the probe's reply matching (match_reply).
//
// Input: one datagram as a raw ICMP socket delivers it (IPv4 header first).
// It is parsed as it is, and once more with its ICMP checksum fixed up so
// that random inputs reach the type-specific decoding. Invariants: parsing
// never crashes or reads out of bounds; with the checksum check off, every
// datagram accepted with it is accepted the same; a limit of exactly the
// input size changes nothing, one byte less rejects it; the decoded fields
// agree with the kind; match_reply is consistent with the fields.

#include <cstdint>
#include <span>
#include <vector>

#include "protocols/probe/icmp_reply_parser.hpp"
#include "protocols/probe/ttl_probe.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami::protocols::probe;
using kagami::fuzz::check;

namespace {

void check_reply(const icmp_reply& r) {
  switch (r.kind) {
    case icmp_kind::echo_reply:
      check(r.type == icmp_echo_reply && r.echo.has_value() && !r.quoted_destination
            && !r.quoted_protocol);
      break;
    case icmp_kind::time_exceeded:
    case icmp_kind::destination_unreachable:
      check(r.type == (r.kind == icmp_kind::time_exceeded ? icmp_time_exceeded
                                                          : icmp_destination_unreachable));
      check(r.quoted_destination.has_value() && r.quoted_protocol.has_value());
      check(!r.echo || *r.quoted_protocol == ip_protocol_icmp);
      break;
    case icmp_kind::other:
      check(r.type != icmp_echo_reply && r.type != icmp_time_exceeded
            && r.type != icmp_destination_unreachable);
      check(!r.echo && !r.quoted_destination && !r.quoted_protocol);
      break;
  }
  // Matching: never for another identifier; what it says follows the kind.
  uint16_t id = r.echo ? r.echo->identifier : 0;
  ipv4_address target = r.kind == icmp_kind::echo_reply ? r.source
                        : r.quoted_destination          ? *r.quoted_destination
                                                        : r.source;
  auto m = match_reply(r, id, target);
  if (!r.echo)
    check(m == probe_match::none);
  check(match_reply(r, static_cast<uint16_t>(id + 1), target) == probe_match::none);
  if (m == probe_match::destination)
    check(r.kind == icmp_kind::echo_reply);
  if (m == probe_match::hop)
    check(r.kind == icmp_kind::time_exceeded && r.code == 0);
  if (m == probe_match::unreachable)
    check(r.kind == icmp_kind::destination_unreachable);
  (void) format_ipv4(r.source);
}

void run(std::span<const uint8_t> d) {
  auto strict = parse_icmp_reply(d);
  icmp_reply_limits lax;
  lax.verify_checksum = false;
  auto relaxed = parse_icmp_reply(d, lax);
  if (strict) {
    check_reply(*strict);
    check(relaxed && *relaxed == *strict);
  }
  if (relaxed)
    check_reply(*relaxed);
  icmp_reply_limits exact;
  exact.max_datagram = d.size();
  auto at_limit = parse_icmp_reply(d, exact);
  check(static_cast<bool>(at_limit) == static_cast<bool>(strict));
  if (strict && !d.empty()) {
    check(*at_limit == *strict);
    icmp_reply_limits below;
    below.max_datagram = d.size() - 1;
    check(!parse_icmp_reply(d, below));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> d{data, size};
  run(d);
  // The same datagram with a correct ICMP checksum, when it has room for one.
  if (size >= 28 && (data[0] & 0x0f) >= 5) {
    size_t header = (data[0] & 0x0f) * 4u;
    size_t total = static_cast<size_t>((data[2] << 8) | data[3]);
    if (header + 8 <= total && total <= size) {
      std::vector<uint8_t> fixed(data, data + size);
      fixed[header + 2] = 0;
      fixed[header + 3] = 0;
      auto sum = internet_checksum(std::span<const uint8_t>{fixed}.subspan(header, total - header));
      fixed[header + 2] = static_cast<uint8_t>(sum >> 8);
      fixed[header + 3] = static_cast<uint8_t>(sum);
      run(fixed);
    }
  }
  return 0;
}
