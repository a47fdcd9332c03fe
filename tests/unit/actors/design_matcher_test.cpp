// The design matcher, row by row: each row is a device (sighting MAC and
// profile) and the verdict, entry and evidence the design below must give.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/onboarding/design_matcher.hpp"
#include "config/site_config.hpp"

using namespace kagami;
using onboarding::match_result;
using verdict = match_result::verdict;

namespace {

const char* site_text = R"({
  "models": [{"id": "m", "protocol": "modbus-tcp", "properties": {"x":
    {"type": "integer", "readOnly": true,
     "modbus": {"table": "input", "address": 0, "datatype": "uint16"}}}}],
  "design": {
    "allowed": [
      {"name": "press-plc", "vendor": "KAGAMI", "product": "KS-PLC200",
       "firmware": {"range": ">=2.0 <3.0"}, "mac": "02:99:00:00:00:11",
       "model": "m", "port": 502},
      {"name": "press-plc-any", "vendor": "KAGAMI", "product": "KS-PLC200",
       "firmware": {"range": ">=2.0 <3.0"}, "model": "m", "port": 502},
      {"name": "env", "vendor": "KAGAMI", "product": {"glob": "KS-ENV?"},
       "model": "m", "port": 502},
      {"name": "env-new", "vendor": "KAGAMI", "product": "KS-ENV2",
       "hardware": {"glob": "rev-*"}, "model": "m", "port": 502},
      {"name": "valve", "vendor": "ACME", "product": "Valve-7",
       "serial": "V7-0001", "model": "m", "port": 502},
      {"name": "valve-b", "vendor": "ACME", "product": "Valve-7",
       "serial": {"glob": "V7-*"}, "category": "actuator",
       "model": "m", "port": 502},
      {"name": "cam", "vendor": "Optix", "product": "Cam-1",
       "udn": "uuid:cam-1", "model": "m", "port": 502},
      {"name": "cam-twin", "vendor": "Optix", "product": {"glob": "Cam-*"},
       "udn": "uuid:cam-1", "model": "m", "port": 502}
    ],
    "blocked": [
      {"vendor": {"glob": "EVIL*"}},
      {"mac": "02:99:00:00:00:66"},
      {"vendor": "KAGAMI", "firmware": {"range": "<1.5"}},
      {"mac": "02:99:00:00:00:aa"}
    ]
  }
})";

const config::design_info& design() {
  static const auto site = [] {
    auto r = config::parse_site_config(site_text, "site.json", "");
    if (auto err = std::get_if<config::config_error>(&r))
      throw std::runtime_error(err->to_string());
    return std::get<config::site_config>(std::move(r));
  }();
  return site.design;
}

struct row {
  const char* what;
  std::string mac;
  protocols::device_profile profile;
  verdict outcome;
  /// The admitted entry's name, or "".
  std::string entry;
  std::vector<std::string> reasons;
};

std::ostream& operator<<(std::ostream& os, const row& r) {
  return os << r.what;
}

protocols::device_profile plc(std::string product = "KS-PLC200",
                              std::string firmware = "2.4.1") {
  protocols::device_profile p;
  p.vendor = "KAGAMI";
  p.product = std::move(product);
  p.firmware = std::move(firmware);
  return p;
}

protocols::device_profile with(protocols::device_profile p,
                               std::string protocols::device_profile::*field,
                               std::string value) {
  p.*field = std::move(value);
  return p;
}

using P = protocols::device_profile;
const std::string ne = " \u2260 ";

class design_matcher : public testing::TestWithParam<row> {};

TEST_P(design_matcher, gives_verdict_entry_and_evidence) {
  auto& r = GetParam();
  protocols::device_sighting s;
  s.mac = r.mac;
  auto result = onboarding::match(design(), s, r.profile);
  EXPECT_EQ(to_string(result.outcome), std::string{to_string(r.outcome)})
    << result.reason();
  if (r.entry.empty()) {
    EXPECT_EQ(result.entry, nullptr);
  } else {
    ASSERT_NE(result.entry, nullptr) << result.reason();
    EXPECT_EQ(result.entry->name, r.entry);
    EXPECT_EQ(&design().allowed[result.index], result.entry);
  }
  EXPECT_EQ(result.reasons, r.reasons);
  // Deterministic: the same inputs, the same answer.
  auto again = onboarding::match(design(), s, r.profile);
  EXPECT_EQ(again.reasons, result.reasons);
  EXPECT_EQ(again.entry, result.entry);
}

