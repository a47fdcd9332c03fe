// The WoT frontend with a real HTTP server on 127.0.0.1 and a fake virtual
// device: routing, status mapping, and the event-stream lifecycle
// (subscribe, keep-alive, unsubscribe on the last close, the cap, thing_down)
// and a clean stop. Timing only bounds the waits; no speed is asserted.

#include "http/wot_frontend.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/core/error.hpp"

namespace kagami {
namespace {

using namespace std::chrono_literals;

// -- a minimal HTTP client ---------------------------------------------------

struct reply {
  unsigned status = 0;
  std::string head;
  std::string body;

  std::string header(const std::string& lower_name) const {
    size_t pos = 0;
    for (auto eol = head.find("\r\n"); eol != std::string::npos;
         pos = eol + 2, eol = head.find("\r\n", pos)) {
      auto line = head.substr(pos, eol - pos);
      auto colon = line.find(':');
      if (colon == std::string::npos)
        continue;
      auto name = line.substr(0, colon);
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name != lower_name)
        continue;
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      return value;
    }
    return {};
  }
};

class client {
public:
  explicit client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~client() {
    close();
  }
  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }
  bool send(const std::string& text) {
    return fd_ >= 0 && ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL)
                         == static_cast<ssize_t>(text.size());
  }
  /// Appends what arrives within `wait` to `buf_`; false on EOF or error.
  bool fill(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0)
      return true;
    char chunk[4096];
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0)
      return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  /// Reads a response head; the body is read by read_body or read_stream.
  std::optional<reply> read_head(std::chrono::milliseconds wait = 5s) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (buf_.find("\r\n\r\n") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline || !fill(100ms))
        return std::nullopt;
    }
    auto end = buf_.find("\r\n\r\n");
    reply r;
    r.head = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    r.status = static_cast<unsigned>(std::stoul(r.head.substr(9, 3)));
    return r;
  }
  /// A complete response with a Content-Length body (or none).
  std::optional<reply> read_response(std::chrono::milliseconds wait = 5s) {
    auto r = read_head(wait);
    if (!r)
      return r;
    auto cl = r->header("content-length");
    size_t length = cl.empty() ? 0 : std::stoul(cl);
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (buf_.size() < length) {
      if (std::chrono::steady_clock::now() > deadline || !fill(100ms))
        return std::nullopt;
    }
    r->body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }
  /// Reads stream bytes until `pred(all bytes so far)` or EOF or `wait`.
  /// Returns the bytes; `eof` tells whether the server closed.
  std::string read_stream_until(const std::function<bool(const std::string&)>& pred,
                                std::chrono::milliseconds wait, bool* eof = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    bool closed = false;
    while (!pred(buf_) && std::chrono::steady_clock::now() < deadline)
      if (!fill(50ms)) {
        closed = true;
        break;
      }
    if (eof)
      *eof = closed;
    return buf_;
  }

private:
  int fd_ = -1;
  std::string buf_;
};

reply call(uint16_t port, const std::string& method, const std::string& path,
           const std::string& body = {}) {
  client c{port};
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: t\r\n";
  if (!body.empty() || method == "PUT" || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!c.send(req))
    return {};
  auto r = c.read_response();
  return r ? *r : reply{};
}

// -- a fake virtual device -----------------------------------------------------

struct device_log {
  std::mutex mtx;
  /// Reads of "slow" that the device never answers.
  std::vector<caf::typed_response_promise<std::string>> held;
  int subscribes = 0;
  int unsubscribes = 0;
  std::vector<std::string> unsubscribed_events;

  int subs() {
    std::lock_guard<std::mutex> guard{mtx};
    return subscribes;
  }
  int unsubs() {
    std::lock_guard<std::mutex> guard{mtx};
    return unsubscribes;
  }
};

