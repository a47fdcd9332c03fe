// The ICMP reply parser (protocols/probe/icmp_reply_parser.hpp) on
// hand-built datagrams as a Linux raw ICMP socket delivers them, the reply
// matching of ttl_probe (match_reply) and the probe config's validation.

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/probe/icmp_reply_parser.hpp"
#include "protocols/probe/ttl_probe.hpp"

using namespace kagami;
using namespace kagami::protocols::probe;
using bytes = std::vector<uint8_t>;

namespace {

const ipv4_address gw = {10, 99, 1, 1};
const ipv4_address router = {10, 99, 1, 254};
const ipv4_address cell = {10, 99, 2, 11};

void put16(bytes& b, size_t at, uint16_t x) {
  b[at] = static_cast<uint8_t>(x >> 8);
  b[at + 1] = static_cast<uint8_t>(x);
}

/// An IPv4 datagram: header (with `options`, a multiple of 4 bytes), then
/// `payload`. The total length and header checksum are filled in.
bytes ipv4(ipv4_address src, ipv4_address dst, const bytes& payload, uint8_t protocol = 1,
           const bytes& options = {}, uint8_t ttl = 63) {
  size_t header = 20 + options.size();
  bytes d(header, 0);
  d[0] = static_cast<uint8_t>(0x40 | (header / 4));
  put16(d, 2, static_cast<uint16_t>(header + payload.size()));
  put16(d, 4, 0x1234);
  d[8] = ttl;
  d[9] = protocol;
  for (size_t i = 0; i < 4; ++i) {
    d[12 + i] = src[i];
    d[16 + i] = dst[i];
  }
  for (size_t i = 0; i < options.size(); ++i)
    d[20 + i] = options[i];
  put16(d, 10, internet_checksum(d));
  d.insert(d.end(), payload.begin(), payload.end());
  return d;
}

/// An ICMP message: type, code, the 4 "rest of header" bytes, body; the
/// checksum filled in.
bytes icmp(uint8_t type, uint8_t code, const bytes& rest4, const bytes& body) {
  bytes m = {type, code, 0, 0};
  m.insert(m.end(), rest4.begin(), rest4.end());
  m.insert(m.end(), body.begin(), body.end());
  put16(m, 2, internet_checksum(m));
  return m;
}

bytes echo_request(uint16_t id, uint16_t seq) {
  bytes payload(24, 0x6b);
  return encode_echo_request(echo_id{id, seq}, payload);
}

/// What a router sends when our probe `id`/`seq` to `target` expires:
/// time exceeded quoting our datagram (header + `quoted_bytes` of its data).
bytes time_exceeded(ipv4_address from, ipv4_address target, uint16_t id, uint16_t seq,
                    size_t quoted_bytes = 32, const bytes& quoted_options = {}) {
  auto original = ipv4(gw, target, echo_request(id, seq), 1, quoted_options, 1);
  original.resize(20 + quoted_options.size() + quoted_bytes);
  return ipv4(from, gw, icmp(11, 0, {0, 0, 0, 0}, original));
}

std::string reason(const caf::error& err) {
  EXPECT_EQ(code_of(err), ec::device_bad_reply);
  return detail_of(err);
}

} // namespace

TEST(internet_checksum, rfc1071_example) {
  // RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2 (folded).
  EXPECT_EQ(internet_checksum(bytes{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}), 0x220d);
  // An odd length pads with a zero byte.
  EXPECT_EQ(internet_checksum(bytes{0x01}), static_cast<uint16_t>(~0x0100));
  auto req = echo_request(7, 9);
  EXPECT_EQ(internet_checksum(req), 0);
  EXPECT_EQ(req[0], 8);
  EXPECT_EQ(req.size(), 8u + 24u);
}

TEST(ipv4_text, parse_and_format) {
  EXPECT_EQ(parse_ipv4("10.99.2.11"), cell);
  EXPECT_EQ(format_ipv4(router), "10.99.1.254");
  EXPECT_FALSE(parse_ipv4("10.99.2"));
  EXPECT_FALSE(parse_ipv4("10.99.2.256"));
  EXPECT_FALSE(parse_ipv4("fd00::1"));
  EXPECT_FALSE(parse_ipv4(" 10.99.2.11"));
  EXPECT_FALSE(parse_ipv4(""));
}

