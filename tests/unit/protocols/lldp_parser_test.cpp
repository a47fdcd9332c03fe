#include "protocols/lldp_htip/lldp_parser.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/lldp_htip/htip_profile.hpp"
#include "protocols/lldp_htip/lldp_builder.hpp"

using namespace kagami;
using namespace kagami::protocols;
using namespace kagami::protocols::lldp_htip;

namespace {

// A frame captured with tcpdump from lldpd 1.0.16 in a network namespace,
// configured with:
//   configure system hostname plc-7
//   configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info 02,06,4b,41,47,41,4d,49
//   configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info 03,07,50,4c,43,2d,31,30,30
//   configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info 04,04,41,2d,30,31
//   configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info 01,03,50,4c,43
// on veth0 (02:99:00:00:00:11, 10.99.7.2/24).
const std::vector<uint8_t> lldpd_frame = {
  0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x02, 0x99, 0x00, 0x00, 0x00, 0x11,
  0x88, 0xcc, 0x02, 0x07, 0x04, 0x02, 0x99, 0x00, 0x00, 0x00, 0x11, 0x04,
  0x07, 0x03, 0x02, 0x99, 0x00, 0x00, 0x00, 0x11, 0x06, 0x02, 0x00, 0x04,
  0x0a, 0x05, 0x70, 0x6c, 0x63, 0x2d, 0x37, 0x0c, 0x55, 0x44, 0x65, 0x62,
  0x69, 0x61, 0x6e, 0x20, 0x47, 0x4e, 0x55, 0x2f, 0x4c, 0x69, 0x6e, 0x75,
  0x78, 0x20, 0x31, 0x32, 0x20, 0x28, 0x62, 0x6f, 0x6f, 0x6b, 0x77, 0x6f,
  0x72, 0x6d, 0x29, 0x20, 0x4c, 0x69, 0x6e, 0x75, 0x78, 0x20, 0x36, 0x2e,
  0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66, 0x63, 0x2d, 0x76, 0x36, 0x35,
  0x37, 0x20, 0x23, 0x31, 0x20, 0x53, 0x4d, 0x50, 0x20, 0x50, 0x52, 0x45,
  0x45, 0x4d, 0x50, 0x54, 0x5f, 0x44, 0x59, 0x4e, 0x41, 0x4d, 0x49, 0x43,
  0x20, 0x40, 0x30, 0x20, 0x78, 0x38, 0x36, 0x5f, 0x36, 0x34, 0x0e, 0x04,
  0x00, 0x9c, 0x00, 0x80, 0x10, 0x0c, 0x05, 0x01, 0x0a, 0x63, 0x07, 0x02,
  0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x10, 0x18, 0x11, 0x02, 0xfe, 0x80,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x99, 0x00, 0xff, 0xfe, 0x00,
  0x00, 0x11, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x08, 0x05, 0x76, 0x65,
  0x74, 0x68, 0x30, 0xfe, 0x09, 0x00, 0x12, 0x0f, 0x03, 0x01, 0x00, 0x00,
  0x00, 0x00, 0xfe, 0x09, 0x00, 0x12, 0x0f, 0x01, 0x00, 0x80, 0x00, 0x00,
  0x36, 0xfe, 0x0c, 0xe0, 0x27, 0x1a, 0x01, 0x02, 0x06, 0x4b, 0x41, 0x47,
  0x41, 0x4d, 0x49, 0xfe, 0x0d, 0xe0, 0x27, 0x1a, 0x01, 0x03, 0x07, 0x50,
  0x4c, 0x43, 0x2d, 0x31, 0x30, 0x30, 0xfe, 0x0a, 0xe0, 0x27, 0x1a, 0x01,
  0x04, 0x04, 0x41, 0x2d, 0x30, 0x31, 0xfe, 0x09, 0xe0, 0x27, 0x1a, 0x01,
  0x01, 0x03, 0x50, 0x4c, 0x43, 0x00, 0x00,
};

const mac_address dev_mac = {0x02, 0x99, 0x00, 0x00, 0x00, 0x21};

/// Chassis, port and TTL of a device, ready for more TLVs.
lldp_builder start(std::optional<uint16_t> vlan = std::nullopt) {
  lldp_builder b{dev_mac, lldp_nearest_bridge, vlan};
  b.chassis_mac(dev_mac).port_name("eth0").ttl(120);
  return b;
}

std::string reason(const caf::expected<lldp_frame>& r) {
  return r ? std::string{"(parsed)"} : detail_of(r.error());
}

} // namespace

