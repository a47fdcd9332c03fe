// The Modbus/TCP adapter against an in-process modbus_simulator on
// 127.0.0.1 with an ephemeral port.

#include "protocols/modbus/modbus_adapter.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <variant>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "tests/unit/protocols/test_models.hpp"
#include "tools/devsim/modbus_simulator.hpp"

using namespace kagami;
using namespace std::chrono_literals;
using config::modbus_datatype;
using config::modbus_table;
using config::value_type;
using config::word_order;
using nlohmann::json;

namespace {

constexpr auto timeout = 300ms;

devsim::modbus_sim_config sim_config() {
  auto parsed = devsim::parse_modbus_sim_config(R"({
    "holding": [
      {"address": 0, "type": "int16", "value": 235},
      {"address": 1, "type": "float32", "order": "big", "value": 1013.25},
      {"address": 3, "type": "uint32", "order": "little", "value": 70000},
      {"address": 5, "type": "uint16", "value": 650},
      {"address": 6, "type": "uint16", "value": 2},
      {"address": 7, "type": "int32", "order": "big", "value": -5}
    ],
    "input": [{"address": 0, "values": [42]}],
    "coils": [{"address": 0, "values": [true, false]}],
    "discrete": [{"address": 0, "values": [1]}],
    "sizes": {"holding": 20},
    "faults": [{"table": "holding", "address": 15, "count": 2, "kind": "device_failure"},
               {"table": "holding", "address": 17, "kind": "no_reply"}]
  })", "test");
  return std::get<devsim::modbus_sim_config>(parsed);
}

struct plc_model {
  config::property_model temperature = test::modbus_property(
    "temperature", modbus_table::holding_register, 0, modbus_datatype::int16,
    word_order::big, 0.1);
  config::property_model pressure = test::modbus_property(
    "pressure", modbus_table::holding_register, 1, modbus_datatype::float32);
  config::property_model cycles = test::modbus_property(
    "cycleCount", modbus_table::holding_register, 3, modbus_datatype::uint32,
    word_order::little, 1, 0, value_type::integer);
  config::property_model setpoint = test::modbus_property(
    "setpoint", modbus_table::holding_register, 5, modbus_datatype::uint16,
    word_order::big, 0.1);
  config::property_model mode = test::modbus_property(
    "mode", modbus_table::holding_register, 6, modbus_datatype::uint16,
    word_order::big, 1, 0, value_type::integer);
  config::property_model offset32 = test::modbus_property(
    "offset", modbus_table::holding_register, 7, modbus_datatype::int32);
  config::property_model level = test::modbus_property(
    "level", modbus_table::input_register, 0, modbus_datatype::uint16);
  config::property_model running = test::modbus_property(
    "running", modbus_table::coil, 0, modbus_datatype::boolean);
  config::property_model door = test::modbus_property(
    "door", modbus_table::discrete_input, 0, modbus_datatype::boolean);
  config::property_model unmapped = test::modbus_property(
    "unmapped", modbus_table::holding_register, 100, modbus_datatype::uint16);
  config::property_model failing = test::modbus_property(
    "failing", modbus_table::holding_register, 15, modbus_datatype::uint16);
  config::property_model silent = test::modbus_property(
    "silent", modbus_table::holding_register, 17, modbus_datatype::uint16);

  config::device_model model() const {
    config::device_model m;
    m.id = "test-plc";
    m.protocol = config::device_protocol::modbus_tcp;
    m.properties = {temperature, pressure, cycles, setpoint, mode, offset32,
                    level, running, door, unmapped, failing, silent};
    config::action_model reset;
    reset.name = "resetCounter";
    reset.binding = config::modbus_action_binding{
      std::get<config::modbus_binding>(cycles.binding), 0};
    m.actions = {reset};
    return m;
  }
};

class modbus_adapter_test : public ::testing::Test {
protected:
  void SetUp() override {
    auto started = devsim::modbus_simulator::start(sim_config());
    ASSERT_TRUE(started) << detail_of(started.error());
    sim = std::move(*started);
    adapter = make(sim->device_address());
  }

  std::unique_ptr<protocols::device_adapter> make(const std::string& address,
                                                  int unit_id = 1) {
    protocols::adapter_options opts;
    opts.timeout = timeout;
    auto a = protocols::modbus::make_modbus_adapter(test::device(address, unit_id),
                                                    plc.model(), opts);
    EXPECT_TRUE(a) << detail_of(a.error());
    return a ? std::move(*a) : nullptr;
  }

  plc_model plc;
  std::unique_ptr<devsim::modbus_simulator> sim;
  std::unique_ptr<protocols::device_adapter> adapter;
};

