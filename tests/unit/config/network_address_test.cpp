// Syntax of listener and device addresses.

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"

using namespace kagami::config;

namespace {

TEST(network_address, host_port) {
  struct row {
    const char* text;
    const char* host;
    uint16_t port;
  };
  for (auto& r : {row{"127.0.0.1:8080", "127.0.0.1", 8080},
                  row{"0.0.0.0:0", "0.0.0.0", 0},
                  row{"localhost:65535", "localhost", 65535},
                  row{"plc-1.hall.example:502", "plc-1.hall.example", 502},
                  row{"[::1]:80", "::1", 80},
                  row{"[::ffff:10.0.0.1]:1", "::ffff:10.0.0.1", 1},
                  row{"a:00080", "a", 80}}) {
    auto x = parse_host_port(r.text);
    ASSERT_TRUE(x) << r.text << ": " << kagami::detail_of(x.error());
    EXPECT_EQ(x->host, r.host);
    EXPECT_EQ(x->port, r.port);
  }
}

TEST(network_address, bad_host_port) {
  for (auto text : {"", ":", "a", "a:", ":1", "a:65536", "a:1x", "a:+1",
                    "a: 1", " a:1", "a:123456", "1.2.3:1", "1.2.3.4.5:1",
                    "01.2.3.4:1", "-a:1", "a-:1", "a..b:1", "a_b:1", "::1:1",
                    "[::1]", "[::1]1", "[::1:1", "[]:1", "[1.2.3.4]:1",
                    "tcp://a:1"}) {
    auto x = parse_host_port(text);
    ASSERT_FALSE(x) << text;
    EXPECT_EQ(kagami::code_of(x.error()), kagami::ec::config_invalid);
  }
}

TEST(network_address, http_address) {
  auto x = parse_http_address("http://127.0.0.1:8081");
  ASSERT_TRUE(x);
  EXPECT_EQ(*x, (host_port{"127.0.0.1", 8081}));
  EXPECT_TRUE(parse_http_address("http://[::1]:0"));
  for (auto text : {"http://a", "http://a:1/", "http://a:1/x", "http://a:1?q",
                    "https://a:1", "ftp://a:1", "a:1", "http://", "http:/a:1"})
    EXPECT_FALSE(parse_http_address(text)) << text;
  EXPECT_EQ(kagami::detail_of(parse_http_address("https://a:1").error()),
            "https is not supported yet; use http://HOST:PORT");
}

TEST(network_address, base_url) {
  for (auto text : {"http://gw", "https://gw:8443", "https://gw/kagami",
                    "http://[::1]:80/a/b", "http://10.0.0.1"})
    EXPECT_FALSE(check_base_url(text)) << text;
  for (auto text : {"gw", "ftp://gw", "http://", "http://gw/a?b",
                    "http://gw/a#b", "http://gw:x", "http://gw/a b"})
    EXPECT_TRUE(check_base_url(text)) << text;
}

TEST(network_address, to_string) {
  EXPECT_EQ(to_string(host_port{"127.0.0.1", 80}), "127.0.0.1:80");
  EXPECT_EQ(to_string(host_port{"::1", 0}), "[::1]:0");
}

} // namespace