TEST(lldp_parser, real_lldpd_frame) {
  auto f = parse_lldp_frame(lldpd_frame);
  ASSERT_TRUE(f) << reason(f);
  EXPECT_EQ(format_mac(f->src_mac), "02:99:00:00:00:11");
  EXPECT_EQ(f->dst_mac, lldp_nearest_bridge);
  EXPECT_FALSE(f->vlan_tci);
  EXPECT_EQ(f->chassis_id, (lldp_id{chassis_subtype_mac, "02:99:00:00:00:11"}));
  EXPECT_EQ(f->port_id, (lldp_id{port_subtype_mac, "02:99:00:00:00:11"}));
  EXPECT_EQ(f->ttl, 4);
  EXPECT_EQ(f->system_name, "plc-7");
  EXPECT_EQ(f->port_description, "veth0");
  ASSERT_EQ(f->management_addresses.size(), 2u);
  EXPECT_EQ(f->management_addresses[0],
            (management_address{management_address::ipv4, "10.99.7.2"}));
  EXPECT_EQ(f->management_addresses[1],
            (management_address{management_address::ipv6, "fe80::99:ff:fe00:11"}));
  // Two IEEE 802.3 TLVs and four HTIP TLVs, in frame order.
  ASSERT_EQ(f->org_tlvs.size(), 6u);
  EXPECT_EQ(f->org_tlvs[0].id, (oui{0x00, 0x12, 0x0f}));
  EXPECT_EQ(f->org_tlvs[2].id, htip_oui);
  EXPECT_EQ(f->org_tlvs[2].subtype, 1);
  ASSERT_TRUE(f->htip_device);
  EXPECT_EQ(f->htip_device->manufacturer_code, "KAGAMI");
  EXPECT_EQ(f->htip_device->model_name, "PLC-100");
  EXPECT_EQ(f->htip_device->model_number, "A-01");
  EXPECT_EQ(f->htip_device->category, "PLC");
  EXPECT_EQ(f->htip_device->raw.size(), 8u + 9 + 6 + 5);
  EXPECT_TRUE(f->htip_links.empty());
  EXPECT_TRUE(f->htip_macs.empty());
  auto p = htip_profile(*f);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->vendor, "KAGAMI");
  EXPECT_EQ(p->product, "PLC-100");
  EXPECT_EQ(p->model_number, "A-01");
  EXPECT_EQ(p->category, "PLC");
  EXPECT_EQ(p->firmware, "");
  EXPECT_EQ(p->serial, "");
}

TEST(lldp_parser, every_truncation_of_the_real_frame_is_rejected) {
  // The End TLV is the frame's last two bytes, so no proper prefix is whole.
  for (size_t n = 0; n < lldpd_frame.size(); ++n) {
    auto f = parse_lldp_frame(std::span{lldpd_frame}.first(n));
    ASSERT_FALSE(f) << "prefix of " << n << " bytes";
    EXPECT_EQ(code_of(f.error()), ec::device_bad_reply);
    EXPECT_FALSE(detail_of(f.error()).empty());
  }
}

