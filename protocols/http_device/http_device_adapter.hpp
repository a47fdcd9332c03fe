#pragma once

// The HTTP/JSON adapter: a synchronous HTTP/1.1 client (Boost.Beast, kept out
// of this header) for one device at "http://HOST:PORT".
//
// - read: GET binding.path, parse the reply as JSON, return the value at the
//   JSON pointer binding.pointer.
// - write: PUT binding.write_path with the value as JSON body; an empty
//   write_path -> ec::not_writable.
// - invoke: binding.method binding.path with the input as JSON body (no body
//   for a null input); returns the reply JSON, or null for an empty reply.
// - Every operation (connect included) finishes within adapter_options::
//   timeout. The connection is kept alive and reused; a request that finds a
//   reused connection closed by the device is retried once on a new one.
//   Host names (not IP literals) resolve synchronously, outside that bound.
// - Limits: reply_limits in reply_parser.hpp (1 MiB body, 16 KiB header, 64
//   levels of JSON nesting).
// - Errors: no connection, timeout, connection lost -> ec::device_timeout; a
//   non-2xx status -> ec::device_error naming the status; a reply over the
//   limits, not JSON, or without the pointer -> ec::device_bad_reply.

#include <memory>

#include <caf/expected.hpp>

#include "protocols/device_adapter.hpp"

namespace kagami::protocols::http_device {

/// Creates the adapter for `dev`. Does no I/O. Fails with ec::config_invalid
/// for a bad address, a property/action without an HTTP binding, a path that
/// does not start with "/" or holds spaces or control characters, an invalid
/// JSON pointer or an unknown method.
caf::expected<std::unique_ptr<device_adapter>>
make_http_device_adapter(const config::device_config& dev,
                         const config::device_model& model,
                         const adapter_options& opts);

} // namespace kagami::protocols::http_device