/// Properties: "temp" (read-only, 21.5), "sp" (writable), "slow" (never
/// answers); action "go"; event "alarm".
virtual_device_actor::behavior_type fake_device(virtual_device_actor::pointer self,
                                               std::shared_ptr<device_log> log) {
  return {
    [self, log](read_atom, const request_context&, const std::string& name)
      -> caf::result<std::string> {
      if (name == "slow") {
        auto rp = self->make_response_promise<std::string>();
        std::lock_guard<std::mutex> guard{log->mtx};
        log->held.push_back(rp);
        return rp;
      }
      if (name == "temp")
        return std::string{"21.5"};
      if (name == "sp")
        return std::string{"7"};
      return make_error(ec::not_found, "no property named '" + name + "'");
    },
    [](read_all_atom, const request_context&) -> caf::result<std::string> {
      return std::string{"{\"temp\":21.5}"};
    },
    [](write_atom, const request_context&, const std::string& name,
       const std::string&) -> caf::result<std::string> {
      if (name == "temp")
        return make_error(ec::not_writable, "property 'temp' is read-only");
      if (name == "sp")
        return std::string{"null"};
      return make_error(ec::not_found, "no property named '" + name + "'");
    },
    [](invoke_atom, const request_context&, const std::string& name,
       const std::string&) -> caf::result<std::string> {
      if (name == "go")
        return std::string{"null"};
      return make_error(ec::not_found, "no action named '" + name + "'");
    },
    [log](subscribe_atom, const request_context&, const std::string& name,
          const caf::actor&) -> bool {
      if (name != "alarm")
        return false;
      std::lock_guard<std::mutex> guard{log->mtx};
      ++log->subscribes;
      return true;
    },
    [log](unsubscribe_atom, const std::string& name, const caf::actor&) {
      std::lock_guard<std::mutex> guard{log->mtx};
      ++log->unsubscribes;
      log->unsubscribed_events.push_back(name);
    },
    [](td_atom) { return std::string{"{}"}; },
    [](event_atom, const std::string&, const std::string&) {},
    [](set_real_atom, const real_device_actor&) {},
    [](inspect_atom) { return std::string{"{}"}; },
  };
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds wait = 5s) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (!f()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

const std::string sse_request = "GET /things/t/events/alarm HTTP/1.1\r\nHost: t\r\n\r\n";

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// -- the fixture ---------------------------------------------------------------

class wot_frontend_test : public ::testing::Test {
protected:
  void SetUp() override {
    server_ = std::make_unique<http::server>(
      http::server_options{}, [this](http::request&& req,
                                     std::shared_ptr<http::responder> resp) {
        frontend_->serve(std::move(req), std::move(resp));
      });
    auto bound = server_->start();
    ASSERT_TRUE(std::holds_alternative<uint16_t>(bound));
    port_ = std::get<uint16_t>(bound);
    wot_frontend_config cfg;
    cfg.base_url = "http://127.0.0.1:" + std::to_string(port_);
    cfg.request_timeout = 1s;
    cfg.directory_td = "{\"title\":\"directory\"}";
    cfg.max_event_streams = 2;
    cfg.keepalive_interval = 100ms;
    frontend_ = wot_frontend::spawn(sys_, server_->make_strand(), cfg);
    device_ = sys_.spawn(fake_device, log_);
    caf::anon_send(frontend_->actor(), thing_up_atom::value, std::string{"t"},
                   std::string{"{\"id\":\"urn:kagami:thing:t\"}"}, device_,
                   thing_facts{"m", {}});
    ASSERT_TRUE(eventually([&] { return call(port_, "GET", "/things/t").status == 200; }));
  }

  void TearDown() override {
    if (frontend_) {
      EXPECT_TRUE(frontend_->stop());
    }
    if (server_)
      server_->stop();
    caf::anon_send_exit(device_, caf::exit_reason::user_shutdown);
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  std::shared_ptr<device_log> log_ = std::make_shared<device_log>();
  virtual_device_actor device_;
  // The server's handler uses frontend_: the server stops first (TearDown).
  std::shared_ptr<wot_frontend> frontend_;
  std::unique_ptr<http::server> server_;
  uint16_t port_ = 0;
};

TEST_F(wot_frontend_test, serves_tds_listings_and_device_operations) {
  auto r = call(port_, "GET", "/things/t/properties/temp");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "21.5");
  r = call(port_, "GET", "/things/t/properties");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{\"temp\":21.5}");
  // A write without output: 204 and no body.
  r = call(port_, "PUT", "/things/t/properties/sp", "3");
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(r.body, "");
  r = call(port_, "POST", "/things/t/actions/go");
  EXPECT_EQ(r.status, 204u);
  r = call(port_, "GET", "/things");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(contains(r.body, "urn:kagami:thing:t")) << r.body;
  r = call(port_, "GET", "/.well-known/wot");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("content-type"), "application/td+json");
}