TEST(lldp_parser, builder_announcement_round_trip) {
  htip_device_announcement a;
  a.mac = dev_mac;
  a.system_name = "sensor-3";
  a.ipv4 = std::array<uint8_t, 4>{10, 99, 1, 5};
  a.manufacturer_code = "ACME";
  a.model_name = "TH-20";
  a.model_number = "r2";
  a.category = "sensor";
  auto f = parse_lldp_frame(build_htip_announcement(a));
  ASSERT_TRUE(f) << reason(f);
  EXPECT_EQ(f->src_mac, dev_mac);
  EXPECT_EQ(f->port_id, (lldp_id{5, "eth0"}));
  EXPECT_EQ(f->ttl, 120);
  EXPECT_EQ(f->system_name, "sensor-3");
  ASSERT_EQ(f->management_addresses.size(), 1u);
  EXPECT_EQ(f->management_addresses[0].address, "10.99.1.5");
  auto p = htip_profile(*f);
  ASSERT_TRUE(p);
  device_profile want;
  want.vendor = "ACME";
  want.product = "TH-20";
  want.model_number = "r2";
  want.category = "sensor";
  EXPECT_EQ(*p, want);
}

TEST(lldp_parser, several_items_in_one_tlv) {
  htip_item_bytes items[] = {{2, "ACME  "},   {3, "TH-20"},
                             {4, "r2"},       {1, "sensor"},
                             {50, "\x01\x02"}, {255, std::string_view{"\x00\xff", 2}},
                             {255, "x"},      {77, "?"}};
  auto f = parse_lldp_frame(start().htip_device_items(items).end().bytes());
  ASSERT_TRUE(f) << reason(f);
  ASSERT_TRUE(f->htip_device);
  const auto& d = *f->htip_device;
  EXPECT_EQ(d.manufacturer_code, "ACME");
  EXPECT_EQ(d.model_name, "TH-20");
  EXPECT_EQ(d.model_number, "r2");
  EXPECT_EQ(d.category, "sensor");
  EXPECT_EQ(d.status, (std::vector<uint8_t>{1, 2}));
  ASSERT_EQ(d.vendor_extensions.size(), 2u);
  EXPECT_EQ(d.vendor_extensions[0], (std::vector<uint8_t>{0x00, 0xff}));
  ASSERT_EQ(d.other_items.size(), 1u);
  EXPECT_EQ(d.other_items[0].first, 77);
  EXPECT_EQ(f->org_tlvs.size(), 1u);
}

TEST(lldp_parser, link_information_mac_list_vlan_ipv6) {
  std::vector<mac_address> port3 = {{2, 0x99, 0, 0, 1, 1}, {2, 0x99, 0, 0, 1, 2}};
  std::vector<mac_address> port300 = {{2, 0x99, 0, 0, 3, 0}};
  std::vector<mac_address> own = {{2, 0x99, 0, 0, 0, 0xaa}, {2, 0x99, 0, 0, 0, 0xab}};
  std::array<uint8_t, 16> v6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
  auto bytes = start(0x0064)
                 .management_ipv6(v6)
                 .htip_link(6, 3, port3)
                 .htip_link(6, 300, port300)
                 .htip_mac_list(own)
                 .end()
                 .bytes();
  auto f = parse_lldp_frame(bytes);
  ASSERT_TRUE(f) << reason(f);
  EXPECT_EQ(f->vlan_tci, 0x0064);
  ASSERT_EQ(f->management_addresses.size(), 1u);
  EXPECT_EQ(f->management_addresses[0],
            (management_address{management_address::ipv6, "fd00::5"}));
  ASSERT_EQ(f->htip_links.size(), 2u);
  EXPECT_EQ(f->htip_links[0], (htip_link_entry{6, 3, port3}));
  EXPECT_EQ(f->htip_links[1], (htip_link_entry{6, 300, port300}));
  EXPECT_EQ(f->htip_macs, own);
  EXPECT_FALSE(f->htip_device);
  EXPECT_FALSE(htip_profile(*f));
  // The bare-sequence layout of the MAC list is accepted too.
  std::vector<uint8_t> bare;
  for (auto& m : own)
    bare.insert(bare.end(), m.begin(), m.end());
  auto g = parse_lldp_frame(start().org(htip_oui, 3, bare).end().bytes());
  ASSERT_TRUE(g) << reason(g);
  EXPECT_EQ(g->htip_macs, own);
}

