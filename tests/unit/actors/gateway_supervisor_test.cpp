// The supervisor's restarts and crash isolation, with a real actor system.
// The adapter is a stand-in (this test is about supervision, not devices):
// it answers every read with a per-device constant.

#include "actors/supervisors/gateway_supervisor.hpp"

#include <thread>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/directory.hpp"
#include "actors/core/error.hpp"

using namespace kagami;
using namespace std::chrono_literals;

namespace {

class constant_adapter : public protocols::device_adapter {
public:
  explicit constant_adapter(double value) : value_(value) {}
  caf::expected<nlohmann::json> read(const config::property_model&) override {
    return nlohmann::json(value_);
  }
  caf::error write(const config::property_model&, const nlohmann::json&) override {
    return {};
  }
  caf::expected<nlohmann::json> invoke(const config::action_model&,
                                       const nlohmann::json&) override {
    return nlohmann::json{};
  }

private:
  double value_;
};

/// A device whose adapter throws: the realistic way a handler crashes.
class throwing_adapter : public constant_adapter {
public:
  throwing_adapter() : constant_adapter(0) {}
  caf::expected<nlohmann::json> read(const config::property_model&) override {
    throw std::runtime_error("adapter bug");
  }
};

std::shared_ptr<config::site_config> site() {
  auto s = std::make_shared<config::site_config>();
  config::device_model m;
  m.id = "m";
  config::property_model p;
  p.name = "level";
  p.schema.read_only = true;
  m.properties.push_back(p);
  s->models["m"] = m;
  for (auto id : {"d1", "d2", "d3"}) {
    config::device_config d;
    d.id = id;
    d.model = "m";
    d.address = "127.0.0.1:1";
    s->devices.push_back(d);
  }
  return s;
}

class gateway_supervisor_test : public ::testing::Test {
protected:
  gateway_supervisor_test() : sys{sys_cfg}, self{sys} {
    auto adapters = std::make_shared<protocols::adapter_registry>();
    adapters->add(config::device_protocol::modbus_tcp,
                  [](const config::device_config& dev, const config::device_model&,
                     const protocols::adapter_options&)
                    -> caf::expected<std::unique_ptr<protocols::device_adapter>> {
                    if (dev.id == "d3")
                      return std::make_unique<throwing_adapter>();
                    return std::make_unique<constant_adapter>(dev.id == "d1" ? 1 : 2);
                  });
    gateway_supervisor_config cfg;
    cfg.site = site();
    cfg.devices = cfg.site->devices;
    cfg.adapters = adapters;
    cfg.thing_description = [](const config::device_config& d,
                               const config::device_model&) { return "{\"title\":\"" + d.id + "\"}"; };
    cfg.restarts.initial_delay = 10ms;
    cfg.restarts.max_restarts = 3;
    directory = spawn_directory(sys);
    listener = sys.spawn([this](thing_listener_actor::pointer) -> thing_listener_actor::behavior_type {
      return {
        [this](thing_up_atom, const std::string& id, const std::string&,
               const virtual_device_actor& h, const thing_facts&) {
          std::lock_guard<std::mutex> guard{*mtx};
          things[id] = h;
          ++ups[id];
        },
        [this](thing_down_atom, const std::string& id, const std::string& reason) {
          std::lock_guard<std::mutex> guard{*mtx};
          things.erase(id);
          downs[id] = reason;
        },
      };
    });
    supervisor = sys.spawn(gateway_supervisor, cfg, directory, listener);
    wait_until([&] { return thing("d1") && thing("d2") && thing("d3"); });
  }

  ~gateway_supervisor_test() override {
    self->send_exit(supervisor, caf::exit_reason::user_shutdown);
    self->send_exit(listener, caf::exit_reason::user_shutdown);
    self->send_exit(directory, caf::exit_reason::user_shutdown);
  }

  virtual_device_actor thing(const std::string& id) {
    std::lock_guard<std::mutex> guard{*mtx};
    auto it = things.find(id);
    return it == things.end() ? virtual_device_actor{} : it->second;
  }

  int up_count(const std::string& id) {
    std::lock_guard<std::mutex> guard{*mtx};
    return ups[id];
  }

  caf::expected<std::string> read(const std::string& id) {
    caf::expected<std::string> out = make_error(ec::internal, "no reply");
    auto h = thing(id);
    if (!h)
      return make_error(ec::not_found, "no thing");
    self->request(h, 2s, read_atom::value, request_context{}, std::string{"level"})
      .receive([&](const std::string& v) { out = v; },
               [&](const caf::error& e) { out = e; });
    return out;
  }

  /// The read value, or "error" when the read failed.
  std::string value_of(const std::string& id) {
    auto r = read(id);
    return r ? *r : std::string{"error"};
  }

  caf::actor lookup(const std::string& type, const std::string& key) {
    caf::actor out;
    self->request(directory, 2s, lookup_atom::value, type, key)
      .receive([&](const caf::actor& h) { out = h; }, [](const caf::error&) {});
    return out;
  }

  caf::expected<bool> admit(const config::device_config& dev) {
    caf::expected<bool> out = make_error(ec::internal, "no reply");
    self->request(supervisor, 2s, admit_atom::value, dev)
      .receive([&](bool ok) { out = ok; }, [&](const caf::error& e) { out = e; });
    return out;
  }

  std::string down_reason(const std::string& id) {
    std::lock_guard<std::mutex> guard{*mtx};
    auto it = downs.find(id);
    return it == downs.end() ? std::string{"<none>"} : it->second;
  }