TEST(icmp_reply_parser, echo_reply) {
  auto reply = echo_request(0xbeef, 3);
  reply[0] = 0; // echo reply
  put16(reply, 2, 0);
  put16(reply, 2, internet_checksum(reply));
  auto r = parse_icmp_reply(ipv4(cell, gw, reply, 1, {}, 62));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->kind, icmp_kind::echo_reply);
  EXPECT_EQ(r->source, cell);
  EXPECT_EQ(r->destination, gw);
  EXPECT_EQ(r->ttl, 62);
  ASSERT_TRUE(r->echo);
  EXPECT_EQ(r->echo->identifier, 0xbeef);
  EXPECT_EQ(r->echo->sequence, 3);
  EXPECT_FALSE(r->quoted_destination);
  EXPECT_EQ(match_reply(*r, 0xbeef, cell), probe_match::destination);
  // From someone other than the target: not the destination's answer.
  EXPECT_EQ(match_reply(*r, 0xbeef, router), probe_match::none);
  // Another run's identifier.
  EXPECT_EQ(match_reply(*r, 0xbeee, cell), probe_match::none);
}

TEST(icmp_reply_parser, time_exceeded_quotes_the_probe) {
  auto r = parse_icmp_reply(time_exceeded(router, cell, 0x1234, 17));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->kind, icmp_kind::time_exceeded);
  EXPECT_EQ(r->type, 11);
  EXPECT_EQ(r->code, 0);
  EXPECT_EQ(r->source, router);
  ASSERT_TRUE(r->echo);
  EXPECT_EQ(r->echo->identifier, 0x1234);
  EXPECT_EQ(r->echo->sequence, 17);
  EXPECT_EQ(r->quoted_destination, cell);
  EXPECT_EQ(r->quoted_protocol, 1);
  EXPECT_EQ(match_reply(*r, 0x1234, cell), probe_match::hop);
  EXPECT_EQ(match_reply(*r, 0x1235, cell), probe_match::none);           // wrong id
  EXPECT_EQ(match_reply(*r, 0x1234, ipv4_address{10, 99, 2, 12}), probe_match::none);
}

TEST(icmp_reply_parser, minimal_rfc792_quote) {
  // Exactly the original header and 8 bytes of data: enough.
  auto r = parse_icmp_reply(time_exceeded(router, cell, 42, 1, 8));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->echo, (echo_id{42, 1}));
}

TEST(icmp_reply_parser, time_exceeded_fragment_reassembly_is_no_hop) {
  auto d = time_exceeded(router, cell, 42, 1);
  // ICMP code 1 (fragment reassembly time exceeded): fix the ICMP checksum.
  d[21] = 1;
  put16(d, 22, 0);
  put16(d, 22, internet_checksum(bytes(d.begin() + 20, d.end())));
  auto r = parse_icmp_reply(d);
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->code, 1);
  EXPECT_EQ(match_reply(*r, 42, cell), probe_match::none);
}

TEST(icmp_reply_parser, destination_unreachable) {
  auto original = ipv4(gw, cell, echo_request(5, 6), 1, {}, 2);
  auto r = parse_icmp_reply(ipv4(router, gw, icmp(3, 1, {0, 0, 0, 0}, original)));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->kind, icmp_kind::destination_unreachable);
  EXPECT_EQ(r->code, 1);
  EXPECT_EQ(r->echo, (echo_id{5, 6}));
  EXPECT_EQ(match_reply(*r, 5, cell), probe_match::unreachable);
  EXPECT_EQ(match_reply(*r, 6, cell), probe_match::none);
}

TEST(icmp_reply_parser, quote_of_another_protocol_has_no_echo) {
  bytes udp = {0x82, 0x9a, 0x82, 0x9b, 0x00, 0x10, 0x00, 0x00};
  auto original = ipv4(gw, cell, udp, 17, {}, 1);
  auto r = parse_icmp_reply(ipv4(router, gw, icmp(11, 0, {0, 0, 0, 0}, original)));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->kind, icmp_kind::time_exceeded);
  EXPECT_FALSE(r->echo);
  EXPECT_EQ(r->quoted_protocol, 17);
  EXPECT_EQ(r->quoted_destination, cell);
  EXPECT_EQ(match_reply(*r, 0x829a, cell), probe_match::none);
}

