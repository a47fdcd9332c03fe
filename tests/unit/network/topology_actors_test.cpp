// The topology actors with scripted element backends (the backends are not
// under test here; the SNMP and AP adapters have tests of their own against
// real agents): the network_element actor's status, its idempotent cuts and
// its expired requests, and the topology supervisor's refresh: a version
// only when the graph changed, a silent element flagged degraded, versions
// continued after a restart from the same store, events to subscribers, and
// the admin views.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/network/network_element.hpp"
#include "actors/network/topology_supervisor.hpp"
#include "storage/memory_store.hpp"

using namespace kagami;
using namespace kagami::network;
using namespace std::chrono_literals;

namespace {

const std::string gw = "02:99:00:00:00:01";

/// A switch whose answers the test sets; counts what it is asked.
class scripted_switch : public element_backend {
public:
  explicit scripted_switch(std::string id) : id_(std::move(id)) {
  }

  void set_devices(std::vector<std::string> macs) {
    std::lock_guard<std::mutex> guard{mtx_};
    macs_ = std::move(macs);
  }
  void set_silent(bool silent) {
    silent_ = silent;
  }
  void set_delay(std::chrono::milliseconds d) {
    delay_ = d;
  }
  int readings() const {
    return readings_;
  }
  int cuts() const {
    return cuts_;
  }

  caf::expected<element_reading> read_neighbours() override {
    ++readings_;
    std::this_thread::sleep_for(delay_.load());
    if (silent_)
      return make_error(ec::device_timeout, "no answer from 192.0.2.2");
    std::lock_guard<std::mutex> guard{mtx_};
    element_reading r;
    r.report.reporter = {id_, topology::element_kind::switch_element, "0a:00:00:00:00:01",
                         "192.0.2.2"};
    r.report.observed_at_ms = 1;
    topology::port_observation up;
    up.port_id = 1;
    up.name = "p-gw";
    up.learned_macs = {gw};
    topology::port_observation access;
    access.port_id = 2;
    access.name = "p-dev";
    access.learned_macs = macs_;
    r.report.ports = {up, access};
    return r;
  }
  caf::expected<counter_reading> read_counters() override {
    return counter_reading{};
  }
  std::vector<cut_action> capabilities() const override {
    return {cut_action::port_down};
  }
  caf::expected<cut_outcome> cut(const cut_order& o) override {
    ++cuts_;
    if (o.target != "2")
      return make_error(ec::invalid_value, "no port " + o.target);
    return cut_outcome{true, true, "ifIndex 2 down"};
  }
  caf::expected<cut_outcome> restore(const cut_order&) override {
    ++cuts_;
    return cut_outcome{true, true, "ifIndex 2 up"};
  }

private:
  std::string id_;
  std::mutex mtx_;
  std::vector<std::string> macs_{"02:99:00:00:00:11"};
  std::atomic<bool> silent_{false};
  std::atomic<std::chrono::milliseconds> delay_{0ms};
  std::atomic<int> readings_{0};
  std::atomic<int> cuts_{0};
};

class topology_actors : public ::testing::Test {
protected:
  /// Every actor a test spawned ends here, also when an assertion returned
  /// early: the actor system's destructor waits for all of them.
  void TearDown() override {
    for (auto& a : spawned)
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }

