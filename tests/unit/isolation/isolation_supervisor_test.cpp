// The isolation supervisor with network_element actors over scripted switch
// backends (the SNMP adapter has tests of its own against real agents, and
// the lab tests run the whole path against real switches): the decision,
// the verified cut, no second cut for more evidence, a cut undone and found
// again by the re-verification, also after a restart from the same store,
// the alert instead of a cut that would take a critical device, release
// (restored, stale evidence ignored), an unlocated suspect, rate alarms and
// failed cuts.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/isolation/isolation_supervisor.hpp"
#include "actors/network/network_element.hpp"
#include "actors/network/topology_history.hpp"
#include "storage/isolation_registry.hpp"
#include "storage/memory_store.hpp"

using namespace kagami;
using namespace kagami::isolation;
using namespace kagami::network;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string gw = "02:99:00:00:00:01";
const std::string plc = "02:99:00:00:00:11";
const std::string attacker = "02:99:00:00:00:99";

/// A switch whose ports the test can flip; counts cuts and restores.
class scripted_switch : public element_backend {
public:
  scripted_switch(std::vector<cut_action> caps) : caps_(std::move(caps)) {
  }

  int cuts() const {
    return cuts_;
  }
  int restores() const {
    return restores_;
  }
  int admin(std::uint32_t port) {
    std::lock_guard<std::mutex> guard{mtx_};
    return admin_.count(port) ? admin_[port] : 1;
  }
  void set_admin(std::uint32_t port, int status) {
    std::lock_guard<std::mutex> guard{mtx_};
    admin_[port] = status;
  }
  void set_failing(bool f) {
    failing_ = f;
  }

  caf::expected<element_reading> read_neighbours() override {
    return element_reading{};
  }
  caf::expected<counter_reading> read_counters() override {
    std::lock_guard<std::mutex> guard{mtx_};
    counter_reading r;
    r.observed_at_ms = 1;
    for (std::uint32_t p = 1; p <= 4; ++p) {
      port_counters c;
      c.port_id = p;
      c.admin_status = admin_.count(p) ? admin_[p] : 1;
      c.oper_status = c.admin_status;
      r.ports.push_back(c);
    }
    return r;
  }
  std::vector<cut_action> capabilities() const override {
    return caps_;
  }
  caf::expected<cut_outcome> cut(const cut_order& o) override {
    ++cuts_;
    if (failing_)
      return make_error(ec::device_timeout, "no answer");
    set_admin(static_cast<std::uint32_t>(std::stoul(o.target)), 2);
    return cut_outcome{true, true, "ifIndex " + o.target + " down", 1};
  }
  caf::expected<cut_outcome> restore(const cut_order& o) override {
    ++restores_;
    set_admin(static_cast<std::uint32_t>(std::stoul(o.target)), 1);
    return cut_outcome{true, true, "ifIndex " + o.target + " up", 1};
  }

private:
  std::vector<cut_action> caps_;
  std::mutex mtx_;
  std::map<std::uint32_t, int> admin_;
  std::atomic<bool> failing_{false};
  std::atomic<int> cuts_{0};
  std::atomic<int> restores_{0};
};

topology::port_observation port(std::uint32_t id, std::vector<std::string> macs,
                                std::vector<topology::lldp_neighbour> lldp = {}) {
  topology::port_observation p;
  p.port_id = id;
  p.name = "p" + std::to_string(id);
  p.learned_macs = std::move(macs);
  p.lldp = std::move(lldp);
  return p;
}

