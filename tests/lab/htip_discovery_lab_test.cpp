// HTIP discovery on a real capture: two network namespaces joined by a veth
// that this test creates and deletes. A real lldpd with HTIP custom TLVs in
// namespace A announces a device; htip_discovery captures on the veth end in
// namespace B. Malformed and non-HTIP frames come from an AF_PACKET socket
// in A. Needs root (fails when CI is set, skips otherwise). No traffic leaves
// the two namespaces.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/lldp_htip/htip_discovery.hpp"
#include "protocols/lldp_htip/lldp_builder.hpp"
#include "protocols/pcap/live_capture.hpp"

extern char** environ;

using namespace std::chrono_literals;
using namespace kagami;
using namespace kagami::protocols;
using namespace kagami::protocols::lldp_htip;

namespace {

/// Runs `sh -c cmd`; the exit status.
int sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/// Namespaces "<p>-a" and "<p>-b" with veth "hta0" (A, 02:99:00:00:07:11,
/// 10.99.7.2/24) and "htb0" (B). Deleted in the destructor, also when the
/// constructor failed half-way.
class veth_pair {
public:
  veth_pair() : prefix_("kh" + std::to_string(getpid() % 100000)) {
    ok_ = sh("ip netns add " + a() + " && ip netns add " + b()
             + " && ip -n " + a() + " link set lo up")
            == 0
          && create_veth();
  }
  /// Creates the veth (again, after it was deleted).
  bool create_veth() {
    return sh("ip link add hta0 netns " + a()
              + " address 02:99:00:00:07:11 type veth peer name htb0 netns " + b()
              + " && ip -n " + a() + " link set hta0 up"
              + " && ip -n " + b() + " link set htb0 up"
              + " && ip -n " + a() + " addr add 10.99.7.2/24 dev hta0")
           == 0;
  }
  ~veth_pair() {
    sh("ip netns del " + a() + " 2>/dev/null; ip netns del " + b() + " 2>/dev/null");
  }
  bool ok() const {
    return ok_;
  }
  std::string a() const {
    return prefix_ + "-a";
  }
  std::string b() const {
    return prefix_ + "-b";
  }
  const std::string& prefix() const {
    return prefix_;
  }

private:
  std::string prefix_;
  bool ok_ = false;
};

/// A directory for lldpd's config, socket and log; removed in the destructor.
class temp_dir {
public:
  temp_dir() {
    char tmpl[] = "/tmp/kagami-htip-lab-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) {
      path_ = tmpl;
      // lldpd's unprivileged half (user _lldpd) opens the control socket here.
      ::chmod(tmpl, 0755);
    }
  }
  ~temp_dir() {
    if (!path_.empty())
      sh("rm -rf '" + path_ + "'");
  }
  bool ok() const {
    return !path_.empty();
  }
  const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

/// The calling thread inside network namespace `name` until destruction.
class in_netns {
public:
  explicit in_netns(const std::string& name) {
    home_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    ok_ = home_ >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0;
    if (target >= 0)
      ::close(target);
  }
  ~in_netns() {
    if (home_ >= 0) {
      [[maybe_unused]] int rc = ::setns(home_, CLONE_NEWNET);
      ::close(home_);
    }
  }
  bool ok() const {
    return ok_;
  }

private:
  int home_ = -1;
  bool ok_ = false;
};

/// lldpd in namespace A, in its own process group; killed in the destructor.
class lldpd_process {
public:
  lldpd_process(const veth_pair& net, const std::string& dir) {
    std::ofstream{dir + "/lldpd.conf"}
      << "configure system hostname plc-7\n"
         "configure lldp tx-interval 1\n"
         "configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info "
         "02,06,4b,41,47,41,4d,49\n"
         "configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info "
         "03,07,50,4c,43,2d,31,30,30\n"
         "configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info 04,04,41,2d,30,31\n"
         "configure lldp custom-tlv add oui e0,27,1a subtype 1 oui-info 01,03,50,4c,43\n";
    std::vector<std::string> args = {"ip",           "netns", "exec",   net.a(),
                                      "lldpd",        "-d",    "-u",     dir + "/lldpd.sock",
                                      "-O",           dir + "/lldpd.conf", "-p",
                                      dir + "/lldpd.pid", "-I", "hta0"};
    std::vector<char*> argv;
    for (auto& s : args)
      argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, (dir + "/lldpd.log").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    if (posix_spawnp(&pid_, "ip", &fa, &attr, argv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  ~lldpd_process() {
    if (pid_ <= 0)
      return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_)
        return;
      std::this_thread::sleep_for(50ms);
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  bool ok() const {
    return pid_ > 0;
  }

private:
  pid_t pid_ = -1;
};

/// What the sink received.
struct collector {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<device_sighting> seen;
  std::vector<std::pair<std::string, std::string>> rejected;

  discovery_sink sink() {
    return {[this](device_sighting s) {
              std::lock_guard g{mtx};
              seen.push_back(std::move(s));
              cv.notify_all();
            },
            [this](discovery_kind, std::string from, std::string reason) {
              std::lock_guard g{mtx};
              rejected.emplace_back(std::move(from), std::move(reason));
              cv.notify_all();
            }};
  }

  template <class Pred>
  bool wait_for(std::chrono::milliseconds timeout, Pred pred) {
    std::unique_lock g{mtx};
    return cv.wait_for(g, timeout, [&] { return pred(); });
  }
};

/// An AF_PACKET socket on hta0 in namespace A.
class raw_sender {
public:
  explicit raw_sender(const veth_pair& net) {
    in_netns enter{net.a()};
    if (!enter.ok())
      return;
    fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    ifindex_ = static_cast<int>(if_nametoindex("hta0"));
  }
  ~raw_sender() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  bool ok() const {
    return fd_ >= 0 && ifindex_ > 0;
  }
  bool send(const std::vector<uint8_t>& frame) {
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifindex_;
    to.sll_halen = 6;
    std::copy(frame.begin(), frame.begin() + 6, to.sll_addr);
    return ::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to),
                    sizeof to)
           == static_cast<ssize_t>(frame.size());
  }

private:
  int fd_ = -1;
  int ifindex_ = 0;
};

class htip_lab : public ::testing::Test {
protected:
  void SetUp() override {
    if (geteuid() == 0)
      return;
    std::string why = "HTIP lab tests need root: they create network namespaces and "
                      "capture with libpcap (run: sudo ctest -L lab)";
    const char* ci = std::getenv("CI");
    if (ci != nullptr && *ci != '\0')
      GTEST_FAIL() << why << "; CI is set, so this is a failure, not a skip";
    else
      GTEST_SKIP() << why;
  }
};

} // namespace

TEST_F(htip_lab, capture_errors_are_values) {
  pcap::capture_options o;
  o.interface = "khtipnone0";
  auto none = pcap::live_capture::open(o);
  ASSERT_FALSE(none);
  EXPECT_EQ(code_of(none.error()), ec::config_invalid);
  EXPECT_NE(detail_of(none.error()).find("no such interface"), std::string::npos)
    << detail_of(none.error());
  veth_pair net;
  ASSERT_TRUE(net.ok());
  in_netns enter{net.b()};
  ASSERT_TRUE(enter.ok());
  o.interface = "htb0";
  o.filter = "ether proto";
  auto bad = pcap::live_capture::open(o);
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_of(bad.error()), ec::config_invalid);
  EXPECT_NE(detail_of(bad.error()).find("bad filter \"ether proto\""), std::string::npos)
    << detail_of(bad.error());
  o.snaplen = 10;
  EXPECT_NE(detail_of(pcap::live_capture::open(o).error()).find("snaplen"),
            std::string::npos);
}

