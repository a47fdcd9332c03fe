// The real http::server on 127.0.0.1, attacked with raw sockets: limits,
// smuggling patterns, garbage, slow and half-open clients, then checked to
// still serve normal requests, keep-alive pipelining and event streams.

#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/malformed_requests.hpp"
#include "tests/integration/raw_http_client.hpp"

namespace kagami::http {
namespace {

using namespace std::chrono_literals;
using test::malformed_case;
using test::raw_connection;
using test::smuggling_cases;
using test::raw_response;

/// A server with short timeouts and a small body limit, and a handler with
/// one behaviour per path.
class test_server {
public:
  explicit test_server(server_options opts = defaults())
    : srv_(std::move(opts), [this](request&& req,
                                   std::shared_ptr<responder> rsp) {
        handle(std::move(req), std::move(rsp));
      }) {
    auto res = srv_.start();
    if (auto err = std::get_if<std::string>(&res))
      throw std::runtime_error(*err);
    port_ = std::get<uint16_t>(res);
  }

  ~test_server() {
    srv_.stop();
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& t : threads_)
      t.join();
  }

  static server_options defaults() {
    server_options opts;
    opts.threads = 2;
    opts.header_limit = 2048;
    opts.body_limit = 1024;
    opts.read_timeout = 300ms;
    opts.idle_timeout = 600ms;
    opts.write_timeout = 1000ms;
    opts.handler_timeout = 500ms;
    return opts;
  }

  uint16_t port() const {
    return port_;
  }

  server& srv() {
    return srv_;
  }

  /// The streams opened by /weak-sse; the server owns them.
  std::vector<std::weak_ptr<event_stream>> weak_streams() {
    std::lock_guard<std::mutex> guard{mtx_};
    return weak_streams_;
  }

  /// The streams opened by /sse, in order.
  std::vector<std::shared_ptr<event_stream>> streams() {
    std::lock_guard<std::mutex> guard{mtx_};
    return streams_;
  }

  std::atomic<int> closed_callbacks{0};

private:
  void handle(request&& req, std::shared_ptr<responder> rsp) {
    if (req.path == "/echo") {
      response r;
      r.content_type = "text/plain";
      r.body = req.method + " " + req.body;
      rsp->reply(std::move(r));
    } else if (req.path == "/inspect") {
      response r;
      r.content_type = "text/plain";
      r.body = req.path + "|" + req.header("x-test");
      for (const auto& [k, v] : req.query)
        r.body += "|" + k + "=" + v;
      r.headers.emplace_back("X-Extra", "yes");
      r.headers.emplace_back("Content-Length", "999"); // dropped
      rsp->reply(std::move(r));
    } else if (req.path == "/thread") {
      std::lock_guard<std::mutex> guard{mtx_};
      threads_.emplace_back([rsp] {
        std::this_thread::sleep_for(20ms);
        response r;
        r.body = R"({"from":"thread"})";
        rsp->reply(std::move(r));
      });
    } else if (req.path == "/drop") {
      // Dropping the responder without a reply: the client gets 500.
    } else if (req.path == "/never") {
      std::lock_guard<std::mutex> guard{mtx_};
      parked_.push_back(std::move(rsp)); // handler_timeout answers 504
    } else if (req.path == "/throw") {
      throw std::runtime_error("handler bug");
    } else if (req.path == "/split") {
      response r;
      r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=1");
      rsp->reply(std::move(r));
    } else if (req.path == "/twice") {
      response r;
      r.body = "first";
      rsp->reply(r);
      r.body = "second";
      rsp->reply(r);
    } else if (req.path == "/sse") {
      auto es = rsp->open_event_stream({{"X-Stream", "1"}});
      es->on_close([this] { ++closed_callbacks; });
      es->send("a", "1");
      es->send("b", "2\n3");
      std::lock_guard<std::mutex> guard{mtx_};
      streams_.push_back(std::move(es));
    } else if (req.path == "/weak-sse") {
      auto es = rsp->open_event_stream();
      std::lock_guard<std::mutex> guard{mtx_};
      weak_streams_.push_back(es); // only a weak reference
    } else {
      rsp->reply(make_problem(404, "no route"));
    }
  }

