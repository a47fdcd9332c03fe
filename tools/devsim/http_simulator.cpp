#include "tools/devsim/http_simulator.hpp"

#include <utility> // before Boost.Asio (Boost 1.74 with C++20)

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "actors/core/error.hpp"

namespace kagami::devsim {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

constexpr auto idle_timeout = std::chrono::seconds(30);
constexpr auto dynamics_period = std::chrono::milliseconds(50);

/// One keep-alive connection: read a request, answer it, repeat.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, http_sim_state& state)
    : stream_(std::move(socket)), timer_(stream_.get_executor()), state_(state) {
  }

  void start() { read(); }

  /// Closes the connection; no handler reads or writes it again.
  void close() {
    closed_ = true;
    timer_.cancel();
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

private:
  void read() {
    if (closed_)
      return;
    parser_.emplace();
    parser_->header_limit(http_sim_limits::header_limit);
    parser_->body_limit(http_sim_limits::body_limit);
    stream_.expires_after(idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(error_code ec) {
    if (closed_)
      return;
    if (ec) {
      if (ec != http::error::end_of_stream && ec != beast::error::timeout
          && ec != asio::error::operation_aborted) {
        // A malformed request: answer 400 and close.
        respond(400, "application/json", R"({"error":"bad request"})", false);
        return;
      }
      close();
      return;
    }
    auto req = parser_->release();
    auto method = req.method_string();
    auto target = req.target();
    auto res = state_.handle(std::string_view{method.data(), method.size()},
                             std::string_view{target.data(), target.size()},
                             req.body());
    bool keep = req.keep_alive();
    auto delay = state_.reply_delay();
    if (delay.count() > 0) {
      timer_.expires_after(delay);
      timer_.async_wait([self = shared_from_this(), res = std::move(res),
                         keep](error_code ec) mutable {
        if (ec)
          return;
        self->respond(res.status, std::move(res.content_type), std::move(res.body), keep);
      });
      return;
    }
    respond(res.status, std::move(res.content_type), std::move(res.body), keep);
  }

  void respond(unsigned status, std::string content_type, std::string body, bool keep) {
    if (closed_)
      return;
    auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(status), 11);
    res->set(http::field::server, "kagami-devsim");
    if (!content_type.empty())
      res->set(http::field::content_type, content_type);
    res->keep_alive(keep);
    res->body() = std::move(body);
    res->prepare_payload();
    stream_.expires_after(idle_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](error_code ec, size_t) {
                        if (ec || !res->keep_alive())
                          self->close();
                        else
                          self->read();
                      });
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http_sim_state& state_;
  bool closed_ = false;
};

} // namespace

struct http_simulator::impl {
  explicit impl(const http_sim_config& cfg) : state(cfg) {
  }

  http_sim_state state;
  std::string host;
  uint16_t port = 0;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::steady_timer ticker{ioc};
  std::thread thread;
  std::atomic<bool> stopped{false};
  std::atomic<uint64_t> accepted{0};
  /// Live sessions, so that stop() can close them. io thread only.
  std::vector<std::weak_ptr<session>> sessions;

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec)
        return; // closed by stop()
      ++accepted;
      std::erase_if(sessions, [](const auto& s) { return s.expired(); });
      auto s = std::make_shared<session>(std::move(socket), state);
      sessions.push_back(s);
      s->start();
      accept();
    });
  }

  /// Runs on the io thread: closes the listener and every connection.
  void shut_down() {
    error_code ignored;
    acceptor.close(ignored);
    ticker.cancel();
    for (auto& w : sessions)
      if (auto s = w.lock())
        s->close();
    sessions.clear();
    ioc.stop();
  }

  void tick() {
    ticker.expires_after(dynamics_period);
    ticker.async_wait([this](error_code ec) {
      if (ec)
        return;
      state.advance(std::chrono::steady_clock::now());
      tick();
    });
  }
};

http_simulator::http_simulator(std::unique_ptr<impl> p) : impl_(std::move(p)) {
}

http_simulator::~http_simulator() {
  stop();
}

caf::expected<std::unique_ptr<http_simulator>>
http_simulator::start(const http_sim_config& cfg, const std::string& host, uint16_t port) {
  auto p = std::make_unique<impl>(cfg);
  error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec)
    return make_error(ec::unavailable,
                      "listen host '" + host + "' is not an IP address");
  tcp::endpoint ep{addr, port};
  p->acceptor.open(ep.protocol(), ec);
  if (!ec)
    p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    p->acceptor.bind(ep, ec);
  if (!ec)
    p->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(ec::unavailable, "cannot listen on " + host + ":"
                                         + std::to_string(port) + ": " + ec.message());
  p->host = host;
  p->port = p->acceptor.local_endpoint().port();
  p->accept();
  p->tick();
  auto* raw = p.get();
  p->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<http_simulator>{new http_simulator(std::move(p))};
}

void http_simulator::stop() {
  if (!impl_ || impl_->stopped.exchange(true))
    return;
  asio::post(impl_->ioc, [p = impl_.get()] { p->shut_down(); });
  if (impl_->thread.joinable())
    impl_->thread.join();
}

const std::string& http_simulator::host() const {
  return impl_->host;
}

uint16_t http_simulator::port() const {
  return impl_->port;
}

std::string http_simulator::device_address() const {
  if (impl_->host.find(':') != std::string::npos)
    return "http://[" + impl_->host + "]:" + std::to_string(impl_->port);
  return "http://" + impl_->host + ":" + std::to_string(impl_->port);
}

http_sim_state& http_simulator::state() {
  return impl_->state;
}

uint64_t http_simulator::accepted() const {
  return impl_->accepted.load();
}

} // namespace kagami::devsim