TEST(lldp_parser, lldp_without_htip_has_no_profile) {
  uint8_t dot3[] = {0x03, 0x01, 0, 0, 0, 0};
  auto f = parse_lldp_frame(
    start().system_name("switch").org({0x00, 0x12, 0x0f}, 3, dot3).end().bytes());
  ASSERT_TRUE(f) << reason(f);
  EXPECT_EQ(f->org_tlvs.size(), 1u);
  EXPECT_FALSE(f->htip_device);
  EXPECT_FALSE(htip_profile(*f));
}

TEST(lldp_parser, jumbo_limit) {
  std::string chunk(500, 'd');
  auto b = start();
  for (int i = 0; i < 4; ++i)
    b.system_description(chunk);
  auto bytes = b.end().bytes();
  ASSERT_GT(bytes.size(), 1518u);
  auto f = parse_lldp_frame(bytes);
  ASSERT_FALSE(f);
  EXPECT_NE(reason(f).find("exceeds the limit of 1518"), std::string::npos) << reason(f);
  lldp_limits jumbo;
  jumbo.max_frame = 9000;
  EXPECT_TRUE(parse_lldp_frame(bytes, jumbo)) << reason(parse_lldp_frame(bytes, jumbo));
}

namespace {

struct bad_frame {
  const char* name;
  std::vector<uint8_t> bytes;
  /// A substring of the reason: it must name the TLV or the limit.
  const char* reason;
};

/// The bytes of a literal, embedded NULs included.
template <size_t N>
std::vector<uint8_t> u8(const char (&s)[N]) {
  return {s, s + N - 1};
}

std::vector<bad_frame> bad_frames() {
  std::vector<mac_address> many(65, mac_address{2, 0x99, 0, 0, 0, 1});
  std::vector<mac_address> one(1, mac_address{2, 0x99, 0, 0, 0, 1});
  auto too_many_tlvs = start();
  for (int i = 0; i < 70; ++i)
    too_many_tlvs.tlv(9, std::string_view{});
  uint8_t two_byte_link[] = {1, 6, 5, 0, 0, 0, 0, 3, 0};
  uint8_t bad_mgmt[] = {40, 1, 10, 0, 0, 1, 2, 0, 0, 0, 1, 0};
  return {
    {"non-LLDP EtherType",
     lldp_builder::with_ethertype(dev_mac, lldp_nearest_bridge, 0x0800)
       .chassis_mac(dev_mac).port_name("eth0").ttl(1).end().bytes(),
     "not LLDP: EtherType 0x0800"},
    {"two VLAN tags",
     lldp_builder::with_ethertype(dev_mac, lldp_nearest_bridge, 0x8100)
       .raw(u8("\x00\x01\x81\x00")).raw(u8("\x00\x02\x88\xcc"))
       .chassis_mac(dev_mac).port_name("eth0").ttl(1).end().bytes(),
     "not LLDP: EtherType 0x8100"},
    {"shorter than Ethernet header", {1, 2, 3}, "shorter than an Ethernet header"},
    {"empty LLDPDU", lldp_builder{dev_mac}.bytes(false), "missing End TLV"},
    {"port before chassis",
     lldp_builder{dev_mac}.port_name("eth0").chassis_mac(dev_mac).ttl(1).end().bytes(),
     "Port ID TLV at offset 0 where Chassis ID TLV must be"},
    {"no TTL",
     lldp_builder{dev_mac}.chassis_mac(dev_mac).port_name("eth0").system_name("x")
       .end().bytes(),
     "System Name TLV at offset 16 where TTL TLV must be"},
    {"End before TTL",
     lldp_builder{dev_mac}.chassis_mac(dev_mac).port_name("eth0").end().bytes(),
     "End TLV at offset 16 where TTL TLV must be"},
    {"missing End",
     start().system_name(std::string(60, 'n')).bytes(false), "missing End TLV"},
    {"End with a length", start().tlv(0, u8("x")).bytes(), "End TLV"},
    {"length beyond frame",
     start().tlv_header(5, 300).raw(u8("abc")).bytes(false),
     "System Name TLV at offset 20: length 300 runs past the frame end"},
    {"truncated TLV header", start().raw(u8("\x0a")).bytes(false),
     "TLV header truncated at offset 20"},
    {"truncated HTIP item",
     start().org(htip_oui, 1, u8("\x03\x09PLC")).end().bytes(),
     "HTIP item 3 length 9 runs past the TLV"},
    {"HTIP item header cut",
     start().org(htip_oui, 1, u8("\x03\x01P\x04")).end().bytes(),
     "item header truncated"},
    {"model name of 32 bytes",
     start().htip_device_item(3, std::string(32, 'm')).end().bytes(),
     "HTIP item 3: 32 bytes exceed the limit of 31"},
    {"model number of 32 bytes",
     start().htip_device_item(4, std::string(32, 'm')).end().bytes(),
     "HTIP item 4: 32 bytes exceed the limit of 31"},
    {"manufacturer code of 7 bytes",
     start().htip_device_item(2, "ABCDEFG").end().bytes(),
     "HTIP item 2: 7 bytes exceed the limit of 6"},
    {"category beyond max_profile_field",
     start().htip_device_item(1, std::string(max_profile_field + 1, 'c')).end().bytes(),
     "HTIP item 1: 129 bytes exceed the limit of 128"},
    {"system name beyond max_profile_field",
     start().system_name(std::string(max_profile_field + 1, 's')).end().bytes(),
     "System Name TLV at offset 20: 129 bytes exceed the limit of 128"},
    {"control character in the model name",
     start().htip_device_item(3, "PLC\n100").end().bytes(),
     "HTIP item 3: control character 0x0a at byte 3"},
    {"NUL inside the manufacturer code",
     start().htip_device_item(2, std::string_view{"AB\0CD", 5}).end().bytes(),
     "HTIP item 2: control character 0x00 at byte 2"},
    {"control character in the system name",
     start().system_name("plc\x1b[2J").end().bytes(), "System Name TLV at offset 20: control"},
    {"control character in the port ID",
     lldp_builder{dev_mac}.chassis_mac(dev_mac).port_name("eth\x7f").ttl(1).end().bytes(),
     "Port ID TLV at offset 9: control character 0x7f"},
    {"repeated HTIP item",
     start().htip_device_item(3, "A").htip_device_item(3, "B").end().bytes(),
     "HTIP item 3 repeated"},
    {"repeated System Name",
     start().system_name("a").system_name("b").end().bytes(), "System Name TLV at offset"},
    {"repeated Chassis ID",
     start().chassis_mac(dev_mac).end().bytes(), "Chassis ID TLV at offset 20 repeated"},
    {"TTL of 3 bytes",
     lldp_builder{dev_mac}.chassis_mac(dev_mac).port_name("eth0").tlv(3, u8("\0\1\2"))
       .end().bytes(),
     "TTL TLV at offset 16: length 3 instead of 2"},
    {"chassis MAC of 5 bytes",
     lldp_builder{dev_mac}.chassis_id(4, "abcde").port_name("eth0").ttl(1).end().bytes(),
     "Chassis ID TLV at offset 0: MAC address of 5 bytes"},
    {"too many MACs in a link entry",
     start().htip_link(6, 1, many).end().bytes(false),
     "65 MACs exceeds the limit of 64"},
    {"link MAC count beyond TLV",
     start().org(htip_oui, 2, u8("\x01\x06\x01\x01\x03")).raw({}).end().bytes(),
     "MAC count 3 runs past the TLV"},
    {"link port number of 5 bytes",
     start().org(htip_oui, 2, two_byte_link).end().bytes(),
     "port number of 5 bytes"},
    {"MAC list of 7 bytes",
     start().org(htip_oui, 3, u8("\x05" "abcdef")).end().bytes(),
     "HTIP MAC address list of 7 bytes"},
    {"too many TLVs", too_many_tlvs.end().bytes(), "more than 64 TLVs"},
    {"management address length beyond TLV",
     start().tlv(8, bad_mgmt).end().bytes(),
     "Management Address TLV at offset 20: address string length 40"},
    {"org TLV shorter than OUI and subtype",
     start().tlv(127, u8("\xe0\x27")).end().bytes(),
     "Organizationally Specific TLV at offset 20: length 2 below the minimum of 4"},
  };
}

} // namespace

