#include "protocols/http_device/http_device_adapter.hpp"

#include <utility> // before Boost.Asio (Boost 1.74 with C++20)

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "config/json_reader.hpp"
#include "protocols/http_device/reply_parser.hpp"

namespace kagami::protocols::http_device {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
using error_code = beast::error_code;

struct reply {
  unsigned status = 0;
  std::string body;
};

/// Checks a request target from the device model.
bool valid_path(const std::string& path) {
  if (path.empty() || path.front() != '/')
    return false;
  for (unsigned char c : path)
    if (c <= 0x20 || c >= 0x7F)
      return false;
  return true;
}

/// Errors that mean a reused keep-alive connection was closed by the peer.
bool is_stale(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset || ec == asio::error::broken_pipe
         || ec == asio::error::not_connected;
}

/// One keep-alive HTTP/1.1 connection driven synchronously: every step is an
/// asynchronous Beast operation with a tcp_stream deadline, completed by
/// running the private io_context. Used by one thread at a time.
class http_client {
public:
  http_client(config::host_port where, std::chrono::milliseconds timeout)
    : where_(std::move(where)), host_header_(config::to_string(where_)),
      timeout_(timeout) {
  }

  caf::expected<reply> request(http::verb method, const std::string& target,
                               const std::optional<std::string>& body) {
    auto deadline = clock::now() + timeout_;
    // A reused connection the device had already closed is worth one more
    // try, but only for idempotent methods: a POST the device may have
    // received before the close must not run twice.
    bool idempotent = method == http::verb::get || method == http::verb::put
                      || method == http::verb::head || method == http::verb::delete_;
    for (int attempt = 0;; ++attempt) {
      bool reused = stream_.has_value();
      auto result = exchange(method, target, body, deadline);
      if (result || attempt > 0 || !reused || !idempotent || !is_stale(last_error_))
        return result;
    }
  }

private:
  caf::expected<reply> exchange(http::verb method, const std::string& target,
                                const std::optional<std::string>& body,
                                clock::time_point deadline) {
    last_error_ = {};
    if (auto err = connect(deadline))
      return err;
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_header_);
    req.set(http::field::user_agent, "kagami");
    req.set(http::field::accept, "application/json");
    req.keep_alive(true);
    if (body) {
      req.set(http::field::content_type, "application/json");
      req.body() = *body;
    }
    req.prepare_payload();
    if (!arm(deadline))
      return timeout_error();
    if (auto ec = run([&](auto handler) { http::async_write(*stream_, req, handler); }))
      return failed(ec, "sending the request");
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);
    parser.body_limit(reply_limits::body_limit);
    parser.header_limit(static_cast<std::uint32_t>(reply_limits::header_limit));
    if (!arm(deadline))
      return timeout_error();
    if (auto ec = run([&](auto handler) {
          http::async_read(*stream_, buffer_, parser, handler);
        }))
      return failed(ec, "reading the reply");
    auto res = parser.release();
    if (!res.keep_alive())
      close();
    return reply{res.result_int(), std::move(res.body())};
  }

  caf::error connect(clock::time_point deadline) {
    if (stream_)
      return {};
    if (!endpoints_) {
      error_code ec;
      auto addr = asio::ip::make_address(where_.host, ec);
      if (!ec) {
        endpoints_.emplace();
        endpoints_->emplace_back(addr, where_.port);
      } else {
        tcp::resolver resolver{ioc_};
        auto found = resolver.resolve(where_.host, std::to_string(where_.port), ec);
        if (ec)
          return make_error(ec::device_timeout,
                            "cannot resolve the device host: " + ec.message());
        endpoints_.emplace(found.begin(), found.end());
      }
    }
    stream_.emplace(ioc_);
    buffer_.clear();
    if (!arm(deadline))
      return timeout_error();
    if (auto ec = run([&](auto handler) {
          stream_->async_connect(*endpoints_, handler);
        })) {
      close();
      if (ec == beast::error::timeout)
        return timeout_error();
      return make_error(ec::device_timeout,
                        "cannot connect to the device: " + ec.message());
    }
    return {};
  }

  /// Starts `initiate(handler)` and runs the io_context until it completes.
  template <class Initiate>
  error_code run(Initiate&& initiate) {
    error_code result = asio::error::operation_aborted;
    bool done = false;
    initiate([&](error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    ioc_.run();
    return done ? result : error_code{asio::error::operation_aborted};
  }

  /// Sets the stream deadline to what is left; false if nothing is left.
  bool arm(clock::time_point deadline) {
    auto left = deadline - clock::now();
    if (left < std::chrono::milliseconds(1))
      return false;
    stream_->expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(left));
    return true;
  }

  caf::expected<reply> failed(const error_code& ec, const char* step) {
    last_error_ = ec;
    close();
    if (ec == beast::error::timeout)
      return timeout_error();
    if (ec == http::error::body_limit)
      return make_error(ec::device_bad_reply,
                        "reply body exceeds "
                          + std::to_string(reply_limits::body_limit) + " bytes");
    if (ec == http::error::header_limit)
      return make_error(ec::device_bad_reply,
                        "reply header exceeds "
                          + std::to_string(reply_limits::header_limit) + " bytes");
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category()
        && ec != http::error::end_of_stream && ec != http::error::partial_message)
      return make_error(ec::device_bad_reply,
                        "malformed HTTP reply: " + ec.message());
    return make_error(ec::device_timeout,
                      std::string{"connection to the device failed while "} + step
                        + ": " + ec.message());
  }

  caf::error timeout_error() {
    close();
    return make_error(ec::device_timeout, "device did not answer within "
                                            + std::to_string(timeout_.count())
                                            + " ms");
  }

  void close() {
    if (stream_) {
      error_code ignored;
      stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_->socket().close(ignored);
      stream_.reset();
    }
  }

  config::host_port where_;
  std::string host_header_;
  std::chrono::milliseconds timeout_;
  asio::io_context ioc_{1};
  std::optional<std::vector<tcp::endpoint>> endpoints_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  error_code last_error_;
};