  server srv_;
  uint16_t port_ = 0;
  std::mutex mtx_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<responder>> parked_;
  std::vector<std::shared_ptr<event_stream>> streams_;
  std::vector<std::weak_ptr<event_stream>> weak_streams_;
};

const std::string get_echo = "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n";

std::string post(std::string_view path, std::string_view extra_headers,
                 std::string_view body) {
  std::string r = "POST ";
  r += path;
  r += " HTTP/1.1\r\nHost: t\r\n";
  r += extra_headers;
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  r += body;
  return r;
}

/// The headers every response must carry.
void expect_common_headers(const raw_response& r, bool stream = false) {
  EXPECT_EQ(r.header("server"), "kagami");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_TRUE(r.has_header("content-type"));
  if (!stream) {
    EXPECT_EQ(r.count_header("content-length"), 1u);
  }
}

/// Sends `bytes` and expects `status` as problem+json, then a closed
/// connection.
void expect_refused(uint16_t port, std::string_view bytes, unsigned status,
                    const char* label) {
  SCOPED_TRACE(label);
  auto c = raw_connection::connect(port);
  ASSERT_TRUE(c.ok());
  c.send(bytes); // may fail half-way once the server has refused
  auto r = c.read_response();
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_EQ(r->header("connection"), "close");
  expect_common_headers(*r);
  EXPECT_TRUE(c.peer_closed(2000ms)) << "connection left open";
}

/// A normal request on a fresh connection gets 200.
void expect_healthy(uint16_t port) {
  auto r = test::exchange(port, get_echo);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "GET ");
}

/// Waits until `pred` holds, up to `timeout`.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 2000ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

class smuggling : public ::testing::TestWithParam<malformed_case> {};

TEST_P(smuggling, refused_with_status_and_close) {
  test_server s;
  const auto& c = GetParam();
  expect_refused(s.port(), c.bytes, c.status, c.label);
  expect_healthy(s.port());
}

INSTANTIATE_TEST_SUITE_P(
  patterns, smuggling, ::testing::ValuesIn(smuggling_cases()),
  [](const ::testing::TestParamInfo<malformed_case>& info) {
    return std::string{info.param.label};
  });

TEST(http_hardening, oversize_head_gets_431) {
  test_server s;
  std::string req = "GET /echo HTTP/1.1\r\nHost: t\r\nX-Big: "
                    + std::string(4000, 'a') + "\r\n\r\n";
  expect_refused(s.port(), req, 431, "big header");
  std::string many = "GET /echo HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 300; ++i)
    many += "X-" + std::to_string(i) + ": v\r\n";
  many += "\r\n";
  expect_refused(s.port(), many, 431, "many headers");
  expect_refused(s.port(), "GET /" + std::string(3000, 'a') + " HTTP/1.1\r\n",
                 431, "long target, no end of head");
  expect_healthy(s.port());
}

TEST(http_hardening, oversize_body_gets_413) {
  test_server s;
  expect_refused(s.port(), post("/echo", "", std::string(2000, 'x')), 413,
                 "content-length");
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: t\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i)
    chunked += "200\r\n" + std::string(512, 'x') + "\r\n";
  chunked += "0\r\n\r\n";
  expect_refused(s.port(), chunked, 413, "chunked");
  // Exactly the limit is fine.
  auto r = test::exchange(s.port(), post("/echo", "", std::string(1024, 'y')));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "POST " + std::string(1024, 'y'));
}

TEST(http_hardening, garbage_gets_400_and_close) {
  test_server s;
  expect_refused(s.port(), "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400,
                 "tls client hello");
  expect_refused(s.port(), "hello world\r\n\r\n", 400, "text");
  expect_refused(s.port(), std::string(100, '\0'), 400, "nul bytes");
  expect_refused(s.port(), "GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n", 400,
                 "junk after version");
  expect_healthy(s.port());
}

TEST(http_hardening, slowloris_is_cut) {
  test_server s; // read_timeout 300 ms
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.ok());
  std::string head = "GET /echo HTTP/1.1\r\nHost: t\r\nX-Slow: "
                     + std::string(40, 'z') + "\r\n\r\n";
  auto sent = c.send_slowly(head, 30ms); // ~2.4 s for the whole head
  EXPECT_LT(sent, head.size()) << "the server waited for the whole head";
  EXPECT_TRUE(c.peer_closed(2000ms));
  expect_healthy(s.port());
}

