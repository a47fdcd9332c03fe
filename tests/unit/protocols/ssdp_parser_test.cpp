#include "protocols/upnp/ssdp_parser.hpp"
#include "protocols/upnp/description_url.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::upnp;

namespace {

/// Joins header lines with CRLF and ends the block with an empty line.
std::string datagram(std::vector<std::string> lines) {
  std::string out;
  for (auto& l : lines)
    out += l + "\r\n";
  return out + "\r\n";
}

const std::string response = datagram({
  "HTTP/1.1 200 OK",
  "CACHE-CONTROL: max-age=1800",
  "EXT:",
  "LOCATION: http://10.99.1.5:49152/description.xml",
  "SERVER: Linux/5.10 UPnP/1.1 kagami-devsim/1.0",
  "ST: upnp:rootdevice",
  "USN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice",
  "BOOTID.UPNP.ORG: 7",
  "CONFIGID.UPNP.ORG: 3",
});

} // namespace

TEST(ssdp_parser, parses_a_search_response) {
  auto m = parse_ssdp(response);
  ASSERT_TRUE(m) << detail_of(m.error());
  EXPECT_EQ(m->kind, ssdp_kind::search_response);
  EXPECT_EQ(m->nts, notify_subtype::none);
  EXPECT_EQ(m->location, "http://10.99.1.5:49152/description.xml");
  EXPECT_EQ(m->target, "upnp:rootdevice");
  EXPECT_EQ(m->usn, "uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice");
  EXPECT_EQ(m->cache_control, "max-age=1800");
  EXPECT_EQ(m->server, "Linux/5.10 UPnP/1.1 kagami-devsim/1.0");
  EXPECT_EQ(m->boot_id, 7u);
  EXPECT_EQ(m->config_id, 3u);
  EXPECT_FALSE(m->mx);
  EXPECT_EQ(usn_uuid(m->usn), "uuid:2fac1234-31f8-11b4-a222-08002b34c003");
}

