// bluez_discovery and ble_dis_fetcher against BlueZ as python3-dbusmock on a
// private bus (tests/integration/bluez_mock.hpp), with GATT Device
// Information Service objects added by the test.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/ble/ble_dis_fetcher.hpp"
#include "protocols/ble/bluez_block.hpp"
#include "protocols/ble/bluez_discovery.hpp"
#include "tests/integration/bluez_mock.hpp"

using namespace std::chrono_literals;
using kagami::ec;
using kagami::protocols::device_profile;
using kagami::protocols::device_sighting;
using kagami::protocols::discovery_kind;
using kagami::protocols::discovery_sink;
using kagami::protocols::ble::ble_config;
using kagami::protocols::ble::ble_dis_fetcher;
using kagami::protocols::ble::bluez_discovery;
using kagami::test::bluez_mock;

namespace {

/// What the source reported, collected across its thread.
class recorder {
public:
  struct rejection {
    discovery_kind kind;
    std::string from;
    std::string reason;
  };

  discovery_sink sink() {
    return discovery_sink{
      [this](device_sighting s) {
        std::lock_guard<std::mutex> guard{mtx_};
        seen_.push_back(std::move(s));
        cv_.notify_all();
      },
      [this](discovery_kind k, std::string from, std::string reason) {
        std::lock_guard<std::mutex> guard{mtx_};
        rejected_.push_back({k, std::move(from), std::move(reason)});
        cv_.notify_all();
      },
      [this](std::string mac, std::string seen_on, bool up) {
        std::lock_guard<std::mutex> guard{mtx_};
        links_.push_back(mac + " " + seen_on + (up ? " up" : " down"));
        cv_.notify_all();
      }};
  }

  /// The link reports ("MAC bluez:PATH up|down"), once `n` arrived or after
  /// `timeout`.
  std::vector<std::string> wait_links(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait_for(guard, timeout, [&] { return links_.size() >= n; });
    return links_;
  }

  /// The first sighting of `mac` after `skip` earlier ones, within `timeout`.
  std::optional<device_sighting> wait_seen(const std::string& mac,
                                           size_t skip = 0,
                                           std::chrono::milliseconds timeout
                                           = 5s) {
    std::unique_lock<std::mutex> guard{mtx_};
    std::optional<device_sighting> found;
    cv_.wait_for(guard, timeout, [&] {
      size_t n = 0;
      for (auto& s : seen_)
        if (s.mac == mac && n++ == skip) {
          found = s;
          return true;
        }
      return false;
    });
    return found;
  }

  /// The first rejection from `from`, within `timeout`.
  std::optional<rejection> wait_rejected(const std::string& from,
                                         std::chrono::milliseconds timeout
                                         = 5s) {
    std::unique_lock<std::mutex> guard{mtx_};
    std::optional<rejection> found;
    cv_.wait_for(guard, timeout, [&] {
      for (auto& r : rejected_)
        if (r.from == from) {
          found = r;
          return true;
        }
      return false;
    });
    return found;
  }

  std::vector<device_sighting> seen() {
    std::lock_guard<std::mutex> guard{mtx_};
    return seen_;
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<device_sighting> seen_;
  std::vector<rejection> rejected_;
  std::vector<std::string> links_;
};

const device_profile allowed_profile = [] {
  device_profile p;
  p.vendor = "Kagami Sim Works";
  p.product = "KS-BLE1";
  p.serial = "KSB-0001";
  p.firmware = "1.0.2";
  p.hardware = "A";
  return p;
}();

class ble_discovery_test : public testing::Test {
protected:
  void SetUp() override {
    auto why = mock_.start();
    ASSERT_EQ(why, "") << why;
    mock_.add_adapter("hci0");
    cfg_.bus_address = mock_.address();
  }

  void TearDown() override {
    source_.reset();
    mock_.shut_down();
  }

  void start_source() {
    source_ = std::make_unique<bluez_discovery>(cfg_);
    auto err = source_->start(rec_.sink());
    ASSERT_FALSE(err) << kagami::detail_of(err);
  }

