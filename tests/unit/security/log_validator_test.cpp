// log_validator with a real actor system: audit events in; each alert goes to
// the audit sink, to every subscriber and into the ring of recent alerts;
// its own alert records do not feed back; subscriptions are bounded and end
// with the subscriber.

#include "actors/security/logcheck/log_validator.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::security::logcheck;
using namespace std::chrono_literals;
using storage::audit_event;

namespace {

constexpr int64_t t0 = 1795428000000;

audit_event auth_failure(int64_t t, std::string account) {
  audit_event ev;
  ev.time_ms = t;
  ev.subject = std::move(account);
  ev.source = "192.0.2.7:40000";
  ev.thing = "press-1";
  ev.affordance = "setpoint";
  ev.op = "writeproperty";
  ev.outcome = storage::audit_outcome::denied;
  ev.http_status = 401;
  ev.check = "authn.basic";
  ev.request_id = "r-" + std::to_string(t);
  return ev;
}

/// What the audit sink was given; written on the validator's thread.
struct sink_log {
  std::mutex mtx;
  std::vector<audit_event> events;
};

class log_validator_test : public ::testing::Test {
protected:
  log_validator_test() : sys{sys_cfg}, self{sys} {
    // nop
  }

  ~log_validator_test() override {
    if (validator)
      self->send_exit(validator, caf::exit_reason::user_shutdown);
  }

  void start(size_t recent_alerts = 100, size_t max_subscribers = 64) {
    log_validator_config cfg;
    cfg.analysis.learning_events = 5;
    cfg.recent_alerts = recent_alerts;
    cfg.max_subscribers = max_subscribers;
    cfg.audit_sink = [log = log](const audit_event& ev) {
      std::lock_guard<std::mutex> guard{log->mtx};
      log->events.push_back(ev);
    };
    auto h = spawn_log_validator(sys, std::move(cfg));
    ASSERT_TRUE(h) << detail_of(h.error());
    validator = *h;
  }

  /// Ten failures of `account`, one second apart from `from`: one alert.
  void brute_force(const std::string& account, int64_t from) {
    for (int i = 0; i < 10; ++i)
      self->send(validator, audit_atom::value,
                 auth_failure(from + i * 1000, account));
  }

  bool subscribe(const caf::actor& who) {
    bool out = false;
    self->request(validator, 5s, subscribe_atom::value, who)
      .receive([&](bool ok) { out = ok; },
               [&](const caf::error& err) { ADD_FAILURE() << to_string(err); });
    return out;
  }

  nlohmann::json ask(caf::atom_value what) {
    std::string out = "null";
    auto handle = [&](const std::string& text) { out = text; };
    auto fail = [&](const caf::error& err) { ADD_FAILURE() << to_string(err); };
    if (what == list_atom::value)
      self->request(validator, 5s, list_atom::value).receive(handle, fail);
    else
      self->request(validator, 5s, inspect_atom::value).receive(handle, fail);
    return nlohmann::json::parse(out);
  }

  /// The next alert sent to `self`, or null when none comes within `wait`
  /// (a liveness guard, not a timing assertion).
  nlohmann::json next_alert(caf::duration wait = caf::duration{10s}) {
    nlohmann::json out;
    self->receive(
      [&](alert_atom, const std::string& text) {
        out = nlohmann::json::parse(text);
      },
      caf::after(wait) >> [] {});
    return out;
  }

  std::vector<audit_event> sunk() {
    std::lock_guard<std::mutex> guard{log->mtx};
    return log->events;
  }