TEST(ssdp_parser, parses_notify_and_search_requests) {
  struct row {
    std::string text;
    ssdp_kind kind;
    notify_subtype nts;
    std::string target;
  };
  std::vector<row> rows{
    {datagram({"NOTIFY * HTTP/1.1", "HOST: 239.255.255.250:1900", "NT: upnp:rootdevice",
               "NTS: ssdp:alive", "USN: uuid:a::upnp:rootdevice",
               "LOCATION: http://10.0.0.2/d.xml"}),
     ssdp_kind::notify, notify_subtype::alive, "upnp:rootdevice"},
    {datagram({"NOTIFY * HTTP/1.1", "nt: uuid:a", "nts: ssdp:update", "usn: uuid:a",
               "location: http://10.0.0.2/d.xml", "NEXTBOOTID.UPNP.ORG: 8"}),
     ssdp_kind::notify, notify_subtype::update, "uuid:a"},
    // byebye needs no LOCATION.
    {datagram({"NOTIFY * HTTP/1.1", "NT: uuid:a", "NTS: ssdp:byebye", "USN: uuid:a"}),
     ssdp_kind::notify, notify_subtype::byebye, "uuid:a"},
    {datagram({"M-SEARCH * HTTP/1.1", "HOST: 239.255.255.250:1900",
               "MAN: \"ssdp:discover\"", "MX: 2", "ST: ssdp:all"}),
     ssdp_kind::search_request, notify_subtype::none, "ssdp:all"},
    // Bare LF line ends, a missing final empty line, mixed-case names and
    // a NT on a response (ignored) are accepted.
    {"HTTP/1.1 200 OK\nSt: upnp:rootdevice\nUsN: uuid:b\nLocation: http://10.0.0.3/\n"
     "NT: ignored",
     ssdp_kind::search_response, notify_subtype::none, "upnp:rootdevice"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto m = parse_ssdp(r.text);
    ASSERT_TRUE(m) << detail_of(m.error());
    EXPECT_EQ(m->kind, r.kind);
    EXPECT_EQ(m->nts, r.nts);
    EXPECT_EQ(m->target, r.target);
  }
}

TEST(ssdp_parser, rejects_malformed_datagrams) {
  auto with = [](std::string extra) {
    return datagram({"HTTP/1.1 200 OK", "ST: upnp:rootdevice", "USN: uuid:a",
                     "LOCATION: http://10.0.0.2/d.xml", extra});
  };
  struct row {
    std::string text;
    std::string reason; // a substring of the error detail
  };
  std::vector<row> rows{
    {"", "empty datagram"},
    {std::string(ssdp_limits::max_datagram + 1, 'x'), "exceeds"},
    {"GET / HTTP/1.1\r\n\r\n", "unknown start line"},
    {"HTTP/1.1 404 Not Found\r\n\r\n", "status 404"},
    {"HTTP/1.1 20 OK\r\n\r\n", "malformed status line"},
    {"HTTP/1.1 2000 OK\r\n\r\n", "malformed status line"},
    {with("X-LONG: " + std::string(ssdp_limits::max_line, 'a')), "longer than"},
    {with("SERVER: " + std::string(ssdp_limits::max_value + 1, 'a')), "longer than"},
    {with(" folded"), "folding"},
    {with("no colon here"), "without a colon"},
    {with(": value"), "empty header name"},
    {with("BAD NAME: x"), "not an HTTP token"},
    {with("SERVER: a\x01z"), "control character"},
    {with("location: http://10.0.0.9/"), "duplicate header LOCATION"},
    {with("BOOTID.UPNP.ORG: -1"), "BOOTID.UPNP.ORG is not a number"},
    {with("BOOTID.UPNP.ORG: 2147483648"), "BOOTID.UPNP.ORG is not a number"},
    {with("CONFIGID.UPNP.ORG: 12345678901"), "CONFIGID.UPNP.ORG is not a number"},
    {with("CONFIGID.UPNP.ORG: "), "CONFIGID.UPNP.ORG is not a number"},
    {with("X-A: 1") + "body", "no body"},
    {datagram({"HTTP/1.1 200 OK", "USN: uuid:a", "LOCATION: http://10.0.0.2/"}),
     "without ST"},
    {datagram({"HTTP/1.1 200 OK", "ST: x", "LOCATION: http://10.0.0.2/"}), "without USN"},
    {datagram({"HTTP/1.1 200 OK", "ST: x", "USN: uuid:a"}), "without LOCATION"},
    {datagram({"NOTIFY * HTTP/1.1", "NT: x", "NTS: ssdp:alive", "USN: uuid:a"}),
     "without LOCATION"},
    {datagram({"NOTIFY * HTTP/1.1", "NT: x", "NTS: ssdp:gone", "USN: uuid:a"}),
     "unknown NTS"},
    {datagram({"NOTIFY * HTTP/1.1", "NT: x", "USN: uuid:a"}), "without NTS"},
    {datagram({"M-SEARCH * HTTP/1.1", "MAN: ssdp:discover", "ST: ssdp:all"}),
     "MAN \"ssdp:discover\""},
    {datagram({"M-SEARCH * HTTP/1.1", "MAN: \"ssdp:discover\"", "MX: 121", "ST: a"}),
     "MX is not a number"},
  };
  std::vector<std::string> many{"HTTP/1.1 200 OK", "ST: x", "USN: uuid:a",
                                "LOCATION: http://10.0.0.2/"};
  for (size_t i = many.size() - 1; i <= ssdp_limits::max_headers; ++i)
    many.push_back("X-" + std::to_string(i) + ": y");
  rows.push_back({datagram(many), "more than 32 header fields"});
  for (auto& r : rows) {
    SCOPED_TRACE(r.text.substr(0, 200));
    auto m = parse_ssdp(r.text);
    ASSERT_FALSE(m);
    EXPECT_EQ(code_of(m.error()), ec::device_bad_reply);
    EXPECT_NE(detail_of(m.error()).find(r.reason), std::string::npos)
      << detail_of(m.error());
  }
}

TEST(ssdp_parser, accepts_exactly_the_limits) {
  std::vector<std::string> lines{"HTTP/1.1 200 OK", "ST: x", "USN: uuid:a",
                                 "LOCATION: http://10.0.0.2/",
                                 "SERVER: " + std::string(ssdp_limits::max_value, 's')};
  for (size_t i = lines.size() - 1; i < ssdp_limits::max_headers; ++i)
    lines.push_back("X-" + std::to_string(i) + ": y");
  auto m = parse_ssdp(datagram(lines));
  ASSERT_TRUE(m) << detail_of(m.error());
  EXPECT_EQ(m->server.size(), ssdp_limits::max_value);
  auto ids = parse_ssdp(datagram({"HTTP/1.1 200 OK", "ST: x", "USN: uuid:a",
                                  "LOCATION: http://10.0.0.2/",
                                  "BOOTID.UPNP.ORG: 2147483647"}));
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->boot_id, 2147483647u);
}

