// The HTTP/JSON adapter against an in-process http_simulator on 127.0.0.1
// with an ephemeral port.

#include "protocols/http_device/http_device_adapter.hpp"

#include <chrono>
#include <variant>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/http_device/reply_parser.hpp"
#include "tests/unit/protocols/test_models.hpp"
#include "tools/devsim/http_simulator.hpp"

using namespace kagami;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr auto timeout = 300ms;

devsim::http_sim_config sim_config() {
  auto parsed = devsim::parse_http_sim_config(R"({
    "documents": {
      "/state": {"humidity": 45.5, "temperature": 21.25, "nested": {"list": [1, 2]}},
      "/config": {"reportIntervalS": 10}
    },
    "writable": {
      "/config/reportIntervalS": {"document": "/config", "pointer": "/reportIntervalS",
                                  "type": "integer", "minimum": 1, "maximum": 3600}
    },
    "actions": {
      "/calibrate": {"reply": {"calibrated": true},
                     "storeInput": {"document": "/config", "pointer": "/reference"}},
      "/reboot": {"method": "PUT"},
      "/broken-action": {"status": 500}
    },
    "raw": {
      "/bad-json": {"body": "{\"humidity\": "},
      "/html": {"contentType": "text/html", "body": "<html></html>"}
    }
  })", "test");
  return std::get<devsim::http_sim_config>(parsed);
}

struct sensor_model {
  config::property_model humidity = test::http_property("humidity", "/state", "/humidity");
  config::property_model temperature
    = test::http_property("temperature", "/state", "/temperature");
  config::property_model interval = test::http_property(
    "reportIntervalS", "/config", "/reportIntervalS", "/config/reportIntervalS");
  config::property_model nested = test::http_property("nested", "/state", "/nested/list/1");
  config::property_model missing = test::http_property("missing", "/state", "/nope");
  config::property_model bad_json = test::http_property("badJson", "/bad-json", "/humidity");
  config::property_model html = test::http_property("html", "/html", "");
  config::property_model not_found = test::http_property("notFound", "/nothing", "");
  config::action_model calibrate = test::http_action("calibrate", "POST", "/calibrate");
  config::action_model reboot = test::http_action("reboot", "PUT", "/reboot");
  config::action_model broken = test::http_action("broken", "POST", "/broken-action");

  config::device_model model() const {
    config::device_model m;
    m.id = "test-sensor";
    m.protocol = config::device_protocol::http_json;
    m.properties = {humidity, temperature, interval, nested, missing,
                    bad_json, html, not_found};
    m.actions = {calibrate, reboot, broken};
    return m;
  }
};

template <class T>
ec code(const caf::expected<T>& x) {
  return x ? ec::none : code_of(x.error());
}

ec code(const caf::error& err) {
  return err ? code_of(err) : ec::none;
}

class http_device_adapter_test : public ::testing::Test {
protected:
  void SetUp() override {
    auto started = devsim::http_simulator::start(sim_config());
    ASSERT_TRUE(started) << detail_of(started.error());
    sim = std::move(*started);
    sim->state().pause_dynamics(true);
    adapter = make(sim->device_address());
  }

  std::unique_ptr<protocols::device_adapter> make(const std::string& address) {
    protocols::adapter_options opts;
    opts.timeout = timeout;
    auto a = protocols::http_device::make_http_device_adapter(test::device(address),
                                                              sensor.model(), opts);
    EXPECT_TRUE(a) << detail_of(a.error());
    return a ? std::move(*a) : nullptr;
  }

  sensor_model sensor;
  std::unique_ptr<devsim::http_simulator> sim;
  std::unique_ptr<protocols::device_adapter> adapter;
};

} // namespace

TEST_F(http_device_adapter_test, reads_values_by_pointer) {
  EXPECT_EQ(*adapter->read(sensor.humidity), json(45.5));
  EXPECT_EQ(*adapter->read(sensor.temperature), json(21.25));
  EXPECT_EQ(*adapter->read(sensor.interval), json(10));
  EXPECT_EQ(*adapter->read(sensor.nested), json(2));
  sim->state().set("/state", "/humidity", 51.0);
  EXPECT_EQ(*adapter->read(sensor.humidity), json(51.0));
}

TEST_F(http_device_adapter_test, reuses_the_connection) {
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(adapter->read(sensor.humidity));
  EXPECT_EQ(sim->state().requests(), 20u);
  EXPECT_EQ(sim->accepted(), 1u);
}

TEST_F(http_device_adapter_test, read_many_fetches_each_document_once) {
  auto before = sim->state().requests();
  auto values = adapter->read_many({&sensor.humidity, &sensor.temperature,
                                    &sensor.interval, &sensor.nested});
  ASSERT_TRUE(values);
  EXPECT_EQ(*values, (std::vector<json>{json(45.5), json(21.25), json(10), json(2)}));
  EXPECT_EQ(sim->state().requests() - before, 2u); // /state and /config
  auto bad = adapter->read_many({&sensor.humidity, &sensor.missing});
  EXPECT_EQ(code(bad), ec::device_bad_reply);
}

TEST_F(http_device_adapter_test, writes_with_put) {
  ASSERT_FALSE(adapter->write(sensor.interval, json(60)));
  EXPECT_EQ(sim->state().get("/config", "/reportIntervalS"), json(60));
  EXPECT_EQ(*adapter->read(sensor.interval), json(60));
}