TEST(icmp_reply_parser, quote_of_an_echo_reply_has_no_echo) {
  auto reply = echo_request(9, 9);
  reply[0] = 0;
  auto original = ipv4(cell, gw, reply, 1, {}, 1);
  auto r = parse_icmp_reply(ipv4(router, cell, icmp(11, 0, {0, 0, 0, 0}, original)));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_FALSE(r->echo);
}

TEST(icmp_reply_parser, other_types_are_well_formed_but_not_replies) {
  // Our own echo request, as a raw socket sees it on loopback.
  auto r = parse_icmp_reply(ipv4(gw, cell, echo_request(1, 1)));
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->kind, icmp_kind::other);
  EXPECT_EQ(r->type, 8);
  EXPECT_FALSE(r->echo);
  EXPECT_EQ(match_reply(*r, 1, cell), probe_match::none);
}

TEST(icmp_reply_parser, ip_options_are_skipped) {
  // Outer header with 8 bytes of options (NOPs and an End), the quoted
  // header with 4 bytes of options.
  bytes outer_options = {1, 1, 1, 1, 1, 1, 1, 0};
  bytes quoted_options = {1, 1, 1, 0};
  auto original = ipv4(gw, cell, echo_request(77, 88), 1, quoted_options, 1);
  original.resize(24 + 8);
  auto d = ipv4(router, gw, icmp(11, 0, {0, 0, 0, 0}, original), 1, outer_options);
  EXPECT_EQ(d[0], 0x47);
  auto r = parse_icmp_reply(d);
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->source, router);
  EXPECT_EQ(r->echo, (echo_id{77, 88}));
  EXPECT_EQ(r->quoted_destination, cell);
}

TEST(icmp_reply_parser, padding_after_total_length_is_ignored) {
  auto d = time_exceeded(router, cell, 3, 4);
  d.insert(d.end(), 18, 0xee);
  auto r = parse_icmp_reply(d);
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->echo, (echo_id{3, 4}));
}

TEST(icmp_reply_parser, truncated_datagrams) {
  auto good = time_exceeded(router, cell, 3, 4);
  // Every prefix of a good datagram is rejected, none read out of bounds
  // (run under ASan by the fuzz target's seed replay too).
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = parse_icmp_reply(bytes(good.begin(), good.begin() + n));
    EXPECT_FALSE(r) << "prefix of " << n << " bytes accepted";
  }
  EXPECT_EQ(reason(parse_icmp_reply(bytes(12, 0x45)).error()),
            "datagram of 12 bytes is shorter than an IPv4 header (20)");
  auto cut = bytes(good.begin(), good.begin() + 40);
  EXPECT_EQ(reason(parse_icmp_reply(cut).error()),
            "IPv4 total length " + std::to_string(good.size()) + " exceeds the 40 bytes received");
}

TEST(icmp_reply_parser, short_icmp_message) {
  auto d = ipv4(router, gw, bytes{11, 0, 0xf4, 0xff});
  EXPECT_EQ(reason(parse_icmp_reply(d).error()),
            "ICMP message of 4 bytes is shorter than its header (8)");
}

TEST(icmp_reply_parser, short_quote) {
  // The quoted datagram keeps only 4 bytes after its header.
  auto d = time_exceeded(router, cell, 3, 4, 4);
  EXPECT_EQ(reason(parse_icmp_reply(d).error()),
            "time exceeded: the quoted datagram has 4 bytes after its header, 8 needed");
  // No quoted header at all.
  auto bare = ipv4(router, gw, icmp(3, 3, {0, 0, 0, 0}, bytes(10, 0x45)));
  EXPECT_EQ(reason(parse_icmp_reply(bare).error()),
            "destination unreachable: the quoted datagram has 10 bytes, shorter than an IPv4 "
            "header (20)");
}

TEST(icmp_reply_parser, ihl_out_of_range) {
  auto d = time_exceeded(router, cell, 3, 4);
  auto big = d;
  big.resize(28);
  big[0] = 0x4f; // IHL 15: 60 bytes of header in 28
  put16(big, 2, 28);
  EXPECT_EQ(reason(parse_icmp_reply(big).error()),
            "IHL 15 (60 bytes) runs past the datagram of 28 bytes");
  auto small = d;
  small[0] = 0x44;
  EXPECT_EQ(reason(parse_icmp_reply(small).error()), "IHL 4 is below 5");
  // The quoted header's IHL: 15 in a quote of 28 bytes.
  auto quoted = d;
  quoted[28] = 0x4f;
  put16(quoted, 22, 0);
  put16(quoted, 22, internet_checksum(bytes(quoted.begin() + 20, quoted.end())));
  EXPECT_EQ(reason(parse_icmp_reply(quoted).error()),
            "time exceeded: the quoted IHL 15 (60 bytes) runs past the 52 quoted bytes");
}