TEST(lldp_parser, rejects_malformed_frames) {
  for (const auto& bad : bad_frames()) {
    SCOPED_TRACE(bad.name);
    auto f = parse_lldp_frame(bad.bytes);
    ASSERT_FALSE(f) << "parsed";
    EXPECT_EQ(code_of(f.error()), ec::device_bad_reply);
    EXPECT_NE(detail_of(f.error()).find(bad.reason), std::string::npos)
      << "reason: " << detail_of(f.error()) << "\nexpected: " << bad.reason;
  }
}

TEST(lldp_parser, limits_are_configurable) {
  std::vector<mac_address> macs(10, mac_address{2, 0x99, 0, 0, 0, 1});
  auto bytes = start().htip_link(6, 1, macs).end().bytes();
  EXPECT_TRUE(parse_lldp_frame(bytes));
  lldp_limits tight;
  tight.max_macs_per_link = 9;
  auto f = parse_lldp_frame(bytes, tight);
  ASSERT_FALSE(f);
  EXPECT_NE(reason(f).find("10 MACs exceeds the limit of 9"), std::string::npos) << reason(f);
  // The boundary itself is accepted: exactly 31 bytes of model name, 6 of code.
  auto edge = parse_lldp_frame(start()
                                 .htip_device_item(3, std::string(31, 'm'))
                                 .htip_device_item(2, "ABCDEF")
                                 .end()
                                 .bytes());
  ASSERT_TRUE(edge) << reason(edge);
  EXPECT_EQ(edge->htip_device->model_name.size(), 31u);
}

