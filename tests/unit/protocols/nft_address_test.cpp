#include "protocols/nft/refused_address.hpp"

#include <string>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::nft;
using namespace std::string_literals;

TEST(nft_address, parses_macs) {
  auto mac = parse_mac("02:99:FA:00:0a:02");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->octets, (std::array<uint8_t, 6>{0x02, 0x99, 0xfa, 0x00, 0x0a, 0x02}));
  EXPECT_EQ(to_string(*mac), "02:99:fa:00:0a:02");
}

TEST(nft_address, rejects_malformed_macs) {
  for (auto bad : {""s, "zz:99:fa:00:00:02"s, "02:99:fa:00:00"s, "02:99:fa:00:00:02:"s,
                   "02-99-fa-00-00-02"s, "0299.fa00.0002"s, "2:99:fa:00:00:02"s,
                   "02:99:fa:00:00:2 "s, " 02:99:fa:00:00:2"s, "02:99:fa:00:00:0g"s,
                   "02:99:fa:00:00:02; flush ruleset"s, "02:99:fa:00:00:0\0"s,
                   "02:99:fa:00:00;02"s, "02:99:fa:00:00:02\n"s}) {
    SCOPED_TRACE(bad);
    auto mac = parse_mac(bad);
    ASSERT_FALSE(mac);
    EXPECT_EQ(code_of(mac.error()), ec::invalid_value);
  }
}

TEST(nft_address, rejects_non_device_macs) {
  // Broadcast, multicast (group bit) and all zeros never source a frame.
  for (auto bad : {"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01",
                   "00:00:00:00:00:00"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_mac(bad));
  }
}

TEST(nft_address, parses_ipv4_and_ipv6) {
  auto v4 = parse_ip("10.99.250.2");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family, ip_family::v4);
  EXPECT_EQ(to_string(*v4), "10.99.250.2");
  auto v6 = parse_ip("FD99:00fa:0:0::2");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family, ip_family::v6);
  EXPECT_EQ(to_string(*v6), "fd99:fa::2");
  EXPECT_TRUE(parse_ip("fe80::1"));
  EXPECT_TRUE(parse_ip("2001:db8::ffff:1.2.3.4"));
  EXPECT_NE(*parse_ip("10.99.250.2"), *parse_ip("10.99.250.3"));
}

TEST(nft_address, rejects_malformed_addresses) {
  for (auto bad : {""s, "1.2.3.4; flush ruleset"s, "1.2.3.4 "s, "1.2.3.4\n"s,
                   "1.2.3.4\0"s, "1.2.3.4\0; flush ruleset"s, "1.2.3"s,
                   "1.2.3.4.5"s, "256.1.1.1"s, "01.2.3.4"s, "0x1.2.3.4"s,
                   "1.2.3.4/24"s, "fd99::2/64"s, "[fd99::2]"s, "fe80::1%eth0"s,
                   "fd99:::2"s, "fd99::2::3"s, "host.example"s, "}"s,
                   std::string(46, '1')}) {
    SCOPED_TRACE(bad);
    auto ip = parse_ip(bad);
    ASSERT_FALSE(ip);
    EXPECT_EQ(code_of(ip.error()), ec::invalid_value);
  }
}

TEST(nft_address, rejects_addresses_no_device_has) {
  for (auto bad : {"0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.255.255.250",
                   "255.255.255.255", "::", "::1", "ff02::1", "::ffff:10.99.250.2"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_ip(bad));
  }
}