/// sw1: gateway on port 1, plc on 2, `on_port_3` on 3; port 4 leads to sw2
/// (LLDP) when `with_sw2`, which has `behind_sw2` on its port 2.
topology::merge_inputs site(std::vector<std::string> on_port_3, bool with_sw2 = false,
                            std::vector<std::string> behind_sw2 = {}) {
  topology::merge_inputs in;
  topology::neighbour_report sw1;
  sw1.reporter = {"sw1", topology::element_kind::switch_element, "0a:00:00:00:00:01",
                  "192.0.2.2"};
  sw1.observed_at_ms = 1;
  sw1.ports = {port(1, {gw}), port(2, {plc}), port(3, on_port_3)};
  if (with_sw2) {
    sw1.ports.push_back(port(4, behind_sw2, {{"0a:00:00:00:00:02", "1"}}));
    topology::neighbour_report sw2;
    sw2.reporter = {"sw2", topology::element_kind::switch_element, "0a:00:00:00:00:02",
                    "192.0.2.3"};
    sw2.observed_at_ms = 1;
    sw2.ports = {port(1, {gw, plc}, {{"0a:00:00:00:00:01", "4"}}), port(2, behind_sw2)};
    in.reports.push_back(sw2);
  }
  in.reports.insert(in.reports.begin(), sw1);
  in.known_devices = {{plc, "plc-1", topology::criticality::high}};
  in.gateway_mac = gw;
  return in;
}

std::string evidence(std::int64_t first, std::int64_t last) {
  return json{{"kind", "port_scan"}, {"first_seen_ms", first}, {"last_seen_ms", last}}.dump();
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

class isolation_actors : public ::testing::Test {
protected:
  void TearDown() override {
    for (auto& a : spawned)
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }

  template <class Handle>
  Handle keep(Handle h) {
    spawned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  void put_topology(topology::merge_inputs in) {
    topology::topology_history history{store, 100};
    topology::topology_version v;
    v.at_ms = now_ms();
    v.cause = "test";
    v.inputs = std::move(in);
    ASSERT_FALSE(history.append(v));
  }

  cut_element element(const std::string& id, std::shared_ptr<scripted_switch> backend) {
    network_element_config cfg;
    cfg.identity = {id, topology::element_kind::switch_element, "", "192.0.2.2"};
    return {id, keep(spawn_network_element(sys, cfg, backend))};
  }

  isolation_supervisor_actor start(std::vector<cut_element> elements, cut_policy policy = {},
                                   caf::actor topology = {}) {
    isolation_supervisor_config cfg;
    bool elements_given = !elements.empty();
    cfg.elements = std::move(elements);
    cfg.policy = policy;
    cfg.verify_timeout = 1s;
    cfg.retries = 2;
    cfg.reverify_period = 1h; // the test sends reverify_atom itself
    cfg.store = &store;
    cfg.topology = std::move(topology);
    cfg.alert = [this](const json& a) {
      std::lock_guard<std::mutex> guard{alerts_mtx};
      alerts.push_back(a);
    };
    auto sup = keep(spawn_isolation_supervisor(sys, std::move(cfg)));
    // Capabilities are asked at start: wait until they are known.
    if (!elements_given)
      return sup;
    eventually([&] { return !inspect(sup)["capabilities"].empty(); });
    return sup;
  }

  json inspect(const isolation_supervisor_actor& sup) {
    json out;
    self->request(sup, 5s, inspect_atom::value)
      .receive([&](std::string& s) { out = json::parse(s); },
               [&](caf::error& e) { ADD_FAILURE() << to_string(e); });
    return out;
  }

  json records(const isolation_supervisor_actor& sup) {
    json out = json::array();
    self->request(sup, 5s, list_atom::value)
      .receive([&](std::string& s) { out = json::parse(s); },
               [&](caf::error& e) { ADD_FAILURE() << to_string(e); });
    return out;
  }

  bool has_alert(const std::string& kind) {
    std::lock_guard<std::mutex> guard{alerts_mtx};
    for (auto& a : alerts)
      if (a["kind"] == kind)
        return true;
    return false;
  }

  template <class Pred>
  bool eventually(Pred p) {
    for (int i = 0; i < 100; ++i) {
      if (p())
        return true;
      std::this_thread::sleep_for(30ms);
    }
    return p();
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  caf::scoped_actor self{sys};
  storage::memory_store store;
  std::vector<caf::actor> spawned;
  std::mutex alerts_mtx;
  std::vector<json> alerts;
};

} // namespace

TEST_F(isolation_actors, a_suspect_is_cut_at_its_port_once_and_persisted) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "192.0.2.99", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "cut"; }));
  // More evidence, and the same suspicion again: no second cut.
  self->send(sup, suspect_atom::value, attacker, "192.0.2.99", "flow", evidence(t, t + 10));
  self->send(sup, suspect_atom::value, attacker, "192.0.2.99", "flow", evidence(t, t + 20));
  auto list = records(sup);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(sw1->cuts(), 1);
  EXPECT_EQ(sw1->admin(2), 1) << "the PLC's port was touched";
  auto& rec = list[0];
  EXPECT_EQ(rec["suspect_mac"], attacker);
  EXPECT_EQ(rec["kind"], "port_scan");
  EXPECT_EQ(rec["evidence"]["last_seen_ms"], t + 20);
  ASSERT_EQ(rec["cuts"].size(), 1u);
  EXPECT_EQ(rec["cuts"][0]["element"], "sw1");
  EXPECT_EQ(rec["cuts"][0]["target"], "3");
  EXPECT_EQ(rec["plan"]["verdict"], "cut");
  // The record is in the store, as the list shows it.
  storage::isolation_registry reg{store};
  auto stored = reg.load_all();
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(storage::to_json(stored->front()), rec);
}