  // Declared before the actor system, which outlives every actor using it.
  std::shared_ptr<sink_log> log = std::make_shared<sink_log>();
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  log_validator_actor validator;
};

TEST_F(log_validator_test, an_alert_reaches_subscribers_the_audit_and_the_list) {
  start();
  ASSERT_TRUE(subscribe(caf::actor_cast<caf::actor>(self)));
  brute_force("user:alice", t0);
  auto alert = next_alert();
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["kind"], "brute_force");
  EXPECT_EQ(alert["subject"], "user:alice");
  EXPECT_EQ(alert["timeMs"], t0 + 9000);
  // The audit record was handed over before the alert was published.
  auto records = sunk();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].op, "alert");
  EXPECT_EQ(records[0].check, "logcheck.brute_force");
  EXPECT_EQ(records[0].reason, alert["summary"]);
  EXPECT_EQ(records[0].request_id, "r-" + std::to_string(t0 + 9000));
  // A late subscriber can read it.
  EXPECT_EQ(ask(list_atom::value), nlohmann::json::array({alert}));
  // The alert record coming back through the request path is ignored, even
  // many times over.
  for (int i = 0; i < 20; ++i)
    self->send(validator, audit_atom::value, records[0]);
  auto state = ask(inspect_atom::value);
  EXPECT_EQ(state["events"], 10);
  EXPECT_EQ(state["alerts"], 1);
  EXPECT_EQ(state["subscribers"], 1);
  EXPECT_EQ(state["tables"]["accounts"], 1);
  EXPECT_EQ(sunk().size(), 1u);
}

TEST_F(log_validator_test, a_written_batch_is_analysed_like_single_events) {
  start();
  ASSERT_TRUE(subscribe(caf::actor_cast<caf::actor>(self)));
  // As the audit writer hands over a durable batch: nine failures, then the
  // tenth in a second batch.
  std::vector<audit_event> first;
  for (int i = 0; i < 9; ++i)
    first.push_back(auth_failure(t0 + i * 1000, "user:bob"));
  self->send(validator, audit_atom::value, first);
  EXPECT_EQ(ask(inspect_atom::value)["alerts"], 0);
  self->send(validator, audit_atom::value,
             std::vector<audit_event>{auth_failure(t0 + 9000, "user:bob")});
  auto alert = next_alert();
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["kind"], "brute_force");
  EXPECT_EQ(alert["subject"], "user:bob");
  EXPECT_EQ(ask(inspect_atom::value)["events"], 10);
}

TEST_F(log_validator_test, the_list_keeps_the_last_alerts) {
  start(2);
  brute_force("user:a", t0);
  brute_force("user:b", t0 + 10'000);
  brute_force("user:c", t0 + 20'000);
  auto list = ask(list_atom::value);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["subject"], "user:b");
  EXPECT_EQ(list[1]["subject"], "user:c");
  EXPECT_EQ(sunk().size(), 3u);
}

TEST_F(log_validator_test, subscriptions_are_bounded_and_end_with_the_subscriber) {
  start(100, 1);
  auto other = sys.spawn([]() -> caf::behavior {
    return {[](alert_atom, const std::string&) {}};
  });
  ASSERT_TRUE(subscribe(other));
  EXPECT_TRUE(subscribe(other)); // already subscribed
  EXPECT_FALSE(subscribe(caf::actor_cast<caf::actor>(self)));
  // When the subscriber terminates, its place is free again.
  self->send_exit(other, caf::exit_reason::user_shutdown);
  self->wait_for(other);
  bool freed = false;
  for (int i = 0; i < 500 && !freed; ++i) {
    freed = ask(inspect_atom::value)["subscribers"] == 0;
    if (!freed)
      std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(freed);
  ASSERT_TRUE(subscribe(caf::actor_cast<caf::actor>(self)));
  self->send(validator, unsubscribe_atom::value,
             caf::actor_cast<caf::actor>(self));
  EXPECT_EQ(ask(inspect_atom::value)["subscribers"], 0);
  // Unsubscribed: the alert is listed but not sent. The validator sends an
  // alert before it answers a later request, so once the list is here any
  // alert for `self` would be in its mailbox already.
  brute_force("user:alice", t0);
  EXPECT_EQ(ask(list_atom::value).size(), 1u);
  EXPECT_TRUE(next_alert(caf::duration{0s}).is_null());
}

TEST_F(log_validator_test, an_invalid_config_spawns_nothing) {
  log_validator_config cfg;
  cfg.analysis.brute_force.threshold = 0;
  auto h = spawn_log_validator(sys, cfg);
  ASSERT_FALSE(h);
  EXPECT_EQ(code_of(h.error()), ec::config_invalid);
  cfg = log_validator_config{};
  cfg.recent_alerts = 0;
  EXPECT_FALSE(spawn_log_validator(sys, cfg));
}

} // namespace
