#pragma once

// The hardened HTTP/1.1 server. It knows nothing about actors, things or
// devices: it parses requests, enforces the framing policy
// (http/framing_guard.hpp), limits and timeouts, hands each request to one
// handler and writes what the handler replies.
//
// With server_options::tls set the port speaks HTTPS only (tls_options).
//
// No Beast or Asio type appears here; the implementation lives in server.cpp.
//
// Threading: the server runs `threads` io threads. Each connection is served
// by exactly one strand, so the handler for one connection is never called
// concurrently with itself, but handlers of different connections run in
// parallel. A handler must not block: it replies later, from any thread,
// through its responder.
//
// What the server guarantees on every response: Content-Type, Content-Length
// (except event streams), Server, X-Content-Type-Options: nosniff and
// Cache-Control: no-store. Every error the server produces itself is an
// application/problem+json document, after which the connection is closed.
//
// Status codes the server produces by itself:
//   400 malformed request, smuggling pattern, bad target, trailers
//   413 body larger than body_limit
//   417 an Expect other than 100-continue
//   431 head larger than header_limit
//   500 handler threw, or dropped its responder without replying
//   503 more than max_connections connections (then closed at once)
//   504 handler did not reply within handler_timeout
//   505 an HTTP version other than 1.0 or 1.1
// A response to HEAD carries the Content-Length of its body but no body.
// A client that is too slow (read_timeout for a head or a body, idle_timeout
// between requests) is disconnected without a response.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/problem.hpp"

namespace kagami::http {

/// One parsed request. Owned by the handler once passed.
struct request {
  /// The method as sent (case-sensitive), e.g. "GET".
  std::string method;
  /// The raw request target, e.g. "/things/a%20b?x=1".
  std::string target;
  /// The percent-decoded path without the query, e.g. "/things/a b". The
  /// server refuses targets that are not origin-form, carry invalid escapes,
  /// or decode to '/', NUL or control characters, so `path` is unambiguous.
  std::string path;
  /// The decoded query parameters ('+' decodes to a space), in order.
  std::multimap<std::string, std::string> query;
  /// Header fields, names in lower case. Repeated fields are joined with
  /// ", " in wire order.
  std::map<std::string, std::string> headers;
  /// The body (at most server_options::body_limit bytes), de-chunked.
  std::string body;
  /// The peer's address ("127.0.0.1") and port.
  std::string remote_address;
  uint16_t remote_port = 0;
  /// 10 for HTTP/1.0, 11 for HTTP/1.1.
  unsigned version = 11;
  /// True when the request arrived over TLS.
  bool secure = false;
  /// The subject common name (UTF-8) of the client certificate, when the
  /// client presented one and it verified against
  /// tls_options::client_ca_file; "" otherwise, and also when the subject
  /// has no CN, more than one CN, or a CN with control characters. Fit to
  /// authenticate the client (mTLS) only because the handshake verified it.
  std::string peer_certificate_subject;

  /// The value of header `lower_name`, or "" when absent.
  const std::string& header(const std::string& lower_name) const;
};

/// One response. The server adds Content-Length, Server, Cache-Control,
/// X-Content-Type-Options and Connection itself; `headers` must not contain
/// those, nor Content-Type, Transfer-Encoding, Trailer, Upgrade or
/// Keep-Alive (such entries are dropped).
/// A header with CR, LF or NUL in its name or value, or a name that is not a
/// token, turns the response into a 500 (no response splitting).
struct response {
  /// 200..599; anything else becomes 500. 204 and 304 are sent without body
  /// and without Content-Length.
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// Close the connection after this response.
  bool close = false;
};

/// A response carrying a problem+json document for `p`.
response to_response(const problem& p);

/// A server-sent-events stream (text/event-stream) on one connection.
///
/// Created by responder::open_event_stream. All members are thread-safe.
/// Operations are posted to the connection's strand and happen in the order
/// in which one thread calls them.
///
/// Lifetime: the server holds a reference while the stream is open and
/// drops it when the stream closes, so the application may keep only a
/// weak_ptr (it expires soon after the close). The stream closes on
/// close(), when the client goes away, when a write fails or times out, when
/// more than 1 MiB is queued (a client too slow to read), or when the server
/// stops. Dropping the application's references does not close it.
class event_stream {
public:
  class impl;

  explicit event_stream(std::shared_ptr<impl> p);
  ~event_stream();
  event_stream(const event_stream&) = delete;
  event_stream& operator=(const event_stream&) = delete;

  /// Queues one event: an `event:` line when `event` is not empty, one
  /// `data:` line per line of `data` (split at CRLF, CR and LF), then the
  /// blank line. CR and LF in `event` are replaced by spaces. Returns false
  /// when the stream is already closed (the event is dropped).
  bool send(std::string_view event, std::string_view data);

  /// Queues a comment line (`: text`), e.g. as a keep-alive. Returns false
  /// when the stream is closed.
  bool send_comment(std::string_view text);

  /// Ends the stream and the connection after the queued events are written.
  void close();

  /// True once the stream is closed, by either side.
  bool closed() const noexcept;

  /// Registers `f` to run once when the stream closes, on an io thread (at
  /// once on the caller's thread when it is already closed). `f` must not
  /// block. Replaces an earlier callback.
  void on_close(std::function<void()> f);

private:
  std::shared_ptr<impl> impl_;
};

/// The one way to answer a request. Thread-safe.
///
/// Exactly one of reply() or open_event_stream() takes effect; later calls
/// are ignored. If the last reference is dropped before either, the client
/// gets 500 problem+json. Calls after the client went away, after the
/// handler_timeout answered the request, or after server::stop are
/// harmless no-ops.
class responder {
public:
  class impl;

