// The gateway's own firewall (protocols/nft/gateway_firewall.hpp) against
// the real kernel: two network namespaces of the test's own, "gateway" and
// "peer", joined by a veth with 10.99.250.1/.2 and fd99:fa::1/::2. The
// firewall is opened inside the gateway namespace; traffic is ping and TCP
// connects in both directions. Needs root; both namespaces are deleted at
// the end of every test, also when it fails.

#include "protocols/nft/gateway_firewall.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"

using namespace kagami;
using namespace kagami::protocols::nft;

namespace {

constexpr const char* prefix = "kgnft";
constexpr const char* gateway_v4 = "10.99.250.1";
constexpr const char* peer_v4 = "10.99.250.2";
constexpr const char* gateway_v6 = "fd99:fa::1";
constexpr const char* peer_v6 = "fd99:fa::2";
constexpr const char* peer_mac = "02:99:fa:00:00:02";

// Runs a shell command; true when it exits with 0.
bool sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

// The output of a shell command.
std::string capture(const std::string& cmd) {
  std::string out;
  if (auto p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
      out.append(buf, n);
    pclose(p);
  }
  return out;
}

// Deletes namespaces "kgnft<pid>-..." left behind by test processes that
// died before their destructors ran.
void delete_stale_namespaces() {
  auto dir = opendir("/run/netns");
  if (!dir)
    return;
  std::vector<std::string> stale;
  while (auto entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.rfind(prefix, 0) != 0)
      continue;
    auto pid = std::atoi(name.c_str() + std::strlen(prefix));
    if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
      stale.push_back(name);
  }
  closedir(dir);
  for (const auto& name : stale)
    sh("ip netns del " + name + " 2>/dev/null");
}

// Runs `f` on a thread that has joined network namespace `ns`.
template <class F>
auto in_netns(const std::string& ns, F f) -> decltype(f()) {
  decltype(f()) result{};
  std::string failure;
  std::thread t([&] {
    int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
      failure = "cannot join netns " + ns + ": " + std::strerror(errno);
      if (fd >= 0)
        close(fd);
      return;
    }
    close(fd);
    result = f();
  });
  t.join();
  if (!failure.empty())
    ADD_FAILURE() << failure;
  return result;
}

// A socket fd closed on destruction.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      close(fd);
  }
};

sockaddr_storage make_addr(const char* ip, uint16_t port, socklen_t& len) {
  sockaddr_storage ss{};
  if (std::strchr(ip, ':')) {
    auto a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, ip, &a->sin6_addr);
    len = sizeof(*a);
  } else {
    auto a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    inet_pton(AF_INET, ip, &a->sin_addr);
    len = sizeof(*a);
  }
  return ss;
}

// The two namespaces and the veth between them.
class lab_netns {
public:
  lab_netns()
    : gateway(prefix + std::to_string(getpid()) + "-gw"),
      peer(prefix + std::to_string(getpid()) + "-peer") {
  }

  ~lab_netns() {
    sh("ip netns del " + gateway + " 2>/dev/null");
    sh("ip netns del " + peer + " 2>/dev/null");
  }

  bool up() {
    auto in = [](const std::string& ns, const std::string& cmd) {
      return "ip netns exec " + ns + " " + cmd;
    };
    for (const auto& ns : {gateway, peer})
      if (!sh("ip netns add " + ns) || !sh("ip -n " + ns + " link set lo up")
          || !sh(in(ns, "sysctl -qw net.ipv4.icmp_ratelimit=0")))
        return false;
    return sh("ip link add eth0 netns " + gateway + " type veth peer name eth0 netns "
              + peer + " address " + peer_mac)
           && sh("ip -n " + gateway + " addr add " + gateway_v4 + "/24 dev eth0")
           && sh("ip -n " + peer + " addr add " + peer_v4 + "/24 dev eth0")
           && sh("ip -n " + gateway + " addr add " + gateway_v6 + "/64 dev eth0 nodad")
           && sh("ip -n " + peer + " addr add " + peer_v6 + "/64 dev eth0 nodad")
           && sh("ip -n " + gateway + " link set eth0 up")
           && sh("ip -n " + peer + " link set eth0 up");
  }

  /// True when at least one of three echo requests from `from` to `to` is
  /// answered within a second.
  bool ping(const std::string& from, const char* to) const {
    return sh("ip netns exec " + from + " ping -q -n -c 3 -i 0.2 -W 1 " + to
              + " >/dev/null 2>&1");
  }

