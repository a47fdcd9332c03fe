// BLE onboarding end to end: kagamid with BLE discovery on a private D-Bus
// where python3-dbusmock plays BlueZ (bluez_mock.hpp). A sensor whose Device
// Information Service matches the design becomes a thing apps can read; one
// with other DIS strings gets no thing, a rogue record, and is blocked in
// BlueZ.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/rocksdb_store.hpp"
#include "storage/rogue_registry.hpp"
#include "tests/integration/bluez_mock.hpp"
#include "tests/integration/gateway_fixture.hpp"
#include "tests/integration/open_security.hpp"

using namespace std::chrono_literals;
using namespace kagami;
using kagami::test::bluez_mock;

namespace {

constexpr auto model_text = R"({
  "id": "ks-ble1",
  "protocol": "ble-gatt",
  "description": "Battery temperature sensor",
  "properties": {
    "temperature": {"type": "number", "readOnly": true, "unit": "degC",
      "ble": {"characteristic": "00002a6e-0000-1000-8000-00805f9b34fb",
              "encoding": "int16le", "scale": 0.01}}
  }
})";

constexpr const char* allowed_addr = "AA:BB:CC:00:00:31";
constexpr const char* wrong_addr = "AA:BB:CC:00:00:32";

class ble_onboarding_test : public testing::Test {
protected:
  void SetUp() override {
    auto why = mock_.start();
    ASSERT_EQ(why, "") << why;
    mock_.add_adapter("hci0");
    allowed_path_ = add_sensor(allowed_addr, "KS-BLE1", "1.0.2");
    wrong_path_ = add_sensor(wrong_addr, "KS-BLE9", "1.0.2");
    dir_ = std::filesystem::temp_directory_path()
           / ("kagami-ble-onboarding-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream{dir_ / "ks-ble1.json"} << model_text;
    nlohmann::json site{
      {"site", "ble test site"},
      {"listen", "127.0.0.1:0"},
      {"dataDir", (dir_ / "data").string()},
      {"models", {"ks-ble1.json"}},
      {"devices", nlohmann::json::array()},
      {"security", kagami::test::open_security()},
      {"design",
       {{"allowed",
         {{{"name", "battery-sensor"},
           {"vendor", "Kagami Sim Works"},
           {"product", "KS-BLE1"},
           {"firmware", {{"range", ">=1.0 <2"}}},
           {"model", "ks-ble1"},
           {"criticality", "low"}}}},
        {"blocked", nlohmann::json::array()}}},
      {"discovery",
       {{"ble", {{"enabled", true}, {"bus", mock_.address()}}},
        {"profileTimeoutMs", 3000}}}};
    std::ofstream{dir_ / "site.json"} << site.dump(2);
  }

  void TearDown() override {
    gateway_.stop();
    std::filesystem::remove_all(dir_);
  }

  /// A BLE sensor: a DIS with `product` and `firmware`, and the
  /// temperature characteristic (23.14 degC).
  std::string add_sensor(const std::string& address, const std::string& product,
                         const std::string& firmware) {
    auto path = mock_.add_device(address);
    mock_.add_dis(path, "Kagami Sim Works", product, "SN-" + address.substr(12),
                  firmware, "A");
    mock_.add_gatt_service(path, "4b530000-0000-1000-8000-00805f9b34fb",
                           {{bluez_mock::sig_uuid("2a6e"),
                             bluez_mock::read_value("\x0a\x09")}},
                           0x20);
    return path;
  }

  bool start_gateway() {
    auto url = gateway_.start({test::kagamid_bin, "--config", (dir_ / "site.json").string()});
    if (!url)
      return false;
    port_ = test::port_of(*url);
    return true;
  }

  std::set<std::string> things() {
    std::set<std::string> out;
    auto r = test::http_call(port_, "GET", "/things");
    auto j = r.json();
    if (r.status != 200 || !j.is_array())
      return out;
    for (auto& td : j)
      out.insert(td.value("id", ""));
    return out;
  }

  bool blocked(const std::string& path) {
    auto conn = sdbus::createSessionBusConnectionWithAddress(mock_.address());
    auto proxy = sdbus::createProxy(*conn, "org.bluez", path);
    sdbus::Variant v = proxy->getProperty("Blocked").onInterface("org.bluez.Device1");
    return v.get<bool>();
  }

  bluez_mock mock_;
  std::string allowed_path_;
  std::string wrong_path_;
  std::filesystem::path dir_;
  test::child_process gateway_;
  uint16_t port_ = 0;
};

} // namespace

TEST_F(ble_onboarding_test, the_allowed_sensor_is_admitted_and_the_wrong_one_refused) {
  ASSERT_TRUE(start_gateway());
  const std::set<std::string> expected{"urn:kagami:thing:battery-sensor-1"};
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (things() != expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(200ms);
  ASSERT_EQ(things(), expected);

  // Apps read the sensor through the gateway (ble-gatt adapter over BlueZ).
  auto r = test::http_call(port_, "GET", "/things/battery-sensor-1/properties/temperature");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_DOUBLE_EQ(r.json().get<double>(), 23.14);

  // The other sensor: no thing, blocked in BlueZ, a rogue record.
  deadline = std::chrono::steady_clock::now() + 10s;
  while (!blocked(wrong_path_) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(blocked(wrong_path_));
  EXPECT_FALSE(blocked(allowed_path_));
  EXPECT_EQ(things(), expected);
  ASSERT_EQ(gateway_.stop(), 0);

  auto db = storage::rocksdb_store::open((dir_ / "data").string());
  ASSERT_TRUE(db);
  storage::rogue_registry rogues{**db};
  auto all = rogues.load_all();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  auto& rogue = all->front();
  EXPECT_EQ(rogue.mac, "aa:bb:cc:00:00:32");
  EXPECT_EQ(rogue.source, protocols::discovery_kind::ble);
  ASSERT_TRUE(rogue.profile);
  EXPECT_EQ(rogue.profile->product, "KS-BLE9");
  ASSERT_FALSE(rogue.reasons.empty());
  EXPECT_NE(rogue.reasons.front().find("KS-BLE9"), std::string::npos) << rogue.reasons.front();
}
