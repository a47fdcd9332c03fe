// UPnP discovery end to end on 127.0.0.1: upnp_discovery and upnp_fetcher
// against the in-process UPnP device simulator and against a hostile
// responder (a plain UDP socket). Unicast only: multicast is left to the
// netns lab. No traffic leaves loopback.

#include "protocols/upnp/upnp_discovery.hpp"
#include "protocols/upnp/upnp_fetcher.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/upnp/ssdp_parser.hpp"
#include "tests/integration/raw_http_client.hpp"
#include "tools/devsim/upnp_simulator.hpp"

using namespace kagami;
using namespace kagami::protocols;
using namespace kagami::protocols::upnp;
using namespace std::chrono_literals;

namespace {

const char* sim_config_text = R"({
  "upnp": {
    "manufacturer": "Kagami Sim Works",
    "modelName": "KS-CAM30",
    "modelNumber": "30",
    "serialNumber": "CAM30-0001",
    "firmwareVersion": "3.2.0",
    "udn": "uuid:6b616761-6d69-4000-8000-000000000014",
    "friendlyName": "Line camera",
    "notifyIntervalS": 3600
  },
  "documents": {"/state": {"temperature": 21.5}}
})";

devsim::upnp_sim_config sim_config() {
  auto cfg = devsim::parse_upnp_sim_config(sim_config_text, "test");
  if (auto* err = std::get_if<devsim::sim_config_error>(&cfg))
    ADD_FAILURE() << err->to_string();
  return std::get<devsim::upnp_sim_config>(cfg);
}

device_profile profile_of(const devsim::upnp_device_info& d) {
  device_profile p;
  p.vendor = d.manufacturer;
  p.product = d.model_name;
  p.model_number = d.model_number;
  p.serial = d.serial_number;
  p.firmware = d.firmware_version;
  p.udn = d.udn;
  return p;
}

/// Collects what a source reports; waits for it with a deadline.
struct collector {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<device_sighting> seen;
  std::vector<std::pair<std::string, std::string>> rejected; // from, reason

  discovery_sink sink() {
    return {[this](device_sighting s) {
              std::lock_guard<std::mutex> g{mtx};
              seen.push_back(std::move(s));
              cv.notify_all();
            },
            [this](discovery_kind k, std::string from, std::string reason) {
              EXPECT_EQ(k, discovery_kind::upnp);
              std::lock_guard<std::mutex> g{mtx};
              rejected.emplace_back(std::move(from), std::move(reason));
              cv.notify_all();
            }};
  }

  bool wait_seen(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> g{mtx};
    return cv.wait_for(g, timeout, [&] { return seen.size() >= n; });
  }

  bool wait_rejected(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> g{mtx};
    return cv.wait_for(g, timeout, [&] { return rejected.size() >= n; });
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

/// Unicast-only options aimed at 127.0.0.1:port.
upnp_discovery_options loopback_options(uint16_t port) {
  upnp_discovery_options o;
  o.local_address = "127.0.0.1";
  o.interface_name = "lo";
  o.multicast_search = false;
  o.listen_notify = false;
  o.unicast_targets = {"127.0.0.1"};
  o.target_port = port;
  return o;
}

/// A UDP port that was free a moment ago.
uint16_t free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  socklen_t len = sizeof(sa);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

/// A hostile "device": a UDP socket on 127.0.0.1 that answers M-SEARCH with
/// whatever the test wants.
class rogue_responder {
public:
  rogue_responder() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    socklen_t len = sizeof(sa);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
  }
  ~rogue_responder() { ::close(fd_); }

  uint16_t port() const { return port_; }

  /// Waits for one datagram (the M-SEARCH) and remembers its sender.
  std::string receive(std::chrono::milliseconds timeout = 5s) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
      return {};
    char buf[9000];
    socklen_t len = sizeof(peer_);
    auto n = ::recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&peer_), &len);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string{};
  }

  void reply(const std::string& datagram) {
    ::sendto(fd_, datagram.data(), datagram.size(), 0,
             reinterpret_cast<const sockaddr*>(&peer_), sizeof(peer_));
  }

private:
  int fd_ = -1;
  uint16_t port_ = 0;
  sockaddr_in peer_{};
};