  /// True when a TCP connect from namespace `from` to a listener in `to` on
  /// `to_addr` completes within half a second (a veth answers in well under
  /// a millisecond).
  bool tcp_connect(const std::string& from, const std::string& to,
                   const char* to_addr) const {
    // The listening socket and its port; created in `to`, it stays there.
    auto bound = in_netns(to, [&]() -> std::optional<std::pair<int, uint16_t>> {
      socklen_t len;
      auto addr = make_addr(to_addr, 0, len);
      int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return std::nullopt;
      sockaddr_storage local{};
      socklen_t local_len = sizeof(local);
      if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 8) != 0
          || getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
        close(fd);
        return std::nullopt;
      }
      auto port = local.ss_family == AF_INET6
                    ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                    : reinterpret_cast<sockaddr_in*>(&local)->sin_port;
      return std::pair{fd, ntohs(port)};
    });
    if (!bound) {
      ADD_FAILURE() << "cannot listen on " << to_addr << " in " << to;
      return false;
    }
    fd_guard listener{bound->first};
    auto port = bound->second;
    return in_netns(from, [&] {
      socklen_t len;
      auto addr = make_addr(to_addr, port, len);
      fd_guard s;
      s.fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (s.fd < 0)
        return false;
      if (connect(s.fd, reinterpret_cast<sockaddr*>(&addr), len) == 0)
        return true;
      if (errno != EINPROGRESS)
        return false; // EPERM when the output hook drops the SYN.
      pollfd p{s.fd, POLLOUT, 0};
      if (poll(&p, 1, 500) != 1)
        return false;
      int err = 0;
      socklen_t elen = sizeof(err);
      getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &elen);
      return err == 0;
    });
  }

  /// `nft list ...` in the gateway namespace.
  std::string nft_list(const std::string& what) const {
    return capture("ip netns exec " + gateway + " nft list " + what + " 2>&1");
  }

  std::string gateway;
  std::string peer;
};

// The packets counted by the rules of `chain` whose match is `match`.
uint64_t counted(const firewall_listing& x, const std::string& chain,
                 const std::string& match) {
  uint64_t sum = 0;
  for (const auto& c : x.counters)
    if (c.chain == chain && c.match == match)
      sum += c.packets;
  return sum;
}

// Opens the firewall for table `inet TABLE` inside namespace `ns`.
std::unique_ptr<gateway_firewall> open_in(const std::string& ns,
                                          std::string_view table = "kagami") {
  return in_netns(ns, [table]() -> std::unique_ptr<gateway_firewall> {
    auto fw = gateway_firewall::open(table);
    if (!fw) {
      ADD_FAILURE() << to_string(fw.error());
      return nullptr;
    }
    return std::move(*fw);
  });
}

class gateway_firewall_lab : public testing::Test {
protected:
  void SetUp() override {
    if (geteuid() != 0) {
      if (std::getenv("CI"))
        FAIL() << "the gateway firewall lab test needs root (network namespaces, "
                  "nftables), and CI is set";
      GTEST_SKIP() << "needs root: network namespaces and nftables";
    }
    delete_stale_namespaces();
    ASSERT_TRUE(lab_.up()) << "cannot build the lab namespaces";
    fw_ = open_in(lab_.gateway);
    ASSERT_NE(fw_, nullptr);
  }

  // Every path between the two namespaces, in both directions.
  void expect_reachable(bool v4, bool v6) {
    EXPECT_EQ(lab_.ping(lab_.peer, gateway_v4), v4);
    EXPECT_EQ(lab_.ping(lab_.gateway, peer_v4), v4);
    EXPECT_EQ(lab_.tcp_connect(lab_.peer, lab_.gateway, gateway_v4), v4);
    EXPECT_EQ(lab_.tcp_connect(lab_.gateway, lab_.peer, peer_v4), v4);
    EXPECT_EQ(lab_.ping(lab_.peer, gateway_v6), v6);
    EXPECT_EQ(lab_.ping(lab_.gateway, peer_v6), v6);
    EXPECT_EQ(lab_.tcp_connect(lab_.peer, lab_.gateway, gateway_v6), v6);
    EXPECT_EQ(lab_.tcp_connect(lab_.gateway, lab_.peer, peer_v6), v6);
  }

  refused_entries refused_now() {
    auto x = fw_->refused();
    EXPECT_TRUE(x) << to_string(x.error());
    return x ? *x : refused_entries{};
  }

  firewall_listing listing() {
    auto x = fw_->list();
    EXPECT_TRUE(x) << to_string(x.error());
    return x ? *x : firewall_listing{};
  }

  lab_netns lab_;
  std::unique_ptr<gateway_firewall> fw_;
};

} // namespace

