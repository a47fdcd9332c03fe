// The embedded demo site parses, has the documented content, and matches the
// files in config/ on disk.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "config/embedded_files.hpp"
#include "config/site_config.hpp"

using namespace kagami::config;

namespace {

site_config demo() {
  auto result = demo_site_config();
  if (auto err = std::get_if<config_error>(&result)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<site_config>(result);
}

const modbus_binding& modbus_of(const device_model& m, const char* name) {
  static const modbus_binding none;
  auto p = m.find_property(name);
  EXPECT_NE(p, nullptr) << name;
  if (!p)
    return none;
  auto b = std::get_if<modbus_binding>(&p->binding);
  EXPECT_NE(b, nullptr) << name;
  return b ? *b : none;
}

TEST(demo_site, parses) {
  auto site = demo();
  ASSERT_EQ(site.devices.size(), 2u);
  EXPECT_EQ(site.models.size(), 2u);
  auto& plc = site.devices[0];
  EXPECT_EQ(plc.id, "plc-1");
  EXPECT_EQ(plc.title, "Press line PLC");
  EXPECT_EQ(plc.address, "127.0.0.1:0");
  EXPECT_EQ(plc.unit_id, 1);
  auto& sensor = site.devices[1];
  EXPECT_EQ(sensor.id, "sensor-1");
  EXPECT_EQ(sensor.address, "http://127.0.0.1:0");
  ASSERT_NE(site.model_of(plc), nullptr);
  ASSERT_NE(site.model_of(sensor), nullptr);
  EXPECT_EQ(site.model_of(plc)->protocol, device_protocol::modbus_tcp);
  EXPECT_EQ(site.model_of(sensor)->protocol, device_protocol::http_json);
}

TEST(demo_site, plc_model) {
  auto site = demo();
  ASSERT_EQ(site.models.count("line-plc"), 1u);
  auto& m = site.models.at("line-plc");
  using mt = modbus_table;
  using md = modbus_datatype;
  auto& t = modbus_of(m, "temperature");
  EXPECT_EQ(t.datatype, md::int16);
  EXPECT_EQ(t.scale, 0.1);
  EXPECT_EQ(m.find_property("temperature")->schema.unit, "degC");
  EXPECT_TRUE(m.find_property("temperature")->schema.read_only);
  auto& p = modbus_of(m, "pressure");
  EXPECT_EQ(p.datatype, md::float32);
  EXPECT_EQ(p.order, word_order::big);
  EXPECT_EQ(m.find_property("pressure")->schema.unit, "bar");
  EXPECT_TRUE(m.find_property("pressure")->schema.read_only);
  auto& c = modbus_of(m, "cycleCount");
  EXPECT_EQ(c.datatype, md::uint32);
  EXPECT_EQ(c.order, word_order::little);
  EXPECT_TRUE(m.find_property("cycleCount")->schema.read_only);
  auto& s = modbus_of(m, "setpoint");
  EXPECT_EQ(s.datatype, md::uint16);
  EXPECT_EQ(s.scale, 0.1);
  auto& ss = m.find_property("setpoint")->schema;
  EXPECT_FALSE(ss.read_only);
  EXPECT_EQ(ss.minimum, 0.0);
  EXPECT_EQ(ss.maximum, 120.0);
  EXPECT_EQ(modbus_of(m, "mode").datatype, md::uint16);
  EXPECT_EQ(m.find_property("mode")->schema.enumeration,
            (std::vector<nlohmann::json>{0, 1, 2}));
  EXPECT_FALSE(m.find_property("mode")->schema.read_only);
  auto& r = modbus_of(m, "running");
  EXPECT_EQ(r.table, mt::coil);
  EXPECT_EQ(r.datatype, md::boolean);
  EXPECT_FALSE(m.find_property("running")->schema.read_only);
  for (auto name : {"temperature", "pressure", "cycleCount", "setpoint",
                    "mode"})
    EXPECT_EQ(modbus_of(m, name).table, mt::holding_register) << name;
  // resetCounter writes 0 to exactly the registers of cycleCount.
  auto reset = m.find_action("resetCounter");
  ASSERT_NE(reset, nullptr);
  auto rb = std::get_if<modbus_action_binding>(&reset->binding);
  ASSERT_NE(rb, nullptr);
  EXPECT_EQ(rb->target, c);
  EXPECT_EQ(rb->value, 0.0);
  auto over = m.find_event("overTemperature");
  ASSERT_NE(over, nullptr);
  EXPECT_EQ(over->property, "temperature");
  EXPECT_EQ(over->above, 80.0);
  EXPECT_FALSE(over->below);
}

TEST(demo_site, sensor_model) {
  auto site = demo();
  ASSERT_EQ(site.models.count("env-sensor"), 1u);
  auto& m = site.models.at("env-sensor");
  for (auto name : {"humidity", "temperature"}) {
    auto p = m.find_property(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_TRUE(p->schema.read_only);
    EXPECT_NE(std::get_if<http_binding>(&p->binding), nullptr);
  }
  auto ri = m.find_property("reportIntervalS");
  ASSERT_NE(ri, nullptr);
  EXPECT_EQ(ri->schema.type, value_type::integer);
  EXPECT_EQ(ri->schema.minimum, 1.0);
  EXPECT_EQ(ri->schema.maximum, 3600.0);
  EXPECT_FALSE(ri->schema.read_only);
  EXPECT_FALSE(std::get<http_binding>(ri->binding).write_path.empty());
  auto cal = m.find_action("calibrate");
  ASSERT_NE(cal, nullptr);
  EXPECT_NE(std::get_if<http_action_binding>(&cal->binding), nullptr);
}

std::string read_disk(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(demo_site, embedded_files_match_the_files_on_disk) {
  auto files = embedded_files();
  EXPECT_GE(files.size(), 3u);
  for (auto& f : files) {
    SCOPED_TRACE(f.path);
    EXPECT_EQ(f.text, read_disk(KAGAMI_REPO_DIR "/" + std::string{f.path}));
  }
  EXPECT_FALSE(find_embedded_file("config/demo/nope.json"));
}

TEST(demo_site, loading_from_disk_gives_the_same_site) {
  auto result = load_site_config(KAGAMI_REPO_DIR "/config/demo/site.json");
  ASSERT_NE(std::get_if<site_config>(&result), nullptr)
    << std::get<config_error>(result).to_string();
  // The same site, except where its files come from.
  auto from_disk = std::get<site_config>(result);
  auto embedded = demo();
  EXPECT_FALSE(from_disk.embedded);
  EXPECT_TRUE(embedded.embedded);
  EXPECT_EQ(from_disk.base_dir, KAGAMI_REPO_DIR "/config/demo");
  EXPECT_EQ(embedded.base_dir, "config/demo");
  from_disk.embedded = embedded.embedded;
  from_disk.base_dir = embedded.base_dir;
  EXPECT_EQ(from_disk, embedded);
  EXPECT_TRUE(embedded.security.is_object());
}

} // namespace
