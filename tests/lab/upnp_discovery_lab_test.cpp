// UPnP discovery over multicast: three network namespaces that this test
// creates and deletes. "dev" runs the UPnP simulator (10.99.8.2), "gw" runs
// upnp_discovery on its OT interface upg0 (10.99.8.1), and "it" is another
// network attached to gw's upi0 (10.99.9.1) whose announcements must not
// count. Needs root (fails when CI is set, skips otherwise). No traffic
// leaves the namespaces.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/upnp/ssdp_parser.hpp"
#include "protocols/upnp/upnp_discovery.hpp"
#include "protocols/upnp/upnp_fetcher.hpp"
#include "tools/devsim/upnp_simulator.hpp"

using namespace std::chrono_literals;
using namespace kagami;
using namespace kagami::protocols;
using namespace kagami::protocols::upnp;

namespace {

int sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/// Namespaces <p>-gw, <p>-dev and <p>-it: gw upg0 10.99.8.1/24 <-> dev upd0
/// 10.99.8.2/24, gw upi0 10.99.9.1/24 <-> it upt0 10.99.9.2/24. Deleted in
/// the destructor, also after a half-way failure.
class lab_net {
public:
  lab_net() : prefix_("ku" + std::to_string(getpid() % 100000)) {
    std::string cmd;
    for (auto* n : {"gw", "dev", "it"})
      cmd += "ip netns add " + ns(n) + " && ip -n " + ns(n) + " link set lo up && ";
    cmd += "ip link add upg0 netns " + ns("gw") + " type veth peer name upd0 netns "
           + ns("dev") + " && ip link add upi0 netns " + ns("gw")
           + " type veth peer name upt0 netns " + ns("it");
    for (auto [n, dev, addr] : {std::tuple{"gw", "upg0", "10.99.8.1/24"},
                                std::tuple{"dev", "upd0", "10.99.8.2/24"},
                                std::tuple{"gw", "upi0", "10.99.9.1/24"},
                                std::tuple{"it", "upt0", "10.99.9.2/24"}})
      cmd += std::string{" && ip -n "} + ns(n) + " addr add " + addr + " dev " + dev
             + " && ip -n " + ns(n) + " link set " + dev + " up";
    ok_ = sh(cmd) == 0;
  }
  ~lab_net() {
    for (auto* n : {"gw", "dev", "it"})
      sh("ip netns del " + ns(n) + " 2>/dev/null");
  }
  bool ok() const { return ok_; }
  std::string ns(const char* name) const { return prefix_ + "-" + name; }

private:
  std::string prefix_;
  bool ok_ = false;
};

/// The calling thread inside network namespace `name` until destruction;
/// sockets opened meanwhile stay in that namespace.
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
  bool ok() const { return ok_; }

private:
  int home_ = -1;
  bool ok_ = false;
};

struct collector {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<device_sighting> seen;
  std::vector<std::pair<std::string, std::string>> rejected;

  discovery_sink sink() {
    return {[this](device_sighting s) {
              std::lock_guard<std::mutex> g{mtx};
              seen.push_back(std::move(s));
              cv.notify_all();
            },
            [this](discovery_kind, std::string from, std::string reason) {
              std::lock_guard<std::mutex> g{mtx};
              rejected.emplace_back(std::move(from), std::move(reason));
              cv.notify_all();
            }};
  }
  bool wait(size_t seen_n, size_t rejected_n, std::chrono::milliseconds t = 5s) {
    std::unique_lock<std::mutex> g{mtx};
    return cv.wait_for(g, t, [&] { return seen.size() >= seen_n && rejected.size() >= rejected_n; });
  }
  std::vector<device_sighting> sightings() {
    std::lock_guard<std::mutex> g{mtx};
    return seen;
  }
  std::vector<std::pair<std::string, std::string>> rejections() {
    std::lock_guard<std::mutex> g{mtx};
    return rejected;
  }
};

/// Sends `datagram` from `from` (an address of the current namespace) to
/// `to`:`port`, multicast leaving through `from`'s interface.
void send_udp(const std::string& from, const std::string& to, uint16_t port,
              const std::string& datagram) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, from.c_str(), &src.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src));
  ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &src.sin_addr, sizeof(src.sin_addr));
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  inet_pton(AF_INET, to.c_str(), &dst.sin_addr);
  ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&dst),
           sizeof(dst));
  ::close(fd);
}

std::string notify_from(const std::string& ip, uint32_t config_id) {
  ssdp_message m;
  m.kind = ssdp_kind::notify;
  m.nts = notify_subtype::alive;
  m.host = "239.255.255.250:1900";
  m.target = "upnp:rootdevice";
  m.usn = "uuid:it-side::upnp:rootdevice";
  m.location = "http://" + ip + ":80/description.xml";
  m.config_id = config_id;
  return *encode_ssdp(m);
}

