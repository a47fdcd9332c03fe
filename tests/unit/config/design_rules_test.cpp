// The "design", "vendorDb" and "discovery" sections of a site config: what a
// valid one reads as, and every rule with its field and reason.

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/site_config.hpp"
#include "tests/unit/config/config_test_util.hpp"

using namespace kagami::config;
using namespace kagami::config::test;

namespace {

const char* base_site = R"({
  "site": "test",
  "models": ["models/line-plc.json", "models/env-sensor.json"],
  "devices": [
    {"id": "plc-1", "model": "line-plc", "address": "127.0.0.1:1502"}
  ],
  "design": {
    "allowed": [
      {"name": "press-plc", "vendor": "KAGAMI", "product": "KS-PLC200",
       "modelNumber": {"range": ">=2.0.0 <3.0.0"}, "firmware": {"glob": "2.*"},
       "mac": "02:99:00:00:00:11", "model": "line-plc", "port": 502,
       "unitId": 3, "thingId": "press-1", "title": "Press line PLC",
       "criticality": "high", "tags": ["line-a"]},
      {"name": "env", "vendor": "KAGAMI", "product": {"glob": "KS-ENV*"},
       "model": "env-sensor", "port": 8081}
    ],
    "blocked": [{"vendor": {"glob": "EVIL*"}}, {"mac": "02:99:00:00:00:66"}]
  },
  "vendorDb": "vendor-db.json",
  "discovery": {
    "interface": "ot0", "localAddress": "10.99.1.1",
    "htip": {"enabled": true},
    "upnp": {"enabled": true, "searchIntervalS": 30,
             "unicastTargets": ["10.99.2.11", "fd00::1"]},
    "ble": {"enabled": false, "bus": "session"},
    "neighbours": {"enabled": true, "intervalS": 5},
    "profileTimeoutMs": 3000, "rematchIntervalS": 300
  }
})";

const char* vendor_db_text = R"([
  {"mac": "02:99:00:00:00:21", "vendor": "ACME", "product": "Valve-7",
   "firmware": "1.4", "serial": "V7-0001", "category": "actuator"},
  {"mac": "AA:BB:CC:DD:EE:FF", "vendor": "ACME", "product": "Beacon"}
])";

read_file_fn files(std::string db = vendor_db_text) {
  return fake_files({
    {"models/line-plc.json", embedded("config/models/line-plc.json")},
    {"models/env-sensor.json", embedded("config/models/env-sensor.json")},
    {"vendor-db.json", std::move(db)},
  });
}

