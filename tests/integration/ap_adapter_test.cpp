// The AP adapter (protocols/wifi_ap/ap_adapter) against kagami-devsim ap
// processes on 127.0.0.1: neighbours, counters, cuts verified by reading
// back, a cut whose link cannot go down, each fault mode of the simulator as
// a clear error value within the timeout, an AP that is not there, and the
// kagami-ap-probe command line. Link actions use interface names that do not
// exist, so nothing on this machine goes down; the lab test
// (tests/lab/ap_lab_test.cpp) cuts real links.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/wifi_ap/ap_adapter.hpp"
#include "tests/integration/child_process.hpp"
#include "tests/integration/shell_command.hpp"

#ifndef DEVSIM_BIN
#error "DEVSIM_BIN must name kagami-devsim"
#endif
#ifndef AP_PROBE_BIN
#error "AP_PROBE_BIN must name kagami-ap-probe"
#endif

using namespace std::chrono_literals;
using namespace kagami;
namespace wifi = kagami::protocols::wifi_ap;
using network::cut_action;
using network::cut_order;

namespace {

constexpr const char* base_config = R"({
  "radios": [{"id": "radio0", "band": "2.4GHz"}, {"id": "radio1", "band": "5GHz"}],
  "ssids": [{"name": "factory-iot", "radio": "radio0"},
            {"name": "factory-cam", "radio": "radio1"},
            {"name": "spare", "radio": "radio1"}],
  "clients": [{"mac": "02:99:00:00:00:31", "ssid": "factory-iot", "rssi": -48},
              {"mac": "02:99:00:00:00:32", "ssid": "factory-cam"},
              {"mac": "02:99:00:00:00:33", "ssid": "factory-iot", "link": "kgnolink0"}]
  FAULT
})";

/// A kagami-devsim ap process with `fault` ("" for none) on 127.0.0.1.
class ap_process {
public:
  explicit ap_process(const std::string& fault_members = "") {
    std::string text = base_config;
    auto at = text.find("FAULT");
    text.replace(at, 5, fault_members.empty() ? "" : ", " + fault_members);
    char dir_template[] = "/tmp/kagami-ap-test-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    file_ = dir_ + "/ap.json";
    std::ofstream{file_} << text;
    auto ready = proc_.start({DEVSIM_BIN, "ap", "--config", file_, "--listen", "127.0.0.1:0"});
    if (ready && ready->rfind("ap ", 0) == 0)
      address_ = ready->substr(3);
  }
  ~ap_process() {
    proc_.stop();
    std::remove(file_.c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& address() const {
    return address_;
  }

private:
  std::string dir_, file_, address_;
  test::child_process proc_;
};

std::unique_ptr<wifi::ap_adapter> make_adapter(const std::string& address,
                                               std::chrono::milliseconds timeout = 2s) {
  wifi::ap_model_registry registry;
  EXPECT_FALSE(wifi::register_builtin_ap_models(registry));
  wifi::ap_adapter_config cfg;
  cfg.element_id = "ap1";
  cfg.management_address = address;
  cfg.chassis_mac = "02-99-00-00-00-20";
  cfg.timeout = timeout;
  auto made = wifi::ap_adapter::make(cfg, registry);
  if (!made) {
    ADD_FAILURE() << detail_of(made.error());
    return nullptr;
  }
  return std::move(*made);
}

cut_order order(cut_action action, std::string target) {
  return cut_order{"order-1", action, std::move(target)};
}

/// The error of `x`, which must have failed.
template <class T>
caf::error error_of(const caf::expected<T>& x) {
  if (x)
    ADD_FAILURE() << "succeeded";
  return x ? caf::error{} : x.error();
}

template <class F>
std::chrono::milliseconds timed(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - t0);
}

} // namespace