caf::error status_error(unsigned status) {
  return make_error(ec::device_error,
                    "device answered HTTP " + std::to_string(status));
}

bool is_success(unsigned status) {
  return status >= 200 && status < 300;
}

std::string to_body(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class http_device_adapter final : public device_adapter {
public:
  http_device_adapter(config::host_port where, const adapter_options& opts)
    : client_(std::move(where), opts.timeout) {
  }

  caf::expected<nlohmann::json> read(const config::property_model& p) override {
    const auto* b = std::get_if<config::http_binding>(&p.binding);
    if (b == nullptr)
      return no_binding("property", p.name);
    auto doc = fetch(b->path);
    if (!doc)
      return std::move(doc.error());
    return select_pointer(*doc, b->pointer);
  }

  /// One GET per distinct path, so properties of one document are read from
  /// the same snapshot.
  caf::expected<std::vector<nlohmann::json>>
  read_many(const std::vector<const config::property_model*>& ps) override {
    std::map<std::string, nlohmann::json> docs;
    std::vector<nlohmann::json> out;
    out.reserve(ps.size());
    for (auto* p : ps) {
      const auto* b = std::get_if<config::http_binding>(&p->binding);
      if (b == nullptr)
        return no_binding("property", p->name);
      auto it = docs.find(b->path);
      if (it == docs.end()) {
        auto doc = fetch(b->path);
        if (!doc)
          return std::move(doc.error());
        it = docs.emplace(b->path, std::move(*doc)).first;
      }
      auto value = select_pointer(it->second, b->pointer);
      if (!value)
        return std::move(value.error());
      out.push_back(std::move(*value));
    }
    return out;
  }

  caf::error write(const config::property_model& p,
                   const nlohmann::json& value) override {
    const auto* b = std::get_if<config::http_binding>(&p.binding);
    if (b == nullptr)
      return no_binding("property", p.name);
    if (b->write_path.empty())
      return make_error(ec::not_writable,
                        "property '" + p.name + "' is not writable");
    auto res = client_.request(http::verb::put, b->write_path, to_body(value));
    if (!res)
      return std::move(res.error());
    if (!is_success(res->status))
      return status_error(res->status);
    return {};
  }

  caf::expected<nlohmann::json> invoke(const config::action_model& a,
                                       const nlohmann::json& input) override {
    const auto* b = std::get_if<config::http_action_binding>(&a.binding);
    if (b == nullptr)
      return no_binding("action", a.name);
    auto verb = http::string_to_verb(b->method);
    std::optional<std::string> body;
    if (!input.is_null())
      body = to_body(input);
    auto res = client_.request(verb, b->path, body);
    if (!res)
      return std::move(res.error());
    if (!is_success(res->status))
      return status_error(res->status);
    if (res->body.empty())
      return nlohmann::json{};
    return parse_reply(res->body);
  }

private:
  /// GETs `path` and parses the reply as JSON.
  caf::expected<nlohmann::json> fetch(const std::string& path) {
    auto res = client_.request(http::verb::get, path, std::nullopt);
    if (!res)
      return std::move(res.error());
    if (!is_success(res->status))
      return status_error(res->status);
    return parse_reply(res->body);
  }

  static caf::error no_binding(const char* kind, const std::string& name) {
    return make_error(ec::config_invalid, std::string{kind} + " '" + name
                                            + "' has no HTTP binding");
  }

  http_client client_;
};

caf::error check_path(const std::string& what, const std::string& path) {
  if (!valid_path(path))
    return make_error(ec::config_invalid,
                      what + ": path '" + path
                        + "' must start with '/' and hold no spaces or control characters");
  return {};
}

} // namespace

caf::expected<std::unique_ptr<device_adapter>>
make_http_device_adapter(const config::device_config& dev,
                         const config::device_model& model,
                         const adapter_options& opts) {
  auto where = checked_endpoint(dev, config::parse_http_address(dev.address), opts);
  if (!where)
    return std::move(where.error());
  for (const auto& p : model.properties) {
    auto what = "property '" + p.name + "'";
    const auto* b = std::get_if<config::http_binding>(&p.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid, what + " has no HTTP binding");
    if (auto err = check_path(what, b->path))
      return err;
    if (!b->write_path.empty())
      if (auto err = check_path(what, b->write_path))
        return err;
    if (!config::is_json_pointer(b->pointer))
      return make_error(ec::config_invalid,
                        what + ": invalid JSON pointer '" + b->pointer + "'");
  }
  for (const auto& a : model.actions) {
    auto what = "action '" + a.name + "'";
    const auto* b = std::get_if<config::http_action_binding>(&a.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid, what + " has no HTTP binding");
    if (auto err = check_path(what, b->path))
      return err;
    if (http::string_to_verb(b->method) == http::verb::unknown)
      return make_error(ec::config_invalid,
                        what + ": unknown HTTP method '" + b->method + "'");
  }
  return std::unique_ptr<device_adapter>{
    std::make_unique<http_device_adapter>(std::move(*where), opts)};
}

} // namespace kagami::protocols::http_device