TEST(design_config, valid_sections_read_as_written) {
  auto result = parse_site_config(base_site, "site.json", "", files());
  auto err = std::get_if<config_error>(&result);
  ASSERT_EQ(err, nullptr) << err->to_string();
  auto& site = std::get<site_config>(result);
  ASSERT_EQ(site.design.allowed.size(), 2u);
  auto& plc = site.design.allowed[0];
  EXPECT_EQ(plc.name, "press-plc");
  EXPECT_EQ(plc.match.vendor, value_pattern::exact("KAGAMI"));
  EXPECT_EQ(plc.match.firmware, value_pattern::glob("2.*"));
  ASSERT_TRUE(plc.match.model_number);
  EXPECT_EQ(plc.match.model_number->describe(), "range >=2.0.0 <3.0.0");
  EXPECT_EQ(plc.match.mac, "02:99:00:00:00:11");
  EXPECT_FALSE(plc.match.hardware);
  EXPECT_TRUE(plc.match.pinned());
  EXPECT_EQ(plc.model, "line-plc");
  EXPECT_EQ(plc.port, 502);
  EXPECT_EQ(plc.unit_id, 3);
  EXPECT_EQ(plc.thing_id, "press-1");
  EXPECT_EQ(plc.criticality, criticality::high);
  EXPECT_EQ(plc.tags, std::vector<std::string>{"line-a"});
  auto& env = site.design.allowed[1];
  EXPECT_FALSE(env.match.pinned());
  EXPECT_EQ(env.criticality, criticality::medium);
  EXPECT_EQ(env.unit_id, 1);
  ASSERT_EQ(site.design.blocked.size(), 2u);
  EXPECT_EQ(site.design.blocked[0].vendor, value_pattern::glob("EVIL*"));
  EXPECT_EQ(site.design.blocked[1].mac, "02:99:00:00:00:66");
  // Vendor database: MACs normalized to lower case.
  EXPECT_EQ(site.vendor_db_file, "vendor-db.json");
  ASSERT_EQ(site.vendor_db.entries.size(), 2u);
  auto beacon = site.vendor_db.find("aa:bb:cc:dd:ee:ff");
  ASSERT_NE(beacon, nullptr);
  EXPECT_EQ(beacon->product, "Beacon");
  auto valve = site.vendor_db.find("02:99:00:00:00:21");
  ASSERT_NE(valve, nullptr);
  EXPECT_EQ(valve->serial, "V7-0001");
  EXPECT_EQ(valve->category, "actuator");
  EXPECT_EQ(site.vendor_db.find("02:99:00:00:00:22"), nullptr);
  EXPECT_EQ(site.vendor_db.find("not a mac"), nullptr);
  // Discovery.
  auto& d = site.discovery;
  EXPECT_EQ(d.interface, "ot0");
  EXPECT_EQ(d.local_address, "10.99.1.1");
  EXPECT_TRUE(d.htip.enabled);
  EXPECT_TRUE(d.upnp.enabled);
  EXPECT_EQ(d.upnp.unicast_targets,
            (std::vector<std::string>{"10.99.2.11", "fd00::1"}));
  EXPECT_FALSE(d.ble.enabled);
  EXPECT_EQ(d.ble.bus, "session");
  EXPECT_TRUE(d.neighbours.enabled);
  EXPECT_EQ(d.neighbours.interval_s, 5u);
  EXPECT_FALSE(d.validate());
}

TEST(design_config, absent_sections_leave_everything_off) {
  auto text = edited(base_site, {{"/design", "<delete>"},
                                 {"/vendorDb", "<delete>"},
                                 {"/discovery", "<delete>"}});
  auto result = parse_site_config(text, "site.json", "", files());
  auto err = std::get_if<config_error>(&result);
  ASSERT_EQ(err, nullptr) << err->to_string();
  auto& site = std::get<site_config>(result);
  EXPECT_TRUE(site.design.empty());
  EXPECT_TRUE(site.vendor_db.empty());
  EXPECT_FALSE(site.discovery.any_enabled());
  EXPECT_EQ(site.discovery, discovery_config{});
}

TEST(design_config, demo_site_still_loads) {
  auto demo = demo_site_config();
  auto err = std::get_if<config_error>(&demo);
  ASSERT_EQ(err, nullptr) << err->to_string();
  EXPECT_FALSE(std::get<site_config>(demo).discovery.any_enabled());
}