TEST(icmp_reply_parser, total_length_shorter_than_header) {
  auto d = time_exceeded(router, cell, 3, 4);
  put16(d, 2, 16);
  EXPECT_EQ(reason(parse_icmp_reply(d).error()),
            "IPv4 total length 16 is shorter than its header (20)");
}

TEST(icmp_reply_parser, not_ipv4_icmp_or_whole) {
  auto d = time_exceeded(router, cell, 3, 4);
  auto v6 = d;
  v6[0] = 0x65;
  EXPECT_EQ(reason(parse_icmp_reply(v6).error()), "IP version 6, not 4");
  auto udp = d;
  udp[9] = 17;
  EXPECT_EQ(reason(parse_icmp_reply(udp).error()), "protocol 17 is not ICMP");
  auto frag = d;
  put16(frag, 6, 185);
  EXPECT_EQ(reason(parse_icmp_reply(frag).error()), "a fragment (offset 185)");
  auto more = d;
  put16(more, 6, 0x2000);
  EXPECT_EQ(reason(parse_icmp_reply(more).error()), "a fragment (more fragments set)");
  auto df = d; // don't fragment is fine
  put16(df, 6, 0x4000);
  EXPECT_TRUE(parse_icmp_reply(df));
}

TEST(icmp_reply_parser, checksum) {
  auto d = time_exceeded(router, cell, 3, 4);
  auto bad = d;
  bad[22] ^= 0x01; // the ICMP checksum's high byte
  auto r = parse_icmp_reply(bad);
  ASSERT_FALSE(r);
  auto carried = static_cast<uint16_t>((bad[22] << 8) | bad[23]);
  auto right = static_cast<uint16_t>((d[22] << 8) | d[23]);
  char text[80];
  std::snprintf(text, sizeof text, "ICMP checksum 0x%04x does not match 0x%04x", carried, right);
  EXPECT_EQ(reason(r.error()), text);
  icmp_reply_limits lax;
  lax.verify_checksum = false;
  EXPECT_TRUE(parse_icmp_reply(bad, lax));
}

TEST(icmp_reply_parser, max_datagram) {
  auto d = time_exceeded(router, cell, 3, 4);
  icmp_reply_limits tight;
  tight.max_datagram = d.size() - 1;
  EXPECT_EQ(reason(parse_icmp_reply(d, tight).error()),
            "datagram of " + std::to_string(d.size()) + " bytes exceeds the limit of "
              + std::to_string(d.size() - 1));
  tight.max_datagram = d.size();
  EXPECT_TRUE(parse_icmp_reply(d, tight));
}

TEST(ttl_probe_config, validate_names_field_and_range) {
  EXPECT_FALSE(ttl_probe_config{}.validate());
  auto fails = [](auto change, const std::string& field) {
    ttl_probe_config c;
    change(c);
    auto err = c.validate();
    ASSERT_TRUE(err);
    EXPECT_EQ(code_of(err), ec::config_invalid);
    EXPECT_NE(detail_of(err).find(field), std::string::npos) << detail_of(err);
  };
  fails([](auto& c) { c.max_hops = 0; }, "max_hops");
  fails([](auto& c) { c.max_hops = 65; }, "max_hops");
  fails([](auto& c) { c.hop_timeout = std::chrono::milliseconds{5}; }, "hop_timeout");
  fails([](auto& c) { c.tries_per_hop = 0; }, "tries_per_hop");
  fails([](auto& c) { c.tries_per_hop = 6; }, "tries_per_hop");
  fails([](auto& c) { c.max_total = std::chrono::milliseconds{500}; }, "max_total");
  fails([](auto& c) { c.max_total = std::chrono::minutes{6}; }, "max_total");
  fails([](auto& c) { c.payload_size = 1025; }, "payload_size");
}

TEST(ttl_probe, refuses_bad_input_before_any_socket) {
  auto r = probe_path("10.99.2");
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::invalid_value);
  ttl_probe_config c;
  c.max_hops = 0;
  auto bad = probe_path("127.0.0.1", c);
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_of(bad.error()), ec::config_invalid);
}