  /// A device with the allowed DIS strings; returns its object path.
  std::string add_allowed_sensor(const std::string& address) {
    auto path = mock_.add_device(address);
    mock_.add_dis(path, allowed_profile.vendor, allowed_profile.product,
                  allowed_profile.serial, allowed_profile.firmware,
                  allowed_profile.hardware);
    return path;
  }

  caf::expected<device_profile> fetch(const device_sighting& s,
                                      std::chrono::milliseconds t = 3s) {
    ble_dis_fetcher fetcher{cfg_};
    return fetcher.fetch(s, t);
  }

  /// A sighting as bluez_discovery makes it, for fetcher-only tests.
  static device_sighting sighting_for(const std::string& path,
                                      const std::string& mac) {
    device_sighting s;
    s.source = discovery_kind::ble;
    s.mac = mac;
    s.seen_on = "bluez:" + path;
    s.locator = path;
    return s;
  }

  bluez_mock mock_;
  ble_config cfg_;
  recorder rec_;
  std::unique_ptr<bluez_discovery> source_;
};

} // namespace

TEST_F(ble_discovery_test, sensor_present_at_start_is_seen_and_profiled) {
  auto path = add_allowed_sensor("AA:BB:CC:00:00:01");
  start_source();
  auto s = rec_.wait_seen("aa:bb:cc:00:00:01");
  ASSERT_TRUE(s) << "GetManagedObjects did not yield the sensor";
  EXPECT_EQ(s->source, discovery_kind::ble);
  EXPECT_EQ(s->address, "");
  EXPECT_EQ(s->locator, path);
  EXPECT_EQ(s->seen_on, "bluez:" + path);
  EXPECT_FALSE(s->profile);
  EXPECT_EQ(s->fingerprint.size(), 16u);
  auto profile = fetch(*s);
  ASSERT_TRUE(profile) << kagami::detail_of(profile.error());
  EXPECT_EQ(*profile, allowed_profile);
}

TEST_F(ble_discovery_test, sensor_added_later_is_seen_through_interfaces_added) {
  start_source();
  // Give GetManagedObjects time to come back empty first.
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(rec_.seen().empty());
  auto path = add_allowed_sensor("AA:BB:CC:00:00:02");
  auto s = rec_.wait_seen("aa:bb:cc:00:00:02");
  ASSERT_TRUE(s) << "InterfacesAdded did not yield the sensor";
  EXPECT_EQ(s->locator, path);
  auto profile = fetch(*s);
  ASSERT_TRUE(profile) << kagami::detail_of(profile.error());
  EXPECT_EQ(*profile, allowed_profile);
}

TEST_F(ble_discovery_test, services_resolved_re_reports_with_a_new_fingerprint) {
  auto path = mock_.add_device("AA:BB:CC:00:00:03");
  start_source();
  auto first = rec_.wait_seen("aa:bb:cc:00:00:03");
  ASSERT_TRUE(first);
  mock_.set_property(path, "org.bluez.Device1", "ServicesResolved",
                     sdbus::Variant{true});
  auto second = rec_.wait_seen("aa:bb:cc:00:00:03", 1);
  ASSERT_TRUE(second) << "PropertiesChanged(ServicesResolved) did not re-report";
  EXPECT_NE(second->fingerprint, first->fingerprint);
  EXPECT_EQ(second->locator, first->locator);
  // An unrelated property (RSSI) changes nothing the fingerprint covers.
  mock_.set_property(path, "org.bluez.Device1", "RSSI",
                     sdbus::Variant{int16_t{-40}});
  EXPECT_FALSE(rec_.wait_seen("aa:bb:cc:00:00:03", 2, 300ms));
}

TEST_F(ble_discovery_test, links_coming_up_and_going_down_are_reported) {
  auto path = mock_.add_device("AA:BB:CC:00:00:09");
  start_source();
  ASSERT_TRUE(rec_.wait_seen("aa:bb:cc:00:00:09"));
  EXPECT_TRUE(rec_.wait_links(1, 300ms).empty()) << "a device not connected is no link";
  mock_.set_property(path, "org.bluez.Device1", "Connected", sdbus::Variant{true});
  auto links = rec_.wait_links(1);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0], "aa:bb:cc:00:00:09 bluez:" + path + " up");
  mock_.set_property(path, "org.bluez.Device1", "Connected", sdbus::Variant{false});
  links = rec_.wait_links(2);
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[1], "aa:bb:cc:00:00:09 bluez:" + path + " down");
  // A link is not a new sighting: the fingerprint does not cover it.
  EXPECT_FALSE(rec_.wait_seen("aa:bb:cc:00:00:09", 1, 300ms));
  // Connected of the wrong D-Bus type is a rejection, not a link.
  mock_.set_property(path, "org.bluez.Device1", "Connected", sdbus::Variant{std::string{"yes"}});
  EXPECT_TRUE(rec_.wait_rejected(path));
  EXPECT_EQ(rec_.wait_links(3, 300ms).size(), 2u);
}