template <class T>
ec code(const caf::expected<T>& x) {
  return x ? ec::none : code_of(x.error());
}

ec code(const caf::error& err) {
  return err ? code_of(err) : ec::none;
}

} // namespace

TEST_F(modbus_adapter_test, reads_every_datatype) {
  EXPECT_EQ(*adapter->read(plc.temperature), json(23.5));
  EXPECT_EQ(*adapter->read(plc.pressure), json(1013.25));
  auto cycles = adapter->read(plc.cycles);
  ASSERT_TRUE(cycles);
  EXPECT_TRUE(cycles->is_number_integer());
  EXPECT_EQ(*cycles, json(70000));
  EXPECT_EQ(*adapter->read(plc.setpoint), json(65.0));
  EXPECT_EQ(*adapter->read(plc.mode), json(2));
  EXPECT_EQ(*adapter->read(plc.offset32), json(-5.0));
  EXPECT_EQ(*adapter->read(plc.level), json(42.0));
  EXPECT_EQ(*adapter->read(plc.running), json(true));
  EXPECT_EQ(*adapter->read(plc.door), json(true));
}

TEST_F(modbus_adapter_test, writes_round_trip) {
  ASSERT_FALSE(adapter->write(plc.setpoint, json(45.3)));
  EXPECT_EQ(sim->get_register(modbus_table::holding_register, 5), 453);
  EXPECT_EQ(*adapter->read(plc.setpoint), json(45.3));

  ASSERT_FALSE(adapter->write(plc.pressure, json(-2.5)));
  EXPECT_EQ(*adapter->read(plc.pressure), json(-2.5));

  ASSERT_FALSE(adapter->write(plc.cycles, json(4294967295u)));
  EXPECT_EQ(sim->get_register(modbus_table::holding_register, 3), 0xFFFF);
  EXPECT_EQ(*adapter->read(plc.cycles), json(4294967295u));

  ASSERT_FALSE(adapter->write(plc.offset32, json(-123456)));
  EXPECT_EQ(*adapter->read(plc.offset32), json(-123456.0));

  ASSERT_FALSE(adapter->write(plc.running, json(false)));
  EXPECT_EQ(sim->get_bit(modbus_table::coil, 0), false);
  EXPECT_EQ(*adapter->read(plc.running), json(false));
  ASSERT_FALSE(adapter->write(plc.running, json(1)));
  EXPECT_EQ(sim->get_bit(modbus_table::coil, 0), true);
}

TEST_F(modbus_adapter_test, little_word_order_on_the_wire) {
  ASSERT_FALSE(adapter->write(plc.cycles, json(0x00012345)));
  EXPECT_EQ(sim->get_register(modbus_table::holding_register, 3), 0x2345);
  EXPECT_EQ(sim->get_register(modbus_table::holding_register, 4), 0x0001);
}

TEST_F(modbus_adapter_test, rejects_values_that_do_not_fit) {
  EXPECT_EQ(code(adapter->write(plc.setpoint, json(7000))), ec::invalid_value);
  EXPECT_EQ(code(adapter->write(plc.setpoint, json(-1))), ec::invalid_value);
  EXPECT_EQ(code(adapter->write(plc.mode, json("two"))), ec::invalid_value);
  EXPECT_EQ(code(adapter->write(plc.running, json(2))), ec::invalid_value);
  EXPECT_EQ(sim->get_register(modbus_table::holding_register, 5), 650);
}

TEST_F(modbus_adapter_test, read_only_tables_are_not_writable) {
  EXPECT_EQ(code(adapter->write(plc.level, json(1))), ec::not_writable);
  EXPECT_EQ(code(adapter->write(plc.door, json(true))), ec::not_writable);
}

TEST_F(modbus_adapter_test, exception_replies_are_device_errors) {
  auto x = adapter->read(plc.unmapped);
  ASSERT_EQ(code(x), ec::device_error);
  EXPECT_NE(detail_of(x.error()).find("Illegal data address"), std::string::npos)
    << detail_of(x.error());
  auto y = adapter->read(plc.failing);
  ASSERT_EQ(code(y), ec::device_error);
  EXPECT_NE(detail_of(y.error()).find("failure"), std::string::npos) << detail_of(y.error());
  EXPECT_EQ(code(adapter->write(plc.unmapped, json(1))), ec::device_error);
  // The connection stays usable after an exception.
  EXPECT_EQ(*adapter->read(plc.mode), json(2));
}

TEST_F(modbus_adapter_test, non_finite_float_is_a_bad_reply) {
  sim->set_register(modbus_table::holding_register, 1, 0x7FC0);
  sim->set_register(modbus_table::holding_register, 2, 0x0000);
  EXPECT_EQ(code(adapter->read(plc.pressure)), ec::device_bad_reply);
}