INSTANTIATE_TEST_SUITE_P(
  rows, design_matcher,
  testing::Values(
    // Exact values and a pinned MAC.
    row{"pinned plc", "02:99:00:00:00:11", plc(), verdict::admitted,
        "press-plc",
        {"press-plc: MAC 02:99:00:00:00:11 = 02:99:00:00:00:11, vendor KAGAMI "
         "= KAGAMI, product KS-PLC200 = KS-PLC200, firmware 2.4.1 in >=2.0 "
         "<3.0"}},
    row{"another MAC falls back to the unpinned entry", "02:99:00:00:00:1A", plc(),
        verdict::admitted, "press-plc-any",
        {"press-plc-any: vendor KAGAMI = KAGAMI, product KS-PLC200 = "
         "KS-PLC200, firmware 2.4.1 in >=2.0 <3.0"}},
    row{"an upper-case MAC is compared normalized", "02:99:00:00:00:AA",
        plc(), verdict::blocked, "",
        {"blocked by blocked[3]: MAC 02:99:00:00:00:aa = 02:99:00:00:00:aa"}},
    row{"pinned beats unpinned; no MAC falls back to unpinned", "", plc(),
        verdict::admitted, "press-plc-any",
        {"press-plc-any: vendor KAGAMI = KAGAMI, product KS-PLC200 = "
         "KS-PLC200, firmware 2.4.1 in >=2.0 <3.0"}},
    // Ranges.
    row{"firmware 2.0 is the lower bound", "", plc("KS-PLC200", "2"),
        verdict::admitted, "press-plc-any",
        {"press-plc-any: vendor KAGAMI = KAGAMI, product KS-PLC200 = "
         "KS-PLC200, firmware 2 in >=2.0 <3.0"}},
    row{"firmware above the range", "", plc("KS-PLC200", "3.0.0"),
        verdict::no_match, "",
        {"press-plc-any: firmware 3.0.0 not in >=2.0 <3.0"}},
    row{"pre-release firmware is no version", "", plc("KS-PLC200", "2.1-rc1"),
        verdict::no_match, "",
        {"press-plc-any: firmware 2.1-rc1 is not a dotted numeric version "
         "(range >=2.0 <3.0)"}},
    row{"huge firmware component", "",
        plc("KS-PLC200", "2.99999999999999999999999999"), verdict::admitted,
        "press-plc-any",
        {"press-plc-any: vendor KAGAMI = KAGAMI, product KS-PLC200 = "
         "KS-PLC200, firmware 2.99999999999999999999999999 in >=2.0 <3.0"}},
    row{"firmware unknown", "", plc("KS-PLC200", ""), verdict::no_match, "",
        {"press-plc-any: firmware unknown"}},
    // Closest entries when nothing matches.
    row{"wrong product", "", plc("KS-PLC900"), verdict::no_match, "",
        {"press-plc-any: product KS-PLC900" + ne + "KS-PLC200"}},
    row{"case matters", "", with(plc(), &P::vendor, "kagami"),
        verdict::no_match, "",
        {"press-plc-any: vendor kagami" + ne + "KAGAMI"}},
    row{"empty profile", "", P{}, verdict::no_match, "",
        {"env: vendor unknown; product unknown"}},
    // Globs.
    row{"glob ? takes one character", "", plc("KS-ENV1", ""),
        verdict::admitted, "env",
        {"env: vendor KAGAMI = KAGAMI, product KS-ENV1 matches KS-ENV?"}},
    row{"glob ? takes exactly one", "", plc("KS-ENV10", ""),
        verdict::no_match, "",
        {"env: product KS-ENV10 does not match KS-ENV?"}},
    row{"two unpinned entries are ambiguous", "",
        with(plc("KS-ENV2", ""), &P::hardware, "rev-b"), verdict::ambiguous,
        "",
        {"ambiguous: entries env and env-new both match; pin one by mac, "
         "serial or udn"}},
    // Serial and UDN pins.
    row{"exact serial pins", "",
        P{"ACME", "Valve-7", "", "", "", "V7-0001", "actuator", ""},
        verdict::admitted, "valve",
        {"valve: vendor ACME = ACME, product Valve-7 = Valve-7, serial "
         "V7-0001 = V7-0001"}},
    row{"a glob serial does not pin", "",
        P{"ACME", "Valve-7", "", "", "", "V7-0002", "actuator", ""},
        verdict::admitted, "valve-b",
        {"valve-b: vendor ACME = ACME, product Valve-7 = Valve-7, serial "
         "V7-0002 matches V7-*, category actuator = actuator"}},
    row{"two pinned entries are ambiguous", "",
        P{"Optix", "Cam-1", "", "", "", "", "", "uuid:cam-1"},
        verdict::ambiguous, "",
        {"ambiguous: entries cam and cam-twin both match; make their fields "
         "exclusive"}},
    // The block list wins.
    row{"blocked vendor glob", "02:99:00:00:00:11",
        with(plc(), &P::vendor, "EVILCO"), verdict::blocked, "",
        {"blocked by blocked[0]: vendor EVILCO matches EVIL*"}},
    row{"blocked MAC beats a perfect profile", "02:99:00:00:00:66", plc(),
        verdict::blocked, "",
        {"blocked by blocked[1]: MAC 02:99:00:00:00:66 = 02:99:00:00:00:66"}},
    row{"blocked old firmware, every field must hold", "02:99:00:00:00:11",
        plc("KS-PLC200", "1.4.9"), verdict::blocked, "",
        {"blocked by blocked[2]: vendor KAGAMI = KAGAMI, firmware 1.4.9 in "
         "<1.5"}},
    row{"a block entry with one failing field does not hold", "",
        plc("KS-PLC200", "1.5"), verdict::no_match, "",
        {"press-plc-any: firmware 1.5 not in >=2.0 <3.0"}},
    // Spoofing: the MAC of a pinned entry with another profile.
    row{"spoofed MAC", "02:99:00:00:00:11", plc("KS-PLC900"), verdict::spoofed,
        "",
        {"MAC 02:99:00:00:00:11 belongs to entry press-plc, but product "
         "KS-PLC900" + ne + "KS-PLC200"}},
    row{"spoofed MAC even if an unpinned entry fits", "02:99:00:00:00:11",
        plc("KS-ENV1", ""), verdict::spoofed, "",
        {"MAC 02:99:00:00:00:11 belongs to entry press-plc, but product "
         "KS-ENV1" + ne + "KS-PLC200, firmware unknown"}},
    row{"garbage MAC equals nothing", "not-a-mac", plc(), verdict::admitted,
        "press-plc-any",
        {"press-plc-any: vendor KAGAMI = KAGAMI, product KS-PLC200 = "
         "KS-PLC200, firmware 2.4.1 in >=2.0 <3.0"}}));