TEST_F(ble_discovery_test, a_device_is_blocked_and_unblocked_with_a_read_back) {
  auto path = mock_.add_device("AA:BB:CC:00:00:0A");
  using kagami::protocols::ble::block_device;
  auto blocked = [&] {
    auto conn = sdbus::createSessionBusConnectionWithAddress(mock_.address());
    auto proxy = sdbus::createProxy(*conn, "org.bluez", path);
    sdbus::Variant v = proxy->getProperty("Blocked").onInterface("org.bluez.Device1");
    return v.get<bool>();
  };
  ASSERT_FALSE(block_device(mock_.address(), path));
  EXPECT_TRUE(blocked());
  ASSERT_FALSE(block_device(mock_.address(), path, 2s, false));
  EXPECT_FALSE(blocked());
  EXPECT_EQ(kagami::code_of(block_device(mock_.address(), "not a path")),
            kagami::ec::invalid_value);
  EXPECT_EQ(kagami::code_of(block_device(mock_.address(), "/org/bluez/hci0/dev_00_00")),
            kagami::ec::device_error);
  EXPECT_EQ(kagami::code_of(block_device("unix:path=/nonexistent/bus", path)),
            kagami::ec::unavailable);
}

TEST_F(ble_discovery_test, wrong_dis_strings_are_delivered_as_they_are) {
  auto path = mock_.add_device("AA:BB:CC:00:00:04");
  mock_.add_dis(path, "Evil Clone Inc", "KS-BLE1", "X-9", "6.6.6", "Z");
  start_source();
  auto s = rec_.wait_seen("aa:bb:cc:00:00:04");
  ASSERT_TRUE(s);
  auto profile = fetch(*s);
  ASSERT_TRUE(profile) << kagami::detail_of(profile.error());
  EXPECT_EQ(profile->vendor, "Evil Clone Inc");
  EXPECT_EQ(profile->product, "KS-BLE1");
  EXPECT_EQ(profile->serial, "X-9");
  EXPECT_EQ(profile->firmware, "6.6.6");
  EXPECT_EQ(profile->hardware, "Z");
  EXPECT_NE(*profile, allowed_profile);
}

TEST_F(ble_discovery_test, trailing_nuls_are_stripped_and_missing_fields_empty) {
  auto path = mock_.add_device("AA:BB:CC:00:00:05");
  using std::string_literals::operator""s;
  mock_.add_gatt_service(
    path, bluez_mock::sig_uuid("180a"),
    {{bluez_mock::sig_uuid("2a29"), bluez_mock::read_value("Kagami\0\0"s)},
     {bluez_mock::sig_uuid("2a24"), bluez_mock::read_value("KS-BLE1")}});
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:05"));
  ASSERT_TRUE(profile) << kagami::detail_of(profile.error());
  EXPECT_EQ(profile->vendor, "Kagami");
  EXPECT_EQ(profile->product, "KS-BLE1");
  EXPECT_EQ(profile->serial, "");
  EXPECT_EQ(profile->firmware, "");
}

TEST_F(ble_discovery_test, oversized_value_is_a_bad_reply) {
  auto path = mock_.add_device("AA:BB:CC:00:00:06");
  mock_.add_dis(path, std::string(129, 'K'), "KS-BLE1", "1", "1.0.2", "A");
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:06"));
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
  auto detail = kagami::detail_of(profile.error());
  EXPECT_NE(detail.find("2a29"), std::string::npos) << detail;
  EXPECT_NE(detail.find("129 bytes"), std::string::npos) << detail;
}