TEST_F(wot_frontend_test, a_device_that_does_not_answer_gives_504_and_others_still_work) {
  auto started = std::chrono::steady_clock::now();
  client slow{port_};
  ASSERT_TRUE(slow.send("GET /things/t/properties/slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  // Not blocked behind the silent device.
  EXPECT_EQ(call(port_, "GET", "/things/t/properties/temp").status, 200u);
  auto r = slow.read_response(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504u);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  // Never before the configured timeout (1 s).
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(wot_frontend_test, every_405_carries_allow) {
  // The device refuses a write to a read-only property.
  auto r = call(port_, "PUT", "/things/t/properties/temp", "1");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("allow"), "GET");
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  // The plan refuses writing all properties.
  r = call(port_, "PUT", "/things/t/properties", "{}");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("allow"), "GET");
  // The router refuses a method the route lacks.
  r = call(port_, "DELETE", "/things/t");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("allow"), "GET");
}

TEST_F(wot_frontend_test, unknown_things_and_affordances_give_404) {
  EXPECT_EQ(call(port_, "GET", "/things/nope").status, 404u);
  EXPECT_EQ(call(port_, "GET", "/things/nope/properties/temp").status, 404u);
  EXPECT_EQ(call(port_, "GET", "/things/t/properties/nope").status, 404u);
  EXPECT_EQ(call(port_, "GET", "/things/t/events/nope").status, 404u);
  EXPECT_EQ(call(port_, "GET", "/things/t/properties/temp/observable").status, 404u);
  // A refused subscription leaves no subscription behind.
  EXPECT_EQ(log_->subs(), 0);
}

TEST_F(wot_frontend_test, a_stream_gets_events_and_keepalives_and_its_close_unsubscribes) {
  client c{port_};
  ASSERT_TRUE(c.send(sse_request));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->header("content-type"), "text/event-stream");
  EXPECT_EQ(log_->subs(), 1);
  caf::anon_send(frontend_->actor(), event_atom::value, std::string{"t"},
                 std::string{"alarm"}, std::string{"85.3"});
  auto seen = c.read_stream_until(
    [](const std::string& s) { return contains(s, "data: 85.3"); }, 5s);
  EXPECT_TRUE(contains(seen, "event: alarm")) << seen;
  EXPECT_TRUE(contains(seen, "data: 85.3")) << seen;
  seen = c.read_stream_until([](const std::string& s) { return contains(s, ": keep-alive"); },
                             5s);
  EXPECT_TRUE(contains(seen, ": keep-alive")) << seen;
  EXPECT_EQ(log_->unsubs(), 0);
  c.close();
  EXPECT_TRUE(eventually([&] { return log_->unsubs() == 1; }));
  std::lock_guard<std::mutex> guard{log_->mtx};
  ASSERT_EQ(log_->unsubscribed_events.size(), 1u);
  EXPECT_EQ(log_->unsubscribed_events[0], "alarm");
}

TEST_F(wot_frontend_test, only_the_last_stream_of_an_event_unsubscribes) {
  client a{port_};
  client b{port_};
  ASSERT_TRUE(a.send(sse_request));
  ASSERT_TRUE(a.read_head());
  ASSERT_TRUE(b.send(sse_request));
  ASSERT_TRUE(b.read_head());
  a.close();
  // b is still open: give the close time to arrive, then check.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(log_->unsubs(), 0);
  b.close();
  EXPECT_TRUE(eventually([&] { return log_->unsubs() == 1; }));
}

