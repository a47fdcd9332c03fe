// The UPnP simulator's config and its command line (kagami-devsim upnp).

#include "tools/devsim/upnp_sim_config.hpp"

#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "protocols/upnp/upnp_fetcher.hpp"
#include "tests/integration/child_process.hpp"

using namespace kagami;
using namespace std::chrono_literals;

TEST(upnp_sim_config, reads_the_upnp_object_and_the_http_config) {
  auto cfg = devsim::parse_upnp_sim_config(R"({
    "comment": "a camera",
    "upnp": {"manufacturer": "M", "modelName": "N", "udn": "uuid:1",
             "firmwareVersion": "1.0", "notifyIntervalS": 5},
    "documents": {"/state": {"t": 1}}
  })", "cam.json");
  ASSERT_TRUE(std::holds_alternative<devsim::upnp_sim_config>(cfg))
    << std::get<devsim::sim_config_error>(cfg).to_string();
  auto& c = std::get<devsim::upnp_sim_config>(cfg);
  EXPECT_EQ(c.device.manufacturer, "M");
  EXPECT_EQ(c.device.model_name, "N");
  EXPECT_EQ(c.device.udn, "uuid:1");
  EXPECT_EQ(c.device.firmware_version, "1.0");
  EXPECT_EQ(c.device.model_number, "");
  EXPECT_EQ(c.device.device_type, "urn:schemas-upnp-org:device:Basic:1");
  EXPECT_EQ(c.notify_interval_s, 5u);
  EXPECT_EQ(c.http.documents.count("/state"), 1u);
}

TEST(upnp_sim_config, names_the_bad_field) {
  struct row {
    std::string text;
    std::string field;
    std::string reason;
  };
  std::vector<row> rows{
    {R"({"documents": {}})", "", "missing required field \"upnp\""},
    {R"({"upnp": {"manufacturer": "M", "modelName": "N"}})", "/upnp",
     "missing required field \"udn\""},
    {R"({"upnp": {"manufacturer": "M", "modelName": "N", "udn": "1234"}})", "/upnp/udn",
     "uuid:"},
    {R"({"upnp": {"manufacturer": "M", "modelName": "N", "udn": "uuid:1", "color": "red"}})",
     "/upnp/color", "unknown field"},
    {R"({"upnp": {"manufacturer": "M", "modelName": "N", "udn": "uuid:1",
                  "notifyIntervalS": 0}})",
     "/upnp/notifyIntervalS", "integer"},
    {R"({"upnp": {"manufacturer": "M\n", "modelName": "N", "udn": "uuid:1"}})",
     "/upnp/manufacturer", "control character"},
    {R"({"upnp": {"manufacturer": "M", "modelName": 7, "udn": "uuid:1"}})",
     "/upnp/modelName", "string"},
    {R"({"upnp": {"manufacturer": "M", "modelName": "N", "udn": "uuid:1"},
         "documents": {"no-slash": {}}})",
     "/documents/no-slash", "must start with"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto cfg = devsim::parse_upnp_sim_config(r.text, "cam.json");
    ASSERT_TRUE(std::holds_alternative<devsim::sim_config_error>(cfg));
    auto& err = std::get<devsim::sim_config_error>(cfg);
    EXPECT_EQ(err.file, "cam.json");
    EXPECT_EQ(err.field, r.field) << err.to_string();
    EXPECT_NE(err.reason.find(r.reason), std::string::npos) << err.to_string();
  }
}

TEST(upnp_sim_config, merges_a_profile_patch_all_or_nothing) {
  devsim::upnp_device_info info;
  info.manufacturer = "M";
  info.model_name = "N";
  info.udn = "uuid:1";
  EXPECT_EQ(devsim::merge_upnp_device_info(info, {{"firmwareVersion", "2.0"}}), "");
  EXPECT_EQ(info.firmware_version, "2.0");
  auto before = info;
  for (auto patch : {nlohmann::json{{"firmwareVersion", "3.0"}, {"udn", "nope"}},
                     nlohmann::json{{"bogus", "x"}}, nlohmann::json{{"modelName", 1}},
                     nlohmann::json::array(), nlohmann::json{{"modelName", ""}}}) {
    SCOPED_TRACE(patch.dump());
    EXPECT_NE(devsim::merge_upnp_device_info(info, patch), "");
    EXPECT_EQ(info, before);
  }
}

#if defined(KAGAMI_DEVSIM_EXE) && defined(KAGAMI_SOURCE_DIR)
TEST(upnp_sim_cli, serves_the_lab_config) {
  const std::string file = std::string{KAGAMI_SOURCE_DIR} + "/config/lab/devsim-upnp-1.json";
  test::child_process child;
  auto ready = child.start({KAGAMI_DEVSIM_EXE, "upnp", "--config", file, "--listen",
                            "127.0.0.1:0", "--ssdp-port", "0", "--no-multicast"},
                           10s);
  ASSERT_TRUE(ready);
  ASSERT_EQ(ready->rfind("upnp ", 0), 0u) << *ready;
  auto where = config::parse_host_port(ready->substr(5));
  ASSERT_TRUE(where) << *ready;
  protocols::device_sighting s;
  s.source = protocols::discovery_kind::upnp;
  s.address = "127.0.0.1";
  s.locator = "http://127.0.0.1:" + std::to_string(where->port) + "/description.xml";
  protocols::upnp::upnp_fetcher fetcher;
  auto p = fetcher.fetch(s, 2s);
  ASSERT_TRUE(p) << detail_of(p.error());
  EXPECT_EQ(p->vendor, "Kagami Sim Works");
  EXPECT_EQ(p->product, "KS-CAM30");
  EXPECT_EQ(p->firmware, "3.2.0");
  EXPECT_EQ(p->udn, "uuid:6b616761-6d69-4000-8000-000000000014");
  EXPECT_EQ(child.stop(), 0);
}

TEST(upnp_sim_cli, refuses_a_bad_config) {
  test::child_process child;
  // The http-only sensor config has no "upnp" object.
  const std::string file = std::string{KAGAMI_SOURCE_DIR} + "/config/lab/devsim-sensor.json";
  EXPECT_FALSE(child.start({KAGAMI_DEVSIM_EXE, "upnp", "--config", file}, 5s));
  EXPECT_EQ(child.wait_exit(5s), 2);
}
#endif