TEST_F(ble_discovery_test, value_longer_than_an_att_value_is_a_bad_reply) {
  auto path = mock_.add_device("AA:BB:CC:00:00:16");
  mock_.add_dis(path, "Kagami Sim Works", std::string(600, 'M'), "1", "1", "A");
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:16"));
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
  auto detail = kagami::detail_of(profile.error());
  EXPECT_NE(detail.find("2a24"), std::string::npos) << detail;
}

TEST_F(ble_discovery_test, invalid_utf8_is_a_bad_reply) {
  auto path = mock_.add_device("AA:BB:CC:00:00:07");
  mock_.add_dis(path, "Kagami Sim Works", "KS-\xff\xfe", "1", "1.0.2", "A");
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:07"));
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
  auto detail = kagami::detail_of(profile.error());
  EXPECT_NE(detail.find("model number (2a24)"), std::string::npos) << detail;
  EXPECT_NE(detail.find("UTF-8"), std::string::npos) << detail;
}

TEST_F(ble_discovery_test, control_character_is_a_bad_reply) {
  auto path = mock_.add_device("AA:BB:CC:00:00:08");
  mock_.add_dis(path, "Kagami Sim Works", "KS-BLE1", "1", "1.0.2\n", "A");
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:08"));
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
  auto detail = kagami::detail_of(profile.error());
  EXPECT_NE(detail.find("2a26"), std::string::npos) << detail;
  EXPECT_NE(detail.find("control"), std::string::npos) << detail;
}

TEST_F(ble_discovery_test, read_value_of_the_wrong_type_is_a_bad_reply) {
  auto path = mock_.add_device("AA:BB:CC:00:00:09");
  mock_.add_gatt_service(path, bluez_mock::sig_uuid("180a"),
                         {{bluez_mock::sig_uuid("2a29"),
                           bluez_mock::method{"ReadValue", "a{sv}", "s",
                                              "ret = 'Kagami Sim Works'"}}});
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:09"));
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
  EXPECT_NE(kagami::detail_of(profile.error()).find("not ay"),
            std::string::npos)
    << kagami::detail_of(profile.error());
}

TEST_F(ble_discovery_test, device_without_dis_is_a_bad_reply) {
  auto path = mock_.add_device("AA:BB:CC:00:00:0A");
  // A battery service only, and another device's DIS that must not count.
  mock_.add_gatt_service(path, bluez_mock::sig_uuid("180f"),
                         {{bluez_mock::sig_uuid("2a19"),
                           bluez_mock::read_value("\x64")}});
  add_allowed_sensor("AA:BB:CC:00:00:0B");
  start_source();
  auto s = rec_.wait_seen("aa:bb:cc:00:00:0a");
  ASSERT_TRUE(s);
  auto profile = fetch(*s);
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
  EXPECT_EQ(kagami::detail_of(profile.error()), "no Device Information Service");
}

TEST_F(ble_discovery_test, address_of_the_wrong_dbus_type_is_rejected) {
  start_source();
  const std::string bad_path = "/org/bluez/hci0/dev_AA_BB_CC_00_00_0C";
  mock_.add_object(bad_path, "org.bluez.Device1",
                   {{"Address", sdbus::Variant{int32_t{12}}},
                    {"ServicesResolved", sdbus::Variant{true}}},
                   {});
  auto r = rec_.wait_rejected(bad_path);
  ASSERT_TRUE(r) << "a Device1 with an int32 Address was not rejected";
  EXPECT_EQ(r->kind, discovery_kind::ble);
  EXPECT_NE(r->reason.find("Address"), std::string::npos) << r->reason;
  EXPECT_NE(r->reason.find("\"i\""), std::string::npos) << r->reason;
  // The source lives on: a good sensor added afterwards is still seen, and
  // the bad one never was.
  add_allowed_sensor("AA:BB:CC:00:00:0D");
  ASSERT_TRUE(rec_.wait_seen("aa:bb:cc:00:00:0d"));
  for (auto& s : rec_.seen())
    EXPECT_NE(s.locator, bad_path);
  // The fetcher refuses it too.
  auto profile = fetch(sighting_for(bad_path, ""));
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_bad_reply);
}