TEST(ap_adapter, reads_the_clients_as_a_neighbour_report) {
  ap_process ap;
  ASSERT_FALSE(ap.address().empty());
  auto adapter = make_adapter(ap.address());
  ASSERT_TRUE(adapter);
  auto reading = adapter->read_neighbours();
  ASSERT_TRUE(reading) << detail_of(reading.error());
  EXPECT_TRUE(reading->degraded.empty());
  auto& report = reading->report;
  EXPECT_EQ(report.reporter.id, "ap1");
  EXPECT_EQ(report.reporter.kind, topology::element_kind::access_point);
  EXPECT_EQ(report.reporter.chassis_mac, "02:99:00:00:00:20");
  EXPECT_EQ(report.reporter.management_address, "127.0.0.1");
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  EXPECT_NEAR(static_cast<double>(report.observed_at_ms), static_cast<double>(now), 10000.0);
  ASSERT_EQ(report.ports.size(), 2u);
  EXPECT_EQ(report.ports[0].port_id, 1u);
  EXPECT_EQ(report.ports[0].name, "radio0");
  ASSERT_EQ(report.ports[0].clients.size(), 2u);
  EXPECT_EQ(report.ports[0].clients[0].mac, "02:99:00:00:00:31");
  EXPECT_EQ(report.ports[0].clients[0].ssid, "factory-iot");
  EXPECT_EQ(report.ports[0].clients[1].mac, "02:99:00:00:00:33");
  EXPECT_EQ(report.ports[1].port_id, 2u);
  ASSERT_EQ(report.ports[1].clients.size(), 1u);
  EXPECT_EQ(report.ports[1].clients[0].mac, "02:99:00:00:00:32");
  EXPECT_EQ(report.ports[1].clients[0].ssid, "factory-cam");

  EXPECT_EQ(adapter->capabilities(),
            (std::vector<cut_action>{cut_action::client_deauth, cut_action::ssid_off,
                                     cut_action::radio_off}));

  auto counters = adapter->read_counters();
  ASSERT_TRUE(counters) << detail_of(counters.error());
  ASSERT_EQ(counters->ports.size(), 2u);
  EXPECT_EQ(counters->ports[1].name, "radio1");
  EXPECT_EQ(counters->ports[1].admin_status, 1);
  EXPECT_EQ(counters->ports[1].in_octets, 0u);
  ASSERT_EQ(counters->degraded.size(), 1u);
  EXPECT_NE(counters->degraded[0].find("not measured"), std::string::npos);
}

TEST(ap_adapter, cuts_are_verified_by_reading_back) {
  ap_process ap;
  ASSERT_FALSE(ap.address().empty());
  auto adapter = make_adapter(ap.address());
  ASSERT_TRUE(adapter);

  auto deauth = adapter->cut(order(cut_action::client_deauth, "02-99-00-00-00-31"));
  ASSERT_TRUE(deauth) << detail_of(deauth.error());
  EXPECT_TRUE(deauth->applied);
  EXPECT_TRUE(deauth->verified) << deauth->detail;
  auto reading = adapter->read_neighbours();
  ASSERT_TRUE(reading);
  ASSERT_EQ(reading->report.ports[0].clients.size(), 1u);
  EXPECT_EQ(reading->report.ports[0].clients[0].mac, "02:99:00:00:00:33");
  // The client is gone: the AP refuses a second deauth (404).
  auto again = adapter->cut(order(cut_action::client_deauth, "02:99:00:00:00:31"));
  EXPECT_EQ(code_of(error_of(again)), ec::device_error);
  EXPECT_NE(detail_of(error_of(again)).find("404"), std::string::npos);

  // A client whose link cannot go down: not applied, not verified, and why.
  auto stuck = adapter->cut(order(cut_action::client_deauth, "02:99:00:00:00:33"));
  ASSERT_TRUE(stuck) << detail_of(stuck.error());
  EXPECT_FALSE(stuck->applied);
  EXPECT_FALSE(stuck->verified);
  EXPECT_NE(stuck->detail.find("link kgnolink0"), std::string::npos) << stuck->detail;
  EXPECT_NE(stuck->detail.find("still associated"), std::string::npos) << stuck->detail;

  auto ssid = adapter->cut(order(cut_action::ssid_off, "factory-cam"));
  ASSERT_TRUE(ssid) << detail_of(ssid.error());
  EXPECT_TRUE(ssid->applied);
  EXPECT_TRUE(ssid->verified) << ssid->detail;
  auto status = adapter->read_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->clients.size(), 1u);
  EXPECT_FALSE(status->ssids[1].enabled);
  EXPECT_TRUE(status->ssids[2].enabled);

  auto radio = adapter->cut(order(cut_action::radio_off, "radio1"));
  ASSERT_TRUE(radio) << detail_of(radio.error());
  EXPECT_TRUE(radio->applied);
  EXPECT_TRUE(radio->verified) << radio->detail;
  auto counters = adapter->read_counters();
  ASSERT_TRUE(counters);
  EXPECT_EQ(counters->ports[1].admin_status, 2);
  EXPECT_EQ(counters->ports[0].admin_status, 1);

  // What an AP cannot do, and bad targets, fail before any request.
  EXPECT_EQ(code_of(error_of(adapter->cut(order(cut_action::port_down, "3")))),
            ec::not_writable);
  EXPECT_EQ(code_of(error_of(adapter->cut(order(cut_action::client_deauth, "nope")))),
            ec::invalid_value);
  EXPECT_EQ(code_of(error_of(adapter->cut(order(cut_action::radio_off, "radio 1")))),
            ec::invalid_value);
  EXPECT_EQ(code_of(error_of(adapter->cut(order(cut_action::ssid_off, "no-such-ssid")))),
            ec::device_error);
  for (auto a : {cut_action::client_deauth, cut_action::ssid_off, cut_action::radio_off})
    EXPECT_EQ(code_of(error_of(adapter->restore(order(a, "x")))), ec::not_writable);
}