TEST_F(htip_lab, real_lldpd_announcement_and_malformed_frames) {
  temp_dir tmp;
  ASSERT_TRUE(tmp.ok());
  const std::string& dir = tmp.path();
  veth_pair net;
  ASSERT_TRUE(net.ok()) << "could not create namespaces " << net.a() << ", " << net.b();

  htip_discovery_options opts;
  opts.interface = "htb0";
  htip_discovery discovery{opts};
  collector got;
  {
    // The capture socket belongs to namespace B from its creation on.
    in_netns enter{net.b()};
    ASSERT_TRUE(enter.ok());
    auto err = discovery.start(got.sink());
    ASSERT_FALSE(err) << detail_of(err);
  }
  EXPECT_EQ(code_of(discovery.start(got.sink())), ec::invalid_value);

  // 1. A real lldpd sends one frame per second with the HTIP items.
  {
    lldpd_process lldpd{net, dir};
    ASSERT_TRUE(lldpd.ok());
    ASSERT_TRUE(got.wait_for(15s, [&] { return !got.seen.empty(); }))
      << "no sighting within 15 s; lldpd log in " << dir;
    // Three more frames: min_repeat (10 s) holds the unchanged repeats back.
    auto s0 = discovery.stats();
    for (int i = 0; i < 60 && discovery.stats().frames < s0.frames + 3; ++i)
      std::this_thread::sleep_for(100ms);
  }
  {
    std::lock_guard g{got.mtx};
    ASSERT_EQ(got.seen.size(), 1u);
    const auto& s = got.seen.front();
    EXPECT_EQ(s.source, discovery_kind::htip);
    EXPECT_EQ(s.mac, "02:99:00:00:07:11");
    EXPECT_EQ(s.address, "10.99.7.2");
    EXPECT_EQ(s.seen_on, "pcap:htb0");
    ASSERT_TRUE(s.profile);
    EXPECT_EQ(s.profile->vendor, "KAGAMI");
    EXPECT_EQ(s.profile->product, "PLC-100");
    EXPECT_EQ(s.profile->model_number, "A-01");
    EXPECT_EQ(s.profile->category, "PLC");
    EXPECT_EQ(s.fingerprint.size(), 16u);
    EXPECT_TRUE(got.rejected.empty()) << got.rejected.front().second;
  }
  auto st = discovery.stats();
  EXPECT_GE(st.repeats_dropped, 3u);
  EXPECT_EQ(st.sightings, 1u);
  EXPECT_GE(st.capture.delivered, 4u);

  // 2. Frames from an AF_PACKET socket: malformed, LLDP without HTIP, and a
  //    changed announcement of a second device.
  raw_sender tx{net};
  ASSERT_TRUE(tx.ok());
  const mac_address bad_mac = {0x02, 0x99, 0x00, 0x00, 0x07, 0x66};
  auto malformed = lldp_builder{bad_mac}
                     .chassis_mac(bad_mac)
                     .port_name("eth0")
                     .ttl(120)
                     .htip_device_item(3, std::string(40, 'M'))
                     .end()
                     .bytes();
  ASSERT_TRUE(tx.send(malformed));
  ASSERT_TRUE(got.wait_for(5s, [&] { return !got.rejected.empty(); }));
  {
    std::lock_guard g{got.mtx};
    EXPECT_EQ(got.rejected.front().first, "02:99:00:00:07:66");
    EXPECT_NE(got.rejected.front().second.find("HTIP item 3: 40 bytes exceed the limit of 31"),
              std::string::npos)
      << got.rejected.front().second;
  }
  const mac_address plain_mac = {0x02, 0x99, 0x00, 0x00, 0x07, 0x77};
  auto before = discovery.stats();
  ASSERT_TRUE(tx.send(lldp_builder{plain_mac}
                        .chassis_mac(plain_mac)
                        .port_name("eth0")
                        .ttl(120)
                        .system_name("switch")
                        .end()
                        .bytes()));
  const mac_address dev2 = {0x02, 0x99, 0x00, 0x00, 0x07, 0x22};
  htip_device_announcement a;
  a.mac = dev2;
  a.ipv4 = std::array<uint8_t, 4>{10, 99, 7, 22};
  a.manufacturer_code = "ACME";
  a.model_name = "TH-20";
  a.model_number = "r2";
  ASSERT_TRUE(tx.send(build_htip_announcement(a)));
  ASSERT_TRUE(tx.send(build_htip_announcement(a))); // a repeat: held back
  a.model_number = "r3";
  ASSERT_TRUE(tx.send(build_htip_announcement(a))); // changed: reported at once
  ASSERT_TRUE(got.wait_for(5s, [&] { return got.seen.size() >= 3; }));
  for (int i = 0; i < 50 && discovery.stats().frames < before.frames + 4; ++i)
    std::this_thread::sleep_for(50ms);

  auto t0 = std::chrono::steady_clock::now();
  discovery.stop();
  auto stop_took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(stop_took, 1s) << "stop() must not wait for traffic";
  discovery.stop(); // idempotent

  std::lock_guard g{got.mtx};
  ASSERT_EQ(got.seen.size(), 3u);
  EXPECT_EQ(got.seen[1].mac, "02:99:00:00:07:22");
  EXPECT_EQ(got.seen[1].address, "10.99.7.22");
  EXPECT_EQ(got.seen[1].profile->model_number, "r2");
  EXPECT_EQ(got.seen[2].profile->model_number, "r3");
  EXPECT_NE(got.seen[1].fingerprint, got.seen[2].fingerprint);
  for (const auto& s : got.seen)
    EXPECT_NE(s.mac, "02:99:00:00:07:66") << "a malformed frame must not give a sighting";
  EXPECT_EQ(got.rejected.size(), 1u);
  auto end = discovery.stats();
  EXPECT_EQ(end.without_htip, before.without_htip + 1);
  EXPECT_EQ(end.rejected, 1u);
  EXPECT_FALSE(discovery.failure());
}