  template <class Handle>
  Handle keep(Handle h) {
    spawned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  caf::scoped_actor self{sys};
  storage::memory_store store;
  std::vector<caf::actor> spawned;

  template <class Handle, class... Ts>
  caf::expected<std::string> ask_string(const Handle& h, Ts... xs) {
    caf::expected<std::string> out{std::string{}};
    self->request(h, 5s, xs...)
      .receive([&](std::string& s) { out = std::move(s); },
               [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  nlohmann::json view(const topology_supervisor_actor& sup, topology::topology_query q = {}) {
    auto text = ask_string(sup, topology_atom::value, q);
    if (!text)
      return nullptr;
    return nlohmann::json::parse(*text);
  }

  template <class Pred>
  bool eventually(Pred p) {
    for (int i = 0; i < 100; ++i) {
      if (p())
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return p();
  }

  topology_supervisor_actor start_supervisor(std::vector<managed_element> elements,
                                             std::chrono::milliseconds timeout = 2s) {
    topology_supervisor_config cfg;
    cfg.elements = std::move(elements);
    cfg.gateway_mac = gw;
    cfg.refresh_period = 1h; // refreshes only when the test asks
    cfg.element_timeout = timeout;
    cfg.store = &store;
    cfg.devices = [] {
      return std::vector<topology::managed_device>{
        {"plc-1", "02:99:00:00:00:11", "192.0.2.11", topology::criticality::high}};
    };
    return keep(spawn_topology_supervisor(sys, std::move(cfg)));
  }
};

} // namespace

TEST_F(topology_actors, element_status_and_idempotent_cuts) {
  auto backend = std::make_shared<scripted_switch>("sw1");
  network_element_config cfg;
  cfg.identity = {"sw1", topology::element_kind::switch_element, "", "192.0.2.2"};
  auto element = keep(spawn_network_element(sys, cfg, backend));
  element_reading reading;
  self->request(element, 5s, neighbours_atom::value, deadline_in(5s))
    .receive([&](element_reading& r) { reading = std::move(r); },
             [&](caf::error& e) { FAIL() << detail_of(e); });
  EXPECT_EQ(reading.report.ports.size(), 2u);
  auto state = nlohmann::json::parse(*ask_string(element, inspect_atom::value));
  EXPECT_EQ(state["status"], "ok");
  EXPECT_EQ(state["capabilities"], nlohmann::json::array({"port_down"}));
  // The same order twice: one cut on the element.
  cut_order order{"order-1", cut_action::port_down, "2"};
  for (int i = 0; i < 2; ++i)
    self->request(element, 5s, cut_atom::value, order)
      .receive([&](cut_outcome& o) { EXPECT_TRUE(o.applied && o.verified); },
               [&](caf::error& e) { FAIL() << detail_of(e); });
  EXPECT_EQ(backend->cuts(), 1);
  // A refused cut is an error, and is not remembered.
  cut_order bad{"order-2", cut_action::port_down, "99"};
  for (int i = 0; i < 2; ++i)
    self->request(element, 5s, cut_atom::value, bad)
      .receive([&](cut_outcome&) { FAIL() << "cut of port 99 succeeded"; },
               [&](caf::error& e) { EXPECT_EQ(code_of(e), ec::invalid_value); });
  EXPECT_EQ(backend->cuts(), 3);
  // An expired request never reaches the element.
  auto before = backend->readings();
  self->request(element, 5s, neighbours_atom::value, deadline_in(-1s))
    .receive([&](element_reading&) { FAIL() << "expired request was served"; },
             [&](caf::error& e) { EXPECT_EQ(code_of(e), ec::device_timeout); });
  EXPECT_EQ(backend->readings(), before);
  // A silent element is unreachable.
  backend->set_silent(true);
  self->request(element, 5s, neighbours_atom::value, deadline_in(5s))
    .receive([&](element_reading&) { FAIL(); }, [&](caf::error&) {});
  state = nlohmann::json::parse(*ask_string(element, inspect_atom::value));
  EXPECT_EQ(state["status"], "unreachable");
  EXPECT_NE(state["last_error"].get<std::string>().find("no answer"), std::string::npos);
  self->send_exit(element, caf::exit_reason::user_shutdown);
}

TEST_F(topology_actors, supervisor_stores_versions_only_on_change) {
  auto sw = std::make_shared<scripted_switch>("sw1");
  network_element_config ecfg;
  ecfg.identity = {"sw1", topology::element_kind::switch_element, "", "192.0.2.2"};
  auto element = keep(spawn_network_element(sys, ecfg, sw));
  auto sup = start_supervisor({{ecfg.identity, element}});
  // Events to a subscriber.
  auto events = std::make_shared<std::vector<std::string>>();
  auto events_mtx = std::make_shared<std::mutex>();
  auto sink = keep(sys.spawn([events, events_mtx](caf::event_based_actor*) -> caf::behavior {
    return {[events, events_mtx](topology_atom, const std::string& json) {
      std::lock_guard<std::mutex> guard{*events_mtx};
      events->push_back(json);
    }};
  }));
  self->send(sup, subscribe_atom::value, sink);
  ASSERT_TRUE(eventually([&] {
    auto v = view(sup);
    return !v.is_null() && v["version"] == 1;
  }));
  auto v1 = view(sup);
  EXPECT_EQ(v1["cause"], "start");
  auto devices = v1["graph"]["devices"];
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0]["attachment"], (nlohmann::json{{"element", "sw1"}, {"port", 2}}));
  EXPECT_EQ(devices[0]["thing_id"], "plc-1");
  // Nothing changed: no version.
  self->send(sup, refresh_atom::value, std::string{"operator"});
  ASSERT_TRUE(eventually([&] { return view(sup)["refresh"]["refreshes"] == 2; }));
  EXPECT_EQ(view(sup)["version"], 1);
  // A new device: version 2 with its cause and diff, and an event.
  sw->set_devices({"02:99:00:00:00:11", "02:99:00:00:00:12"});
  self->send(sup, refresh_atom::value, std::string{"device onboarded"});
  ASSERT_TRUE(eventually([&] { return view(sup)["version"] == 2; }));
  auto v2 = view(sup);
  EXPECT_EQ(v2["cause"], "device onboarded");
  topology::topology_query hq;
  hq.what = topology::topology_query::view::history;
  auto history = view(sup, hq);
  ASSERT_EQ(history["versions"].size(), 2u);
  EXPECT_EQ(history["versions"][0]["diff"]["added_devices"],
            nlohmann::json::array({"02:99:00:00:00:12"}));
  // The subscriber gets every version taken after it subscribed (version 1
  // may have been taken before the subscription arrived).
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> guard{*events_mtx};
    return !events->empty() && nlohmann::json::parse(events->back())["version"] == 2;
  }));
  {
    std::lock_guard<std::mutex> guard{*events_mtx};
    auto last = nlohmann::json::parse(events->back());
    EXPECT_EQ(last["cause"], "device onboarded");
    EXPECT_EQ(last["diff"]["added_devices"], nlohmann::json::array({"02:99:00:00:00:12"}));
  }
  // A silent element: listed, flagged degraded, and its devices unplaced.
  sw->set_silent(true);
  self->send(sup, refresh_atom::value, std::string{"operator"});
  ASSERT_TRUE(eventually([&] { return view(sup)["version"] == 3; }));
  auto v3 = view(sup);
  auto flags = v3["graph"]["elements"][0]["flags"];
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].get<std::string>().rfind("degraded: no reading: ", 0), 0u) << flags;
  EXPECT_EQ(v3["unreachable_devices"], nlohmann::json::array({"02:99:00:00:00:11"}));
  // A restart from the same store continues the history.
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sw->set_silent(false);
  auto again = start_supervisor({{ecfg.identity, element}});
  ASSERT_TRUE(eventually([&] {
    auto v = view(again);
    return !v.is_null() && v["version"] == 4;
  }));
  EXPECT_EQ(view(again)["cause"], "refresh");
  self->send_exit(again, caf::exit_reason::user_shutdown);
  self->send_exit(element, caf::exit_reason::user_shutdown);
  self->send_exit(sink, caf::exit_reason::user_shutdown);
}

