#include "protocols/wifi_ap/ap_http_client.hpp"

#include <utility> // before Boost.Asio (Boost 1.74 with C++20)

#include <optional>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "actors/core/error.hpp"

namespace kagami::protocols::wifi_ap {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;
using clock = std::chrono::steady_clock;

/// Starts `initiate(handler)` and runs `ioc` until it completes.
template <class Initiate>
error_code run(asio::io_context& ioc, Initiate&& initiate) {
  error_code result = asio::error::operation_aborted;
  bool done = false;
  initiate([&](error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc.restart();
  ioc.run();
  return done ? result : error_code{asio::error::operation_aborted};
}

/// Sets the stream deadline to what is left of `deadline`; false if nothing.
bool arm(beast::tcp_stream& stream, clock::time_point deadline) {
  auto left = deadline - clock::now();
  if (left < std::chrono::milliseconds(1))
    return false;
  stream.expires_after(std::chrono::duration_cast<clock::duration>(left));
  return true;
}

caf::error timeout_error(const ap_http_options& options) {
  return make_error(ec::device_timeout, "the AP did not answer within "
                                          + std::to_string(options.timeout.count())
                                          + " ms");
}

caf::error failed(const error_code& ec, const char* step, const ap_http_options& options) {
  if (ec == beast::error::timeout)
    return timeout_error(options);
  if (ec == http::error::body_limit)
    return make_error(ec::device_bad_reply, ": reply body longer than "
                                              + std::to_string(options.max_body_bytes)
                                              + " bytes");
  if (ec == http::error::header_limit)
    return make_error(ec::device_bad_reply, ": reply header longer than "
                                              + std::to_string(options.max_header_bytes)
                                              + " bytes");
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()
      && ec != http::error::end_of_stream && ec != http::error::partial_message)
    return make_error(ec::device_bad_reply, ": not an HTTP reply: " + ec.message());
  return make_error(ec::device_timeout,
                    std::string{"connection to the AP failed while "} + step + ": "
                      + ec.message());
}

} // namespace

caf::expected<ap_http_reply> ap_http_exchange(const std::string& host, std::uint16_t port,
                                              const ap_http_request& request,
                                              const ap_http_options& options) {
  asio::io_context ioc{1};
  error_code ec;
  std::vector<tcp::endpoint> endpoints;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec) {
    endpoints.emplace_back(addr, port);
  } else {
    tcp::resolver resolver{ioc};
    auto found = resolver.resolve(host, std::to_string(port), ec);
    if (ec)
      return make_error(ec::device_timeout, "cannot resolve the AP host: " + ec.message());
    endpoints.assign(found.begin(), found.end());
  }
  auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown)
    return make_error(ec::invalid_value, "unknown HTTP method " + request.method);
  auto deadline = clock::now() + options.timeout;
  beast::tcp_stream stream{ioc};
  auto close = [&] {
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  };
  // Closes the connection and passes `err` on.
  auto give_up = [&](caf::error err) {
    close();
    return err;
  };
  if (!arm(stream, deadline))
    return timeout_error(options);
  if (auto e = run(ioc, [&](auto handler) { stream.async_connect(endpoints, handler); })) {
    close();
    if (e == beast::error::timeout)
      return timeout_error(options);
    return make_error(ec::device_timeout, "cannot connect to the AP: " + e.message());
  }
  http::request<http::string_body> req{verb, request.target, 11};
  req.set(http::field::host, host.find(':') != std::string::npos
                               ? "[" + host + "]:" + std::to_string(port)
                               : host + ":" + std::to_string(port));
  req.set(http::field::user_agent, "kagami");
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  if (!request.body.empty()) {
    req.set(http::field::content_type, request.content_type);
    req.body() = request.body;
  }
  req.prepare_payload();
  if (!arm(stream, deadline))
    return give_up(timeout_error(options));
  if (auto e = run(ioc, [&](auto handler) { http::async_write(stream, req, handler); }))
    return give_up(failed(e, "sending the request", options));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body_bytes);
  parser.header_limit(options.max_header_bytes);
  // Header first: Beast 1.74's response parser sets the body state before it
  // checks Content-Length against body_limit, and an eager read then
  // overwrites the body_limit error, so a declared length over the limit is
  // checked here. Chunked and read-to-EOF bodies are bounded by the parser.
  if (!arm(stream, deadline))
    return give_up(timeout_error(options));
  if (auto e = run(ioc, [&](auto handler) {
        http::async_read_header(stream, buffer, parser, handler);
      }))
    return give_up(failed(e, "reading the reply header", options));
  if (auto length = parser.content_length(); length && *length > options.max_body_bytes)
    return give_up(failed(http::error::body_limit, "reading the reply", options));
  if (!parser.is_done()) {
    if (!arm(stream, deadline))
      return give_up(timeout_error(options));
    if (auto e = run(ioc, [&](auto handler) {
          http::async_read(stream, buffer, parser, handler);
        }))
      return give_up(failed(e, "reading the reply", options));
  }
  close();
  auto res = parser.release();
  return ap_http_reply{res.result_int(), std::move(res.body())};
}

} // namespace kagami::protocols::wifi_ap