  explicit responder(std::shared_ptr<impl> p);
  ~responder();
  responder(const responder&) = delete;
  responder& operator=(const responder&) = delete;

  /// Sends `r`. May be called from any thread.
  void reply(response r);

  /// Sends a problem+json response.
  void reply(const problem& p);

  /// Sends the head of a 200 text/event-stream response (chunked on
  /// HTTP/1.1, close-delimited on HTTP/1.0) with `extra_headers` (same
  /// rules as response::headers) and returns the stream. The connection
  /// serves no further requests. Returns a closed stream when the responder
  /// was already used.
  std::shared_ptr<event_stream> open_event_stream(
    std::vector<std::pair<std::string, std::string>> extra_headers = {});

  /// True once reply() or open_event_stream() was called.
  bool replied() const noexcept;

private:
  std::shared_ptr<impl> impl_;
};

/// A serial queue of work on the server's io threads (an Asio strand), for
/// state that lives on the io side, e.g. an actor driven by the server's
/// threads. Created by server::make_strand; all members are thread-safe.
///
/// Functions posted to one strand run one at a time, in the order they were
/// posted, on an io thread; each sees the effects of the ones before it.
/// post() never runs `f` inline, even when called from this strand.
/// Functions posted before start() wait for the io threads. Once the server
/// stops, functions still queued are destroyed without running and post()
/// drops `f` and returns false. A strand may outlive its server.
class io_strand {
public:
  class impl;

  explicit io_strand(std::shared_ptr<impl> p);
  ~io_strand();
  io_strand(const io_strand&) = delete;
  io_strand& operator=(const io_strand&) = delete;

  /// Queues `f`. Returns false when the server has stopped (`f` is
  /// destroyed, never run).
  bool post(std::function<void()> f);

private:
  std::shared_ptr<impl> impl_;
};

/// Called once per request on an io thread. Must not block and should not
/// throw (an exception becomes a 500 reply). The request is the handler's;
/// the responder may be moved to any thread.
using handler = std::function<void(request&&, std::shared_ptr<responder>)>;

/// TLS on the listening port (see server_options::tls).
///
/// Every connection must complete a TLS handshake within read_timeout
/// before its first request; a client that sends anything else (plain
/// HTTP) is disconnected without a response. A connection beyond
/// max_connections gets its handshake, then the 503. TLS 1.2 and 1.3 only, ECDHE
/// AEAD cipher suites (Mozilla "intermediate" without DHE), no compression,
/// no renegotiation. The connection ends with a close_notify bounded by
/// read_timeout (at most 2 s). Limits, timeouts, the framing guard, event
/// streams and max_connections behave as on plain connections.
struct tls_options {
  /// PEM certificate chain, the server's certificate first.
  std::string cert_file;
  /// PEM private key matching the certificate.
  std::string key_file;
  /// PEM file of the CAs that sign client certificates; empty: no client
  /// certificate is asked for. When set, a presented client certificate
  /// that does not verify against these CAs fails the handshake.
  std::string client_ca_file;
  /// Fail the handshake when the client presents no certificate. Requires
  /// client_ca_file.
  bool require_client_cert = false;
};

struct server_options {
  /// Address to bind (IPv4 or IPv6 literal).
  std::string host = "127.0.0.1";
  /// Port to bind; 0 picks a free port (start() returns it).
  uint16_t port = 0;
  /// Number of io threads, at least 1.
  unsigned threads = 1;
  /// Maximum size of a request head (request line and fields), and also of
  /// the read buffer, which bounds a chunk-size line and the trailers.
  uint32_t header_limit = 8192;
  /// Maximum size of a request body (after de-chunking).
  uint32_t body_limit = 65536;
  /// Time a client has to send a whole head once its first byte arrived,
  /// then a whole body; also the time a new connection has to send the first
  /// byte of its first request.
  std::chrono::milliseconds read_timeout{10000};
  /// Time a keep-alive connection may wait for the first byte of its next
  /// request.
  std::chrono::milliseconds idle_timeout{30000};
  /// Time one response (or one event) may take to be written.
  std::chrono::milliseconds write_timeout{10000};
  /// Time a handler has to reply before the server answers 504.
  std::chrono::milliseconds handler_timeout{30000};
  /// Connections beyond this get 503 and are closed at once.
  uint32_t max_connections = 1024;
  /// The value of the Server header.
  std::string server_name = "kagami";
  /// nullopt: plain HTTP. Otherwise every connection is HTTPS.
  std::optional<tls_options> tls;
};

/// The listener plus its io threads. Not copyable or movable.
class server {
public:
  /// Does not bind yet. `h` must be non-empty.
  server(server_options opts, handler h);

  /// Calls stop().
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds, listens and starts the io threads. Returns the bound port, or
  /// an error text (bad address, port in use, already started, bad options,
  /// an unreadable certificate, key or CA file, a key that does not match
  /// the certificate).
  /// Call at most once.
  std::variant<uint16_t, std::string> start();

  /// Stops accepting, closes every connection and event stream, joins the
  /// io threads. Idempotent; safe to call from any thread except an io
  /// thread (i.e. not from a handler).
  void stop();

  /// A new strand on this server's io threads (see io_strand). Thread-safe;
  /// may be called before start().
  std::shared_ptr<io_strand> make_strand();

  /// The number of open connections (for tests and metrics).
  size_t connection_count() const;

private:
  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace kagami::http