TEST_F(modbus_adapter_test, silent_device_times_out_within_the_timeout) {
  auto start = std::chrono::steady_clock::now();
  auto x = adapter->read(plc.silent);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(code(x), ec::device_timeout);
  EXPECT_GE(took, timeout - 50ms);
  EXPECT_LT(took, timeout + 3s); // the timeout fired: not a speed check
  // The adapter reconnects: a late reply cannot be mistaken for the next one.
  EXPECT_EQ(*adapter->read(plc.mode), json(2));
}

TEST_F(modbus_adapter_test, stopped_device_times_out_and_recovers) {
  ASSERT_EQ(*adapter->read(plc.mode), json(2));
  auto port = sim->port();
  sim->stop();
  auto start = std::chrono::steady_clock::now();
  auto x = adapter->read(plc.mode);
  EXPECT_EQ(code(x), ec::device_timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, timeout + 3s); // the timeout fired: not a speed check
  EXPECT_EQ(code(adapter->read(plc.mode)), ec::device_timeout);
  // The device comes back on the same port: the adapter reconnects.
  auto again = devsim::modbus_simulator::start(sim_config(), "127.0.0.1", port);
  ASSERT_TRUE(again) << detail_of(again.error());
  EXPECT_EQ(*adapter->read(plc.mode), json(2));
}

TEST_F(modbus_adapter_test, nothing_listening_is_a_timeout) {
  auto port = sim->port();
  sim.reset();
  auto a = make("127.0.0.1:" + std::to_string(port));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(code(a->read(plc.mode)), ec::device_timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, timeout + 3s); // the timeout fired: not a speed check
}

TEST_F(modbus_adapter_test, action_writes_its_fixed_value) {
  auto model = plc.model();
  auto out = adapter->invoke(model.actions[0], json{});
  ASSERT_TRUE(out) << detail_of(out.error());
  EXPECT_TRUE(out->is_null());
  EXPECT_EQ(*adapter->read(plc.cycles), json(0));
}

TEST_F(modbus_adapter_test, concurrent_clients) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto a = make(sim->device_address());
      for (int j = 0; j < 50 && a; ++j) {
        auto r = a->read(plc.mode);
        if (r && *r == json(2))
          ++ok;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_GE(sim->requests(), 200u);
}

TEST_F(modbus_adapter_test, unit_id_is_sent) {
  // The simulator answers any unit id; the adapter accepts 0..255.
  auto a = make(sim->device_address(), 17);
  EXPECT_EQ(*a->read(plc.mode), json(2));
}

TEST(modbus_adapter_config, rejects_bad_devices) {
  plc_model plc;
  protocols::adapter_options opts;
  for (auto address : {"nonsense", "127.0.0.1", "http://127.0.0.1:502", "127.0.0.1:0",
                       "127.0.0.1:99999"}) {
    SCOPED_TRACE(address);
    auto a = protocols::modbus::make_modbus_adapter(test::device(address), plc.model(), opts);
    ASSERT_FALSE(a);
    EXPECT_EQ(code_of(a.error()), ec::config_invalid);
  }
  auto bad_unit = protocols::modbus::make_modbus_adapter(test::device("127.0.0.1:502", 300),
                                                         plc.model(), opts);
  EXPECT_EQ(code(bad_unit), ec::config_invalid);
  auto model = plc.model();
  model.properties.push_back(test::http_property("x", "/x", "/x"));
  EXPECT_EQ(code(protocols::modbus::make_modbus_adapter(test::device("127.0.0.1:502"),
                                                        model, opts)),
            ec::config_invalid);
  model = plc.model();
  std::get<config::modbus_binding>(model.properties[0].binding).scale = 0;
  EXPECT_EQ(code(protocols::modbus::make_modbus_adapter(test::device("127.0.0.1:502"),
                                                        model, opts)),
            ec::config_invalid);
}

TEST(adapter_registry, dispatches_by_protocol) {
  plc_model plc;
  protocols::adapter_options opts;
  protocols::adapter_registry empty;
  EXPECT_EQ(code(empty.make(test::device("127.0.0.1:502"), plc.model(), opts)),
            ec::config_invalid);
  protocols::adapter_registry registry;
  protocols::register_builtin_adapters(registry);
  EXPECT_EQ(code(registry.make(test::device("127.0.0.1:502"), plc.model(), opts)), ec::none);
  // A Modbus model through the HTTP factory fails cleanly.
  auto model = plc.model();
  model.protocol = config::device_protocol::http_json;
  EXPECT_EQ(code(registry.make(test::device("http://127.0.0.1:80"), model, opts)),
            ec::config_invalid);
}