TEST(htip_profile, manufacturer_code_padding_is_trimmed) {
  auto f = parse_lldp_frame(
    start().htip_device_item(2, std::string_view{"AB\0 \0\0", 6}).end().bytes());
  ASSERT_TRUE(f) << reason(f);
  EXPECT_EQ(f->htip_device->manufacturer_code, "AB");
  EXPECT_EQ(htip_profile(*f)->vendor, "AB");
  // A profile built from a frame whose code was not parsed (a topology
  // test's hand-made frame) is trimmed as well.
  lldp_frame hand;
  hand.htip_device.emplace();
  hand.htip_device->manufacturer_code = std::string{"XY  \0", 5};
  EXPECT_EQ(htip_profile(hand)->vendor, "XY");
}

TEST(lldp_builder, packs_type_and_length_by_hand) {
  // Type 127 with a 300-byte value: 0xFE | high bit of 300, then 300 & 0xFF.
  std::vector<uint8_t> value(300, 0xAB);
  auto bytes = lldp_builder::with_ethertype(dev_mac, lldp_nearest_bridge, 0x88CC)
                 .tlv(127, value)
                 .bytes(false);
  ASSERT_EQ(bytes.size(), 14u + 2 + 300);
  EXPECT_EQ(bytes[14], 0xFF); // 127 << 1 | (300 >> 8)
  EXPECT_EQ(bytes[15], 300 & 0xFF);
  // Values beyond 511 bytes are cut to 511.
  std::vector<uint8_t> big(600, 1);
  auto cut = lldp_builder::with_ethertype(dev_mac, lldp_nearest_bridge, 0x88CC)
               .tlv(5, big)
               .bytes(false);
  ASSERT_EQ(cut.size(), 14u + 2 + 511);
  EXPECT_EQ(cut[14], (5 << 1) | 1);
  EXPECT_EQ(cut[15], 0xFF);
}