TEST_F(http_device_adapter_test, device_rejection_is_a_device_error) {
  auto err = adapter->write(sensor.interval, json(0)); // below the device's minimum
  ASSERT_EQ(code(err), ec::device_error);
  EXPECT_NE(detail_of(err).find("400"), std::string::npos);
  auto x = adapter->read(sensor.not_found);
  ASSERT_EQ(code(x), ec::device_error);
  EXPECT_NE(detail_of(x.error()).find("404"), std::string::npos);
  EXPECT_EQ(code(adapter->invoke(sensor.broken, json{})), ec::device_error);
  // The connection survives error statuses.
  EXPECT_EQ(*adapter->read(sensor.humidity), json(45.5));
}

TEST_F(http_device_adapter_test, read_only_property_is_not_writable) {
  EXPECT_EQ(code(adapter->write(sensor.humidity, json(1))), ec::not_writable);
}

TEST_F(http_device_adapter_test, bad_replies) {
  EXPECT_EQ(code(adapter->read(sensor.bad_json)), ec::device_bad_reply);
  EXPECT_EQ(code(adapter->read(sensor.html)), ec::device_bad_reply);
  EXPECT_EQ(code(adapter->read(sensor.missing)), ec::device_bad_reply);
  devsim::http_raw_reply deep;
  deep.body = std::string(1000, '[') + std::string(1000, ']');
  sim->state().set_raw("/state", deep);
  EXPECT_EQ(code(adapter->read(sensor.humidity)), ec::device_bad_reply);
  devsim::http_raw_reply huge;
  huge.body = "\"" + std::string(protocols::http_device::reply_limits::body_limit, 'x') + "\"";
  sim->state().set_raw("/state", huge);
  EXPECT_EQ(code(adapter->read(sensor.humidity)), ec::device_bad_reply);
  sim->state().set_raw("/state", std::nullopt);
  EXPECT_EQ(*adapter->read(sensor.humidity), json(45.5));
}

TEST_F(http_device_adapter_test, actions) {
  auto out = adapter->invoke(sensor.calibrate, json(50.5));
  ASSERT_TRUE(out) << detail_of(out.error());
  EXPECT_EQ(*out, json({{"calibrated", true}}));
  EXPECT_EQ(sim->state().last_action_input("/calibrate"), json(50.5));
  EXPECT_EQ(sim->state().get("/config", "/reference"), json(50.5));
  // No input, no reply body (204): null.
  auto none = adapter->invoke(sensor.reboot, json{});
  ASSERT_TRUE(none) << detail_of(none.error());
  EXPECT_TRUE(none->is_null());
  EXPECT_EQ(sim->state().action_count("/reboot"), 1u);
}

TEST_F(http_device_adapter_test, slow_device_times_out_within_the_timeout) {
  sim->state().set_reply_delay(timeout * 3);
  auto start = std::chrono::steady_clock::now();
  auto x = adapter->read(sensor.humidity);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(code(x), ec::device_timeout);
  EXPECT_GE(took, timeout - 50ms);
  EXPECT_LT(took, timeout + 3s); // the timeout fired: not a speed check
  sim->state().set_reply_delay(0ms);
  EXPECT_EQ(*adapter->read(sensor.humidity), json(45.5));
}

TEST_F(http_device_adapter_test, stopped_device_times_out_and_recovers) {
  ASSERT_TRUE(adapter->read(sensor.humidity));
  auto port = sim->port();
  sim->stop();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(code(adapter->read(sensor.humidity)), ec::device_timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, timeout + 3s); // the timeout fired: not a speed check
  auto again = devsim::http_simulator::start(sim_config(), "127.0.0.1", port);
  ASSERT_TRUE(again) << detail_of(again.error());
  EXPECT_EQ(*adapter->read(sensor.humidity), json(45.5));
}

TEST(http_device_adapter_config, rejects_bad_devices_and_bindings) {
  sensor_model sensor;
  protocols::adapter_options opts;
  for (auto address : {"127.0.0.1:80", "https://127.0.0.1:443", "http://127.0.0.1",
                       "http://127.0.0.1:80/base", "http://127.0.0.1:0"}) {
    SCOPED_TRACE(address);
    auto a = protocols::http_device::make_http_device_adapter(test::device(address),
                                                              sensor.model(), opts);
    ASSERT_FALSE(a);
    EXPECT_EQ(code_of(a.error()), ec::config_invalid);
  }
  auto with = [&](auto change) {
    auto m = sensor.model();
    change(m);
    return code(protocols::http_device::make_http_device_adapter(
      test::device("http://127.0.0.1:80"), m, opts));
  };
  EXPECT_EQ(with([](config::device_model&) {}), ec::none);
  EXPECT_EQ(with([](config::device_model& m) {
              m.properties.push_back(test::http_property("x", "state", ""));
            }),
            ec::config_invalid);
  EXPECT_EQ(with([](config::device_model& m) {
              m.properties.push_back(test::http_property("x", "/a b", ""));
            }),
            ec::config_invalid);
  EXPECT_EQ(with([](config::device_model& m) {
              m.properties.push_back(test::http_property("x", "/a", "nope"));
            }),
            ec::config_invalid);
  EXPECT_EQ(with([](config::device_model& m) {
              m.properties.push_back(test::http_property("x", "/a", "", "/a\r\nX: y"));
            }),
            ec::config_invalid);
  EXPECT_EQ(with([](config::device_model& m) {
              m.actions.push_back(test::http_action("x", "FROB", "/a"));
            }),
            ec::config_invalid);
}