class upnp_lab : public ::testing::Test {
protected:
  void SetUp() override {
    if (geteuid() == 0)
      return;
    std::string why = "UPnP lab tests need root: they create network namespaces";
    const char* ci = std::getenv("CI");
    if (ci != nullptr && *ci != '\0')
      GTEST_FAIL() << why << "; CI is set, so this is a failure, not a skip";
    else
      GTEST_SKIP() << why;
  }
};

devsim::upnp_sim_config camera() {
  auto cfg = devsim::parse_upnp_sim_config(R"({"upnp": {
    "manufacturer": "Kagami Sim Works", "modelName": "KS-CAM30", "modelNumber": "30",
    "serialNumber": "CAM30-0001", "firmwareVersion": "3.2.0",
    "udn": "uuid:6b616761-6d69-4000-8000-000000000099", "notifyIntervalS": 3600}})",
                                           "camera");
  return std::get<devsim::upnp_sim_config>(cfg);
}

} // namespace

TEST_F(upnp_lab, multicast_search_notify_and_interface_filter) {
  lab_net net;
  ASSERT_TRUE(net.ok());
  collector got;
  upnp_discovery_options o;
  o.local_address = "10.99.8.1";
  o.interface_name = "upg0";
  o.search_interval = 3600s;
  std::unique_ptr<upnp_discovery> source;
  {
    in_netns gw{net.ns("gw")};
    ASSERT_TRUE(gw.ok());
    source = std::make_unique<upnp_discovery>(o);
    ASSERT_FALSE(source->start(got.sink())); // the first M-SEARCH finds nobody yet
  }
  std::unique_ptr<devsim::upnp_simulator> sim;
  {
    in_netns dev{net.ns("dev")};
    ASSERT_TRUE(dev.ok());
    auto started = devsim::upnp_simulator::start(camera(), "10.99.8.2", 8082);
    ASSERT_TRUE(started) << detail_of(started.error());
    sim = std::move(*started);
  }
  // NOTIFY ssdp:alive at the simulator's start, over multicast (or the
  // reply to the first M-SEARCH if the source's thread sent it late).
  ASSERT_TRUE(got.wait(1, 0));
  auto first = got.sightings().front();
  EXPECT_EQ(first.address, "10.99.8.2");
  EXPECT_EQ(first.seen_on, "ssdp:upg0");
  EXPECT_EQ(first.locator, "http://10.99.8.2:8082/description.xml");
  // A multicast M-SEARCH is answered; the same fingerprint is deduplicated.
  // (The source's first M-SEARCH may still reach the simulator late, while
  // the new veths come up: let it land first.)
  std::this_thread::sleep_for(300ms);
  auto answered = sim->searches_answered();
  source->refresh();
  for (int i = 0; i < 50 && sim->searches_answered() == answered; ++i)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(sim->searches_answered(), answered + 1);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(got.sightings().size(), 1u);
  {
    in_netns gw{net.ns("gw")};
    upnp_fetcher fetcher;
    auto p = fetcher.fetch(first, 2s);
    ASSERT_TRUE(p) << detail_of(p.error());
    EXPECT_EQ(p->product, "KS-CAM30");
    EXPECT_EQ(p->firmware, "3.2.0");
  }
  // A new firmware: NOTIFY ssdp:update over multicast, a new fingerprint.
  EXPECT_EQ(sim->update_device({{"firmwareVersion", "3.3.0"}}), "");
  ASSERT_TRUE(got.wait(2, 0));
  auto second = got.sightings().back();
  EXPECT_NE(second.fingerprint, first.fingerprint);
  {
    in_netns gw{net.ns("gw")};
    upnp_fetcher fetcher;
    auto p = fetcher.fetch(second, 2s);
    ASSERT_TRUE(p) << detail_of(p.error());
    EXPECT_EQ(p->firmware, "3.3.0");
  }
  // The IT side: a multicast and a unicast NOTIFY to gw's upi0 are dropped
  // without a report; the same unicast NOTIFY from the OT side (with a
  // LOCATION that is not its sender) is rejected, so the socket did listen.
  {
    in_netns it{net.ns("it")};
    send_udp("10.99.9.2", "239.255.255.250", 1900, notify_from("10.99.9.2", 1));
    send_udp("10.99.9.2", "10.99.9.1", 1900, notify_from("10.99.9.2", 2));
  }
  {
    in_netns dev{net.ns("dev")};
    send_udp("10.99.8.2", "10.99.8.1", 1900, notify_from("10.99.9.2", 3));
  }
  ASSERT_TRUE(got.wait(2, 1));
  std::this_thread::sleep_for(300ms);
  auto rejected = got.rejections();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].first, "10.99.8.2:" + rejected[0].first.substr(10));
  EXPECT_NE(rejected[0].second.find("is not the sender"), std::string::npos)
    << rejected[0].second;
  for (const auto& s : got.sightings())
    EXPECT_EQ(s.address, "10.99.8.2");
  source->stop();
  sim->stop();
}