TEST_F(htip_lab, rejected_reports_are_rate_limited) {
  veth_pair net;
  ASSERT_TRUE(net.ok());
  htip_discovery_options opts;
  opts.interface = "htb0";
  opts.max_rejects_per_window = 3;
  opts.reject_window = 60s;
  htip_discovery discovery{opts};
  collector got;
  {
    in_netns enter{net.b()};
    ASSERT_TRUE(enter.ok());
    auto err = discovery.start(got.sink());
    ASSERT_FALSE(err) << detail_of(err);
  }
  raw_sender tx{net};
  ASSERT_TRUE(tx.ok());
  const mac_address m = {0x02, 0x99, 0x00, 0x00, 0x07, 0x55};
  // No End TLV, padded past the Ethernet minimum so padding cannot act as End.
  auto bad = lldp_builder{m}.chassis_mac(m).port_name("eth0").ttl(1)
               .system_name(std::string(60, 'x')).bytes(false);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(tx.send(bad));
  for (int i = 0; i < 50 && discovery.stats().rejected < 10; ++i)
    std::this_thread::sleep_for(50ms);
  discovery.stop();
  auto st = discovery.stats();
  EXPECT_EQ(st.rejected, 10u);
  EXPECT_EQ(st.rejects_suppressed, 7u);
  std::lock_guard g{got.mtx};
  ASSERT_EQ(got.rejected.size(), 3u);
  EXPECT_EQ(got.rejected[0].first, "02:99:00:00:07:55");
  EXPECT_NE(got.rejected[0].second.find("missing End TLV"), std::string::npos)
    << got.rejected[0].second;
  EXPECT_TRUE(got.seen.empty());
}