/// A one-shot TCP "device" on 127.0.0.1: accepts one connection, reads the
/// request, writes `reply` as is and closes.
class raw_tcp_device {
public:
  explicit raw_tcp_device(std::string reply) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    ::listen(fd_, 1);
    socklen_t len = sizeof(sa);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this, reply = std::move(reply)] {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1)
        return;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0)
        return;
      char buf[4096];
      (void) ::recv(c, buf, sizeof(buf), 0);
      size_t off = 0;
      while (off < reply.size()) {
        auto n = ::send(c, reply.data() + off, reply.size() - off, MSG_NOSIGNAL);
        if (n <= 0)
          break;
        off += static_cast<size_t>(n);
      }
      ::shutdown(c, SHUT_RDWR);
      ::close(c);
    });
  }
  ~raw_tcp_device() {
    thread_.join();
    ::close(fd_);
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/description.xml";
  }

private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

std::string response_with(const std::string& location, uint32_t config_id = 1) {
  ssdp_message m;
  m.kind = ssdp_kind::search_response;
  m.target = "upnp:rootdevice";
  m.usn = "uuid:rogue::upnp:rootdevice";
  m.location = location;
  m.config_id = config_id;
  auto text = encode_ssdp(m);
  EXPECT_TRUE(text);
  return text ? *text : std::string{};
}

} // namespace

TEST(upnp_discovery, search_reply_becomes_a_sighting_and_a_profile) {
  devsim::upnp_sim_network net;
  net.ssdp_port = 0;
  net.multicast = false;
  auto sim = devsim::upnp_simulator::start(sim_config(), "127.0.0.1", 0, net);
  ASSERT_TRUE(sim) << detail_of(sim.error());
  collector got;
  upnp_discovery source{loopback_options((*sim)->ssdp_port())};
  ASSERT_FALSE(source.start(got.sink()));
  ASSERT_TRUE(got.wait_seen(1));
  // ssdp:all gets three replies (root device, UUID, device type) that make
  // one sighting; a refresh within the dedup window adds none.
  source.refresh();
  std::this_thread::sleep_for(300ms);
  auto seen = got.sightings();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_GE((*sim)->searches_answered(), 2u);
  const auto& s = seen.front();
  EXPECT_EQ(s.source, discovery_kind::upnp);
  EXPECT_EQ(s.address, "127.0.0.1");
  EXPECT_EQ(s.seen_on, "ssdp:lo");
  EXPECT_EQ(s.locator, (*sim)->description_url());
  EXPECT_EQ(s.mac, "");
  EXPECT_FALSE(s.profile);
  EXPECT_EQ(s.fingerprint.size(), 16u);
  EXPECT_TRUE(got.rejections().empty());
  upnp_fetcher fetcher;
  auto profile = fetcher.fetch(s, 2s);
  ASSERT_TRUE(profile) << detail_of(profile.error());
  EXPECT_EQ(*profile, profile_of(sim_config().device));
  EXPECT_EQ(profile->firmware, "3.2.0");
  source.stop();
  source.stop(); // idempotent
}

