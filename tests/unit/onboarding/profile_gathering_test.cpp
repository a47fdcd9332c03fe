// One onboarding's work: what gather_and_match trusts and what it refuses
// to gather from, table by table. The fetcher is a collaborator here (it
// returns a fixed profile and counts calls); the checks are the subject.

#include "actors/onboarding/profile_gathering.hpp"

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::onboarding;
using protocols::device_profile;
using protocols::device_sighting;
using protocols::discovery_kind;

namespace {

class counting_fetcher : public protocols::profile_fetcher {
public:
  caf::expected<device_profile> fetch(const device_sighting&,
                                      std::chrono::milliseconds) override {
    ++calls;
    device_profile p;
    p.vendor = "Kagami Sim Works";
    p.product = "KS-CAM30";
    return p;
  }
  int calls = 0;
};

struct row {
  const char* name;
  discovery_kind source;
  const char* mac;        // as the sighting claims it
  const char* address;
  const char* table_mac;  // what the neighbour table says ("" = no entry)
  bool ok;
  const char* error_part; // in the error detail when !ok
  const char* final_mac;  // the MAC gathering settles on when ok
  int fetches;
};

} // namespace

TEST(profile_gathering, trusts_only_what_it_can_check) {
  const row rows[] = {
    {"upnp, MAC from the table", discovery_kind::upnp, "", "10.99.1.14",
     "02:99:00:00:00:14", true, "", "02:99:00:00:00:14", 1},
    {"htip, the table agrees", discovery_kind::htip, "02:99:00:00:00:11", "10.99.1.11",
     "02:99:00:00:00:11", true, "", "02:99:00:00:00:11", 0},
    {"htip, not in the table yet", discovery_kind::htip, "02:99:00:00:00:11",
     "10.99.1.11", "", true, "", "02:99:00:00:00:11", 0},
    {"htip, address of another MAC", discovery_kind::htip, "02:99:00:00:00:99",
     "10.99.1.12", "02:99:00:00:00:12", false, "belongs to MAC 02:99:00:00:00:12", "", 0},
    {"upnp, app-side address", discovery_kind::upnp, "", "10.99.100.2", "", false,
     "not on the OT network", "", 0},
    {"upnp, on-link without a MAC", discovery_kind::upnp, "", "10.99.1.14", "", false,
     "MAC of on-link address 10.99.1.14 is unknown", "", 1},
    {"upnp, routed device without a MAC", discovery_kind::upnp, "", "10.99.2.11", "",
     true, "", "", 1},
  };
  for (auto& r : rows) {
    auto fetcher = std::make_shared<counting_fetcher>();
    gathering_tools tools;
    tools.fetchers[discovery_kind::upnp] = fetcher;
    std::string table_mac = r.table_mac;
    tools.mac_of = [table_mac](const std::string&) { return table_mac; };
    tools.address_allowed = [](const std::string& a) {
      return a.rfind("10.99.1.", 0) == 0 || a == "10.99.2.11";
    };
    tools.on_link = [](const std::string& a) { return a.rfind("10.99.1.", 0) == 0; };
    tools.match = [](const device_sighting&, const device_profile& p) {
      return match_summary{true, "entry", "", p.product};
    };
    device_sighting s;
    s.source = r.source;
    s.mac = r.mac;
    s.address = r.address;
    if (r.source == discovery_kind::htip)
      s.profile = device_profile{"KAGAMI", "KS-PLC200", "", "", "", "", "", ""};
    else
      s.locator = std::string{"http://"} + r.address + ":8082/description.xml";
    auto out = gather_and_match(s, tools);
    EXPECT_EQ(static_cast<bool>(out), r.ok) << r.name;
    EXPECT_EQ(fetcher->calls, r.fetches) << r.name;
    if (out) {
      EXPECT_EQ(out->sighting.mac, r.final_mac) << r.name;
      EXPECT_TRUE(out->match.admitted) << r.name;
    } else {
      EXPECT_EQ(code_of(out.error()), ec::invalid_value) << r.name;
      EXPECT_NE(detail_of(out.error()).find(r.error_part), std::string::npos)
        << r.name << ": " << detail_of(out.error());
    }
  }
}

TEST(profile_gathering, a_source_without_a_fetcher_gets_no_profile) {
  gathering_tools tools;
  device_sighting s;
  s.source = discovery_kind::ble;
  s.mac = "aa:bb:cc:00:00:31";
  s.locator = "/org/bluez/hci0/dev_AA_BB_CC_00_00_31";
  auto out = gather_and_match(s, tools);
  ASSERT_FALSE(out);
  EXPECT_NE(detail_of(out.error()).find("no profile fetcher for ble"), std::string::npos);
}