TEST_F(isolation_actors, an_undone_cut_is_applied_again_also_after_a_restart) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "cut"; }));
  // Someone sets the port up again by hand.
  sw1->set_admin(3, 1);
  self->send(sup, reverify_atom::value);
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  EXPECT_EQ(sw1->cuts(), 2);
  EXPECT_TRUE(has_alert("isolation_undone"));
  // kagamid stops; the port is set up meanwhile; a new supervisor on the
  // same store re-verifies at start and cuts again (fail closed).
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  self->wait_for(sup);
  sw1->set_admin(3, 1);
  auto again = start({element("sw1", sw1)});
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  EXPECT_EQ(sw1->cuts(), 3);
  auto list = records(again);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["state"], "cut");
}

TEST_F(isolation_actors, a_whole_switch_cut_that_takes_a_critical_device_asks_an_operator) {
  // The suspect sits behind sw2, which cannot cut; the only cut is sw1's
  // uplink port 4. With a critical device behind it: an alert, no cut.
  const std::string critical = "02:99:00:00:00:12";
  auto in = site({}, true, {attacker, critical});
  in.known_devices.push_back({critical, "plc-2", topology::criticality::critical});
  put_topology(in);
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sw2 = std::make_shared<scripted_switch>(std::vector<cut_action>{});
  cut_policy policy;
  policy.allow_uplink_cut = true;
  auto sup = start({element("sw1", sw1), element("sw2", sw2)}, policy);
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "awaiting_operator"; }));
  EXPECT_TRUE(has_alert("isolation_needs_operator"));
  EXPECT_EQ(sw1->cuts() + sw2->cuts(), 0);
  auto rec = records(sup)[0];
  EXPECT_EQ(rec["plan"]["verdict"], "ask_human");
  EXPECT_FALSE(rec["plan"]["options"].empty());
}

TEST_F(isolation_actors, release_restores_and_old_evidence_does_not_cut_again) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "cut"; }));
  std::string id = records(sup)[0]["id"];
  json released;
  self->request(sup, 5s, release_atom::value, id, std::string{"op-alice"})
    .receive([&](std::string& s) { released = json::parse(s); },
             [&](caf::error& e) { FAIL() << to_string(e); });
  EXPECT_EQ(released["state"], "released");
  EXPECT_EQ(released["released_by"], "op-alice");
  EXPECT_EQ(sw1->restores(), 1);
  EXPECT_EQ(sw1->admin(3), 1);
  // Twice: an error; an unknown id: not found.
  self->request(sup, 5s, release_atom::value, id, std::string{"op-alice"})
    .receive([&](std::string&) { FAIL() << "released twice"; },
             [&](caf::error& e) { EXPECT_EQ(code_of(e), ec::invalid_value); });
  self->request(sup, 5s, release_atom::value, std::string{"nope"}, std::string{"op"})
    .receive([&](std::string&) { FAIL() << "released an unknown id"; },
             [&](caf::error& e) { EXPECT_EQ(code_of(e), ec::not_found); });
  // Evidence from before the release (the monitor's throttled update).
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t + 5));
  EXPECT_EQ(records(sup).size(), 1u);
  // New evidence after it: a new isolation.
  auto later = now_ms() + 1000;
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(later, later));
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  EXPECT_EQ(records(sup).size(), 2u);
}

