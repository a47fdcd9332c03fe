#pragma once

// Test fixture: a site on 127.0.0.1 made of real processes. kagami-devsim
// runs a Modbus PLC (fixed register values) and an HTTP sensor; kagamid
// serves them from a site config written into a fresh temp directory. The
// test talks to kagamid over raw HTTP and to the simulators directly (libmodbus,
// HTTP) to check what really reached the device.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <modbus.h>
#include <nlohmann/json.hpp>

#include "tests/integration/child_process.hpp"
#include "tests/integration/raw_http_client.hpp"
#include "tests/integration/open_security.hpp"

namespace kagami::test {

inline const std::string source_dir = KAGAMI_SOURCE_DIR;
inline const std::string kagamid_bin = KAGAMID_BIN;
inline const std::string devsim_bin = DEVSIM_BIN;

/// "127.0.0.1:4711" -> 4711; "http://127.0.0.1:4711" -> 4711.
inline uint16_t port_of(const std::string& address) {
  return static_cast<uint16_t>(std::stoul(address.substr(address.rfind(':') + 1)));
}

/// A direct Modbus/TCP client to a simulator, bypassing the gateway.
class modbus_probe {
public:
  explicit modbus_probe(uint16_t port) {
    ctx_ = modbus_new_tcp("127.0.0.1", port);
    if (ctx_ && modbus_connect(ctx_) != 0) {
      modbus_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~modbus_probe() {
    if (ctx_) {
      modbus_close(ctx_);
      modbus_free(ctx_);
    }
  }
  bool ok() const { return ctx_ != nullptr; }
  int holding(int address) {
    uint16_t v = 0;
    return modbus_read_registers(ctx_, address, 1, &v) == 1 ? v : -1;
  }
  bool set_holding(int address, uint16_t v) {
    return modbus_write_register(ctx_, address, v) == 1;
  }
  int coil(int address) {
    uint8_t v = 0;
    return modbus_read_bits(ctx_, address, 1, &v) == 1 ? v : -1;
  }

private:
  modbus_t* ctx_ = nullptr;
};

struct http_result {
  unsigned status = 0;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// One request over a fresh connection.
inline http_result http_call(uint16_t port, const std::string& method,
                             const std::string& target, const std::string& body = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty() || method == "PUT" || method == "POST")
    req += "Content-Type: application/json\r\nContent-Length: "
           + std::to_string(body.size()) + "\r\n";
  req += "Connection: close\r\n\r\n" + body;
  auto r = kagami::test::exchange(port, req, timeout);
  if (!r)
    return {};
  return {r->status, r->body};
}

class gateway_fixture : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path()
          / ("kagami-it-" + std::to_string(getpid()) + "-"
             + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto data = source_dir + "/tests/data/integration/";
    auto plc_addr = plc.start({devsim_bin, "modbus", "--config", data + "devsim-plc-static.json",
                               "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(plc_addr) << "devsim modbus did not start";
    plc_port = port_of(*plc_addr);
    auto sensor_addr = sensor.start({devsim_bin, "http", "--config",
                                     data + "devsim-sensor-static.json", "--listen",
                                     "127.0.0.1:0"});
    ASSERT_TRUE(sensor_addr) << "devsim http did not start";
    sensor_port = port_of(*sensor_addr);
    write_site();
    start_gateway();
  }

  void TearDown() override {
    if (gateway.running()) {
      EXPECT_EQ(gateway.stop(), 0) << "kagamid did not stop cleanly on SIGTERM";
    }
    plc.stop();
    sensor.stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  /// Writes site.json with every device but those in `leave_out`.
  void write_site(const std::set<std::string>& leave_out = {}) {
    nlohmann::json site = {
      {"site", "integration"},
      {"listen", "127.0.0.1:0"},
      {"dataDir", (dir / "data").string()},
      {"timeouts", {{"deviceMs", 500}, {"requestMs", 2000}}},
      {"models", {source_dir + "/config/models/line-plc.json",
                  source_dir + "/config/models/env-sensor.json",
                  source_dir + "/tests/data/integration/faulty-plc.json"}},
      {"devices", nlohmann::json::array()},
      {"security", open_security()},
    };
    nlohmann::json all = {
        {{"id", "plc-1"}, {"title", "Press line PLC"}, {"model", "line-plc"},
         {"address", "127.0.0.1:" + std::to_string(plc_port)}},
        {{"id", "plc-2"}, {"model", "faulty-plc"},
         {"address", "127.0.0.1:" + std::to_string(plc_port)}},
        {{"id", "sensor-1"}, {"model", "env-sensor"},
         {"address", "http://127.0.0.1:" + std::to_string(sensor_port)}},
      };
    for (auto& dev : all)
      if (!leave_out.count(dev["id"]))
        site["devices"].push_back(dev);
    std::ofstream{dir / "site.json"} << site.dump(2);
  }

  void start_gateway() {
    auto url = gateway.start({kagamid_bin, "--config", (dir / "site.json").string()});
    ASSERT_TRUE(url) << "kagamid did not start";
    port = port_of(*url);
  }

  http_result get(const std::string& target) { return http_call(port, "GET", target); }
  http_result put(const std::string& target, const std::string& body) {
    return http_call(port, "PUT", target, body);
  }
  http_result post(const std::string& target, const std::string& body = {}) {
    return http_call(port, "POST", target, body);
  }

  std::filesystem::path dir;
  child_process plc;
  child_process sensor;
  child_process gateway;
  uint16_t plc_port = 0;
  uint16_t sensor_port = 0;
  uint16_t port = 0;
};

} // namespace kagami::test