TEST(http_hardening, slow_body_is_cut) {
  test_server s;
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n"
                     "\r\n"));
  auto sent = c.send_slowly(std::string(100, 'b'), 30ms);
  EXPECT_LT(sent, 100u);
  EXPECT_TRUE(c.peer_closed(2000ms));
  expect_healthy(s.port());
}

TEST(http_hardening, silent_and_idle_connections_are_closed) {
  test_server s; // read_timeout 300 ms, idle_timeout 600 ms
  auto silent = raw_connection::connect(s.port());
  ASSERT_TRUE(silent.ok());
  EXPECT_TRUE(silent.peer_closed(2000ms));
  auto idle = raw_connection::connect(s.port());
  ASSERT_TRUE(idle.send(get_echo));
  auto r = idle.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.peer_closed(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms);
  EXPECT_TRUE(eventually([&] { return s.srv().connection_count() == 0; }));
}

TEST(http_hardening, half_open_connections_do_not_wedge) {
  test_server s;
  std::vector<raw_connection> conns;
  // Half a head, then EOF.
  for (int i = 0; i < 5; ++i) {
    auto c = raw_connection::connect(s.port());
    ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHo"));
    ASSERT_TRUE(c.shutdown_write());
    conns.push_back(std::move(c));
  }
  // A head and half a body, then EOF.
  for (int i = 0; i < 5; ++i) {
    auto c = raw_connection::connect(s.port());
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10"
                       "\r\n\r\nabc"));
    ASSERT_TRUE(c.shutdown_write());
    conns.push_back(std::move(c));
  }
  for (auto& c : conns)
    EXPECT_TRUE(c.peer_closed(2000ms));
  // A complete request followed by EOF is still answered.
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send(get_echo));
  ASSERT_TRUE(c.shutdown_write());
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_TRUE(c.peer_closed());
  expect_healthy(s.port());
  EXPECT_TRUE(eventually([&] { return s.srv().connection_count() == 0; }));
}

TEST(http_hardening, survives_everything_then_serves) {
  test_server s;
  for (const auto& c : smuggling_cases()) {
    auto conn = raw_connection::connect(s.port());
    conn.send(c.bytes);
    conn.shutdown_write();
  }
  for (int i = 0; i < 20; ++i) {
    auto conn = raw_connection::connect(s.port());
    std::string junk(1000 + i * 37, static_cast<char>(i * 13));
    conn.send(junk);
  }
  auto slow = raw_connection::connect(s.port());
  slow.send("GET /echo HT");
  std::this_thread::sleep_for(500ms);
  expect_healthy(s.port());
  auto r = test::exchange(s.port(), post("/echo", "", "still alive"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "POST still alive");
}

TEST(http_hardening, keep_alive_and_pipelining) {
  test_server s;
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send(post("/echo", "", "one") + post("/echo", "", "two")));
  auto r1 = c.read_response();
  auto r2 = c.read_response();
  ASSERT_TRUE(r1);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r1->body, "POST one");
  EXPECT_EQ(r2->body, "POST two");
  EXPECT_FALSE(r1->has_header("connection"));
  // The connection stays usable.
  ASSERT_TRUE(c.send(get_echo));
  auto r3 = c.read_response();
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->status, 200u);
  // Connection: close is honoured.
  ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                     "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r4 = c.read_response();
  ASSERT_TRUE(r4);
  EXPECT_EQ(r4->status, 200u);
  EXPECT_EQ(r4->header("connection"), "close");
  EXPECT_TRUE(c.peer_closed());
  EXPECT_TRUE(c.pending().empty()) << "answered after Connection: close";
}

TEST(http_hardening, http10_closes_after_response) {
  test_server s;
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send("GET /echo HTTP/1.0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.peer_closed());
}

TEST(http_hardening, chunked_body_and_100_continue) {
  test_server s;
  auto r = test::exchange(s.port(),
                          "POST /echo HTTP/1.1\r\nHost: t\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "POST hello world");
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     "Content-Length: 4\r\n\r\n"));
  auto cont = c.read_response();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100u);
  ASSERT_TRUE(c.send("body"));
  auto done = c.read_response();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->body, "POST body");
}

