#pragma once

// A small blocking HTTP/1.1 client for AP management APIs (Boost.Beast, kept
// out of this header): one request per connection (the AP is polled seldom),
// everything -- connect, send, receive -- within one deadline, and a bound on
// the reply body. No TLS, no authentication (the kagami-sim-ap API has
// neither).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <caf/expected.hpp>

#include "protocols/wifi_ap/ap_api_model.hpp"

namespace kagami::protocols::wifi_ap {

struct ap_http_reply {
  unsigned status = 0;
  std::string body;
};

struct ap_http_options {
  /// The whole exchange, connect included.
  std::chrono::milliseconds timeout{3000};
  /// A longer reply body is refused while it arrives.
  std::size_t max_body_bytes = 1 << 20;
  std::uint32_t max_header_bytes = 16 * 1024;
};

/// Sends `request` to `host`:`port` (`host`: an IP literal; a name is
/// resolved synchronously, outside the deadline) and reads the reply. Does
/// not throw. Errors: no connection, a timeout or a lost connection ->
/// ec::device_timeout; a body over max_body_bytes, a header over
/// max_header_bytes or bytes that are not HTTP -> ec::device_bad_reply. Any
/// HTTP status is a reply (the model judges it).
caf::expected<ap_http_reply> ap_http_exchange(const std::string& host, std::uint16_t port,
                                              const ap_http_request& request,
                                              const ap_http_options& options);

} // namespace kagami::protocols::wifi_ap
