// The SNMP client and the switch adapter against a real net-snmp snmpd that
// each test starts on 127.0.0.1 and a free UDP port (no root needed; the
// agent's config, persistent state and log live in a temporary directory).
// IF-MIB is snmpd's own (the interfaces of this network namespace);
// BRIDGE-MIB and LLDP-MIB come from tests/data/snmp/bad-agent-pass, a
// pass_persist script that plays a sound switch or a broken one (wrong
// types, truncated tables, getnext loops). The agent only ever gets a
// read-only community: nothing here can take an interface down.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/snmp/snmp_session.hpp"
#include "protocols/snmp/snmp_switch_adapter.hpp"

using namespace std::chrono_literals;
using namespace kagami;
using namespace kagami::protocols::snmp;

namespace {

const std::string community = "kagami-ro-test";

std::string script() {
  return std::string{KAGAMI_SOURCE_DIR} + "/tests/data/snmp/bad-agent-pass";
}

bool mentions(const std::vector<std::string>& reasons, const std::string& part) {
  return std::any_of(reasons.begin(), reasons.end(),
                     [&](auto& r) { return r.find(part) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& reasons) {
  std::string result;
  for (auto& r : reasons)
    result += r + "\n";
  return result;
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
uint16_t free_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

/// snmpd on 127.0.0.1:PORT with a read-only community, optionally serving
/// BRIDGE-MIB and LLDP-MIB from bad-agent-pass in `mode`.
class snmpd_agent {
public:
  explicit snmpd_agent(std::optional<std::string> mode = std::nullopt) {
    char tmpl[] = "/tmp/kagami-snmpd-XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = free_udp_port();
    {
      std::ofstream conf(dir_ + "/snmpd.conf");
      conf << "rocommunity " << community << " 127.0.0.1\n"
           << "dontLogTCPWrappersConnects yes\n"
           << "sysName kagami-snmp-test\n";
      if (mode)
        for (auto base : {".1.3.6.1.2.1.17", ".1.0.8802.1.1.2"})
          conf << "pass_persist " << base << " " << script() << " " << *mode << " " << base
               << "\n";
    }
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      int null = open("/dev/null", O_RDWR);
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      setenv("MIBS", "", 1);
      setenv("SNMP_PERSISTENT_DIR", dir_.c_str(), 1);
      setenv("SNMPCONFPATH", dir_.c_str(), 1);
      auto conf = dir_ + "/snmpd.conf";
      auto log = dir_ + "/snmpd.log";
      auto listen = "udp:127.0.0.1:" + std::to_string(port_);
      execlp("snmpd", "snmpd", "-f", "-C", "-c", conf.c_str(), "-Lf", log.c_str(),
             listen.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  ~snmpd_agent() {
    if (pid_ > 0) {
      kill(-pid_, SIGTERM);
      auto until = std::chrono::steady_clock::now() + 5s;
      int status = 0;
      while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
          kill(-pid_, SIGKILL);
          waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(20ms);
      }
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string address() const {
    return "127.0.0.1:" + std::to_string(port_);
  }

  /// Waits until the agent answers sysName.0 (and, with pass_persist, the
  /// script answers too); false when it does not within 10 s.
  bool ready() {
    auto config = session(community);
    config.timeout = 200ms;
    config.retries = 0;
    auto client = open_snmp_session(config);
    if (!client)
      return false;
    auto until = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      if (auto got = (*client)->get({{1, 3, 6, 1, 2, 1, 1, 5, 0}}); got)
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  session_config session(const std::string& with_community) const {
    session_config config;
    config.address = address();
    config.community = with_community;
    config.timeout = 1000ms;
    config.retries = 0;
    return config;
  }

  snmp_switch_config switch_config() const {
    snmp_switch_config config;
    config.element_id = "sw-test";
    config.management_address = address();
    config.read_community = community;
    config.timeout = 1000ms;
    config.retries = 0;
    config.walk_deadline = 5s;
    config.read_deadline = 20s;
    return config;
  }

  std::string log() const {
    std::ifstream in(dir_ + "/snmpd.log");
    return std::string{std::istreambuf_iterator<char>(in), {}};
  }

private:
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

std::unique_ptr<snmp_switch_adapter> adapter(const snmp_switch_config& config) {
  auto made = snmp_switch_adapter::make(config);
  if (!made) {
    ADD_FAILURE() << to_string(made.error());
    return nullptr;
  }
  return std::move(*made);
}

const topology::port_observation* port_named(const network::element_reading& r,
                                             const std::string& name) {
  for (auto& p : r.report.ports)
    if (p.name == name)
      return &p;
  return nullptr;
}

const topology::port_observation* port_at(const network::element_reading& r, uint32_t id) {
  for (auto& p : r.report.ports)
    if (p.port_id == id)
      return &p;
  return nullptr;
}

template <class F>
std::chrono::milliseconds timed(F f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - start);
}

} // namespace

TEST(snmp_config, validation_names_the_field) {
  session_config s;
  s.address = "127.0.0.1";
  s.community = "x";
  EXPECT_FALSE(s.validate());
  EXPECT_EQ(*transport_address("10.99.1.2"), "udp:10.99.1.2:161");
  EXPECT_EQ(*transport_address("10.99.1.2:1161"), "udp:10.99.1.2:1161");
  EXPECT_EQ(*transport_address("[::1]:1161"), "udp6:[::1]:1161");
  EXPECT_EQ(*transport_address("[fe80::1]"), "udp6:[fe80::1]:161");
  for (auto bad : {"", "switch.example", "10.99.1.2:0", "10.99.1.2:65536", "10.99.1.2:x",
                   "[::1", "[::1]x", "::1", "10.99.1.2:161:1", "udp:10.99.1.2"}) {
    auto t = transport_address(bad);
    EXPECT_FALSE(t) << bad;
    if (!t) {
      EXPECT_EQ(code_of(t.error()), ec::config_invalid);
    }
  }
  auto with = [&](auto change) {
    auto c = s;
    change(c);
    return c.validate();
  };
  EXPECT_TRUE(mentions({detail_of(with([](auto& c) { c.community = ""; }))}, "community"));
  EXPECT_TRUE(mentions({detail_of(with([](auto& c) { c.timeout = 0ms; }))}, "timeout"));
  EXPECT_TRUE(mentions({detail_of(with([](auto& c) { c.retries = 11; }))}, "retries"));
  EXPECT_TRUE(
    mentions({detail_of(with([](auto& c) { c.max_repetitions = 0; }))}, "max_repetitions"));
  EXPECT_TRUE(
    mentions({detail_of(with([](auto& c) { c.walk_deadline = 0ms; }))}, "walk_deadline"));
  EXPECT_EQ(error_status_name(6), "noAccess");
  EXPECT_EQ(error_status_name(17), "notWritable");
  EXPECT_EQ(error_status_name(99), "errorStatus 99");

  snmp_switch_config sw;
  sw.element_id = "sw1";
  sw.management_address = "10.99.1.2";
  sw.read_community = "ro";
  EXPECT_FALSE(sw.validate());
  auto bad_sw = [&](auto change) {
    auto c = sw;
    change(c);
    auto made = snmp_switch_adapter::make(c);
    EXPECT_FALSE(made);
    return made ? std::string{} : detail_of(made.error());
  };
  EXPECT_EQ(bad_sw([](auto& c) { c.element_id = ""; }),
            "snmp switch ?: element_id: must not be empty");
  EXPECT_TRUE(mentions({bad_sw([](auto& c) { c.management_address = "sw1.local"; })},
                       "snmp switch sw1: address 'sw1.local'"));
  EXPECT_TRUE(mentions({bad_sw([](auto& c) { c.write_community = ""; })}, "write_community"));
  EXPECT_TRUE(mentions({bad_sw([](auto& c) { c.verify_timeout = 2min; })}, "verify_timeout"));
}

TEST(snmp_session, get_walk_and_limits_against_snmpd) {
  snmpd_agent agent;
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto client = open_snmp_session(agent.session(community));
  ASSERT_TRUE(client) << to_string(client.error());
  auto& c = **client;
  // sysName.0 exists, sysName.1 does not: a no_value, not an error.
  auto got = c.get({{1, 3, 6, 1, 2, 1, 1, 5, 0}, {1, 3, 6, 1, 2, 1, 1, 5, 1}});
  ASSERT_TRUE(got) << to_string(got.error());
  ASSERT_EQ(got->size(), 2u);
  auto* name = std::get_if<octet_string_value>(&(*got)[0].value);
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(std::string(name->bytes.begin(), name->bytes.end()), "kagami-snmp-test");
  EXPECT_TRUE(std::holds_alternative<no_value>((*got)[1].value));
  // ifDescr: one varbind per interface of this namespace, in order, all
  // under the subtree.
  object_identifier if_descr = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
  auto walked = c.walk(if_descr);
  ASSERT_TRUE(walked) << to_string(walked.error());
  auto* names = if_nameindex();
  size_t count = 0;
  for (auto* i = names; i->if_index != 0; ++i)
    ++count;
  if_freenameindex(names);
  EXPECT_EQ(walked->size(), count);
  EXPECT_FALSE(check_walk_order(*walked));
  for (auto& vb : *walked)
    EXPECT_TRUE(starts_with(vb.oid, if_descr));
  // A walk of nothing is empty.
  auto nothing = c.walk({1, 3, 6, 1, 4, 1, 99999, 42});
  ASSERT_TRUE(nothing) << to_string(nothing.error());
  EXPECT_TRUE(nothing->empty());

  // Bounds: a string longer than max_string_length, more varbinds than a
  // walk may collect, a walk past its deadline.
  auto tight = agent.session(community);
  tight.limits.max_string_length = 4;
  auto t = open_snmp_session(tight);
  ASSERT_TRUE(t);
  auto long_name = (*t)->get({{1, 3, 6, 1, 2, 1, 1, 5, 0}});
  ASSERT_FALSE(long_name);
  EXPECT_EQ(code_of(long_name.error()), ec::device_bad_reply);
  EXPECT_TRUE(mentions({detail_of(long_name.error())}, "1.3.6.1.2.1.1.5.0: OctetString of 16 bytes"))
    << to_string(long_name.error());
  auto few = agent.session(community);
  few.max_walk_varbinds = 3;
  auto f = open_snmp_session(few);
  auto many = (*f)->walk({1, 3, 6, 1, 2, 1, 1});
  ASSERT_FALSE(many);
  EXPECT_EQ(code_of(many.error()), ec::device_bad_reply);
  EXPECT_TRUE(mentions({detail_of(many.error())}, "exceeds 3 varbinds"));
  auto brief = agent.session(community);
  brief.walk_deadline = 1ms;
  brief.max_repetitions = 1;
  auto b = open_snmp_session(brief);
  auto late = (*b)->walk({1, 3, 6, 1, 2, 1, 1});
  ASSERT_FALSE(late);
  EXPECT_EQ(code_of(late.error()), ec::device_timeout);
  EXPECT_TRUE(mentions({detail_of(late.error())}, "exceeded its deadline of 1 ms"));
}

TEST(snmp_switch, reads_the_agents_own_if_mib) {
  snmpd_agent agent;
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto a = adapter(agent.switch_config());
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->capabilities().empty());
  auto r = a->read_neighbours();
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(r->report.reporter.id, "sw-test");
  EXPECT_EQ(r->report.reporter.kind, topology::element_kind::switch_element);
  EXPECT_EQ(r->report.reporter.management_address, agent.address());
  EXPECT_GT(r->report.observed_at_ms, 1'600'000'000'000);
  // Every interface of this namespace, by ifIndex and name.
  auto* names = if_nameindex();
  size_t count = 0;
  for (auto* i = names; i->if_index != 0; ++i, ++count) {
    auto* p = port_at(*r, i->if_index);
    ASSERT_NE(p, nullptr) << i->if_name;
    EXPECT_EQ(p->name, i->if_name);
    EXPECT_TRUE(p->lldp.empty());
    EXPECT_TRUE(p->learned_macs.empty());
  }
  if_freenameindex(names);
  EXPECT_EQ(r->report.ports.size(), count);
  auto* lo = port_named(*r, "lo");
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(lo->port_id, if_nametoindex("lo"));
  // No BRIDGE-MIB or LLDP-MIB: empty tables, not failures; only the
  // chassis MAC is missing.
  EXPECT_EQ(r->degraded.size(), 1u) << joined(r->degraded);
  EXPECT_TRUE(mentions(r->degraded, "no chassis MAC")) << joined(r->degraded);

  auto c = a->read_counters();
  ASSERT_TRUE(c) << to_string(c.error());
  EXPECT_TRUE(c->degraded.empty()) << joined(c->degraded);
  auto it = std::find_if(c->ports.begin(), c->ports.end(),
                         [](auto& p) { return p.name == "lo"; });
  ASSERT_NE(it, c->ports.end());
  EXPECT_EQ(it->port_id, if_nametoindex("lo"));
  EXPECT_EQ(it->admin_status, 1);
  EXPECT_EQ(it->oper_status, 1);
  EXPECT_GT(it->in_octets, 0u);
}

TEST(snmp_switch, a_wrong_community_is_a_quick_timeout) {
  snmpd_agent agent;
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto config = agent.switch_config();
  config.read_community = "not-the-community";
  config.timeout = 300ms;
  auto a = adapter(config);
  ASSERT_TRUE(a);
  caf::expected<network::element_reading> r = caf::error{};
  auto took = timed([&] { r = a->read_neighbours(); });
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), ec::device_timeout) << to_string(r.error());
  EXPECT_TRUE(mentions({detail_of(r.error())}, "sw-test")) << to_string(r.error());
  EXPECT_LT(took, 1500ms);
  caf::expected<network::counter_reading> c = caf::error{};
  took = timed([&] { c = a->read_counters(); });
  ASSERT_FALSE(c);
  EXPECT_EQ(code_of(c.error()), ec::device_timeout);
  EXPECT_LT(took, 1500ms);
  // Nothing listens: the same.
  auto gone = agent.switch_config();
  gone.management_address = "127.0.0.1:" + std::to_string(free_udp_port());
  gone.timeout = 200ms;
  auto g = adapter(gone);
  auto none = g->read_neighbours();
  ASSERT_FALSE(none);
  EXPECT_EQ(code_of(none.error()), ec::device_timeout);
}

TEST(snmp_switch, a_cut_with_the_read_only_community_is_refused) {
  snmpd_agent agent;
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto lo = std::to_string(if_nametoindex("lo"));
  // The agent knows only the read-only community; configure it as the
  // write community to see the agent's refusal.
  auto config = agent.switch_config();
  config.write_community = community;
  config.verify_timeout = 0ms;
  auto a = adapter(config);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->capabilities(), std::vector<network::cut_action>{network::cut_action::port_down});
  auto cut = a->cut({"order-1", network::cut_action::port_down, lo});
  ASSERT_FALSE(cut);
  EXPECT_EQ(code_of(cut.error()), ec::device_error) << to_string(cut.error());
  EXPECT_TRUE(mentions({detail_of(cut.error())}, "noAccess at 1.3.6.1.2.1.2.2.1.7." + lo))
    << to_string(cut.error());
  auto restore = a->restore({"order-1", network::cut_action::port_down, lo});
  ASSERT_FALSE(restore);
  EXPECT_EQ(code_of(restore.error()), ec::device_error);
  // lo is still up.
  auto c = a->read_counters();
  ASSERT_TRUE(c);
  for (auto& p : c->ports) {
    if (p.name == "lo") {
      EXPECT_EQ(p.admin_status, 1);
    }
  }
  // Targets that are no ifIndex of the agent, and cuts it does not offer.
  for (auto target : {"999999", "0", "01", "abc", "", "-1", "4294967296", " 1"}) {
    auto x = a->cut({"order-2", network::cut_action::port_down, target});
    ASSERT_FALSE(x) << target;
    EXPECT_EQ(code_of(x.error()), ec::invalid_value) << target << ": " << to_string(x.error());
  }
  auto ssid = a->cut({"order-3", network::cut_action::ssid_off, "factory"});
  ASSERT_FALSE(ssid);
  EXPECT_EQ(code_of(ssid.error()), ec::not_writable);
  // Without a write community: no cut at all.
  auto ro = adapter(agent.switch_config());
  auto refused = ro->cut({"order-4", network::cut_action::port_down, lo});
  ASSERT_FALSE(refused);
  EXPECT_EQ(code_of(refused.error()), ec::not_writable);
}

TEST(snmp_switch, a_sound_bridge_and_lldp_agent) {
  ASSERT_EQ(if_nametoindex("lo"), 1u) << "bad-agent-pass maps bridge port 1 to ifIndex 1";
  snmpd_agent agent{"sound"};
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto a = adapter(agent.switch_config());
  auto r = a->read_neighbours();
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_TRUE(r->degraded.empty()) << joined(r->degraded);
  EXPECT_EQ(r->report.reporter.chassis_mac, "02:99:01:00:00:00");
  auto* lo = port_named(*r, "lo");
  ASSERT_NE(lo, nullptr);
  ASSERT_EQ(lo->lldp.size(), 2u);
  EXPECT_EQ(lo->lldp[0].chassis_id, "02:99:00:00:00:11");
  EXPECT_EQ(lo->lldp[0].port_id, "eth0");
  EXPECT_EQ(lo->lldp[1].chassis_id, "02:99:02:00:00:00");
  EXPECT_EQ(lo->lldp[1].port_id, "p-sw1");
  EXPECT_EQ(lo->learned_macs,
            (std::vector<std::string>{"02:99:00:00:00:11", "02:99:02:00:00:00"}));
}

TEST(snmp_switch, wrong_types_are_degraded_not_fatal) {
  snmpd_agent agent{"wrong-types"};
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto a = adapter(agent.switch_config());
  auto r = a->read_neighbours();
  ASSERT_TRUE(r) << to_string(r.error());
  auto& d = r->degraded;
  EXPECT_TRUE(mentions(d, "BRIDGE-MIB dot1dBasePortIfIndex not decoded: "
                          "1.3.6.1.2.1.17.1.4.1.2.1: dot1dBasePortIfIndex is OctetString"))
    << joined(d);
  EXPECT_TRUE(mentions(d, "lldpLocChassisIdSubtype (1.0.8802.1.1.2.1.3.1.0): OctetString"))
    << joined(d);
  EXPECT_TRUE(mentions(d, "dot1dBaseBridgeAddress (1.3.6.1.2.1.17.1.1.0): Integer"))
    << joined(d);
  EXPECT_TRUE(mentions(d, "no chassis MAC")) << joined(d);
  EXPECT_TRUE(mentions(d, "1.0.8802.1.1.2.1.4.1.1.5.0.1.1")) << joined(d);
  EXPECT_TRUE(mentions(d, "Timeticks")) << joined(d);
  EXPECT_EQ(r->report.reporter.chassis_mac, "");
  // IF-MIB is still there; the neighbour without a chassis id is dropped,
  // the other stays (its port id was mistyped); no MAC is learned.
  auto* lo = port_named(*r, "lo");
  ASSERT_NE(lo, nullptr);
  ASSERT_EQ(lo->lldp.size(), 1u) << joined(d);
  EXPECT_EQ(lo->lldp[0].chassis_id, "02:99:02:00:00:00");
  for (auto& p : r->report.ports)
    EXPECT_TRUE(p.learned_macs.empty());
}

TEST(snmp_switch, truncated_tables_are_degraded_not_fatal) {
  snmpd_agent agent{"truncated"};
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto a = adapter(agent.switch_config());
  auto r = a->read_neighbours();
  ASSERT_TRUE(r) << to_string(r.error());
  auto& d = r->degraded;
  EXPECT_TRUE(mentions(d, "no chassis MAC")) << joined(d);
  EXPECT_TRUE(mentions(d, "dot1dTpFdbStatus (1.3.6.1.2.1.17.4.3.1.3.2.153.0.0.0.17)"))
    << joined(d);
  EXPECT_TRUE(mentions(d, "lldpLocPortId (1.0.8802.1.1.2.1.3.7.1.3.1)")) << joined(d);
  EXPECT_TRUE(mentions(d, "lldpRemChassisId (1.0.8802.1.1.2.1.4.1.1.5.0.1.2)")) << joined(d);
  EXPECT_TRUE(mentions(d, "lldpRemPortIdSubtype (1.0.8802.1.1.2.1.4.1.1.6.0.1.1)"))
    << joined(d);
  // The first neighbour stays (local port 1 resolved through the bridge
  // port map), the second has no chassis id; no FDB row is complete.
  auto* lo = port_at(*r, 1);
  ASSERT_NE(lo, nullptr);
  ASSERT_EQ(lo->lldp.size(), 1u);
  EXPECT_EQ(lo->lldp[0].chassis_id, "02:99:00:00:00:11");
  EXPECT_TRUE(lo->learned_macs.empty());
}

TEST(snmp_switch, a_getnext_loop_ends_the_walk_with_a_reason) {
  snmpd_agent agent{"loop"};
  ASSERT_TRUE(agent.ready()) << agent.log();
  // The walk itself: ec::device_bad_reply at once.
  auto client = open_snmp_session(agent.session(community));
  ASSERT_TRUE(client);
  caf::expected<std::vector<varbind>> walked = std::vector<varbind>{};
  auto took = timed([&] { walked = (*client)->walk({1, 0, 8802, 1, 1, 2, 1, 4, 1, 1}); });
  ASSERT_FALSE(walked);
  EXPECT_EQ(code_of(walked.error()), ec::device_bad_reply);
  EXPECT_EQ(detail_of(walked.error()),
            "getnext loop at OID 1.0.8802.1.1.2.1.4.1.1.4.0.1.1: not after "
            "1.0.8802.1.1.2.1.4.1.1.4.0.1.1 (walk of 1.0.8802.1.1.2.1.4.1.1)");
  EXPECT_LT(took, 2s);
  // The adapter: the table is a reason, the rest of the switch is read.
  auto a = adapter(agent.switch_config());
  caf::expected<network::element_reading> r = caf::error{};
  took = timed([&] { r = a->read_neighbours(); });
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(mentions(r->degraded, "lldpRemTable (1.0.8802.1.1.2.1.4.1.1) not read: "
                                    "getnext loop at OID 1.0.8802.1.1.2.1.4.1.1.4.0.1.1"))
    << joined(r->degraded);
  EXPECT_EQ(r->report.reporter.chassis_mac, "02:99:01:00:00:00");
  auto* lo = port_at(*r, 1);
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(lo->learned_macs.size(), 2u);
}

TEST(snmp_switch, a_walk_that_goes_backwards_is_a_loop) {
  snmpd_agent agent{"loop-back"};
  ASSERT_TRUE(agent.ready()) << agent.log();
  auto a = adapter(agent.switch_config());
  caf::expected<network::element_reading> r = caf::error{};
  auto took = timed([&] { r = a->read_neighbours(); });
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(mentions(r->degraded, "dot1dTpFdbPort (1.3.6.1.2.1.17.4.3.1.2) not read: "
                                    "getnext loop at OID 1.3.6.1.2.1.17.4.3.1.1."))
    << joined(r->degraded);
  // LLDP is sound here.
  auto* lo = port_at(*r, 1);
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(lo->lldp.size(), 2u);
  EXPECT_TRUE(lo->learned_macs.empty());
}