TEST(upnp_discovery, profile_change_is_announced_with_a_new_fingerprint) {
  // The simulator's NOTIFYs go straight to the source's search socket, so
  // this test covers the NOTIFY path and the PUT /sim/profile route.
  auto ssdp_port = free_udp_port();
  collector got;
  upnp_discovery source{loopback_options(ssdp_port)};
  ASSERT_FALSE(source.start(got.sink()));
  devsim::upnp_sim_network net;
  net.ssdp_port = ssdp_port;
  net.multicast = false;
  net.notify_targets = {"127.0.0.1:" + std::to_string(source.search_port())};
  auto sim = devsim::upnp_simulator::start(sim_config(), "127.0.0.1", 0, net);
  ASSERT_TRUE(sim) << detail_of(sim.error());
  ASSERT_TRUE(got.wait_seen(1)); // NOTIFY ssdp:alive at start
  auto first = got.sightings().front();
  upnp_fetcher fetcher;
  auto before = fetcher.fetch(first, 2s);
  ASSERT_TRUE(before) << detail_of(before.error());
  EXPECT_EQ(before->firmware, "3.2.0");

  auto put = [&](const std::string& body) {
    return test::exchange((*sim)->port(),
                          "PUT /sim/profile HTTP/1.1\r\nHost: x\r\n"
                          "Content-Type: application/json\r\nContent-Length: "
                            + std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  auto reply = put(R"({"firmwareVersion":"3.3.0"})");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 204u);
  EXPECT_EQ((*sim)->config_id(), 2u);
  ASSERT_TRUE(got.wait_seen(2)); // NOTIFY ssdp:update + ssdp:alive
  auto second = got.sightings().back();
  EXPECT_NE(second.fingerprint, first.fingerprint);
  EXPECT_EQ(second.locator, first.locator);
  auto after = fetcher.fetch(second, 2s);
  ASSERT_TRUE(after) << detail_of(after.error());
  EXPECT_EQ(after->firmware, "3.3.0");
  auto expected = profile_of(sim_config().device);
  expected.firmware = "3.3.0";
  EXPECT_EQ(*after, expected);
  // update and alive carry the same CONFIGID: one sighting, not two.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(got.sightings().size(), 2u);

  auto bad = put(R"({"udn":"x"})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400u);
  EXPECT_EQ((*sim)->config_id(), 2u);
}

TEST(upnp_discovery, rejects_hostile_replies_with_a_reason) {
  rogue_responder rogue;
  collector got;
  auto opts = loopback_options(rogue.port());
  upnp_discovery source{opts};
  ASSERT_FALSE(source.start(got.sink()));
  auto search = parse_ssdp(rogue.receive());
  ASSERT_TRUE(search) << detail_of(search.error());
  EXPECT_EQ(search->kind, ssdp_kind::search_request);
  EXPECT_EQ(search->target, "ssdp:all");
  EXPECT_EQ(search->host, "127.0.0.1:" + std::to_string(rogue.port()));
  EXPECT_FALSE(search->mx); // unicast M-SEARCH carries no MX

  struct row {
    std::string datagram;
    std::string reason;
  };
  std::vector<row> rows{
    {response_with("http://127.0.0.1:80/d.xml") + std::string(9000, 'x'), "exceeds 8192"},
    {"HTTP/1.1 200 OK\r\nST: x\r\n\r\n", "without USN"},
    {response_with("http://10.0.0.9:80/d.xml"), "LOCATION host 10.0.0.9 is not the sender"},
    {response_with("https://127.0.0.1/d.xml"), "not an http:// URL"},
    {response_with("http://user@127.0.0.1/d.xml"), "userinfo"},
    {response_with("http://localhost/d.xml"), "not an IPv4 literal"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].reason);
    rogue.reply(rows[i].datagram);
    ASSERT_TRUE(got.wait_rejected(i + 1));
    auto r = got.rejections().back();
    EXPECT_EQ(r.first.rfind("127.0.0.1:", 0), 0u) << r.first;
    EXPECT_NE(r.second.find(rows[i].reason), std::string::npos) << r.second;
  }
  // A well-formed reply from the same responder is still a sighting.
  rogue.reply(response_with("http://127.0.0.1:9/d.xml"));
  ASSERT_TRUE(got.wait_seen(1));
  EXPECT_EQ(got.sightings().front().locator, "http://127.0.0.1:9/d.xml");
}

TEST(upnp_discovery, rate_limits_each_sender) {
  rogue_responder rogue;
  collector got;
  auto opts = loopback_options(rogue.port());
  opts.rate_burst = 5;
  opts.rate_per_second = 1;
  upnp_discovery source{opts};
  ASSERT_FALSE(source.start(got.sink()));
  ASSERT_FALSE(rogue.receive().empty());
  for (int i = 0; i < 50; ++i)
    rogue.reply("garbage " + std::to_string(i));
  ASSERT_TRUE(got.wait_rejected(6));
  std::this_thread::sleep_for(300ms);
  auto r = got.rejections();
  size_t parsed = 0;
  size_t limited = 0;
  for (auto& [from, reason] : r) {
    if (reason == "rate limit exceeded")
      ++limited;
    else if (reason.find("unknown start line") != std::string::npos)
      ++parsed;
  }
  EXPECT_EQ(limited, 1u);
  EXPECT_GE(parsed, 5u);
  EXPECT_LE(parsed, 6u); // one more token may refill while the flood arrives
  EXPECT_EQ(parsed + limited, r.size());
}

TEST(upnp_discovery, a_throwing_sink_does_not_end_the_source) {
  rogue_responder rogue;
  collector got;
  auto sink = got.sink();
  auto seen = sink.seen;
  int calls = 0; // the source thread only
  sink.seen = [&calls, seen](device_sighting s) {
    if (++calls == 1)
      throw std::runtime_error{"onboarding queue gone"};
    seen(std::move(s));
  };
  upnp_discovery source{loopback_options(rogue.port())};
  ASSERT_FALSE(source.start(sink));
  ASSERT_FALSE(rogue.receive().empty());
  rogue.reply(response_with("http://127.0.0.1:9/d.xml", 1));
  ASSERT_TRUE(got.wait_rejected(1));
  EXPECT_EQ(got.rejections().front(),
            (std::pair<std::string, std::string>{"ssdp:lo",
                                                 "internal error: onboarding queue gone"}));
  // The thread still reads, and the repeat of the announcement whose report
  // failed is not held back as a duplicate.
  rogue.reply(response_with("http://127.0.0.1:9/d.xml", 1));
  ASSERT_TRUE(got.wait_seen(1));
  EXPECT_EQ(got.sightings().front().locator, "http://127.0.0.1:9/d.xml");
  source.stop();
  EXPECT_EQ(got.rejections().size(), 1u);
}

TEST(upnp_discovery, start_refuses_bad_options) {
  collector got;
  auto check = [&](upnp_discovery_options o, ec code) {
    upnp_discovery source{std::move(o)};
    auto err = source.start(got.sink());
    ASSERT_TRUE(err);
    EXPECT_EQ(code_of(err), code) << detail_of(err);
  };
  auto o = loopback_options(1900);
  o.local_address = "localhost";
  check(o, ec::invalid_value);
  o = loopback_options(1900);
  o.unicast_targets.assign(upnp_discovery_options::max_unicast_targets + 1, "127.0.0.1");
  check(o, ec::invalid_value);
  o = loopback_options(1900);
  o.unicast_targets = {"127.0.0.1", "host.example"};
  check(o, ec::invalid_value);
  o = loopback_options(1900);
  o.search_target = "ssdp:all\r\nX: y";
  check(o, ec::invalid_value);
  o = loopback_options(1900);
  o.interface_name = "no-such-if0";
  check(o, ec::unavailable);
  o = loopback_options(1900);
  o.local_address = "192.0.2.1"; // not an address of this host
  check(o, ec::unavailable);
}

TEST(upnp_fetcher, refuses_what_it_must_not_fetch) {
  upnp_fetcher fetcher;
  device_sighting s;
  s.source = discovery_kind::upnp;
  s.address = "127.0.0.1";
  struct row {
    std::string locator;
    ec code;
  };
  for (auto& r : std::vector<row>{{"http://10.0.0.9/d.xml", ec::invalid_value},
                                  {"https://127.0.0.1/d.xml", ec::invalid_value},
                                  {"http://u@127.0.0.1/d.xml", ec::invalid_value},
                                  {"", ec::invalid_value}}) {
    SCOPED_TRACE(r.locator);
    s.locator = r.locator;
    auto p = fetcher.fetch(s, 1s);
    ASSERT_FALSE(p);
    EXPECT_EQ(code_of(p.error()), r.code) << detail_of(p.error());
  }
  s.source = discovery_kind::ble;
  s.locator = "http://127.0.0.1/d.xml";
  EXPECT_FALSE(fetcher.fetch(s, 1s));
  // Nothing listens on 127.0.0.1:9 (discard): refused is "no answer".
  s.source = discovery_kind::upnp;
  s.locator = "http://127.0.0.1:9/d.xml";
  auto refused = fetcher.fetch(s, 1s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(code_of(refused.error()), ec::device_timeout);
}

TEST(upnp_fetcher, rejects_hostile_descriptions) {
  devsim::upnp_sim_network net;
  net.ssdp_port = 0;
  net.multicast = false;
  auto sim = devsim::upnp_simulator::start(sim_config(), "127.0.0.1", 0, net);
  ASSERT_TRUE(sim) << detail_of(sim.error());
  device_sighting s;
  s.source = discovery_kind::upnp;
  s.address = "127.0.0.1";
  s.locator = (*sim)->description_url();
  std::string deep = "y";
  for (int i = 0; i < 40; ++i)
    deep = "<x>" + deep + "</x>";
  auto doc = [](const std::string& device) {
    return R"(<root xmlns="urn:schemas-upnp-org:device-1-0"><device>)" + device
           + "</device></root>";
  };
  struct row {
    devsim::http_raw_reply reply;
    std::string reason;
  };
  std::vector<row> rows{
    {{200, "text/xml", doc("<manufacturer>" + std::string(70 * 1024, 'a')
                           + "</manufacturer>")},
     "body limit"},
    {{200, "text/xml", doc(deep)}, "deeper than"},
    {{200, "text/xml",
      R"(<!DOCTYPE root [<!ENTITY e SYSTEM "http://10.0.0.9/x">]>)"
        + doc("<manufacturer>&e;</manufacturer>")},
     "DOCTYPE"},
    {{200, "text/xml", doc("<modelName>" + std::string(200, 'm') + "</modelName>")},
     "longer than 128"},
    {{302, "text/html", ""}, "redirects are not followed"},
    {{404, "text/html", ""}, "status 404"},
  };
  upnp_fetcher fetcher;
  for (auto& r : rows) {
    SCOPED_TRACE(r.reason);
    (*sim)->http().state().set_raw("/description.xml", r.reply);
    auto p = fetcher.fetch(s, 2s);
    ASSERT_FALSE(p);
    EXPECT_EQ(code_of(p.error()), ec::device_bad_reply);
    EXPECT_NE(detail_of(p.error()).find(r.reason), std::string::npos)
      << detail_of(p.error());
  }
  // A device that does not answer in time: the timeout covers the read.
  (*sim)->http().state().set_raw("/description.xml", std::nullopt);
  (*sim)->http().state().set_reply_delay(3s);
  auto t0 = std::chrono::steady_clock::now();
  auto slow = fetcher.fetch(s, 300ms);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(slow);
  EXPECT_EQ(code_of(slow.error()), ec::device_timeout) << detail_of(slow.error());
  EXPECT_LT(elapsed, 2s);
  (*sim)->http().state().set_reply_delay(0ms);
  auto ok = fetcher.fetch(s, 2s);
  ASSERT_TRUE(ok) << detail_of(ok.error());
  EXPECT_EQ(ok->product, "KS-CAM30");
}

TEST(upnp_fetcher, bounds_every_way_of_framing_a_body) {
  const std::string big(70 * 1024, 'a');
  char chunk_size[32];
  std::snprintf(chunk_size, sizeof(chunk_size), "%zx", big.size());
  struct row {
    std::string reply;
    std::string reason;
  };
  std::vector<row> rows{
    // A huge Content-Length is refused from the header alone.
    {"HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n" + big, "body limit"},
    {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big, "body limit"},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string{chunk_size}
       + "\r\n" + big + "\r\n0\r\n\r\n",
     "body limit"},
    {"HTTP/1.1 200 OK\r\nX-Pad: " + std::string(9 * 1024, 'p') + "\r\n\r\n", "header limit"},
    {"garbage\r\n\r\n", "description from 127.0.0.1"},
  };
  upnp_fetcher fetcher;
  for (auto& r : rows) {
    SCOPED_TRACE(r.reply.substr(0, 60));
    raw_tcp_device dev{r.reply};
    device_sighting s;
    s.source = discovery_kind::upnp;
    s.address = "127.0.0.1";
    s.locator = dev.url();
    auto p = fetcher.fetch(s, 2s);
    ASSERT_FALSE(p);
    EXPECT_EQ(code_of(p.error()), ec::device_bad_reply) << detail_of(p.error());
    EXPECT_NE(detail_of(p.error()).find(r.reason), std::string::npos)
      << detail_of(p.error());
  }
}