TEST_F(isolation_actors, an_unlocated_suspect_waits_for_the_next_topology) {
  put_topology(site({}));
  auto refreshes = std::make_shared<std::atomic<int>>(0);
  auto topology = sys.spawn([refreshes](caf::event_based_actor*) -> caf::behavior {
    return {[refreshes](refresh_atom, const std::string&) { ++*refreshes; }};
  });
  keep(topology);
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)}, {}, topology);
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "pending"; }));
  ASSERT_TRUE(eventually([&] { return refreshes->load() >= 1; }));
  EXPECT_EQ(sw1->cuts(), 0);
  // More reports about it do not keep the topology refreshing.
  for (int i = 1; i <= 5; ++i)
    self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t + i));
  records(sup); // every report above was handled before this answer
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(refreshes->load(), 1);
  put_topology(site({attacker}));
  self->send(sup, topology_atom::value, std::string{"{}"});
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
}

TEST_F(isolation_actors, a_rate_alarm_names_the_device_on_the_port) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  self->send(sup, port_alarm_atom::value, std::string{"sw1"}, std::uint32_t{3},
             json{{"measure", "in_pps"}, {"value", 90000}}.dump());
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  auto rec = records(sup)[0];
  EXPECT_EQ(rec["cause"], "traffic");
  EXPECT_EQ(rec["suspect_mac"], attacker);
  // An alarm on the gateway's port names no single device: no cut.
  self->send(sup, port_alarm_atom::value, std::string{"sw1"}, std::uint32_t{1},
             std::string{"{}"});
  ASSERT_TRUE(eventually([&] { return has_alert("traffic_alarm"); }));
  EXPECT_EQ(sw1->cuts(), 1);
}

TEST_F(isolation_actors, a_cut_that_keeps_failing_is_recorded_failed) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  sw1->set_failing(true);
  auto sup = start({element("sw1", sw1)});
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "failed"; }));
  EXPECT_EQ(sw1->cuts(), 3); // the first attempt and two retries
  EXPECT_TRUE(has_alert("isolation_failed"));
  // Re-verification tries again, and succeeds once the switch answers.
  sw1->set_failing(false);
  self->send(sup, reverify_atom::value);
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "cut"; }));
}

TEST_F(isolation_actors, a_rogue_from_onboarding_is_isolated_by_the_same_path) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  self->send(sup, isolate_atom::value, std::string{"mac:" + attacker}, attacker,
             std::string{"192.0.2.99"}, std::string{"vendor EVILCO is not in the design"});
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  auto rec = records(sup)[0];
  EXPECT_EQ(rec["cause"], "rogue");
  EXPECT_EQ(rec["identity"], "mac:" + attacker);
  EXPECT_EQ(rec["evidence"]["reason"], "vendor EVILCO is not in the design");
}

TEST_F(isolation_actors, a_suspect_that_moves_is_cut_where_it_is_now) {
  put_topology(site({attacker}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  auto t = now_ms();
  self->send(sup, suspect_atom::value, attacker, "", "flow", evidence(t, t));
  ASSERT_TRUE(eventually([&] { return sw1->admin(3) == 2; }));
  // A topology in which it still sits behind its cut changes nothing.
  self->send(sup, topology_atom::value, std::string{"{}"});
  EXPECT_EQ(records(sup)[0]["cuts"].size(), 1u);
  // Plugged into port 4 (or handed over to another AP): cut there too.
  auto moved = site({});
  moved.reports[0].ports.push_back(port(4, {attacker}));
  put_topology(moved);
  self->send(sup, topology_atom::value, std::string{"{}"});
  ASSERT_TRUE(eventually([&] { return sw1->admin(4) == 2; }));
  auto rec = records(sup)[0];
  EXPECT_EQ(rec["cuts"].size(), 2u);
  EXPECT_EQ(rec["state"], "cut");
  bool noted = false;
  for (auto& s : rec["trail"])
    noted = noted || s["what"].get<std::string>().find("moved") != std::string::npos;
  EXPECT_TRUE(noted) << rec.dump(2);
  EXPECT_EQ(sw1->admin(2), 1);
}

TEST_F(isolation_actors, a_rogue_claiming_an_admitted_devices_mac_waits_for_an_operator) {
  // plc's MAC on its own port 2 and on port 3 (a spoofer): two claims.
  put_topology(site({plc}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  self->send(sup, isolate_atom::value, std::string{"mac:" + plc}, plc, std::string{""},
             std::string{"product KS-PLC900 is not in the design"});
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "awaiting_operator"; }));
  EXPECT_TRUE(has_alert("isolation_needs_operator"));
  EXPECT_EQ(sw1->cuts(), 0);
}

TEST_F(isolation_actors, a_rogue_with_an_admitted_devices_mac_is_never_cut_by_attachment) {
  // One claim only: the topology cannot tell the spoofer from the PLC.
  put_topology(site({}));
  auto sw1 = std::make_shared<scripted_switch>(std::vector{cut_action::port_down});
  auto sup = start({element("sw1", sw1)});
  self->send(sup, isolate_atom::value, std::string{"mac:" + plc}, plc, std::string{""},
             std::string{"product KS-PLC900 is not in the design"});
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "awaiting_operator"; }));
  EXPECT_EQ(sw1->cuts(), 0);
  EXPECT_EQ(sw1->admin(2), 1);
}