TEST(design_config, vendor_db_errors_name_the_database_file) {
  struct row {
    std::string db;
    std::string field;
    std::string reason;
  };
  std::vector<row> rows{
    {"{}", "", "must be a JSON array of entries"},
    {"[1]", "/0", "must be an object"},
    {R"([{"mac": "02:99:00:00:00", "vendor": "A", "product": "B"}])", "/0/mac",
     "\"02:99:00:00:00\" is not a MAC or BD address"},
    {R"([{"mac": "02-99-00-00-00-01", "vendor": "A", "product": "B"}])",
     "/0/mac", "\"02-99-00-00-00-01\" is not a MAC or BD address"},
    {R"([{"mac": "02:99:00:00:00:01", "product": "B"}])", "/0/vendor",
     "missing required field"},
    {R"([{"mac": "02:99:00:00:00:01", "vendor": "A"}])", "/0/product",
     "missing required field"},
    {R"([{"mac": "02:99:00:00:00:01", "vendor": "", "product": "B"}])",
     "/0/vendor", "must be 1 to 128 characters"},
    {R"([{"mac": "02:99:00:00:00:01", "vendor": "A", "product": "B",
          "firmware": ")" + std::string(129, 'x') + "\"}]",
     "/0/firmware", "must be 1 to 128 characters"},
    {R"([{"mac": "02:99:00:00:00:01", "vendor": "A", "product": "B", "oui": "x"}])",
     "/0/oui", "unknown key \"oui\""},
    {R"([{"mac": "02:99:00:00:00:01", "vendor": "A", "product": "B"},
         {"mac": "02:99:00:00:00:01", "vendor": "C", "product": "D"}])",
     "/1/mac", "duplicate MAC 02:99:00:00:00:01 (also /0)"},
    {R"([{"mac": "02:99:00:00:00:01", "vendor": )", "", "syntax error"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.db);
    auto result = parse_site_config(base_site, "site.json", "", files(r.db));
    auto err = std::get_if<config_error>(&result);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->file, "vendor-db.json") << err->to_string();
    EXPECT_EQ(err->field, r.field) << err->to_string();
    EXPECT_NE(err->reason.find(r.reason), std::string::npos)
      << err->to_string();
  }
}

TEST(design_config, vendor_db_is_bounded) {
  std::string db = "[";
  for (size_t i = 0; i <= vendor_db::max_entries; ++i)
    db += std::string{i ? "," : ""} + "{}";
  db += "]";
  auto result = parse_vendor_db(db, "big.json");
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->reason, "has 100001 entries; at most 100000");
}

TEST(design_config, discovery_validate_works_without_the_parser) {
  discovery_config d;
  EXPECT_FALSE(d.validate());
  d.upnp.enabled = true;
  EXPECT_EQ(kagami::detail_of(d.validate()),
            "/discovery/interface: is required when upnp is enabled: the "
            "OT-side interface");
  d.interface = "ot0";
  d.upnp.unicast_targets = {"10.0.0.1", "host.example"};
  EXPECT_EQ(kagami::detail_of(d.validate()),
            "/discovery/upnp/unicastTargets/1: \"host.example\" is not an "
            "IPv4 or IPv6 address");
}

class design_rule : public testing::TestWithParam<bad_case> {};

TEST_P(design_rule, names_field_and_reason) {
  auto& c = GetParam();
  auto text = edited(base_site, c.edits);
  auto result = parse_site_config(text, "site.json", "", files());
  auto err = std::get_if<config_error>(&result);
  ASSERT_NE(err, nullptr) << "accepted: " << text;
  EXPECT_EQ(err->file, "site.json");
  EXPECT_EQ(err->field, c.field) << err->to_string();
  EXPECT_EQ(err->reason.substr(0, c.reason.size()), c.reason)
    << err->to_string();
}

const std::string a0 = "/design/allowed/0";
const std::string a1 = "/design/allowed/1";

