// The ble-gatt device adapter against BlueZ as python3-dbusmock on a private
// bus: properties read with ReadValue and written with WriteValue.

#include <chrono>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/site_config.hpp"
#include "protocols/ble/ble_gatt_adapter.hpp"
#include "tests/integration/bluez_mock.hpp"

using namespace std::chrono_literals;
using kagami::ec;
using kagami::protocols::adapter_options;
using kagami::protocols::adapter_registry;
using kagami::protocols::device_adapter;
using kagami::protocols::ble::ble_config;
using kagami::protocols::ble::register_ble_adapter;
using kagami::test::bluez_mock;

namespace {

constexpr auto model_text = R"({
  "id": "ks-ble1",
  "protocol": "ble-gatt",
  "properties": {
    "temperature": {"type": "number", "readOnly": true, "unit": "Cel",
      "ble": {"characteristic": "00002a6e-0000-1000-8000-00805f9b34fb",
              "encoding": "int16le", "scale": 0.01}},
    "setpoint": {"type": "integer", "minimum": 0, "maximum": 255,
      "ble": {"characteristic": "4b530001-0000-1000-8000-00805f9b34fb",
              "encoding": "uint8"}},
    "label": {"type": "string", "readOnly": true,
      "ble": {"characteristic": "4b530002-0000-1000-8000-00805f9b34fb",
              "encoding": "utf8"}},
    "missing": {"type": "integer", "readOnly": true,
      "ble": {"characteristic": "4b5300ff-0000-1000-8000-00805f9b34fb",
              "encoding": "uint8"}}
  }
})";

class ble_gatt_adapter_test : public testing::Test {
protected:
  void SetUp() override {
    auto why = mock_.start();
    ASSERT_EQ(why, "") << why;
    mock_.add_adapter("hci0");
    auto parsed = kagami::config::parse_device_model(model_text, "ks-ble1.json");
    ASSERT_TRUE(std::holds_alternative<kagami::config::device_model>(parsed))
      << std::get<kagami::config::config_error>(parsed).to_string();
    model_ = std::get<kagami::config::device_model>(parsed);
    auto path = mock_.add_device("AA:BB:CC:00:00:20");
    auto service = mock_.add_gatt_service(
      path, "4b530000-0000-1000-8000-00805f9b34fb",
      {{bluez_mock::sig_uuid("2a6e"), bluez_mock::read_value("\x0a\x09")},
       {"4b530002-0000-1000-8000-00805f9b34fb",
        bluez_mock::read_value("line 3")}});
    // A writable characteristic: WriteValue stores, ReadValue returns it.
    mock_.add_object(
      service + "/char0020", "org.bluez.GattCharacteristic1",
      {{"UUID", sdbus::Variant{std::string{"4b530001-0000-1000-8000-00805f9b34fb"}}},
       {"Service", sdbus::Variant{sdbus::ObjectPath{service}}},
       {"Flags", sdbus::Variant{std::vector<std::string>{"read", "write"}}}},
      {bluez_mock::method{"ReadValue", "a{sv}", "ay",
                          "ret = bytes(getattr(self, 'stored', b'\\x07'))"},
       bluez_mock::method{"WriteValue", "aya{sv}", "",
                          "self.stored = bytes(args[0])"}});
    ble_config cfg;
    cfg.bus_address = mock_.address();
    register_ble_adapter(registry_, cfg);
    device_.id = "ble-sensor-1";
    device_.model = "ks-ble1";
    device_.address = "AA:BB:CC:00:00:20";
  }

  std::unique_ptr<device_adapter> make() {
    auto a = registry_.make(device_, model_, adapter_options{2000ms});
    EXPECT_TRUE(a) << kagami::detail_of(a.error());
    return a ? std::move(*a) : nullptr;
  }

  const kagami::config::property_model& prop(const std::string& name) {
    return *model_.find_property(name);
  }

  bluez_mock mock_;
  adapter_registry registry_;
  kagami::config::device_model model_;
  kagami::config::device_config device_;
};

} // namespace

TEST_F(ble_gatt_adapter_test, reads_scaled_numbers_and_strings) {
  auto a = make();
  ASSERT_TRUE(a);
  auto t = a->read(prop("temperature"));
  ASSERT_TRUE(t) << kagami::detail_of(t.error());
  EXPECT_DOUBLE_EQ(t->get<double>(), 23.14);
  auto l = a->read(prop("label"));
  ASSERT_TRUE(l) << kagami::detail_of(l.error());
  EXPECT_EQ(*l, "line 3");
}

TEST_F(ble_gatt_adapter_test, write_reaches_the_device_and_reads_back) {
  auto a = make();
  ASSERT_TRUE(a);
  EXPECT_EQ(*a->read(prop("setpoint")), 7);
  auto err = a->write(prop("setpoint"), 42);
  ASSERT_FALSE(err) << kagami::detail_of(err);
  EXPECT_EQ(*a->read(prop("setpoint")), 42);
  // Out of the raw range: refused before any I/O.
  EXPECT_EQ(kagami::code_of(a->write(prop("setpoint"), 300)), ec::invalid_value);
  EXPECT_EQ(*a->read(prop("setpoint")), 42);
}

TEST_F(ble_gatt_adapter_test, missing_characteristic_and_unknown_device) {
  auto a = make();
  ASSERT_TRUE(a);
  auto m = a->read(prop("missing"));
  ASSERT_FALSE(m);
  EXPECT_EQ(kagami::code_of(m.error()), ec::device_bad_reply);
  device_.address = "AA:BB:CC:00:00:99";
  auto b = make();
  ASSERT_TRUE(b);
  auto t = b->read(prop("temperature"));
  ASSERT_FALSE(t);
  EXPECT_EQ(kagami::code_of(t.error()), ec::device_timeout);
}

TEST_F(ble_gatt_adapter_test, bad_address_is_a_config_error) {
  device_.address = "10.0.0.1:502";
  auto a = registry_.make(device_, model_, adapter_options{2000ms});
  ASSERT_FALSE(a);
  EXPECT_EQ(kagami::code_of(a.error()), ec::config_invalid);
}

TEST_F(ble_gatt_adapter_test, gone_bluez_is_an_error_not_a_crash) {
  auto a = make();
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->read(prop("temperature")));
  mock_.shut_down();
  auto t = a->read(prop("temperature"));
  ASSERT_FALSE(t);
  auto code = kagami::code_of(t.error());
  EXPECT_TRUE(code == ec::device_timeout || code == ec::device_error)
    << kagami::detail_of(t.error());
}