TEST_F(ble_discovery_test, malformed_and_oversized_addresses_are_rejected) {
  const std::string p1 = "/org/bluez/hci0/dev_1";
  const std::string p2 = "/org/bluez/hci0/dev_2";
  mock_.add_object(p1, "org.bluez.Device1",
                   {{"Address", sdbus::Variant{std::string{"not-a-mac"}}}}, {},
                   false);
  mock_.add_object(p2, "org.bluez.Device1",
                   {{"Address", sdbus::Variant{std::string(100000, 'A')}}}, {},
                   false);
  start_source();
  auto r1 = rec_.wait_rejected(p1);
  auto r2 = rec_.wait_rejected(p2);
  ASSERT_TRUE(r1);
  ASSERT_TRUE(r2);
  EXPECT_NE(r1->reason.find("not a BD address"), std::string::npos) << r1->reason;
  EXPECT_LT(r2->reason.size(), 400u) << "the reason must not echo the value";
  EXPECT_TRUE(rec_.seen().empty());
}

TEST_F(ble_discovery_test, too_many_objects_are_rejected_as_a_whole) {
  for (int i = 0; i < 5; ++i) {
    char mac[32];
    std::snprintf(mac, sizeof(mac), "AA:BB:CC:00:01:%02X", i);
    mock_.add_device(mac);
  }
  cfg_.limits.max_objects = 4;
  start_source();
  auto r = rec_.wait_rejected("org.bluez /");
  ASSERT_TRUE(r);
  EXPECT_NE(r->reason.find("limit 4"), std::string::npos) << r->reason;
  EXPECT_TRUE(rec_.seen().empty());
}

TEST_F(ble_discovery_test, too_many_devices_are_rejected_one_by_one) {
  cfg_.limits.max_devices = 2;
  start_source();
  std::this_thread::sleep_for(100ms);
  mock_.add_device("AA:BB:CC:00:02:01");
  mock_.add_device("AA:BB:CC:00:02:02");
  auto third = mock_.add_device("AA:BB:CC:00:02:03");
  auto r = rec_.wait_rejected(third);
  ASSERT_TRUE(r);
  EXPECT_NE(r->reason.find("more than 2"), std::string::npos) << r->reason;
  EXPECT_TRUE(rec_.wait_seen("aa:bb:cc:00:02:02"));
  EXPECT_FALSE(rec_.wait_seen("aa:bb:cc:00:02:03", 0, 200ms));
}

TEST_F(ble_discovery_test, slow_read_value_is_a_timeout_within_the_bound) {
  auto path = mock_.add_device("AA:BB:CC:00:00:0E");
  mock_.add_gatt_service(path, bluez_mock::sig_uuid("180a"),
                         {{bluez_mock::sig_uuid("2a29"),
                           bluez_mock::method{"ReadValue", "a{sv}", "ay",
                                              "import time\ntime.sleep(2)\n"
                                              "ret = b'late'"}}});
  auto t0 = std::chrono::steady_clock::now();
  auto profile = fetch(sighting_for(path, "aa:bb:cc:00:00:0e"), 300ms);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(profile);
  EXPECT_EQ(kagami::code_of(profile.error()), ec::device_timeout)
    << kagami::detail_of(profile.error());
  EXPECT_LT(took, 1500ms);
}

TEST_F(ble_discovery_test, fetcher_refuses_foreign_sightings_and_wrong_devices) {
  auto path = add_allowed_sensor("AA:BB:CC:00:00:0F");
  auto s = sighting_for(path, "aa:bb:cc:00:00:0f");
  s.source = discovery_kind::upnp;
  EXPECT_EQ(kagami::code_of(fetch(s).error()), ec::invalid_value);
  s = sighting_for("http://10.0.0.1/desc.xml", "aa:bb:cc:00:00:0f");
  EXPECT_EQ(kagami::code_of(fetch(s).error()), ec::invalid_value);
  // The object at the locator is a different device than the sighting named.
  s = sighting_for(path, "aa:bb:cc:00:00:99");
  auto p = fetch(s);
  ASSERT_FALSE(p);
  EXPECT_EQ(kagami::code_of(p.error()), ec::device_bad_reply);
  s = sighting_for("/org/bluez/hci0/dev_00_00_00_00_00_00", "");
  EXPECT_EQ(kagami::code_of(fetch(s).error()), ec::not_found);
}