TEST_F(gateway_firewall_lab, refuse_cuts_a_device_off_and_allow_again_restores) {
  ASSERT_FALSE(fw_->install());
  // The table is in the gateway namespace (where open() ran), even though
  // this thread is not.
  EXPECT_NE(lab_.nft_list("tables").find("table inet kagami"), std::string::npos);
  expect_reachable(true, true);
  auto before = listing();
  EXPECT_EQ(before.dropped_packets(), 0u);

  ASSERT_FALSE(fw_->refuse(peer_mac, peer_v4));
  ASSERT_FALSE(fw_->refuse("", peer_v6));
  auto refused = fw_->refused();
  ASSERT_TRUE(refused) << to_string(refused.error());
  ASSERT_EQ(refused->macs.size(), 1u);
  EXPECT_EQ(to_string(refused->macs[0]), peer_mac);
  ASSERT_EQ(refused->addresses.size(), 2u);
  EXPECT_EQ(to_string(refused->addresses[0]), peer_v4);
  EXPECT_EQ(to_string(refused->addresses[1]), peer_v6);

  expect_reachable(false, false);
  auto after = listing();
  // Inbound frames from the device's MAC are dropped first, outbound
  // packets to its addresses on output.
  EXPECT_GT(counted(after, "input", "ether saddr @refused_mac"), 0u);
  EXPECT_GT(counted(after, "output", "ip daddr @refused_v4"), 0u);
  EXPECT_GT(counted(after, "output", "ip6 daddr @refused_v6"), 0u);
  EXPECT_GT(after.dropped_packets(), before.dropped_packets());

  // Refusing again is no error and changes nothing.
  EXPECT_FALSE(fw_->refuse(peer_mac, peer_v4));
  EXPECT_EQ(refused_now().addresses.size(), 2u);

  ASSERT_FALSE(fw_->allow_again(peer_mac, peer_v4));
  ASSERT_FALSE(fw_->allow_again("", peer_v6));
  EXPECT_TRUE(refused_now().empty());
  expect_reachable(true, true);
  // Allowing what is not refused is no error.
  EXPECT_FALSE(fw_->allow_again(peer_mac, peer_v4));
}

TEST_F(gateway_firewall_lab, a_mac_alone_cuts_both_directions) {
  ASSERT_FALSE(fw_->install());
  ASSERT_FALSE(fw_->refuse(peer_mac, ""));
  // Requests from the device and replies to the gateway's own requests both
  // come from its MAC, so nothing gets through in either direction.
  expect_reachable(false, false);
  auto x = listing();
  EXPECT_GT(counted(x, "input", "ether saddr @refused_mac"), 0u);
  EXPECT_EQ(counted(x, "input", "ip saddr @refused_v4"), 0u);
  ASSERT_FALSE(fw_->allow_again(peer_mac, ""));
  expect_reachable(true, true);
}

TEST_F(gateway_firewall_lab, an_address_alone_cuts_its_family) {
  ASSERT_FALSE(fw_->install());
  ASSERT_FALSE(fw_->refuse("", peer_v4));
  expect_reachable(false, true);
  auto x = listing();
  EXPECT_GT(counted(x, "input", "ip saddr @refused_v4"), 0u);
  EXPECT_GT(counted(x, "output", "ip daddr @refused_v4"), 0u);
  EXPECT_EQ(counted(x, "input", "ether saddr @refused_mac"), 0u);
}

TEST_F(gateway_firewall_lab, install_is_idempotent_and_restores_persisted_entries) {
  ASSERT_FALSE(fw_->install());
  auto once = lab_.nft_list("table inet kagami");
  ASSERT_FALSE(fw_->install());
  EXPECT_EQ(lab_.nft_list("table inet kagami"), once);
  EXPECT_NE(once.find("ether saddr @refused_mac counter packets 0 bytes 0 drop"),
            std::string::npos)
    << once;

  // A restart: the table survived with its entries; install() with the
  // persisted records yields them again, in force without a gap.
  ASSERT_FALSE(fw_->refuse(peer_mac, peer_v4));
  auto persisted = refused_now();
  fw_.reset();
  fw_ = open_in(lab_.gateway);
  ASSERT_NE(fw_, nullptr);
  EXPECT_EQ(refused_now(), persisted);
  expect_reachable(false, false);
  ASSERT_FALSE(fw_->install(persisted));
  EXPECT_EQ(refused_now(), persisted);
  ASSERT_FALSE(fw_->install(persisted));
  EXPECT_EQ(refused_now(), persisted);
  expect_reachable(false, false);
  // install() without entries leaves the sets empty.
  ASSERT_FALSE(fw_->install());
  EXPECT_TRUE(refused_now().empty());
  EXPECT_EQ(lab_.nft_list("table inet kagami"), once);
}

