// The pure BlueZ value checks: BD addresses, UUIDs, object paths, DIS values.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/ble/ble_values.hpp"

using namespace kagami::protocols::ble;
using kagami::code_of;
using kagami::ec;

namespace {

caf::expected<std::string> decode(const std::string& raw) {
  std::vector<uint8_t> bytes(raw.begin(), raw.end());
  return decode_dis_value(bytes);
}

} // namespace

TEST(ble_values, bd_address_is_lower_cased_and_strict) {
  EXPECT_EQ(*parse_bd_address("AA:bb:0C:dd:EE:f9"), "aa:bb:0c:dd:ee:f9");
  for (auto bad : {"", "AA:BB:CC:DD:EE", "AA:BB:CC:DD:EE:FF:00",
                   "AA-BB-CC-DD-EE-FF", "AA:BB:CC:DD:EE:FG", "AABBCCDDEEFF",
                   " AA:BB:CC:DD:EE:F"}) {
    auto r = parse_bd_address(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(code_of(r.error()), ec::device_bad_reply);
  }
}

TEST(ble_values, uuid_is_lower_cased_and_strict) {
  EXPECT_EQ(*parse_uuid128("0000180A-0000-1000-8000-00805F9B34FB"),
            dis_service_uuid);
  EXPECT_FALSE(parse_uuid128("180a"));
  EXPECT_FALSE(parse_uuid128("0000180a-0000-1000-8000-00805f9b34fbX"));
  EXPECT_FALSE(parse_uuid128("0000180a_0000-1000-8000-00805f9b34fb"));
}

TEST(ble_values, object_paths) {
  EXPECT_TRUE(is_object_path("/", 255));
  EXPECT_TRUE(is_object_path("/org/bluez/hci0/dev_AA_BB", 255));
  EXPECT_FALSE(is_object_path("", 255));
  EXPECT_FALSE(is_object_path("org/bluez", 255));
  EXPECT_FALSE(is_object_path("/org//bluez", 255));
  EXPECT_FALSE(is_object_path("/org/bluez/", 255));
  EXPECT_FALSE(is_object_path("/org/blu-ez", 255));
  EXPECT_FALSE(is_object_path("/" + std::string(255, 'a'), 255));
}

TEST(ble_values, dis_value_accepts_utf8_and_strips_trailing_nuls) {
  EXPECT_EQ(*decode("Kagami Sim Works"), "Kagami Sim Works");
  EXPECT_EQ(*decode(std::string{"KS-BLE1\0\0\0", 10}), "KS-BLE1");
  EXPECT_EQ(*decode("caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80");
  EXPECT_EQ(*decode(""), "");
  EXPECT_EQ(*decode(std::string(128, 'x')), std::string(128, 'x'));
  EXPECT_EQ(*decode(std::string(128, 'x') + std::string(300, '\0')),
            std::string(128, 'x'));
}

TEST(ble_values, dis_value_rejects_what_is_not_a_clean_string) {
  std::vector<std::string> bad{
    std::string(129, 'x'),               // longer than max_profile_field
    std::string(513, '\0'),              // longer than an ATT value
    "KS-\xff\xfe",                       // not UTF-8
    "\xc0\xaf",                          // overlong '/'
    "\xed\xa0\x80",                      // surrogate
    "\xf4\x90\x80\x80",                  // above U+10FFFF
    "\xe6\x97",                          // truncated sequence
    "1.0.2\n",                           // C0 control
    std::string{"a\0b", 3},              // NUL inside
    "a\x7f",                             // DEL
    "a\xc2\x85",                         // C1 control (NEL)
  };
  for (auto& raw : bad) {
    auto r = decode(raw);
    ASSERT_FALSE(r) << "accepted a bad value of " << raw.size() << " bytes";
    EXPECT_EQ(code_of(r.error()), ec::device_bad_reply);
  }
}

TEST(ble_values, fingerprint_covers_address_resolution_and_uuids) {
  auto a = device_fingerprint("aa:bb:cc:dd:ee:ff", false, {"u1", "u2"});
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a, device_fingerprint("aa:bb:cc:dd:ee:ff", false, {"u2", "u1"}));
  EXPECT_NE(a, device_fingerprint("aa:bb:cc:dd:ee:ff", true, {"u1", "u2"}));
  EXPECT_NE(a, device_fingerprint("aa:bb:cc:dd:ee:fe", false, {"u1", "u2"}));
  EXPECT_NE(a, device_fingerprint("aa:bb:cc:dd:ee:ff", false, {"u1"}));
  EXPECT_NE(device_fingerprint("a", false, {"bc"}),
            device_fingerprint("ab", false, {"c"}));
}

TEST(ble_values, bounded_for_log_cuts_and_masks) {
  EXPECT_EQ(bounded_for_log("abc", 10), "abc");
  EXPECT_EQ(bounded_for_log("abcdef", 3), "abc...");
  EXPECT_EQ(bounded_for_log("a\nb\xff", 10), "a?b?");
}
