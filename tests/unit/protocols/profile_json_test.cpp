// The JSON encoding of profiles and sightings: round trips and every
// rejection, row by row.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/discovery/profile_json.hpp"

using namespace kagami;
using namespace kagami::protocols;
using nlohmann::json;

namespace {

TEST(profile_json, round_trips_and_leaves_out_empty_fields) {
  device_profile p{"KAGAMI", "KS-PLC200", "2.1", "2.4.1", "", "SN-1", "PLC",
                   "uuid:1"};
  auto j = profile_to_json(p);
  EXPECT_EQ(j, json::parse(R"({"vendor":"KAGAMI","product":"KS-PLC200",
    "modelNumber":"2.1","firmware":"2.4.1","serial":"SN-1","category":"PLC",
    "udn":"uuid:1"})"));
  auto back = profile_from_json(j);
  ASSERT_TRUE(back) << detail_of(back.error());
  EXPECT_EQ(*back, p);
  EXPECT_EQ(profile_to_json(device_profile{}), json::object());
}

TEST(profile_json, sighting_round_trips_for_every_source) {
  for (auto kind : {discovery_kind::htip, discovery_kind::upnp,
                    discovery_kind::ble, discovery_kind::vendor_db}) {
    device_sighting s;
    s.source = kind;
    s.mac = "02:99:00:00:00:11";
    s.address = "10.99.1.11";
    s.seen_on = "neigh:ot0";
    s.locator = "http://10.99.1.11:49152/desc.xml";
    s.fingerprint = "abc";
    if (kind != discovery_kind::upnp)
      s.profile = device_profile{"A", "B"};
    auto j = sighting_to_json(s);
    EXPECT_EQ(j.at("source"), to_string(kind));
    EXPECT_EQ(j.contains("profile"), s.profile.has_value());
    auto back = sighting_from_json(j);
    ASSERT_TRUE(back) << detail_of(back.error());
    EXPECT_EQ(*back, s);
  }
}

TEST(profile_json, rejects_what_it_would_not_write) {
  std::vector<std::pair<std::string, std::string>> profiles{
    {"[]", "a profile is not a JSON object"},
    {R"({"vendor": 1})", "field 'vendor' is not a string"},
    {R"({"Vendor": "x"})", "unknown field 'Vendor'"},
    {R"({"serial": ")" + std::string(129, 's') + "\"}",
     "field 'serial' is longer than 128 bytes"},
  };
  for (auto& [text, reason] : profiles) {
    auto p = profile_from_json(json::parse(text));
    ASSERT_FALSE(p) << text;
    EXPECT_EQ(code_of(p.error()), ec::invalid_value);
    EXPECT_EQ(detail_of(p.error()), reason);
  }
  std::vector<std::pair<std::string, std::string>> sightings{
    {"7", "a sighting is not a JSON object"},
    {R"({})", "field 'source' is not one of htip, upnp, ble, vendor_db"},
    {R"({"source": "wifi"})",
     "field 'source' is not one of htip, upnp, ble, vendor_db"},
    {R"({"source": "ble", "rssi": -40})", "unknown field 'rssi'"},
    {R"({"source": "ble", "mac": ["x"]})", "field 'mac' is not a string"},
    {R"({"source": "ble", "locator": ")" + std::string(1025, 'l') + "\"}",
     "field 'locator' is longer than 1024 bytes"},
    {R"({"source": "htip", "profile": {"udn": 5}})",
     "field 'udn' is not a string"},
  };
  for (auto& [text, reason] : sightings) {
    auto s = sighting_from_json(json::parse(text));
    ASSERT_FALSE(s) << text;
    EXPECT_EQ(detail_of(s.error()), reason);
  }
}

TEST(profile_json, invalid_utf8_is_replaced_not_thrown) {
  device_profile p;
  p.vendor = "bad\xff";
  auto text = to_json_text(profile_to_json(p));
  EXPECT_EQ(text, "{\"vendor\":\"bad\xef\xbf\xbd\"}");
}

TEST(profile_json, kind_names) {
  EXPECT_EQ(discovery_kind_from_string("vendor_db"), discovery_kind::vendor_db);
  EXPECT_EQ(discovery_kind_from_string("HTIP"), std::nullopt);
  EXPECT_EQ(discovery_kind_from_string(""), std::nullopt);
}

} // namespace