TEST(http_hardening, request_fields_and_response_headers) {
  test_server s;
  auto r = test::exchange(s.port(),
                          "GET /inspect?a=1&b=x+y&c=%26 HTTP/1.1\r\nHost: t\r\n"
                          "X-Test: first\r\nx-test: second\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "/inspect|first, second|a=1|b=x y|c=&");
  expect_common_headers(*r);
  EXPECT_EQ(r->header("content-length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->header("x-extra"), "yes");
  auto nf = test::exchange(s.port(), "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404u);
  EXPECT_EQ(nf->header("content-type"), "application/problem+json");
  expect_common_headers(*nf);
}

TEST(http_hardening, head_response_has_no_body) {
  test_server s;
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send("HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\n" + get_echo));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->header("content-length"), "5"); // "HEAD "
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET ");
}

/// Mutations of valid requests: whatever the bytes, the server answers or
/// closes, and every connection ends once the client half-closes.
TEST(http_hardening, mutated_requests_never_wedge) {
  test_server s;
  const std::vector<std::string> seeds = {
    get_echo,
    post("/echo", "", "hello"),
    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n0\r\n\r\n",
    "GET /inspect?a=%41&b=c+d HTTP/1.1\r\nHost: t\r\nX-Test: v\r\n\r\n",
    "GET /sse HTTP/1.1\r\nHost: t\r\n\r\n",
  };
  static constexpr char alpha[] = "\r\n :;,%0123456789aAzZ\t\x00\x7f\xff-_/?#";
  const std::string alphabet(alpha, sizeof(alpha) - 1);
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state](size_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<size_t>(state % bound);
  };
  for (int i = 0; i < 300; ++i) {
    auto bytes = seeds[next(seeds.size())];
    for (size_t m = 0, n = 1 + next(4); m < n && !bytes.empty(); ++m) {
      size_t pos = next(bytes.size());
      switch (next(4)) {
        case 0: bytes[pos] = alphabet[next(alphabet.size())]; break;
        case 1: bytes.insert(pos, 1, alphabet[next(alphabet.size())]); break;
        case 2: bytes.erase(pos, 1 + next(3)); break;
        default: bytes.insert(pos, bytes.substr(next(bytes.size()))); break;
      }
    }
    auto c = raw_connection::connect(s.port());
    ASSERT_TRUE(c.ok());
    c.send(bytes);
    c.shutdown_write();
    ASSERT_TRUE(c.peer_closed(2000ms)) << "wedged on: " << bytes;
  }
  expect_healthy(s.port());
}

TEST(http_hardening, reply_from_another_thread) {
  test_server s;
  auto r = test::exchange(s.port(), "GET /thread HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, R"({"from":"thread"})");
  EXPECT_EQ(r->header("content-type"), "application/json");
}

TEST(http_hardening, handler_failures_become_problems) {
  test_server s;
  struct expectation {
    const char* path;
    unsigned status;
  };
  for (auto e : {expectation{"/drop", 500}, expectation{"/throw", 500},
                 expectation{"/split", 500}, expectation{"/never", 504}}) {
    SCOPED_TRACE(e.path);
    auto r = test::exchange(s.port(), std::string{"GET "} + e.path
                                        + " HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, e.status);
    EXPECT_EQ(r->header("content-type"), "application/problem+json");
    EXPECT_FALSE(r->has_header("set-cookie"));
    expect_common_headers(*r);
  }
  // A second reply is ignored; the connection goes on with the next request.
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send("GET /twice HTTP/1.1\r\nHost: t\r\n\r\n" + get_echo));
  auto r1 = c.read_response();
  auto r2 = c.read_response();
  ASSERT_TRUE(r1);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r1->body, "first");
  EXPECT_EQ(r2->body, "GET ");
}

TEST(http_hardening, event_stream_delivers_in_order) {
  test_server s;
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->header("content-type"), "text/event-stream");
  EXPECT_EQ(head->header("transfer-encoding"), "chunked");
  EXPECT_EQ(head->header("x-stream"), "1");
  EXPECT_FALSE(head->has_header("content-length"));
  expect_common_headers(*head, true);
  const std::string expected
    = "event: a\ndata: 1\n\nevent: b\ndata: 2\ndata: 3\n\n";
  std::string events;
  while (events.size() < expected.size()) {
    auto chunk = c.read_chunk();
    ASSERT_TRUE(chunk);
    ASSERT_FALSE(chunk->empty());
    events += *chunk;
  }
  EXPECT_EQ(events, expected);
  auto streams = s.streams();
  ASSERT_EQ(streams.size(), 1u);
  auto es = streams[0];
  EXPECT_FALSE(es->closed());
  // Events sent from another thread arrive too.
  std::thread([es] { es->send("", "from thread"); }).join();
  auto chunk = c.read_chunk();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(*chunk, "data: from thread\n\n");
  // close() ends the chunked body and the connection.
  es->close();
  auto last = c.read_chunk();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, "");
  EXPECT_TRUE(c.peer_closed());
  EXPECT_TRUE(es->closed());
  EXPECT_FALSE(es->send("x", "after close"));
  EXPECT_TRUE(eventually([&] { return s.closed_callbacks == 1; }));
}