TEST_F(isolation_actors, a_device_seen_at_the_gateway_is_blocked_there_and_unblocked_on_release) {
  put_topology(site({}));
  // The gateway's own cut (BlueZ's Blocked in kagamid): its I/O is the
  // bluez_block integration test's; here, what the supervisor does with it.
  auto blocked = std::make_shared<std::map<std::string, bool>>();
  auto mtx = std::make_shared<std::mutex>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  isolation_supervisor_config cfg;
  cfg.reverify_period = 1h;
  cfg.store = &store;
  cfg.gateway_cut = [=](const storage::isolation_record& rec, bool block)
    -> caf::expected<cut_outcome> {
    ++*calls;
    std::lock_guard<std::mutex> guard{*mtx};
    (*blocked)[rec.evidence.value("locator", std::string{})] = block;
    return cut_outcome{true, true, block ? "Blocked=true" : "Blocked=false", 0};
  };
  auto sup = keep(spawn_isolation_supervisor(sys, std::move(cfg)));
  const std::string ble = "aa:bb:cc:dd:ee:07";
  auto now = now_ms();
  self->send(sup, suspect_atom::value, ble, std::string{}, std::string{"gateway"},
             json{{"kind", "unexpected_ble_connection"},
                  {"locator", "/org/bluez/hci0/dev_AA_BB_CC_DD_EE_07"},
                  {"first_seen_ms", now},
                  {"last_seen_ms", now}}
               .dump());
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "cut"; }));
  auto rec = records(sup)[0];
  EXPECT_EQ(rec["cuts"][0]["action"], "ble_block");
  {
    std::lock_guard<std::mutex> guard{*mtx};
    EXPECT_TRUE((*blocked)["/org/bluez/hci0/dev_AA_BB_CC_DD_EE_07"]);
  }
  // Re-verification blocks again (harmless; it reads back).
  self->send(sup, reverify_atom::value);
  ASSERT_TRUE(eventually([&] { return calls->load() >= 2; }));
  self->request(sup, 5s, release_atom::value, rec["id"].get<std::string>(),
                std::string{"op-alice"})
    .receive([&](std::string& s) { EXPECT_EQ(json::parse(s)["state"], "released"); },
             [&](caf::error& e) { FAIL() << to_string(e); });
  std::lock_guard<std::mutex> guard{*mtx};
  EXPECT_FALSE((*blocked)["/org/bluez/hci0/dev_AA_BB_CC_DD_EE_07"]);
}

TEST_F(isolation_actors, without_a_gateway_cut_a_gateway_suspect_has_no_option) {
  put_topology(site({}));
  auto sup = start({});
  self->send(sup, suspect_atom::value, std::string{"aa:bb:cc:dd:ee:08"}, std::string{},
             std::string{"gateway"}, std::string{"{}"});
  ASSERT_TRUE(eventually([&] { return records(sup)[0]["state"] == "no_option"; }));
  EXPECT_TRUE(has_alert("isolation_impossible"));
}