  nlohmann::json inspect_supervisor() {
    std::string out = "[]";
    self->request(supervisor, 2s, inspect_atom::value)
      .receive([&](const std::string& s) { out = s; }, [](const caf::error&) {});
    return nlohmann::json::parse(out);
  }

  template <class Pred>
  static bool wait_until(Pred pred) {
    for (int i = 0; i < 300; ++i) {
      if (pred())
        return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  // Declared before the actor system: the listener actor writes into them,
  // and the system's destructor waits for every actor before they go.
  std::shared_ptr<std::mutex> mtx = std::make_shared<std::mutex>();
  std::map<std::string, virtual_device_actor> things;
  std::map<std::string, int> ups;
  std::map<std::string, std::string> downs;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  directory_actor directory;
  thing_listener_actor listener;
  gateway_supervisor_actor supervisor;
};

} // namespace

TEST_F(gateway_supervisor_test, serves_each_device_through_its_pair) {
  EXPECT_EQ(value_of("d1"), "1.0");
  EXPECT_EQ(value_of("d2"), "2.0");
}

TEST_F(gateway_supervisor_test, a_crashed_real_device_is_restarted_and_others_unaffected) {
  auto real = lookup("real_device", "d1");
  ASSERT_TRUE(real);
  self->send_exit(real, caf::exit_reason::kill);
  EXPECT_EQ(value_of("d2"), "2.0");
  ASSERT_TRUE(wait_until([&] {
    auto now = lookup("real_device", "d1");
    return now && now != real;
  }));
  ASSERT_TRUE(wait_until([&] { return value_of("d1") == "1.0"; }));
  auto state = inspect_supervisor();
  EXPECT_EQ(state[0]["thing"], "d1");
  EXPECT_EQ(state[0]["realRestarts"], 1);
  EXPECT_EQ(state[1]["realRestarts"], 0);
}

TEST_F(gateway_supervisor_test, a_crashed_virtual_device_is_restarted_and_republished) {
  auto before = thing("d2");
  self->send_exit(before, caf::exit_reason::kill);
  ASSERT_TRUE(wait_until([&] { return up_count("d2") == 2; }));
  EXPECT_NE(thing("d2"), before);
  EXPECT_EQ(value_of("d2"), "2.0");
  EXPECT_EQ(up_count("d1"), 1);
}

TEST_F(gateway_supervisor_test, a_crash_loop_is_given_up_after_the_maximum) {
  for (int i = 0; i < 4; ++i) {
    caf::actor real;
    ASSERT_TRUE(wait_until([&] { return (real = lookup("real_device", "d1")) != nullptr; }));
    self->send_exit(real, caf::exit_reason::kill);
    wait_until([&] { return lookup("real_device", "d1") != real; });
  }
  ASSERT_TRUE(wait_until([&] { return inspect_supervisor()[0]["givenUp"] != ""; }));
  // The virtual device stays and says the device is gone; d2 is untouched.
  auto r = read("d1");
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::unavailable);
  EXPECT_EQ(value_of("d2"), "2.0");
}

TEST_F(gateway_supervisor_test, an_exception_in_a_device_handler_is_a_crash_that_gets_restarted) {
  auto before = lookup("real_device", "d3");
  ASSERT_TRUE(before);
  auto r = read("d3");
  EXPECT_FALSE(r) << "a throwing adapter produced a value";
  ASSERT_TRUE(wait_until([&] {
    auto now = lookup("real_device", "d3");
    return now && now != before;
  }));
  EXPECT_EQ(inspect_supervisor()[2]["realRestarts"], 1);
  EXPECT_EQ(value_of("d1"), "1.0");
  EXPECT_EQ(value_of("d2"), "2.0");
}

TEST_F(gateway_supervisor_test, admit_starts_a_new_pair_and_is_idempotent) {
  config::device_config d4;
  d4.id = "d4";
  d4.model = "m";
  d4.address = "127.0.0.1:4";
  auto ok = admit(d4);
  ASSERT_TRUE(ok) << to_string(ok.error());
  ASSERT_TRUE(wait_until([&] { return thing("d4") != nullptr; }));
  EXPECT_EQ(value_of("d4"), "2.0");
  // The same device again: nothing restarts.
  ASSERT_TRUE(admit(d4));
  EXPECT_EQ(up_count("d4"), 1);
  // A changed device replaces its pair.
  d4.address = "127.0.0.1:5";
  ASSERT_TRUE(admit(d4));
  ASSERT_TRUE(wait_until([&] { return up_count("d4") == 2; }));
  EXPECT_EQ(value_of("d4"), "2.0");
}

TEST_F(gateway_supervisor_test, admit_of_an_unknown_model_is_an_error_and_starts_nothing) {
  config::device_config bad;
  bad.id = "bad";
  bad.model = "nope";
  auto r = admit(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::config_invalid);
  EXPECT_FALSE(lookup("real_device", "bad"));
}

TEST_F(gateway_supervisor_test, retire_stops_the_pair_and_tells_the_listener_why) {
  auto real = lookup("real_device", "d2");
  ASSERT_TRUE(real);
  self->send(supervisor, retire_atom::value, std::string{"d2"},
             std::string{"profile no longer matches"});
  ASSERT_TRUE(wait_until([&] { return thing("d2") == nullptr; }));
  EXPECT_EQ(down_reason("d2"), "profile no longer matches");
  ASSERT_TRUE(wait_until([&] { return lookup("real_device", "d2") == nullptr; }));
  EXPECT_EQ(value_of("d1"), "1.0");
  // Not restarted: the pair is gone, not crashed.
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(lookup("real_device", "d2"));
  EXPECT_EQ(inspect_supervisor().size(), 2u);
}