TEST(http_hardening, event_stream_sees_client_leave) {
  test_server s;
  {
    auto c = raw_connection::connect(s.port());
    ASSERT_TRUE(c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(c.read_head());
  }
  ASSERT_TRUE(eventually([&] { return s.streams().size() == 1; }));
  auto es = s.streams()[0];
  EXPECT_TRUE(eventually([&] { return es->closed(); }));
  EXPECT_TRUE(eventually([&] { return s.closed_callbacks == 1; }));
  EXPECT_FALSE(es->send("x", "y"));
  EXPECT_TRUE(eventually([&] { return s.srv().connection_count() == 0; }));
}

TEST(http_hardening, event_stream_owned_by_server) {
  test_server s;
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.send("GET /weak-sse HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = c.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  ASSERT_TRUE(eventually([&] { return s.weak_streams().size() == 1; }));
  auto weak = s.weak_streams()[0];
  {
    auto es = weak.lock();
    ASSERT_TRUE(es) << "the server dropped an open stream";
    EXPECT_TRUE(es->send("tick", "1"));
  }
  auto chunk = c.read_chunk();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(*chunk, "event: tick\ndata: 1\n\n");
  EXPECT_FALSE(c.peer_closed(100ms)) << "closed although still wanted";
  c.close();
  EXPECT_TRUE(eventually([&] { return weak.expired(); }));
}

TEST(http_hardening, max_connections_refused_with_503) {
  auto opts = test_server::defaults();
  opts.max_connections = 2;
  opts.read_timeout = 5000ms;
  test_server s{opts};
  auto a = raw_connection::connect(s.port());
  auto b = raw_connection::connect(s.port());
  ASSERT_TRUE(eventually([&] { return s.srv().connection_count() == 2; }));
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.ok());
  c.send(get_echo);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503u);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_TRUE(c.peer_closed());
  a.close();
  ASSERT_TRUE(eventually([&] { return s.srv().connection_count() < 2; }));
  expect_healthy(s.port());
}

TEST(http_hardening, stop_closes_streams_and_connections) {
  auto s = std::make_unique<test_server>();
  auto idle = raw_connection::connect(s->port());
  auto c = raw_connection::connect(s->port());
  ASSERT_TRUE(c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(c.read_head());
  ASSERT_TRUE(eventually([&] { return s->streams().size() == 1; }));
  auto es = s->streams()[0];
  s->srv().stop();
  EXPECT_TRUE(es->closed());
  EXPECT_FALSE(es->send("x", "y"));
  EXPECT_TRUE(c.peer_closed(1000ms));
  EXPECT_TRUE(idle.peer_closed(1000ms));
  s.reset();
  es.reset(); // outlives the server harmlessly
}

TEST(http_hardening, start_reports_errors) {
  server_options opts;
  opts.host = "not-an-address";
  server bad{opts, [](request&&, std::shared_ptr<responder>) {}};
  auto res = bad.start();
  ASSERT_TRUE(std::holds_alternative<std::string>(res));
  test_server s;
  server_options taken;
  taken.port = s.port();
  server clash{taken, [](request&&, std::shared_ptr<responder>) {}};
  res = clash.start();
  ASSERT_TRUE(std::holds_alternative<std::string>(res));
  EXPECT_NE(std::get<std::string>(res).find("cannot listen"),
            std::string::npos);
}

} // namespace
} // namespace kagami::http