TEST(ssdp_parser, encodes_what_it_parses) {
  std::vector<ssdp_message> rows;
  ssdp_message search;
  search.kind = ssdp_kind::search_request;
  search.host = "239.255.255.250:1900";
  search.man = "\"ssdp:discover\"";
  search.mx = 2;
  search.target = "ssdp:all";
  rows.push_back(search);
  auto reply = parse_ssdp(response);
  ASSERT_TRUE(reply);
  rows.push_back(*reply);
  ssdp_message alive;
  alive.kind = ssdp_kind::notify;
  alive.nts = notify_subtype::alive;
  alive.host = "239.255.255.250:1900";
  alive.target = "upnp:rootdevice";
  alive.usn = "uuid:a::upnp:rootdevice";
  alive.location = "http://127.0.0.1:8080/description.xml";
  alive.cache_control = "max-age=1800";
  alive.boot_id = 1;
  alive.config_id = 0;
  rows.push_back(alive);
  ssdp_message bye = alive;
  bye.nts = notify_subtype::byebye;
  bye.location.clear();
  bye.cache_control.clear();
  rows.push_back(bye);
  for (auto& m : rows) {
    auto text = encode_ssdp(m);
    ASSERT_TRUE(text) << detail_of(text.error());
    SCOPED_TRACE(*text);
    auto back = parse_ssdp(*text);
    ASSERT_TRUE(back) << detail_of(back.error());
    EXPECT_EQ(*back, m);
  }
}

TEST(ssdp_parser, encoder_refuses_bad_fields) {
  ssdp_message m;
  m.kind = ssdp_kind::search_response;
  m.target = "upnp:rootdevice";
  m.usn = "uuid:a";
  m.location = "http://10.0.0.2/\r\nX-INJECTED: 1";
  auto injected = encode_ssdp(m);
  ASSERT_FALSE(injected);
  EXPECT_EQ(code_of(injected.error()), ec::invalid_value);
  m.location.clear(); // a response needs a LOCATION
  EXPECT_FALSE(encode_ssdp(m));
  m.location = "http://10.0.0.2/" + std::string(ssdp_limits::max_value, 'a');
  EXPECT_FALSE(encode_ssdp(m));
}

TEST(description_url, parses_http_ipv4_urls) {
  struct row {
    std::string url;
    description_url expected;
  };
  std::vector<row> rows{
    {"http://10.99.1.5:49152/description.xml", {"10.99.1.5", 49152, "/description.xml"}},
    {"HTTP://10.0.0.1", {"10.0.0.1", 80, "/"}},
    {"http://10.0.0.1:8080?x=1", {"10.0.0.1", 8080, "/?x=1"}},
    {"http://255.255.255.255/a/b?c=d", {"255.255.255.255", 80, "/a/b?c=d"}},
    {"http://0.0.0.0:1/", {"0.0.0.0", 1, "/"}},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.url);
    auto u = parse_description_url(r.url);
    ASSERT_TRUE(u) << detail_of(u.error());
    EXPECT_EQ(*u, r.expected);
  }
}

TEST(description_url, rejects_what_the_gateway_must_not_fetch) {
  struct row {
    std::string url;
    std::string reason;
  };
  std::vector<row> rows{
    {"https://10.0.0.1/", "not an http:// URL"},
    {"ftp://10.0.0.1/", "not an http:// URL"},
    {"http:/10.0.0.1/", "not an http:// URL"},
    {"http://user:pw@10.0.0.1/", "userinfo"},
    {"http://10.0.0.1@evil.example/", "userinfo"},
    {"http://evil.example/", "not an IPv4 literal"},
    {"http://[::1]:80/", "not an IPv4 literal"},
    {"http://010.0.0.1/", "not an IPv4 literal"},
    {"http://10.0.1/", "not an IPv4 literal"},
    {"http://10.0.0.256/", "not an IPv4 literal"},
    {"http://10.0.0.1.2/", "not an IPv4 literal"},
    {"http://0x0a.0.0.1/", "not an IPv4 literal"},
    {"http:///x", "no host"},
    {"http://10.0.0.1:0/", "port outside"},
    {"http://10.0.0.1:65536/", "port outside"},
    {"http://10.0.0.1:/", "malformed port"},
    {"http://10.0.0.1:8a/", "malformed port"},
    {"http://10.0.0.1/a#frag", "fragment"},
    {"http://10.0.0.1/a b", "space"},
    {"http://10.0.0.1/\xc3\xa4", "non-ASCII"},
    {"http://10.0.0.1/" + std::string(max_description_url, 'a'), "longer than"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.url);
    auto u = parse_description_url(r.url);
    ASSERT_FALSE(u);
    EXPECT_EQ(code_of(u.error()), ec::invalid_value);
    EXPECT_NE(detail_of(u.error()).find(r.reason), std::string::npos)
      << detail_of(u.error());
  }
  EXPECT_EQ(canonical_ipv4("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(canonical_ipv4("127.0.0.01"), "");
  EXPECT_EQ(canonical_ipv4("127.0.0.1 "), "");
}