TEST_F(gateway_firewall_lab, remove_leaves_no_table) {
  ASSERT_FALSE(fw_->install());
  ASSERT_FALSE(fw_->refuse(peer_mac, peer_v4));
  ASSERT_FALSE(fw_->remove());
  EXPECT_EQ(lab_.nft_list("tables").find("kagami"), std::string::npos);
  expect_reachable(true, true);
  // Removing again is no error; the sets are gone.
  EXPECT_FALSE(fw_->remove());
  auto err = fw_->refuse(peer_mac, peer_v4);
  EXPECT_EQ(code_of(err), ec::not_found) << to_string(err);
  auto x = fw_->refused();
  ASSERT_FALSE(x);
  EXPECT_EQ(code_of(x.error()), ec::not_found);
}

TEST_F(gateway_firewall_lab, malformed_input_is_rejected_and_changes_nothing) {
  ASSERT_FALSE(fw_->install());
  ASSERT_FALSE(fw_->refuse("", peer_v4));
  auto ruleset = lab_.nft_list("ruleset");
  struct bad_call {
    const char* mac;
    std::string address;
  };
  for (const auto& [mac, address] : std::vector<bad_call>{
         {"", "1.2.3.4; flush ruleset"},
         {"", "10.99.250.2 }; flush ruleset; add element inet kagami refused_v4 { 1.2.3.4"},
         {"", std::string("10.99.250.3\0; flush ruleset", 27)},
         {"zz:99:fa:00:00:02", ""},
         {"02:99:fa:00:00:02; flush ruleset", ""},
         {"02:99:fa:00:00:02", "10.99.250.3 flush"},
         {"", ""},
         {"ff:ff:ff:ff:ff:ff", ""},
         {"", "127.0.0.1"}}) {
    SCOPED_TRACE(std::string(mac) + " / " + address);
    auto err = fw_->refuse(mac, address);
    EXPECT_EQ(code_of(err), ec::invalid_value) << to_string(err);
    err = fw_->allow_again(mac, address);
    EXPECT_EQ(code_of(err), ec::invalid_value) << to_string(err);
  }
  EXPECT_EQ(lab_.nft_list("ruleset"), ruleset);
  // A table name that is not an identifier never reaches nft.
  auto bad = gateway_firewall::open("kagami; flush ruleset");
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_of(bad.error()), ec::invalid_value);
}

TEST_F(gateway_firewall_lab, other_tables_are_untouched) {
  // Someone else's tables, one with the same name in another family.
  ASSERT_TRUE(sh("ip netns exec " + lab_.gateway + " nft -f /dev/stdin <<'EOF'\n"
                 "table inet other_app {\n"
                 "  set blocked { type ipv4_addr; elements = { 10.99.250.77 } }\n"
                 "  chain input { type filter hook input priority 0; policy accept; }\n"
                 "}\n"
                 "table ip kagami {\n"
                 "  chain output { type filter hook output priority 0; policy accept; }\n"
                 "}\n"
                 "EOF"));
  auto others = [&] {
    return lab_.nft_list("table inet other_app") + lab_.nft_list("table ip kagami");
  };
  auto before = others();
  ASSERT_NE(before.find("10.99.250.77"), std::string::npos) << before;
  ASSERT_FALSE(fw_->install());
  ASSERT_FALSE(fw_->refuse(peer_mac, peer_v4));
  ASSERT_FALSE(fw_->install());
  ASSERT_FALSE(fw_->allow_again(peer_mac, peer_v4));
  ASSERT_FALSE(fw_->remove());
  EXPECT_EQ(others(), before);
  // A firewall with another name owns another table.
  auto lab_fw = open_in(lab_.gateway, "kagami_lab");
  ASSERT_NE(lab_fw, nullptr);
  ASSERT_FALSE(lab_fw->install());
  EXPECT_NE(lab_.nft_list("tables").find("table inet kagami_lab"), std::string::npos);
  ASSERT_FALSE(lab_fw->remove());
  EXPECT_EQ(others(), before);
}

TEST_F(gateway_firewall_lab, without_cap_net_admin_the_error_says_so) {
  auto err = in_netns(lab_.gateway, []() -> caf::error {
    // Capabilities are per thread: drop CAP_NET_ADMIN from this one only.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &header, data) != 0)
      return make_error(ec::internal, "capget failed");
    data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
    if (syscall(SYS_capset, &header, data) != 0)
      return make_error(ec::internal, "capset failed");
    auto fw = gateway_firewall::open();
    if (!fw)
      return fw.error();
    return (*fw)->install();
  });
  EXPECT_EQ(code_of(err), ec::unavailable) << to_string(err);
  EXPECT_EQ(detail_of(err), "nftables: permission denied: kagamid needs CAP_NET_ADMIN "
                            "to refuse rogue devices");
  EXPECT_EQ(lab_.nft_list("tables").find("kagami"), std::string::npos);
}
