// TTL-stepped ICMP probes (protocols/probe/ttl_probe.hpp) through the netns
// factory lab (tools/kagami-lab): kagami-trace in the gateway namespace finds
// the router hop and the routed cell device, stops at --max-hops without
// reaching it, and without CAP_NET_RAW fails with the clear message. One lab
// for all of it (it takes a few seconds to build). Needs root (see
// lab_fixture.hpp).

#include "tests/lab/lab_fixture.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#ifndef KAGAMI_TRACE_EXE
#error "KAGAMI_TRACE_EXE must name the kagami-trace binary"
#endif

namespace {

using kagami::lab::factory_lab;
using kagami::lab::shell_quote;
using nlohmann::json;

class ttl_probe_lab : public kagami::lab::lab_test {};

std::string trace(const std::string& args) {
  return shell_quote(KAGAMI_TRACE_EXE) + " " + args;
}

} // namespace

TEST_F(ttl_probe_lab, path_from_the_gateway_to_the_routed_cell) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  auto cell_ip = lab.device("cell-1").value("ip", std::string{});
  ASSERT_EQ(cell_ip, "10.99.2.11");
  auto router_lan = std::string{"10.99.1.254"};

  {
    SCOPED_TRACE("kagami-trace 10.99.2.11: router, then the cell device");
    auto r = lab.exec("gw", trace("--timeout-ms 1000 --tries 3 " + cell_ip));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto j = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j["destination"], cell_ip);
    EXPECT_EQ(j["reached"], true);
    EXPECT_EQ(j["deadline_hit"], false);
    ASSERT_EQ(j["hops"].size(), 2u) << r.out;
    EXPECT_EQ(j["hops"][0]["ttl"], 1);
    EXPECT_EQ(j["hops"][0]["outcome"], "time_exceeded");
    EXPECT_EQ(j["hops"][0]["address"], router_lan);
    EXPECT_TRUE(j["hops"][0]["rtt_us"].is_number());
    EXPECT_EQ(j["hops"][1]["ttl"], 2);
    EXPECT_EQ(j["hops"][1]["outcome"], "echo_reply");
    EXPECT_EQ(j["hops"][1]["address"], cell_ip);
  }
  {
    SCOPED_TRACE("a device on the gateway's own LAN is hop 1");
    auto plc_ip = lab.device("plc-1").value("ip", std::string{});
    auto r = lab.exec("gw", trace(plc_ip));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto j = json::parse(r.out, nullptr, false);
    ASSERT_EQ(j["hops"].size(), 1u) << r.out;
    EXPECT_EQ(j["hops"][0]["address"], plc_ip);
    EXPECT_EQ(j["hops"][0]["outcome"], "echo_reply");
  }
  {
    SCOPED_TRACE("--max-hops 1: the router answers, the cell is not reached (exit 3)");
    auto r = lab.exec("gw", trace("--max-hops 1 " + cell_ip));
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    auto j = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j["reached"], false);
    ASSERT_EQ(j["hops"].size(), 1u) << r.out;
    EXPECT_EQ(j["hops"][0]["address"], router_lan);
  }
  {
    SCOPED_TRACE("without CAP_NET_RAW: the clear message and exit 1");
    // capsh drops the capability from the bounding set before the shell
    // execs kagami-trace, so even root does not get it back.
    auto r = lab.exec("gw", "capsh --drop=cap_net_raw -- -c " + shell_quote(trace(cell_ip)));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("ICMP probes need CAP_NET_RAW (run as root or grant the capability)"),
              std::string::npos)
      << r.err;
    EXPECT_EQ(r.out, "");
  }
}