TEST(design_matcher_edge, empty_design_admits_nothing) {
  config::design_info empty;
  auto r = onboarding::match(empty, {}, plc());
  EXPECT_EQ(r.outcome, verdict::no_match);
  EXPECT_EQ(r.reason(), "the design allows no devices");
}

TEST(design_matcher_edge, at_most_three_closest_entries) {
  config::design_info d;
  for (auto name : {"a", "b", "c", "d"}) {
    config::allowed_device e;
    e.name = name;
    e.match.vendor = config::value_pattern::exact("V");
    e.match.product = config::value_pattern::exact(std::string{"P-"} + name);
    d.allowed.push_back(e);
  }
  auto r = onboarding::match(d, {}, P{"V", "P-x"});
  ASSERT_EQ(r.reasons.size(), onboarding::max_explained_entries);
  EXPECT_EQ(r.reasons[2], "c: product P-x" + ne + "P-c");
}

TEST(design_matcher_edge, hostile_profile_strings_stay_cheap) {
  // 128-byte values against many-star globs: linear-ish, no backtracking
  // blow-up; the test would time out otherwise.
  config::design_info d;
  config::allowed_device e;
  e.name = "g";
  e.match.vendor = config::value_pattern::glob("*a*a*a*a*a*a*a*a*a*a*a*b");
  e.match.product = config::value_pattern::glob("*?*?*?*?*?*?*?*?*?*?*?*!");
  d.allowed.push_back(e);
  P p{std::string(128, 'a'), std::string(128, 'x')};
  for (int i = 0; i < 1000; ++i) {
    auto r = onboarding::match(d, {}, p);
    ASSERT_EQ(r.outcome, verdict::no_match);
  }
}

} // namespace