INSTANTIATE_TEST_SUITE_P(
  rules, design_rule,
  testing::Values(
    bad_case{{{"/design/alowed", "[]"}}, "/design/alowed",
             R"(unknown key "alowed" (did you mean "allowed"?))"},
    bad_case{{{"/design/allowed", "{}"}}, "/design/allowed",
             "must be an array"},
    // Names and the fields every entry needs.
    bad_case{{{a0 + "/name", "<delete>"}}, a0 + "/name", "missing required field"},
    bad_case{{{a0 + "/name", R"("press plc")"}}, a0 + "/name",
             R"(invalid name "press plc")"},
    bad_case{{{a1 + "/name", R"("press-plc")"}}, a1 + "/name",
             R"(duplicate name "press-plc" (also /design/allowed/0))"},
    bad_case{{{a0 + "/vendor", "<delete>"}}, a0 + "/vendor",
             "missing required field: an allowed entry pins at least vendor and product"},
    bad_case{{{a1 + "/product", "<delete>"}}, a1 + "/product",
             "missing required field: an allowed entry pins at least vendor and product"},
    bad_case{{{a0 + "/model", "<delete>"}}, a0 + "/model", "missing required field"},
    bad_case{{{a0 + "/model", R"("plc-x")"}}, a0 + "/model",
             R"(unknown device model "plc-x")"},
    bad_case{{{a0 + "/port", "<delete>"}}, a0 + "/port", "missing required field"},
    bad_case{{{a0 + "/port", "0"}}, a0 + "/port",
             "must be an integer from 1 to 65535"},
    bad_case{{{a1 + "/unitId", "1"}}, a1 + "/unitId",
             "applies only to modbus-tcp devices"},
    bad_case{{{a0 + "/unitId", "248"}}, a0 + "/unitId",
             "must be an integer from 0 to 247"},
    bad_case{{{a0 + "/criticality", R"("urgent")"}}, a0 + "/criticality",
             R"(unknown value "urgent"; expected one of: low, medium, high, critical)"},
    bad_case{{{a0 + "/title", R"("")"}}, a0 + "/title",
             "must be 1 to 128 characters"},
    bad_case{{{a0 + "/tags", R"(["a", "a"])"}}, a0 + "/tags/1",
             R"(duplicate tag "a")"},
    bad_case{{{a0 + "/ip", R"("10.0.0.1")"}}, a0 + "/ip",
             R"(unknown key "ip")"},
    // Matcher values.
    bad_case{{{a0 + "/vendor", "7"}}, a0 + "/vendor",
             R"(must be a string (an exact value), {"glob": "..."} or {"range": "..."})"},
    bad_case{{{a0 + "/vendor", R"({"glob": "A*", "range": ">=1"})"}},
             a0 + "/vendor", "must be a string (an exact value)"},
    bad_case{{{a0 + "/vendor", R"({"regex": "A.*"})"}}, a0 + "/vendor/regex",
             R"(unknown key "regex")"},
    bad_case{{{a0 + "/vendor", R"("")"}}, a0 + "/vendor",
             "must be 1 to 128 characters without control characters"},
    bad_case{{{a0 + "/vendor", R"({"glob": "A\u0001*"})"}},
             a0 + "/vendor/glob",
             "must be 1 to 128 characters without control characters"},
    bad_case{{{a0 + "/firmware", R"({"range": "2.x"})"}}, a0 + "/firmware/range",
             R"("2.x": "2.x" does not start with a comparator)"},
    bad_case{{{a0 + "/firmware", R"({"range": ">=2.x"})"}},
             a0 + "/firmware/range",
             R"(">=2.x": "2.x" is not a dotted numeric version)"},
    bad_case{{{a0 + "/firmware", R"({"range": ">=2.0-rc1"})"}},
             a0 + "/firmware/range",
             R"(">=2.0-rc1": "2.0-rc1" is not a dotted numeric version)"},
    bad_case{{{a0 + "/firmware", R"({"range": "  "})"}}, a0 + "/firmware/range",
             R"("  ": the range is empty)"},
    bad_case{{{a0 + "/firmware", R"({"range": "=>2.0"})"}},
             a0 + "/firmware/range",
             R"("=>2.0": ">2.0" is not a dotted numeric version)"},
    bad_case{{{a0 + "/firmware",
               R"({"range": ">1 >1 >1 >1 >1 >1 >1 >1 >1"})"}},
             a0 + "/firmware/range", "\">1 >1 >1 >1 >1 >1 >1 >1 >1\": a range has at most 8 comparators"},
    bad_case{{{a0 + "/mac", R"("02:99:00:00:00:1")"}}, a0 + "/mac",
             R"("02:99:00:00:00:1" is not a MAC or BD address)"},
    bad_case{{{a0 + "/mac", R"({"glob": "02:99:*"})"}}, a0 + "/mac",
             "must be a string"},
    // Ids of admitted devices.
    bad_case{{{a0 + "/thingId", R"("plc-1")"}}, a0 + "/thingId",
             R"(the device id "plc-1" is taken by a configured device)"},
    bad_case{{{a0 + "/thingId", R"("a b")"}}, a0 + "/thingId",
             R"(invalid id "a b")"},
    bad_case{{{a0 + "/thingId", "<delete>"}, {a0 + "/name", R"("plc-1")"}},
             a0 + "/name",
             R"(the device id "plc-1" is taken by a configured device)"},
    bad_case{{{a1 + "/thingId", R"("env-1")"}}, a1 + "/thingId",
             "needs a pinned entry (mac, or an exact serial or udn)"},
    bad_case{{{a1 + "/serial", R"("S1")"}, {a1 + "/thingId", R"("press-1")"}},
             a1 + "/thingId",
             R"(the device id "press-1" is taken by /design/allowed/0)"},
    bad_case{{{a1 + "/name", R"("plc")"}}, a1 + "/name",
             R"(an unpinned entry names its devices plc-1, plc-2, ...; "plc-1" is taken by a configured device)"},
    bad_case{{{a0 + "/thingId", R"("env-7")"}}, a1 + "/name",
             R"(an unpinned entry names its devices env-1, env-2, ...; "env-7" is taken by /design/allowed/0)"},
    // Block list.
    bad_case{{{"/design/blocked/0", "{}"}}, "/design/blocked/0",
             "a block entry needs at least one field"},
    bad_case{{{"/design/blocked/0", R"({"name": "x", "vendor": "E"})"}},
             "/design/blocked/0/name", R"(unknown key "name")"},
    bad_case{{{"/design/blocked/1/mac", R"("evil")"}}, "/design/blocked/1/mac",
             R"("evil" is not a MAC or BD address)"},
    // Vendor database and discovery.
    bad_case{{{"/vendorDb", R"("")"}}, "/vendorDb",
             "the vendor database path is empty"},
    bad_case{{{"/vendorDb", R"("missing.json")"}}, "/vendorDb",
             "cannot read vendor database missing.json: No such file"},
    bad_case{{{"/vendorDb", "<delete>"}}, "/discovery/neighbours/enabled",
             "needs a vendorDb"},
    bad_case{{{"/discovery/interface", "<delete>"}}, "/discovery/interface",
             "is required when htip is enabled"},
    bad_case{{{"/discovery/interface", R"("ot0/x")"}}, "/discovery/interface",
             R"("ot0/x" is not an interface name)"},
    bad_case{{{"/discovery/interface", R"("a-very-long-ifname")"}},
             "/discovery/interface", "\"a-very-long-ifname\" is not an interface name"},
    bad_case{{{"/discovery/localAddress", R"("fd00::1")"}},
             "/discovery/localAddress", R"("fd00::1" is not an IPv4 address)"},
    bad_case{{{"/discovery/upnp/unicastTargets/1", R"("10.99.2.256")"}},
             "/discovery/upnp/unicastTargets/1",
             R"("10.99.2.256" is not an IPv4 or IPv6 address)"},
    bad_case{{{"/discovery/upnp/unicastTargets/1", "7"}},
             "/discovery/upnp/unicastTargets/1", "must be a string"},
    bad_case{{{"/discovery/upnp/searchIntervalS", "0"}},
             "/discovery/upnp/searchIntervalS",
             "must be an integer from 1 to 86400"},
    bad_case{{{"/discovery/ble/bus", R"("user")"}}, "/discovery/ble/bus",
             R"(unknown value "user"; expected system, session or unix:path=SOCKET)"},
    bad_case{{{"/discovery/neighbours/intervalS", "3601"}},
             "/discovery/neighbours/intervalS",
             "must be an integer from 1 to 3600"},
    bad_case{{{"/discovery/profileTimeoutMs", "99"}},
             "/discovery/profileTimeoutMs",
             "must be an integer from 100 to 60000"},
    bad_case{{{"/discovery/rematchIntervalS", "5"}},
             "/discovery/rematchIntervalS",
             "must be an integer from 10 to 86400"},
    bad_case{{{"/discovery/htip/enable", "true"}}, "/discovery/htip/enable",
             R"(unknown key "enable" (did you mean "enabled"?))"}));

} // namespace
