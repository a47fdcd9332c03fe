#include "protocols/upnp/upnp_fetcher.hpp"

#include <utility> // before Boost.Asio (Boost 1.74 with C++20)

#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "actors/core/error.hpp"
#include "protocols/upnp/description_url.hpp"

namespace kagami::protocols::upnp {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

caf::error timeout_error(const std::string& where, const error_code& ec) {
  if (ec == beast::error::timeout)
    return make_error(kagami::ec::device_timeout, "no description from " + where
                                                    + " in time");
  return make_error(kagami::ec::device_timeout,
                    "cannot read the description from " + where + ": " + ec.message());
}

} // namespace

caf::expected<device_profile> upnp_fetcher::fetch(const device_sighting& s,
                                                  std::chrono::milliseconds timeout) {
  if (s.source != discovery_kind::upnp)
    return make_error(ec::invalid_value, "not a UPnP sighting");
  auto url = parse_description_url(s.locator);
  if (!url)
    return url.error();
  if (url->host != canonical_ipv4(s.address))
    return make_error(ec::invalid_value, "description URL host " + url->host
                                           + " is not the device address " + s.address);
  const std::string where = url->host + ":" + std::to_string(url->port);
  asio::io_context ioc{1};
  beast::tcp_stream stream{ioc};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  error_code result;
  std::optional<http::response_parser<http::string_body>> parser;
  parser.emplace();
  parser->header_limit(fetch_limits::header_limit);
  parser->body_limit(fetch_limits::body_limit);
  // Bounded too: the parser never holds more than header and body limits.
  beast::flat_buffer buffer{fetch_limits::header_limit + fetch_limits::body_limit};
  http::request<http::empty_body> req{http::verb::get, url->target, 11};
  req.set(http::field::host, url->port == 80 ? url->host : where);
  req.set(http::field::user_agent, "kagami UPnP/1.1");
  req.set(http::field::accept, "text/xml, application/xml");
  req.set(http::field::connection, "close");
  tcp::endpoint ep{asio::ip::make_address_v4(url->host), url->port};
  stream.expires_at(deadline);
  stream.async_connect(ep, [&](error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    stream.expires_at(deadline);
    http::async_write(stream, req, [&](error_code ec, size_t) {
      if (ec) {
        result = ec;
        return;
      }
      stream.expires_at(deadline);
      http::async_read_header(stream, buffer, *parser, [&](error_code ec, size_t) {
        if (ec) {
          result = ec;
          return;
        }
        // Beast 1.74 loses its own body_limit error for a Content-Length that
        // arrives together with body bytes: check the length here.
        if (auto length = parser->content_length();
            length && *length > fetch_limits::body_limit) {
          result = http::error::body_limit;
          return;
        }
        stream.expires_at(deadline);
        http::async_read(stream, buffer, *parser, [&](error_code ec, size_t) {
          result = ec;
        });
      });
    });
  });
  ioc.run();
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.close();
  // Every error of Beast's HTTP parser (limits, malformed, closed early) is a
  // bad reply; socket errors and the deadline are "no answer".
  if (result && result.category() == error_code{http::error::bad_method}.category())
    return make_error(ec::device_bad_reply,
                      "description from " + where + ": " + result.message());
  if (result)
    return timeout_error(where, result);
  auto res = parser->release();
  if (res.body().size() > fetch_limits::body_limit)
    return make_error(ec::device_bad_reply,
                      "description from " + where + ": body limit exceeded");
  if (res.result_int() != 200)
    return make_error(ec::device_bad_reply,
                      "description from " + where + ": status "
                        + std::to_string(res.result_int())
                        + (res.result_int() / 100 == 3 ? " (redirects are not followed)"
                                                       : ""));
  return parse_description(res.body());
}

} // namespace kagami::protocols::upnp