TEST_F(topology_actors, a_slow_element_does_not_stall_the_refresh) {
  auto slow = std::make_shared<scripted_switch>("sw1");
  slow->set_delay(800ms);
  network_element_config ecfg;
  ecfg.identity = {"sw1", topology::element_kind::switch_element, "", "192.0.2.2"};
  auto element = keep(spawn_network_element(sys, ecfg, slow));
  auto sup = start_supervisor({{ecfg.identity, element}}, 200ms);
  ASSERT_TRUE(eventually([&] {
    auto v = view(sup);
    return !v.is_null() && v["version"] == 1;
  }));
  auto flags = view(sup)["graph"]["elements"][0]["flags"];
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_NE(flags[0].get<std::string>().find("timeout"), std::string::npos) << flags;
  // Three more asks while the element is still busy: one refresh runs, the
  // other two asks wait as one; the requests that expired in the element's
  // mailbox are not served.
  for (int i = 0; i < 3; ++i)
    self->send(sup, refresh_atom::value, std::string{"operator"});
  ASSERT_TRUE(eventually([&] { return view(sup)["refresh"]["refreshes"] == 3; }));
  std::this_thread::sleep_for(1500ms);
  EXPECT_LE(slow->readings(), 2);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  self->send_exit(element, caf::exit_reason::user_shutdown);
}