TEST_F(ble_discovery_test, stop_is_prompt_and_idempotent) {
  start_source();
  std::this_thread::sleep_for(100ms);
  auto t0 = std::chrono::steady_clock::now();
  source_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  source_->stop();
  source_->refresh(); // harmless after stop
}

TEST_F(ble_discovery_test, refresh_lists_again_without_duplicates) {
  add_allowed_sensor("AA:BB:CC:00:00:10");
  start_source();
  ASSERT_TRUE(rec_.wait_seen("aa:bb:cc:00:00:10"));
  source_->refresh();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(rec_.seen().size(), 1u) << "an unchanged device is reported once";
}

TEST_F(ble_discovery_test, rematch_interval_reports_unchanged_devices_again) {
  cfg_.rematch_interval = 400ms;
  add_allowed_sensor("AA:BB:CC:00:00:20");
  auto t0 = std::chrono::steady_clock::now();
  start_source();
  auto first = rec_.wait_seen("aa:bb:cc:00:00:20");
  ASSERT_TRUE(first);
  auto t1 = std::chrono::steady_clock::now();
  // Not before the interval, then once per interval, unchanged.
  EXPECT_FALSE(rec_.wait_seen("aa:bb:cc:00:00:20", 1, 300ms));
  auto second = rec_.wait_seen("aa:bb:cc:00:00:20", 1, 2s);
  ASSERT_TRUE(second) << "no rematch report";
  auto t2 = std::chrono::steady_clock::now();
  auto third = rec_.wait_seen("aa:bb:cc:00:00:20", 2, 2s);
  ASSERT_TRUE(third);
  auto t3 = std::chrono::steady_clock::now();
  source_->stop();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(*third, *first);
  EXPECT_GE(t2 - t1, 350ms);
  EXPECT_LE(t2 - t0, 1500ms);
  EXPECT_GE(t3 - t2, 350ms);
  // The rematch is what lets onboarding see a DIS change: the sighting
  // still locates the device for a fresh read.
  auto profile = fetch(*third);
  ASSERT_TRUE(profile) << kagami::detail_of(profile.error());
  EXPECT_EQ(*profile, allowed_profile);
}

TEST_F(ble_discovery_test, a_throwing_sink_does_not_end_the_source) {
  cfg_.rematch_interval = 300ms;
  add_allowed_sensor("AA:BB:CC:00:00:21");
  auto sink = rec_.sink();
  auto seen = sink.seen;
  auto calls = std::make_shared<std::atomic<int>>(0);
  sink.seen = [calls, seen](device_sighting s) {
    if (++*calls == 1)
      throw std::runtime_error{"onboarding queue gone"};
    seen(std::move(s));
  };
  source_ = std::make_unique<bluez_discovery>(cfg_);
  ASSERT_FALSE(source_->start(sink));
  auto r = rec_.wait_rejected("org.bluez /");
  ASSERT_TRUE(r) << "the throw was not reported";
  EXPECT_EQ(r->kind, discovery_kind::ble);
  EXPECT_EQ(r->reason, "internal error: onboarding queue gone");
  // The loop still runs: a new device is seen, and the one whose report
  // threw is reported again (here by the rematch).
  add_allowed_sensor("AA:BB:CC:00:00:22");
  EXPECT_TRUE(rec_.wait_seen("aa:bb:cc:00:00:22"));
  EXPECT_TRUE(rec_.wait_seen("aa:bb:cc:00:00:21", 0, 2s));
}

TEST(ble_discovery_start, unreachable_bus_fails_with_a_reason) {
  ble_config cfg;
  cfg.bus_address = "unix:path=/nonexistent/kagami/bus";
  bluez_discovery source{cfg};
  recorder rec;
  auto err = source.start(rec.sink());
  ASSERT_TRUE(err);
  EXPECT_EQ(kagami::code_of(err), ec::unavailable);
  cfg.bus_address = "bogus";
  bluez_discovery other{cfg};
  EXPECT_EQ(kagami::code_of(other.start(rec.sink())), ec::invalid_value);
  cfg.rematch_interval = -1ms;
  bluez_discovery negative{cfg};
  EXPECT_EQ(kagami::code_of(negative.start(rec.sink())), ec::invalid_value);
}
