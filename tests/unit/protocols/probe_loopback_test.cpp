// Real TTL probes over loopback (protocols/probe/ttl_probe.hpp): 127.0.0.1
// answers at hop 1, concurrent runs keep their replies apart by identifier,
// and kagami-trace without CAP_NET_RAW fails with the clear message.
//
// Needs CAP_NET_RAW (root). Without it the tests check the clear error and
// then skip, or fail when the environment variable CI is set.

#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/probe/probe_json.hpp"
#include "protocols/probe/ttl_probe.hpp"
#include "tests/integration/shell_command.hpp"

#ifndef KAGAMI_TRACE_EXE
#error "KAGAMI_TRACE_EXE must name the kagami-trace binary"
#endif

using namespace kagami;
using namespace kagami::protocols::probe;
using namespace std::chrono_literals;

namespace {

const ipv4_address loopback = {127, 0, 0, 1};

class probe_loopback : public ::testing::Test {
protected:
  void SetUp() override {
    auto err = check_probe_capability();
    if (!err)
      return;
    // Without the capability the error must be the clear one.
    ASSERT_EQ(code_of(err), ec::unavailable);
    ASSERT_EQ(detail_of(err), need_cap_net_raw);
    auto r = probe_path("127.0.0.1");
    ASSERT_FALSE(r);
    EXPECT_EQ(detail_of(r.error()), need_cap_net_raw);
    const char* ci = std::getenv("CI");
    if (ci != nullptr && *ci != '\0')
      GTEST_FAIL() << "probe tests need CAP_NET_RAW; CI is set, so this is a failure";
    GTEST_SKIP() << "probe tests need CAP_NET_RAW (run as root)";
  }
};

void expect_loopback_path(const ttl_probe_result& r) {
  EXPECT_TRUE(r.reached);
  EXPECT_FALSE(r.deadline_hit);
  EXPECT_EQ(r.destination, loopback);
  ASSERT_EQ(r.hops.size(), 1u);
  const auto& hop = r.hops[0];
  EXPECT_EQ(hop.ttl, 1);
  EXPECT_EQ(hop.outcome, hop_outcome::echo_reply);
  EXPECT_EQ(hop.responder, loopback);
  ASSERT_TRUE(hop.rtt);
  EXPECT_GE(hop.rtt->count(), 0);
  EXPECT_LT(*hop.rtt, 1s);
  EXPECT_EQ(hop.probes_sent, 1);
}

} // namespace

TEST_F(probe_loopback, localhost_answers_at_hop_one) {
  ttl_probe_config c;
  c.identifier = 0x6b61;
  auto r = probe_path("127.0.0.1", c);
  ASSERT_TRUE(r) << detail_of(r.error());
  EXPECT_EQ(r->identifier, 0x6b61);
  expect_loopback_path(*r);
  auto j = to_json(*r);
  EXPECT_EQ(j["destination"], "127.0.0.1");
  EXPECT_EQ(j["reached"], true);
  EXPECT_EQ(j["hops"][0]["address"], "127.0.0.1");
  EXPECT_EQ(j["hops"][0]["outcome"], "echo_reply");
}

TEST_F(probe_loopback, concurrent_runs_keep_their_replies_apart) {
  // Every raw ICMP socket sees every ICMP datagram: each run must pick out
  // its own reply by identifier. Several rounds of two runs at once.
  for (int round = 0; round < 10; ++round) {
    caf::expected<ttl_probe_result> a{caf::error{}}, b{caf::error{}};
    ttl_probe_config ca, cb;
    ca.identifier = static_cast<uint16_t>(1000 + round);
    cb.identifier = static_cast<uint16_t>(2000 + round);
    std::thread ta([&] { a = probe_path("127.0.0.1", ca); });
    std::thread tb([&] { b = probe_path("127.0.0.1", cb); });
    ta.join();
    tb.join();
    ASSERT_TRUE(a) << detail_of(a.error());
    ASSERT_TRUE(b) << detail_of(b.error());
    expect_loopback_path(*a);
    expect_loopback_path(*b);
    EXPECT_EQ(a->malformed, 0u);
  }
}

TEST_F(probe_loopback, fresh_identifier_per_run) {
  auto a = probe_path("127.0.0.1");
  auto b = probe_path("127.0.0.1");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->identifier, b->identifier);
}

TEST_F(probe_loopback, kagami_trace_prints_the_path) {
  auto r = test::run_shell(std::string{KAGAMI_TRACE_EXE} + " 127.0.0.1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.output;
  EXPECT_EQ(j["reached"], true);
  ASSERT_EQ(j["hops"].size(), 1u);
  EXPECT_EQ(j["hops"][0]["address"], "127.0.0.1");
}

TEST_F(probe_loopback, kagami_trace_without_cap_net_raw_fails_clearly) {
  // Drop CAP_NET_RAW from the bounding and inheritable sets, so that even
  // root does not get it back on exec.
  auto r = test::run_shell(
    "setpriv --inh-caps=-net_raw --bounding-set=-net_raw " + std::string{KAGAMI_TRACE_EXE}
    + " 127.0.0.1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(need_cap_net_raw), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\"hops\""), std::string::npos) << r.output;
}

TEST_F(probe_loopback, kagami_trace_usage_errors) {
  auto bad_address = test::run_shell(std::string{KAGAMI_TRACE_EXE} + " 10.99.2");
  EXPECT_EQ(bad_address.exit_code, 2) << bad_address.output;
  EXPECT_NE(bad_address.output.find("not an IPv4 address"), std::string::npos);
  auto bad_hops = test::run_shell(std::string{KAGAMI_TRACE_EXE} + " --max-hops 0 127.0.0.1");
  EXPECT_EQ(bad_hops.exit_code, 2) << bad_hops.output;
  EXPECT_NE(bad_hops.output.find("max_hops"), std::string::npos) << bad_hops.output;
}