TEST_F(wot_frontend_test, an_event_nobody_listens_to_is_unsubscribed_at_the_source) {
  caf::anon_send(frontend_->actor(), event_atom::value, std::string{"t"},
                 std::string{"alarm"}, std::string{"1"});
  EXPECT_TRUE(eventually([&] { return log_->unsubs() == 1; }));
}

TEST_F(wot_frontend_test, streams_beyond_the_cap_get_503_and_others_still_work) {
  client a{port_};
  client b{port_};
  ASSERT_TRUE(a.send(sse_request));
  ASSERT_TRUE(b.send(sse_request));
  ASSERT_TRUE(a.read_head());
  ASSERT_TRUE(b.read_head());
  auto r = call(port_, "GET", "/things/t/events/alarm");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  // Other requests are not starved.
  EXPECT_EQ(call(port_, "GET", "/things/t/properties/temp").status, 200u);
  // A closed stream frees its slot.
  a.close();
  EXPECT_TRUE(eventually([&] {
    client c{port_};
    if (!c.send(sse_request))
      return false;
    auto h = c.read_head();
    return h && h->status == 200;
  }));
}

TEST_F(wot_frontend_test, thing_down_closes_the_things_streams) {
  client c{port_};
  ASSERT_TRUE(c.send(sse_request));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200u);
  caf::anon_send(frontend_->actor(), thing_down_atom::value, std::string{"t"},
                 std::string{});
  bool eof = false;
  auto seen = c.read_stream_until([](const std::string&) { return false; }, 5s, &eof);
  EXPECT_TRUE(eof);
  EXPECT_TRUE(contains(seen, "0\r\n\r\n")) << seen; // the last chunk
  EXPECT_EQ(call(port_, "GET", "/things/t").status, 404u);
}

TEST_F(wot_frontend_test, a_withdrawn_thing_answers_503_with_the_reason_until_it_comes_back) {
  caf::anon_send(frontend_->actor(), thing_down_atom::value, std::string{"t"},
                 std::string{"firmware 9.9 no longer matches the design"});
  ASSERT_TRUE(eventually([&] {
    return call(port_, "GET", "/things/t/properties/temp").status == 503;
  }));
  auto r = call(port_, "GET", "/things/t");
  EXPECT_EQ(r.status, 503u);
  EXPECT_TRUE(contains(r.body, "no longer matches the design")) << r.body;
  EXPECT_FALSE(contains(call(port_, "GET", "/things").body, "urn:kagami:thing:t"));
  EXPECT_EQ(call(port_, "GET", "/things/other").status, 404u);
}

TEST_F(wot_frontend_test, stop_closes_streams_tells_monitors_and_later_requests_get_503) {
  client c{port_};
  ASSERT_TRUE(c.send(sse_request));
  ASSERT_TRUE(c.read_head());
  caf::scoped_actor self{sys_};
  self->monitor(frontend_->actor());
  EXPECT_TRUE(frontend_->stop());
  bool down = false;
  self->receive([&](const caf::down_msg& msg) { down = msg.source == frontend_->actor().address(); },
                caf::after(5s) >> [] {});
  EXPECT_TRUE(down);
  bool eof = false;
  c.read_stream_until([](const std::string&) { return false; }, 5s, &eof);
  EXPECT_TRUE(eof);
  EXPECT_EQ(call(port_, "GET", "/things/t/properties/temp").status, 503u);
  EXPECT_TRUE(frontend_->stop()); // idempotent
}

TEST_F(wot_frontend_test, stop_after_the_server_stopped_terminates_on_the_caller) {
  caf::scoped_actor self{sys_};
  self->monitor(frontend_->actor());
  server_->stop();
  EXPECT_TRUE(frontend_->stop());
  bool down = false;
  self->receive([&](const caf::down_msg&) { down = true; }, caf::after(5s) >> [] {});
  EXPECT_TRUE(down);
}

} // namespace
} // namespace kagami
