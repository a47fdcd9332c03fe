// The simulators themselves: HTTP request handling, dynamics, accessors, and
// the kagami-devsim command line.

#include <chrono>
#include <fstream>
#include <thread>
#include <variant>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "tests/integration/child_process.hpp"
#include "tools/devsim/http_sim_state.hpp"
#include "tools/devsim/modbus_simulator.hpp"

using namespace kagami;
using namespace kagami::devsim;
using namespace std::chrono_literals;
using config::modbus_table;
using nlohmann::json;

namespace {

http_sim_config http_config() {
  return std::get<http_sim_config>(parse_http_sim_config(R"({
    "documents": {"/state": {"a": 1.5, "sub": {}}},
    "writable": {"/a": {"document": "/state", "pointer": "/a", "type": "number",
                        "minimum": 0, "maximum": 10}},
    "actions": {"/go": {"reply": {"ok": true}, "storeInput": {"document": "/state",
                                                              "pointer": "/sub/in"}}},
    "raw": {"/bad": {"status": 503, "contentType": "text/plain", "body": "down"}},
    "dynamics": [{"document": "/state", "pointer": "/a",
                  "ramp": {"step": 1, "everyMs": 10, "min": 0, "max": 2}}]
  })", "test"));
}

} // namespace

TEST(http_sim_state, answers_requests) {
  http_sim_state s{http_config()};
  auto get = s.handle("GET", "/state?x=1", "");
  EXPECT_EQ(get.status, 200u);
  EXPECT_EQ(json::parse(get.body), json::parse(R"({"a": 1.5, "sub": {}})"));
  EXPECT_EQ(s.handle("PUT", "/a", "7").status, 204u);
  EXPECT_EQ(s.get("/state", "/a"), json(7));
  EXPECT_EQ(s.handle("PUT", "/a", "11").status, 400u);
  EXPECT_EQ(s.handle("PUT", "/a", "\"x\"").status, 400u);
  EXPECT_EQ(s.handle("PUT", "/a", "{").status, 400u);
  EXPECT_EQ(s.handle("DELETE", "/state", "").status, 405u);
  EXPECT_EQ(s.handle("GET", "/nope", "").status, 404u);
  auto go = s.handle("POST", "/go", R"({"ref": 3})");
  EXPECT_EQ(go.status, 200u);
  EXPECT_EQ(json::parse(go.body), json({{"ok", true}}));
  EXPECT_EQ(s.get("/state", "/sub/in"), json({{"ref", 3}}));
  EXPECT_EQ(s.action_count("/go"), 1u);
  EXPECT_EQ(s.handle("POST", "/go", "not json").status, 400u);
  auto bad = s.handle("GET", "/bad", "");
  EXPECT_EQ(bad.status, 503u);
  EXPECT_EQ(bad.content_type, "text/plain");
  EXPECT_EQ(bad.body, "down");
  EXPECT_FALSE(s.set("/nope", "/a", 1));
  EXPECT_FALSE(s.set("/state", "/x/y", 1));
}

TEST(http_sim_state, ramp_bounces_between_min_and_max) {
  http_sim_state s{http_config()};
  auto t = std::chrono::steady_clock::now();
  std::vector<double> seen;
  for (int i = 0; i < 6; ++i) {
    t += 20ms;
    s.advance(t);
    seen.push_back(s.get("/state", "/a")->get<double>());
  }
  EXPECT_EQ(seen, (std::vector<double>{2, 1, 0, 1, 2, 1}));
}