TEST(ap_adapter, each_fault_is_a_clear_error_within_the_timeout) {
  struct row {
    const char* fault;
    ec code;
    const char* detail_part;
  };
  for (auto& r : {row{R"("fault": "garbage")", ec::device_bad_reply, ": not JSON"},
                  row{R"("fault": "wrong-types")", ec::device_bad_reply,
                      "/radios: not an array"},
                  row{R"("fault": "huge")", ec::device_bad_reply,
                      ": reply body longer than 1048576 bytes"},
                  row{R"("fault": "slow", "slowMs": 5000)", ec::device_timeout,
                      "did not answer within 500 ms"}}) {
    SCOPED_TRACE(r.fault);
    ap_process ap{r.fault};
    ASSERT_FALSE(ap.address().empty());
    auto adapter = make_adapter(ap.address(), 500ms);
    ASSERT_TRUE(adapter);
    caf::error err;
    auto took = timed([&] { err = error_of(adapter->read_neighbours()); });
    EXPECT_EQ(code_of(err), r.code) << detail_of(err);
    EXPECT_NE(detail_of(err).find(r.detail_part), std::string::npos) << detail_of(err);
    EXPECT_LT(took, 1500ms);
    took = timed([&] { err = error_of(adapter->read_counters()); });
    EXPECT_EQ(code_of(err), r.code) << detail_of(err);
    EXPECT_LT(took, 1500ms);
  }
}

TEST(ap_adapter, an_ap_that_is_not_there_is_a_timeout_value) {
  // Take a free port, then close it: nothing listens there.
  std::string address;
  {
    ap_process ap;
    address = ap.address();
  }
  ASSERT_FALSE(address.empty());
  auto adapter = make_adapter(address, 500ms);
  ASSERT_TRUE(adapter);
  caf::error err;
  auto took = timed([&] { err = error_of(adapter->read_neighbours()); });
  EXPECT_EQ(code_of(err), ec::device_timeout) << detail_of(err);
  EXPECT_LT(took, 1500ms);
  auto cut = adapter->cut(order(cut_action::client_deauth, "02:99:00:00:00:31"));
  EXPECT_EQ(code_of(error_of(cut)), ec::device_timeout);
}

TEST(ap_adapter, config_errors_name_the_field) {
  wifi::ap_model_registry registry;
  ASSERT_FALSE(wifi::register_builtin_ap_models(registry));
  auto fails = [&](wifi::ap_adapter_config cfg, ec code, const std::string& part) {
    auto made = wifi::ap_adapter::make(cfg, registry);
    ASSERT_FALSE(made) << part;
    EXPECT_EQ(code_of(made.error()), code) << detail_of(made.error());
    EXPECT_NE(detail_of(made.error()).find(part), std::string::npos) << detail_of(made.error());
  };
  wifi::ap_adapter_config good;
  good.element_id = "ap1";
  good.management_address = "10.99.1.20:8090";
  EXPECT_TRUE(wifi::ap_adapter::make(good, registry));
  auto cfg = good;
  cfg.element_id = "";
  fails(cfg, ec::config_invalid, "element_id");
  cfg = good;
  cfg.management_address = "10.99.1.20";
  fails(cfg, ec::config_invalid, "management_address");
  cfg.management_address = "10.99.1.20:0";
  fails(cfg, ec::config_invalid, "management_address");
  cfg = good;
  cfg.timeout = 0ms;
  fails(cfg, ec::config_invalid, "timeout");
  cfg = good;
  cfg.chassis_mac = "02:99";
  fails(cfg, ec::config_invalid, "chassis_mac");
  cfg = good;
  cfg.model = "vendor-x";
  fails(cfg, ec::not_found, "vendor-x");
}

TEST(ap_adapter, the_probe_command_line_is_the_adapter) {
  ap_process ap;
  ASSERT_FALSE(ap.address().empty());
  std::string probe = std::string{AP_PROBE_BIN} + " --address " + ap.address();
  auto r = test::run_shell(probe + " --element ap9 neighbours");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.output;
  EXPECT_EQ(j["reporter"]["id"], "ap9");
  EXPECT_EQ(j["ports"][1]["clients"][0]["mac"], "02:99:00:00:00:32");
  r = test::run_shell(probe + " cut client_deauth 02:99:00:00:00:32");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"verified\": true"), std::string::npos) << r.output;
  r = test::run_shell(probe + " cut client_deauth 02:99:00:00:00:33");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  r = test::run_shell(probe + " cut client_deauth 02:99:00:00:00:32");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("device_error"), std::string::npos) << r.output;
  r = test::run_shell(std::string{AP_PROBE_BIN} + " --address nonsense neighbours");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}