// The capture interface flaps (down, up) and is then deleted and re-created.
// libpcap 1.10 keeps a capture on an interface that goes down (it notes the
// ENETDOWN and the kernel re-hooks the bound socket on link up), so a flap
// needs no reopen; a deleted interface ends the capture ("The interface
// disappeared"): the failure is reported and the capture reopened on the
// re-created interface. Sightings resume both times.
TEST_F(htip_lab, capture_survives_link_flaps_and_is_reopened_after_re_creation) {
  veth_pair net;
  ASSERT_TRUE(net.ok());
  htip_discovery_options opts;
  opts.interface = "htb0";
  opts.reopen_delay = 200ms;
  opts.reopen_max_delay = 1s;
  htip_discovery discovery{opts};
  collector got;
  {
    in_netns enter{net.b()};
    ASSERT_TRUE(enter.ok());
    auto err = discovery.start(got.sink());
    ASSERT_FALSE(err) << detail_of(err);
  }
  auto announce = [&](uint8_t last_octet) {
    raw_sender tx{net};
    if (!tx.ok())
      return false;
    htip_device_announcement a;
    a.mac = {0x02, 0x99, 0x00, 0x00, 0x07, last_octet};
    a.ipv4 = std::array<uint8_t, 4>{10, 99, 7, last_octet};
    a.manufacturer_code = "ACME";
    a.model_name = "TH-20";
    a.model_number = "r1";
    return tx.send(build_htip_announcement(a));
  };
  auto rejections = [&] {
    std::lock_guard g{got.mtx};
    return got.rejected;
  };
  ASSERT_TRUE(announce(0x31));
  ASSERT_TRUE(got.wait_for(5s, [&] { return got.seen.size() == 1; }));

  // 1. Link down for a second, then up: the capture carries on.
  ASSERT_EQ(sh("ip -n " + net.b() + " link set htb0 down"), 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(sh("ip -n " + net.b() + " link set htb0 up"), 0);
  ASSERT_TRUE(announce(0x32));
  ASSERT_TRUE(got.wait_for(5s, [&] { return got.seen.size() == 2; }))
    << "no sighting after the link came back";
  EXPECT_FALSE(discovery.failure()) << detail_of(discovery.failure());

  // 2. The interface is deleted and re-created with the same name.
  ASSERT_EQ(sh("ip -n " + net.b() + " link del htb0"), 0);
  ASSERT_TRUE(got.wait_for(5s, [&] { return !got.rejected.empty(); }))
    << "a capture failure on interface deletion was not reported";
  {
    auto r = rejections().front();
    EXPECT_EQ(r.first, "pcap:htb0");
    EXPECT_EQ(r.second, "capture on htb0: The interface disappeared; reopening");
  }
  EXPECT_TRUE(discovery.failure());
  // While it is gone, reopening fails; reported once, not per attempt.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(discovery.stats().reopens, 0u);
  ASSERT_TRUE(net.create_veth());
  for (int i = 0; i < 50 && discovery.stats().reopens < 1; ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_EQ(discovery.stats().reopens, 1u) << "the capture was not reopened on the new interface";
  EXPECT_FALSE(discovery.failure()) << detail_of(discovery.failure());
  ASSERT_TRUE(announce(0x33));
  ASSERT_TRUE(got.wait_for(5s, [&] { return got.seen.size() == 3; }))
    << "no sighting on the re-created interface";

  auto t0 = std::chrono::steady_clock::now();
  discovery.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  auto st = discovery.stats();
  EXPECT_EQ(st.capture_failures, 1u);
  EXPECT_EQ(st.sightings, 3u);
  EXPECT_GE(st.capture.delivered, 3u);
  std::lock_guard g{got.mtx};
  EXPECT_EQ(got.seen[1].mac, "02:99:00:00:07:32");
  EXPECT_EQ(got.seen[2].mac, "02:99:00:00:07:33");
  // The failure, then one report of the failed reopens (same reason each
  // time), never one per attempt.
  ASSERT_EQ(got.rejected.size(), 2u);
  EXPECT_EQ(got.rejected[1].first, "pcap:htb0");
  EXPECT_NE(got.rejected[1].second.find("cannot reopen the capture: capture on htb0: no "
                                        "such interface"),
            std::string::npos)
    << got.rejected[1].second;
}

// A sink that throws does not end the capture (nor the process).
TEST_F(htip_lab, a_throwing_sink_does_not_end_the_capture) {
  veth_pair net;
  ASSERT_TRUE(net.ok());
  htip_discovery_options opts;
  opts.interface = "htb0";
  htip_discovery discovery{opts};
  collector got;
  auto sink = got.sink();
  auto seen = sink.seen;
  int calls = 0; // the capture thread only
  sink.seen = [&calls, seen](device_sighting s) {
    if (++calls == 1)
      throw std::runtime_error{"onboarding queue gone"};
    seen(std::move(s));
  };
  {
    in_netns enter{net.b()};
    ASSERT_TRUE(enter.ok());
    auto err = discovery.start(sink);
    ASSERT_FALSE(err) << detail_of(err);
  }
  raw_sender tx{net};
  ASSERT_TRUE(tx.ok());
  htip_device_announcement a;
  a.mac = {0x02, 0x99, 0x00, 0x00, 0x07, 0x41};
  a.manufacturer_code = "ACME";
  a.model_name = "TH-20";
  ASSERT_TRUE(tx.send(build_htip_announcement(a)));
  ASSERT_TRUE(got.wait_for(5s, [&] { return !got.rejected.empty(); }));
  a.mac = {0x02, 0x99, 0x00, 0x00, 0x07, 0x42};
  ASSERT_TRUE(tx.send(build_htip_announcement(a)));
  ASSERT_TRUE(got.wait_for(5s, [&] { return got.seen.size() == 1; }));
  discovery.stop();
  EXPECT_FALSE(discovery.failure());
  auto st = discovery.stats();
  EXPECT_EQ(st.internal_errors, 1u);
  EXPECT_EQ(st.capture_failures, 0u);
  std::lock_guard g{got.mtx};
  ASSERT_EQ(got.rejected.size(), 1u);
  EXPECT_EQ(got.rejected[0].first, "pcap:htb0");
  EXPECT_EQ(got.rejected[0].second, "internal error: onboarding queue gone");
  EXPECT_EQ(got.seen[0].mac, "02:99:00:00:07:42");
}

// A packet that pcap reads while it collects an error indication (POLLERR
// from a link that went down and came back) is delivered, not dropped.
TEST_F(htip_lab, capture_delivers_the_packet_read_on_an_error_wakeup) {
  veth_pair net;
  ASSERT_TRUE(net.ok());
  std::unique_ptr<pcap::live_capture> cap;
  {
    in_netns enter{net.b()};
    ASSERT_TRUE(enter.ok());
    pcap::capture_options o;
    o.interface = "htb0";
    o.filter = "ether proto 0x88cc";
    auto opened = pcap::live_capture::open(o);
    ASSERT_TRUE(opened) << detail_of(opened.error());
    cap = std::move(*opened);
  }
  std::promise<void> release;
  auto released = release.get_future().share();
  collector got; // only its mutex and condition variable
  std::vector<uint8_t> senders; // last MAC octet of each delivered frame
  auto err = cap->start([&](std::span<const pcap::captured_packet> batch) {
    bool first = false;
    {
      std::lock_guard g{got.mtx};
      first = senders.empty();
      for (auto& p : batch)
        senders.push_back(p.bytes.size() >= 12 ? p.bytes[11] : 0);
      got.cv.notify_all();
    }
    if (first)
      released.wait(); // hold the capture thread while the link flaps
  });
  ASSERT_FALSE(err) << detail_of(err);
  raw_sender tx{net};
  ASSERT_TRUE(tx.ok());
  auto frame = [](uint8_t octet) {
    const mac_address m = {0x02, 0x99, 0x00, 0x00, 0x07, octet};
    return lldp_builder{m}.chassis_mac(m).port_name("eth0").ttl(120).end().bytes();
  };
  ASSERT_TRUE(tx.send(frame(0x51)));
  ASSERT_TRUE(got.wait_for(5s, [&] { return !senders.empty(); }));
  // The capture thread is held: frame 0x52 waits in the ring, and the link
  // flap leaves an ENETDOWN error pending on the socket.
  ASSERT_TRUE(tx.send(frame(0x52)));
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(sh("ip -n " + net.b() + " link set htb0 down"), 0);
  ASSERT_EQ(sh("ip -n " + net.b() + " link set htb0 up"), 0);
  release.set_value();
  EXPECT_TRUE(got.wait_for(3s, [&] { return senders.size() >= 2; }))
    << "the frame read with the error indication was dropped";
  cap->stop();
  EXPECT_FALSE(cap->failure()) << detail_of(cap->failure());
  std::lock_guard g{got.mtx};
  EXPECT_EQ(senders, (std::vector<uint8_t>{0x51, 0x52}));
  EXPECT_EQ(cap->stats().delivered, 2u);
}

// A batch handler that throws ends the capture as a failure (reported to the
// failure handler) instead of reaching std::terminate.
TEST_F(htip_lab, a_throwing_batch_handler_fails_the_capture) {
  veth_pair net;
  ASSERT_TRUE(net.ok());
  std::unique_ptr<pcap::live_capture> cap;
  {
    in_netns enter{net.b()};
    ASSERT_TRUE(enter.ok());
    pcap::capture_options o;
    o.interface = "htb0";
    o.filter = "ether proto 0x88cc";
    auto opened = pcap::live_capture::open(o);
    ASSERT_TRUE(opened) << detail_of(opened.error());
    cap = std::move(*opened);
  }
  collector got; // only its mutex and condition variable
  std::vector<std::string> failures;
  auto err = cap->start(
    [](std::span<const pcap::captured_packet>) { throw std::runtime_error{"handler bug"}; },
    [&](const caf::error& e) {
      std::lock_guard g{got.mtx};
      failures.push_back(detail_of(e));
      got.cv.notify_all();
    });
  ASSERT_FALSE(err) << detail_of(err);
  raw_sender tx{net};
  ASSERT_TRUE(tx.ok());
  const mac_address m = {0x02, 0x99, 0x00, 0x00, 0x07, 0x61};
  ASSERT_TRUE(tx.send(lldp_builder{m}.chassis_mac(m).port_name("eth0").ttl(120).end().bytes()));
  ASSERT_TRUE(got.wait_for(5s, [&] { return !failures.empty(); }));
  cap->stop();
  EXPECT_EQ(failures, std::vector<std::string>{"capture on htb0: internal error: handler bug"});
  EXPECT_EQ(detail_of(cap->failure()), failures.front());
}