TEST(modbus_simulator, dynamics_and_accessors) {
  auto cfg = std::get<modbus_sim_config>(parse_modbus_sim_config(R"({
    "holding": [{"address": 0, "type": "int16", "value": 10}],
    "coils": [{"address": 0, "value": false}],
    "dynamics": [
      {"table": "holding", "address": 0, "type": "int16",
       "ramp": {"step": 5, "everyMs": 10, "min": 0, "max": 20}},
      {"table": "holding", "address": 1, "type": "uint32", "order": "little",
       "counter": {"step": 1, "everyMs": 10, "max": 3}},
      {"table": "coils", "address": 0, "toggle": {"everyMs": 10}}]
  })", "test"));
  auto sim = modbus_simulator::start(cfg);
  ASSERT_TRUE(sim) << detail_of(sim.error());
  auto& s = **sim;
  EXPECT_NE(s.port(), 0);
  EXPECT_EQ(s.device_address(), "127.0.0.1:" + std::to_string(s.port()));
  config::modbus_binding temp;
  temp.datatype = config::modbus_datatype::int16;
  config::modbus_binding count;
  count.address = 1;
  count.datatype = config::modbus_datatype::uint32;
  count.order = config::word_order::little;
  std::this_thread::sleep_for(300ms);
  s.pause_dynamics(true);
  auto t = s.get_value(temp);
  ASSERT_TRUE(t);
  EXPECT_GE(*t, 0);
  EXPECT_LE(*t, 20);
  auto c = s.get_value(count);
  ASSERT_TRUE(c);
  EXPECT_LE(*c, 3);
  EXPECT_TRUE(s.set_value(temp, -7));
  EXPECT_EQ(s.get_register(modbus_table::holding_register, 0), 0xFFF9);
  EXPECT_FALSE(s.set_value(temp, 40000));
  EXPECT_FALSE(s.set_register(modbus_table::holding_register, 3, 1)); // table size 3
  EXPECT_FALSE(s.get_register(modbus_table::input_register, 0));       // empty table
  EXPECT_TRUE(s.set_bit(modbus_table::coil, 0, true));
  EXPECT_EQ(s.get_bit(modbus_table::coil, 0), true);
  s.stop();
  s.stop(); // idempotent
}

TEST(modbus_simulator, bind_failure_is_an_error) {
  auto first = modbus_simulator::start({});
  ASSERT_TRUE(first);
  auto taken = modbus_simulator::start({}, "127.0.0.1", (*first)->port());
  // SO_REUSEADDR does not allow two listeners on one port.
  ASSERT_FALSE(taken);
  EXPECT_EQ(code_of(taken.error()), ec::unavailable);
  EXPECT_FALSE(modbus_simulator::start({}, "256.1.1.1", 0));
}

#ifdef KAGAMI_DEVSIM_EXE

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

} // namespace

TEST(kagami_devsim_cli, ready_line_and_clean_stop) {
  auto modbus_cfg = write_temp("devsim-modbus.json",
                               R"({"holding": [{"address": 0, "values": [7]}]})");
  auto http_cfg = write_temp("devsim-http.json", R"({"documents": {"/s": {"v": 1}}})");
  for (auto [kind, file] : {std::pair{"modbus", modbus_cfg}, std::pair{"http", http_cfg}}) {
    SCOPED_TRACE(kind);
    test::child_process child;
    auto ready = child.start({KAGAMI_DEVSIM_EXE, kind, "--config", file, "--listen",
                              "127.0.0.1:0"});
    ASSERT_TRUE(ready);
    auto prefix = std::string{kind} + " 127.0.0.1:";
    ASSERT_EQ(ready->rfind(prefix, 0), 0u) << *ready;
    auto where = config::parse_host_port(ready->substr(std::string{kind}.size() + 1));
    ASSERT_TRUE(where);
    EXPECT_NE(where->port, 0);
    EXPECT_EQ(child.stop(), 0);
  }
}

TEST(kagami_devsim_cli, bad_config_exits_2_naming_the_field) {
  auto bad = write_temp("devsim-bad.json", R"({"holding": [{"address": -1, "values": [7]}]})");
  test::child_process child;
  EXPECT_FALSE(child.start({KAGAMI_DEVSIM_EXE, "modbus", "--config", bad}, 5s));
  EXPECT_EQ(child.wait_exit(5s), 2);
  test::child_process missing;
  EXPECT_FALSE(missing.start({KAGAMI_DEVSIM_EXE, "http", "--config", "/nonexistent.json"}, 5s));
  EXPECT_EQ(missing.wait_exit(5s), 2);
  test::child_process usage;
  EXPECT_FALSE(usage.start({KAGAMI_DEVSIM_EXE, "serial"}, 5s));
  EXPECT_EQ(usage.wait_exit(5s), 2);
}

#endif // KAGAMI_DEVSIM_EXE
