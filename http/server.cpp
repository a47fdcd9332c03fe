// The Beast side of http/server.hpp. The only translation unit of the HTTP
// layer that includes Asio or Beast.
//
// Structure:
// - listener: the acceptor, the io threads, the registry of sessions.
// - transport: the connection's byte stream, a TCP socket or TLS over one;
//   the session's only I/O object, so both kinds share one session.
// - session: one connection; every member runs on the connection's strand.
//   It reads a head with its own bounded loop (so the raw bytes can be
//   checked before Beast sees them), parses it with a fresh Beast parser,
//   applies the framing guard, reads the body with Beast, calls the
//   handler, and writes the reply or the event stream.
// - responder::impl / event_stream::impl: hold a weak reference to the
//   session and post to its strand through the gate. The gate is closed
//   after the io threads are joined, so no application thread touches a
//   session once the io_context is being torn down.

#include "http/server.hpp"

#include <utility> // Boost 1.74 needs <utility> before Asio.

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/framing_guard.hpp"
#include "http/target.hpp"
#include "http/tls_context.hpp"

namespace kagami::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {

/// Bytes an event stream may have queued before the client counts as too
/// slow and is disconnected.
constexpr size_t sse_queue_limit = size_t{1} << 20;

/// Bytes read and thrown away while closing gracefully (or while an event
/// stream is open) before the connection is cut.
constexpr size_t discard_limit = size_t{1} << 20;

/// Upper bound of a graceful close (lingering read after the last write).
constexpr std::chrono::milliseconds max_linger{2000};

/// Connections being refused with 503 at the same time; beyond this they
/// are closed without a response.
constexpr size_t max_rejecting = 64;

/// How long stop() waits for connections to close before it stops the
/// io_context anyway.
constexpr std::chrono::milliseconds stop_grace{2000};

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = lower(c);
  return out;
}

/// True when `v` may appear as a field value: no CTL except HTAB.
bool is_field_value(std::string_view v) noexcept {
  return std::none_of(v.begin(), v.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

/// Headers the server sets itself; handler-supplied ones are dropped.
bool is_reserved_header(std::string_view lower_name) noexcept {
  static constexpr std::string_view reserved[] = {
    "cache-control", "connection",        "content-length",
    "content-type",  "keep-alive",        "server",
    "trailer",       "transfer-encoding", "upgrade",
    "x-content-type-options",
  };
  return std::find(std::begin(reserved), std::end(reserved), lower_name)
         != std::end(reserved);
}

void append_header(std::string& out, std::string_view name,
                   std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

/// Appends the handler's extra headers. False when one is malformed.
bool append_extra_headers(
  std::string& out,
  const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (!is_token(name) || !is_field_value(value))
      return false;
    if (is_reserved_header(to_lower(name)))
      continue;
    append_header(out, name, value);
  }
  return true;
}

/// Serializes a complete response. nullopt when the handler's response is
/// malformed (bad status, CR/LF in a header, ...). `head_only` (a HEAD
/// request) keeps Content-Length but omits the body.
std::optional<std::string> serialize(const response& r, bool close,
                                     bool head_only,
                                     const std::string& server_name) {
  if (r.status < 200 || r.status > 599)
    return std::nullopt;
  if (r.content_type.empty() || !is_field_value(r.content_type))
    return std::nullopt;
  bool no_body = r.status == 204 || r.status == 304;
  std::string out;
  out.reserve(256 + r.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\n";
  append_header(out, "Server", server_name);
  append_header(out, "Content-Type", r.content_type);
  if (!no_body)
    append_header(out, "Content-Length", std::to_string(r.body.size()));
  append_header(out, "Cache-Control", "no-store");
  append_header(out, "X-Content-Type-Options", "nosniff");
  if (close)
    append_header(out, "Connection", "close");
  if (!append_extra_headers(out, r.headers))
    return std::nullopt;
  out += "\r\n";
  if (!no_body && !head_only)
    out += r.body;
  return out;
}

/// Serializes `r`, or a 500 problem when `r` is malformed.
std::string serialize_or_500(const response& r, bool close, bool head_only,
                             const std::string& server_name) {
  if (auto out = serialize(r, close, head_only, server_name))
    return std::move(*out);
  auto fallback = to_response(
    make_problem(500, "the request handler produced an invalid response"));
  return *serialize(fallback, close, head_only, server_name);
}

std::optional<std::string> serialize_sse_head(
  const std::vector<std::pair<std::string, std::string>>& extra, bool chunked,
  const std::string& server_name) {
  std::string out = "HTTP/1.1 200 OK\r\n";
  append_header(out, "Server", server_name);
  append_header(out, "Content-Type", "text/event-stream");
  append_header(out, "Cache-Control", "no-store");
  append_header(out, "X-Content-Type-Options", "nosniff");
  if (chunked)
    append_header(out, "Transfer-Encoding", "chunked");
  append_header(out, "Connection", "close");
  if (!append_extra_headers(out, extra))
    return std::nullopt;
  out += "\r\n";
  return out;
}

std::string format_event(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    for (char c : event)
      out += (c == '\r' || c == '\n') ? ' ' : c;
    out += '\n';
  }
  size_t pos = 0;
  for (;;) {
    auto end = data.find_first_of("\r\n", pos);
    out += "data: ";
    out += data.substr(pos, end == std::string_view::npos ? end : end - pos);
    out += '\n';
    if (end == std::string_view::npos)
      break;
    bool crlf = data[end] == '\r' && end + 1 < data.size()
                && data[end + 1] == '\n';
    pos = end + (crlf ? 2 : 1);
  }
  out += '\n';
  return out;
}

std::string format_comment(std::string_view text) {
  std::string out = ": ";
  for (char c : text)
    out += (c == '\r' || c == '\n') ? ' ' : c;
  out += '\n';
  return out;
}

std::string make_chunk(std::string_view payload) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string size;
  for (auto n = payload.size(); n > 0; n >>= 4)
    size.insert(size.begin(), digits[n & 0xf]);
  std::string out;
  out.reserve(size.size() + payload.size() + 4);
  out += size;
  out += "\r\n";
  out += payload;
  out += "\r\n";
  return out;
}

/// A TCP socket, or a TLS stream over one. An AsyncReadStream and
/// AsyncWriteStream for Asio and Beast; the TLS-only members require
/// is_tls().
class transport {
public:
  using executor_type = tcp::socket::executor_type;
  using tls_stream = net::ssl::stream<tcp::socket>;

  /// Plain TCP.
  explicit transport(tcp::socket sock) : plain_(std::move(sock)) {
  }

  /// TLS with `ctx`, which must outlive the transport.
  transport(tcp::socket sock, net::ssl::context& ctx)
    : tls_(std::in_place, std::move(sock), ctx) {
  }

  bool is_tls() const noexcept {
    return tls_.has_value();
  }

  tcp::socket& socket() noexcept {
    return tls_ ? tls_->next_layer() : *plain_;
  }

  executor_type get_executor() noexcept {
    return socket().get_executor();
  }

  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& h) {
    if (tls_)
      tls_->async_read_some(buffers, std::forward<Handler>(h));
    else
      plain_->async_read_some(buffers, std::forward<Handler>(h));
  }

  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& h) {
    if (tls_)
      tls_->async_write_some(buffers, std::forward<Handler>(h));
    else
      plain_->async_write_some(buffers, std::forward<Handler>(h));
  }

  tls_stream& tls() noexcept {
    return *tls_;
  }

private:
  std::optional<tcp::socket> plain_;
  std::optional<tls_stream> tls_;
};

/// Closed by server::stop after the io threads are joined. Holding the
/// shared lock guarantees the io_context still exists.
struct gate {
  std::shared_mutex mtx;
  bool open = true;
};

class session;
class listener;

/// Posts `f(session&)` to the session's strand if the session and the
/// server are still alive. Returns false when the post was dropped.
template <class F>
bool post_to(const std::weak_ptr<session>& weak, gate& g, F&& f);

} // namespace

// -- impl classes of the public handles --------------------------------------

class event_stream::impl {
public:
  impl(std::weak_ptr<session> s, std::shared_ptr<gate> g)
    : session_(std::move(s)), gate_(std::move(g)) {
  }

  /// A stream that is closed from the start.
  impl() : closed_(true) {
  }

  /// Marks the stream closed and runs the on_close callback once.
  void mark_closed() {
    std::function<void()> f;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (closed_.exchange(true))
        return;
      f.swap(on_close_);
    }
    if (f)
      f();
  }

  void set_on_close(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (!closed_) {
        on_close_ = std::move(f);
        return;
      }
    }
    if (f)
      f();
  }

  template <class F>
  bool post(F&& f) {
    return gate_ && post_to(session_, *gate_, std::forward<F>(f));
  }

  std::atomic<bool> closed_{false};

private:
  std::mutex mtx_;
  std::function<void()> on_close_;
  std::weak_ptr<session> session_;
  std::shared_ptr<gate> gate_;
};

class responder::impl {
public:
  impl(std::weak_ptr<session> s, std::shared_ptr<gate> g, uint64_t seq)
    : session_(std::move(s)), gate_(std::move(g)), seq_(seq) {
  }

  template <class F>
  bool post(F&& f) {
    return post_to(session_, *gate_, std::forward<F>(f));
  }

  std::weak_ptr<session> session_;
  std::shared_ptr<gate> gate_;
  const uint64_t seq_;
  std::atomic<bool> used_{false};
};

class io_strand::impl {
public:
  using strand_type = net::strand<net::io_context::executor_type>;

  impl(strand_type s, std::shared_ptr<gate> g)
    : strand_(std::move(s)), gate_(std::move(g)) {
  }

  bool post(std::function<void()> f) {
    std::shared_lock<std::shared_mutex> guard{gate_->mtx};
    if (!gate_->open || !strand_)
      return false;
    net::post(*strand_, std::move(f));
    return true;
  }

  /// Called by server::stop with the gate closed (exclusively locked):
  /// the strand must not outlive the io_context it belongs to.
  void release() {
    strand_.reset();
  }

private:
  std::optional<strand_type> strand_;
  std::shared_ptr<gate> gate_;
};

namespace {

// -- listener ----------------------------------------------------------------

class listener {
public:
  listener(server_options opts, handler h);
  ~listener();

  std::variant<uint16_t, std::string> start();
  void stop();
  size_t connection_count() const;
  std::shared_ptr<io_strand> make_strand();

  // -- for sessions ----------------------------------------------------------

  const server_options& opts() const noexcept {
    return opts_;
  }
  const handler& get_handler() const noexcept {
    return handler_;
  }
  const std::shared_ptr<gate>& get_gate() const noexcept {
    return gate_;
  }
  bool stopping() const noexcept {
    return stopping_;
  }
  /// The TLS context, or nullptr for plain HTTP. Set before the io threads
  /// start.
  net::ssl::context* tls_context() noexcept {
    return tls_ctx_ ? &*tls_ctx_ : nullptr;
  }
  /// Removes `s` from the registry. Called once, on the session's strand.
  void unregister(session* s);

private:
  void do_accept();
  void on_accept(error_code ec, tcp::socket sock);
  /// Closes the gate and releases `strands` (server stop).
  void close_gate(const std::vector<std::weak_ptr<io_strand::impl>>& strands);
  void run_loop();

  server_options opts_;
  handler handler_;
  std::shared_ptr<gate> gate_ = std::make_shared<gate>();
  std::optional<net::ssl::context> tls_ctx_;
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>>
    work_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopped_ = false;
  size_t active_ = 0;
  size_t rejecting_ = 0;
  std::unordered_map<session*, std::pair<std::shared_ptr<session>, bool>>
    sessions_; // value: (session, is rejecting)
  std::vector<std::thread> threads_;
  /// Strands handed out by make_strand, released when the server stops.
  std::vector<std::weak_ptr<io_strand::impl>> strands_;
};

// -- session -----------------------------------------------------------------

class session : public std::enable_shared_from_this<session> {
public:
  using executor_type = tcp::socket::executor_type;

  session(listener& srv, tcp::socket sock);

  executor_type executor() {
    return stream_.get_executor();
  }

  // All members below run on the session's strand.

  void start();
  /// Answers 503 and closes (max_connections reached).
  void start_reject();
  /// Closes at once (server stop).
  void shutdown();
  void on_reply(uint64_t seq, response r);
  void on_open_sse(uint64_t seq,
                   std::vector<std::pair<std::string, std::string>> extra,
                   std::shared_ptr<event_stream::impl> es,
                   std::shared_ptr<event_stream> handle);
  void sse_enqueue(std::string payload);
  void sse_close();

private:
  enum class state : uint8_t {
    handshaking,
    reading_head,
    continue_100,
    reading_body,
    waiting_reply,
    writing,
    sse,
    lingering,
    closed,
  };

  std::string_view buffered() const {
    auto b = buffer_.data();
    return {static_cast<const char*>(b.data()), b.size()};
  }

  /// Runs the TLS handshake (bounded by read_timeout), then `next`.
  void handshake(void (session::*next)());
  void reject();
  void do_read_head();
  void on_head(size_t head_len);
  void read_body();
  void on_body(error_code ec);
  void dispatch();
  void fail(unsigned status, std::string reason);
  void send_response(const response& r);
  void on_write(error_code ec);
  void write_next_sse();
  void graceful_close();
  void do_discard();
  void close_now();
  void arm(std::chrono::milliseconds d);
  void disarm();
  void on_deadline(uint64_t gen, error_code ec);

  listener& srv_;
  const server_options& opts_;
  transport stream_;
  net::steady_timer deadline_;
  uint64_t timer_gen_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::function<void(std::uint64_t, beast::string_view, error_code&)>
    chunk_cb_;
  state state_ = state::reading_head;
  bool head_started_ = false;
  bool keep_alive_ = false;
  bool close_after_write_ = false;
  bool head_request_ = false;
  bool discarding_ = false;
  unsigned version_ = 11;
  size_t field_count_ = 0;
  uint64_t seq_ = 0;
  size_t discarded_ = 0;
  std::string out_;
  std::array<char, 4096> discard_buf_;
  std::string remote_address_;
  uint16_t remote_port_ = 0;
  /// The verified client certificate's CN (TLS only).
  std::string peer_subject_;
  // Event stream state.
  std::shared_ptr<event_stream::impl> sse_;
  /// Keeps the application's handle alive while the stream is open, so
  /// the application may hold only a weak_ptr.
  std::shared_ptr<event_stream> sse_handle_;
  std::deque<std::string> sse_queue_;
  size_t sse_queued_ = 0;
  bool sse_chunked_ = true;
  bool sse_writing_ = false;
  bool sse_closing_ = false;
};

template <class F>
bool post_to(const std::weak_ptr<session>& weak, gate& g, F&& f) {
  std::shared_lock<std::shared_mutex> guard{g.mtx};
  if (!g.open)
    return false;
  auto s = weak.lock();
  if (!s)
    return false;
  auto exec = s->executor();
  net::post(exec, [s = std::move(s), f = std::forward<F>(f)]() mutable {
    f(*s);
  });
  return true;
}

transport make_transport(listener& srv, tcp::socket sock) {
  if (auto* ctx = srv.tls_context())
    return transport{std::move(sock), *ctx};
  return transport{std::move(sock)};
}

session::session(listener& srv, tcp::socket sock)
  : srv_(srv),
    opts_(srv.opts()),
    stream_(make_transport(srv, std::move(sock))),
    deadline_(stream_.get_executor()),
    buffer_(srv.opts().header_limit) {
  error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    remote_address_ = ep.address().to_string(ec);
    remote_port_ = ep.port();
  }
  chunk_cb_ = [](std::uint64_t size, beast::string_view ext, error_code& ec) {
    if (check_chunk_header(size, sv(ext)))
      ec = bhttp::error::bad_chunk_extension;
  };
}

void session::start() {
  if (stream_.is_tls())
    handshake(&session::do_read_head);
  else
    do_read_head();
}

void session::start_reject() {
  if (stream_.is_tls())
    handshake(&session::reject);
  else
    reject();
}

void session::reject() {
  keep_alive_ = false;
  fail(503, "too many connections");
}

void session::handshake(void (session::*next)()) {
  state_ = state::handshaking;
  arm(opts_.read_timeout);
  stream_.tls().async_handshake(
    net::ssl::stream_base::server,
    [self = shared_from_this(), next](error_code ec) {
      if (self->state_ == state::closed)
        return;
      self->disarm();
      if (ec) {
        // Not TLS (e.g. plain HTTP), a refused version or certificate, a
        // timeout: no response is possible.
        self->close_now();
        return;
      }
      self->peer_subject_
        = verified_peer_common_name(self->stream_.tls().native_handle());
      ((*self).*next)();
    });
}

void session::shutdown() {
  close_now();
}

void session::arm(std::chrono::milliseconds d) {
  auto gen = ++timer_gen_;
  deadline_.expires_after(d);
  deadline_.async_wait([self = shared_from_this(), gen](error_code ec) {
    self->on_deadline(gen, ec);
  });
}

void session::disarm() {
  ++timer_gen_;
  deadline_.cancel();
}

void session::on_deadline(uint64_t gen, error_code ec) {
  if (ec || gen != timer_gen_ || state_ == state::closed)
    return;
  if (state_ == state::waiting_reply) {
    fail(504, "the request handler did not reply in time");
    return;
  }
  // A read or write took too long (slow client, slowloris, idle keep-alive,
  // lingering close): cut the connection without a response.
  close_now();
}

void session::do_read_head() {
  if (state_ == state::closed)
    return;
  state_ = state::reading_head;
  // RFC 9112 2.2: ignore empty lines before a request line.
  auto data = buffered();
  size_t skip = 0;
  while (data.substr(skip, 2) == "\r\n")
    skip += 2;
  if (skip > 0) {
    buffer_.consume(skip);
    data = buffered();
  }
  auto eoh = data.find("\r\n\r\n");
  if (eoh != std::string_view::npos) {
    on_head(eoh + 4);
    return;
  }
  if (auto v = check_raw_head(data, false)) {
    fail(v->status, std::move(v->reason));
    return;
  }
  if (data.size() >= opts_.header_limit) {
    fail(431, "the request head exceeds " + std::to_string(opts_.header_limit)
                + " bytes");
    return;
  }
  if (data.empty()) {
    head_started_ = false;
    arm(seq_ == 0 ? opts_.read_timeout : opts_.idle_timeout);
  } else if (!head_started_) {
    head_started_ = true;
    arm(opts_.read_timeout);
  }
  auto space = opts_.header_limit - data.size();
  stream_.async_read_some(
    buffer_.prepare(space),
    [self = shared_from_this()](error_code ec, size_t n) {
      if (self->state_ == state::closed)
        return;
      if (ec) {
        // EOF (also half-open clients), reset, or the deadline fired.
        self->close_now();
        return;
      }
      self->buffer_.commit(n);
      self->do_read_head();
    });
}

void session::on_head(size_t head_len) {
  disarm();
  head_request_ = false;
  auto head = buffered().substr(0, head_len);
  if (auto v = check_raw_head(head, true)) {
    fail(v->status, std::move(v->reason));
    return;
  }
  parser_.emplace();
  parser_->header_limit(opts_.header_limit);
  parser_->body_limit(std::uint64_t{opts_.body_limit});
  parser_->on_chunk_header(chunk_cb_);
  error_code ec;
  auto used = parser_->put(net::buffer(head.data(), head.size()), ec);
  if (ec) {
    if (ec == bhttp::error::header_limit)
      fail(431, "the request head is too large");
    else if (ec == bhttp::error::body_limit)
      fail(413, "the request body exceeds "
                  + std::to_string(opts_.body_limit) + " bytes");
    else if (ec == bhttp::error::bad_version)
      // check_raw_head accepted the syntax HTTP/d.d, so only the number
      // can be wrong.
      fail(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    else
      fail(400, "malformed request head: " + ec.message());
    return;
  }
  if (!parser_->is_header_done() || used != head_len) {
    fail(400, "malformed request head");
    return;
  }
  buffer_.consume(used);
  const auto& msg = parser_->get();
  std::vector<header_field> fields;
  bool expect_continue = false;
  for (const auto& f : msg) {
    fields.push_back(header_field{sv(f.name_string()), sv(f.value())});
    if (f.name() == bhttp::field::expect)
      expect_continue = true; // the guard allows only 100-continue
  }
  field_count_ = fields.size();
  version_ = msg.version();
  if (auto v = check_request_head(sv(msg.method_string()), version_,
                                  fields)) {
    fail(v->status, std::move(v->reason));
    return;
  }
  keep_alive_ = version_ == 11 && parser_->keep_alive();
  if (parser_->is_done()) {
    dispatch();
    return;
  }
  if (expect_continue && version_ == 11) {
    state_ = state::continue_100;
    out_ = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(opts_.write_timeout);
    net::async_write(stream_, net::buffer(out_),
                     [self = shared_from_this()](error_code ec, size_t) {
                       if (self->state_ == state::closed)
                         return;
                       self->disarm();
                       if (ec) {
                         self->close_now();
                         return;
                       }
                       self->read_body();
                     });
    return;
  }
  read_body();
}

void session::read_body() {
  state_ = state::reading_body;
  arm(opts_.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](error_code ec, size_t) {
                      self->on_body(ec);
                    });
}

void session::on_body(error_code ec) {
  if (state_ == state::closed)
    return;
  disarm();
  if (ec) {
    const auto& http_category
      = bhttp::make_error_code(bhttp::error::need_more).category();
    if (ec == bhttp::error::body_limit)
      fail(413, "the request body exceeds " + std::to_string(opts_.body_limit)
                  + " bytes");
    else if (ec == bhttp::error::buffer_overflow)
      fail(400, "chunk-size line or trailer section too large");
    else if (ec == bhttp::error::bad_chunk_extension)
      fail(400, "chunk extensions are not accepted");
    else if (ec.category() == http_category
             && ec != bhttp::error::end_of_stream
             && ec != bhttp::error::partial_message)
      fail(400, "malformed request body: " + ec.message());
    else
      close_now(); // EOF, reset, timeout
    return;
  }
  const auto& msg = parser_->get();
  if (static_cast<size_t>(std::distance(msg.begin(), msg.end()))
      != field_count_) {
    fail(400, "trailer fields are not accepted");
    return;
  }
  dispatch();
}

void session::dispatch() {
  auto& msg = parser_->get();
  request req;
  req.method = std::string{sv(msg.method_string())};
  head_request_ = req.method == "HEAD";
  req.target = std::string{sv(msg.target())};
  target_parts parts;
  if (auto err = parse_target(req.target, parts)) {
    fail(400, std::move(*err));
    return;
  }
  req.path = std::move(parts.path);
  req.query = std::move(parts.query);
  for (const auto& f : msg) {
    auto value = sv(f.value());
    auto [it, added] = req.headers.emplace(to_lower(sv(f.name_string())),
                                           std::string{value});
    if (!added) {
      it->second += ", ";
      it->second += value;
    }
  }
  req.body = std::move(msg.body());
  req.remote_address = remote_address_;
  req.remote_port = remote_port_;
  req.version = version_;
  req.secure = stream_.is_tls();
  req.peer_certificate_subject = peer_subject_;
  parser_.reset();
  ++seq_;
  state_ = state::waiting_reply;
  arm(opts_.handler_timeout);
  auto rsp = std::make_shared<responder>(std::make_shared<responder::impl>(
    weak_from_this(), srv_.get_gate(), seq_));
  try {
    srv_.get_handler()(std::move(req), rsp);
  } catch (...) {
    rsp->reply(make_problem(500, "the request handler failed"));
  }
}

void session::fail(unsigned status, std::string reason) {
  auto r = to_response(make_problem(status, std::move(reason)));
  r.close = true;
  send_response(r);
}

void session::send_response(const response& r) {
  bool close = r.close || !keep_alive_ || srv_.stopping();
  out_ = serialize_or_500(r, close, head_request_, opts_.server_name);
  close_after_write_ = close;
  state_ = state::writing;
  arm(opts_.write_timeout);
  net::async_write(stream_, net::buffer(out_),
                   [self = shared_from_this()](error_code ec, size_t) {
                     self->on_write(ec);
                   });
}

void session::on_write(error_code ec) {
  if (state_ == state::closed)
    return;
  disarm();
  if (ec) {
    close_now();
    return;
  }
  if (out_.capacity() > 65536)
    std::string{}.swap(out_);
  else
    out_.clear();
  if (close_after_write_) {
    graceful_close();
    return;
  }
  head_started_ = false;
  head_request_ = false;
  do_read_head();
}

void session::on_reply(uint64_t seq, response r) {
  if (state_ != state::waiting_reply || seq != seq_)
    return;
  disarm();
  send_response(r);
}

void session::on_open_sse(
  uint64_t seq, std::vector<std::pair<std::string, std::string>> extra,
  std::shared_ptr<event_stream::impl> es,
  std::shared_ptr<event_stream> handle) {
  if (state_ != state::waiting_reply || seq != seq_) {
    es->mark_closed();
    return;
  }
  disarm();
  sse_chunked_ = version_ == 11;
  auto head = serialize_sse_head(extra, sse_chunked_, opts_.server_name);
  if (!head) {
    es->mark_closed();
    auto r = to_response(
      make_problem(500, "the request handler produced an invalid response"));
    r.close = true;
    send_response(r);
    return;
  }
  state_ = state::sse;
  sse_ = std::move(es);
  sse_handle_ = std::move(handle);
  sse_queued_ = head->size();
  sse_queue_.push_back(std::move(*head));
  write_next_sse();
  // Detects the client going away; whatever it sends is discarded.
  if (!discarding_)
    do_discard();
}

void session::sse_enqueue(std::string payload) {
  if (state_ != state::sse || sse_closing_)
    return;
  auto frame = sse_chunked_ ? make_chunk(payload) : std::move(payload);
  sse_queued_ += frame.size();
  if (sse_queued_ > sse_queue_limit) {
    close_now(); // the client does not read fast enough
    return;
  }
  sse_queue_.push_back(std::move(frame));
  if (!sse_writing_)
    write_next_sse();
}

void session::sse_close() {
  if (state_ != state::sse || sse_closing_)
    return;
  sse_closing_ = true;
  if (sse_) {
    sse_->mark_closed();
    sse_.reset();
  }
  sse_handle_.reset();
  if (sse_chunked_) {
    sse_queue_.emplace_back("0\r\n\r\n");
    sse_queued_ += 5;
  }
  if (!sse_writing_)
    write_next_sse();
}

void session::write_next_sse() {
  if (state_ != state::sse)
    return;
  if (sse_queue_.empty()) {
    sse_writing_ = false;
    disarm();
    if (sse_closing_)
      graceful_close();
    return;
  }
  sse_writing_ = true;
  arm(opts_.write_timeout);
  net::async_write(stream_, net::buffer(sse_queue_.front()),
                   [self = shared_from_this()](error_code ec, size_t) {
                     if (self->state_ != state::sse)
                       return;
                     if (ec) {
                       self->close_now();
                       return;
                     }
                     self->sse_queued_ -= self->sse_queue_.front().size();
                     self->sse_queue_.pop_front();
                     self->write_next_sse();
                   });
}

void session::graceful_close() {
  if (state_ == state::closed || state_ == state::lingering)
    return;
  state_ = state::lingering;
  arm(std::min(opts_.read_timeout, max_linger));
  if (stream_.is_tls()) {
    // close_notify, then wait (bounded by the deadline) for the client's;
    // what the client still sends ends the shutdown with an error. A
    // pending discard read ends when the client's close_notify arrives.
    stream_.tls().async_shutdown([self = shared_from_this()](error_code) {
      self->close_now();
    });
    return;
  }
  // Half-close, then drain what the client still sends so that the kernel
  // does not answer it with a RST that could destroy our last response
  // before the client read it.
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (!discarding_)
    do_discard();
}

void session::do_discard() {
  discarding_ = true;
  stream_.async_read_some(
    net::buffer(discard_buf_),
    [self = shared_from_this()](error_code ec, size_t n) {
      if (self->state_ == state::closed)
        return;
      self->discarded_ += n;
      if (ec || self->discarded_ > discard_limit) {
        self->close_now();
        return;
      }
      self->do_discard();
    });
}

void session::close_now() {
  if (state_ == state::closed)
    return;
  state_ = state::closed;
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
  disarm();
  parser_.reset();
  sse_queue_.clear();
  if (auto es = std::move(sse_))
    es->mark_closed();
  sse_handle_.reset();
  srv_.unregister(this);
}

// -- listener implementation -------------------------------------------------

listener::listener(server_options opts, handler h)
  : opts_(std::move(opts)),
    handler_(std::move(h)),
    acceptor_(net::make_strand(ioc_)),
    retry_timer_(acceptor_.get_executor()) {
}

listener::~listener() {
  stop();
}

std::variant<uint16_t, std::string> listener::start() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (started_ || stopped_)
    return std::string{"the server was already started"};
  if (!handler_)
    return std::string{"no handler"};
  if (opts_.threads < 1 || opts_.threads > 256)
    return std::string{"threads must be between 1 and 256"};
  if (opts_.header_limit < 256)
    return std::string{"header_limit must be at least 256"};
  if (opts_.max_connections < 1)
    return std::string{"max_connections must be at least 1"};
  using ms = std::chrono::milliseconds;
  for (auto t : {opts_.read_timeout, opts_.idle_timeout, opts_.write_timeout,
                 opts_.handler_timeout})
    if (t <= ms::zero())
      return std::string{"timeouts must be positive"};
  if (opts_.server_name.empty() || !is_field_value(opts_.server_name))
    return std::string{"invalid server_name"};
  error_code ec;
  auto addr = net::ip::make_address(opts_.host, ec);
  if (ec)
    return "invalid host '" + opts_.host + "': " + ec.message();
  if (opts_.tls) {
    auto ctx = make_server_tls_context(*opts_.tls);
    if (auto* err = std::get_if<std::string>(&ctx))
      return std::move(*err);
    tls_ctx_.emplace(std::get<ssl_ctx_ptr>(ctx).release());
  }
  tcp::endpoint ep{addr, opts_.port};
  auto where = opts_.host + ":" + std::to_string(opts_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec)
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(ep, ec);
  if (!ec)
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
  uint16_t port = 0;
  if (!ec)
    port = acceptor_.local_endpoint(ec).port();
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return "cannot listen on " + where + ": " + ec.message();
  }
  started_ = true;
  work_.emplace(ioc_.get_executor());
  do_accept();
  for (unsigned i = 0; i < opts_.threads; ++i)
    threads_.emplace_back([this] { run_loop(); });
  return port;
}

void listener::run_loop() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (...) {
      // A handler threw through Asio. The connection it belonged to is
      // abandoned; the server keeps serving.
    }
  }
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](error_code ec, tcp::socket sock) {
                           on_accept(ec, std::move(sock));
                         });
}

void listener::on_accept(error_code ec, tcp::socket sock) {
  if (stopping_)
    return;
  if (ec) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open())
      return;
    // Out of descriptors or buffers: back off instead of spinning.
    retry_timer_.expires_after(std::chrono::milliseconds{100});
    retry_timer_.async_wait([this](error_code ec) {
      if (!ec && !stopping_)
        do_accept();
    });
    return;
  }
  error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);
  auto s = std::make_shared<session>(*this, std::move(sock));
  bool reject = false;
  bool drop = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_) {
      drop = true;
    } else if (active_ >= opts_.max_connections) {
      if (rejecting_ >= max_rejecting) {
        drop = true;
      } else {
        reject = true;
        ++rejecting_;
      }
    } else {
      ++active_;
    }
    if (!drop)
      sessions_.emplace(s.get(), std::make_pair(s, reject));
  }
  if (!drop) {
    auto exec = s->executor();
    net::post(exec, [s = std::move(s), reject] {
      if (reject)
        s->start_reject();
      else
        s->start();
    });
  }
  do_accept();
}

void listener::unregister(session* s) {
  std::shared_ptr<session> keep; // released after the lock
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = sessions_.find(s);
    if (i == sessions_.end())
      return;
    keep = std::move(i->second.first);
    if (i->second.second)
      --rejecting_;
    else
      --active_;
    sessions_.erase(i);
  }
  cv_.notify_all();
}

size_t listener::connection_count() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return active_;
}

std::shared_ptr<io_strand> listener::make_strand() {
  auto p = std::make_shared<io_strand::impl>(net::make_strand(ioc_), gate_);
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopped_) {
      p->release();
    } else {
      strands_.erase(std::remove_if(strands_.begin(), strands_.end(),
                                    [](const auto& w) { return w.expired(); }),
                     strands_.end());
      strands_.push_back(p);
    }
  }
  return std::make_shared<io_strand>(std::move(p));
}

void listener::close_gate(
  const std::vector<std::weak_ptr<io_strand::impl>>& strands) {
  std::unique_lock<std::shared_mutex> guard{gate_->mtx};
  gate_->open = false;
  for (auto& weak : strands)
    if (auto p = weak.lock())
      p->release();
}

void listener::stop() {
  std::vector<std::shared_ptr<session>> all;
  std::vector<std::weak_ptr<io_strand::impl>> strands;
  bool started = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopped_)
      return;
    stopped_ = true;
    stopping_ = true;
    started = started_;
    if (!started) {
      strands = std::move(strands_);
      strands_.clear();
    }
  }
  if (!started) {
    close_gate(strands);
    return;
  }
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& kv : sessions_)
      all.push_back(kv.second.first);
  }
  net::post(acceptor_.get_executor(), [this] {
    error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
  });
  for (auto& s : all) {
    auto exec = s->executor();
    net::post(exec, [s] { s->shutdown(); });
  }
  all.clear();
  {
    std::unique_lock<std::mutex> lock{mtx_};
    cv_.wait_for(lock, stop_grace, [this] { return sessions_.empty(); });
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  {
    std::lock_guard<std::mutex> guard{mtx_};
    strands.swap(strands_);
  }
  // No io thread runs any more: no application thread may touch a session
  // or a strand from now on.
  close_gate(strands);
  std::lock_guard<std::mutex> guard{mtx_};
  sessions_.clear();
}

} // namespace

// -- public handles ----------------------------------------------------------

const std::string& request::header(const std::string& lower_name) const {
  static const std::string empty;
  auto i = headers.find(lower_name);
  return i != headers.end() ? i->second : empty;
}

response to_response(const problem& p) {
  response r;
  r.status = p.status;
  r.content_type = std::string{problem_content_type};
  r.body = to_json(p);
  return r;
}

event_stream::event_stream(std::shared_ptr<impl> p) : impl_(std::move(p)) {
}

event_stream::~event_stream() = default;

bool event_stream::send(std::string_view event, std::string_view data) {
  if (impl_->closed_)
    return false;
  return impl_->post([payload = format_event(event, data)](session& s) mutable {
    s.sse_enqueue(std::move(payload));
  });
}

bool event_stream::send_comment(std::string_view text) {
  if (impl_->closed_)
    return false;
  return impl_->post([payload = format_comment(text)](session& s) mutable {
    s.sse_enqueue(std::move(payload));
  });
}

void event_stream::close() {
  if (!impl_->closed_)
    impl_->post([](session& s) { s.sse_close(); });
}

bool event_stream::closed() const noexcept {
  return impl_->closed_;
}

void event_stream::on_close(std::function<void()> f) {
  impl_->set_on_close(std::move(f));
}

responder::responder(std::shared_ptr<impl> p) : impl_(std::move(p)) {
}

responder::~responder() {
  if (impl_ && !impl_->used_)
    reply(make_problem(500, "the request handler did not reply"));
}

void responder::reply(response r) {
  if (impl_->used_.exchange(true))
    return;
  impl_->post([seq = impl_->seq_, r = std::move(r)](session& s) mutable {
    s.on_reply(seq, std::move(r));
  });
}

void responder::reply(const problem& p) {
  reply(to_response(p));
}

std::shared_ptr<event_stream> responder::open_event_stream(
  std::vector<std::pair<std::string, std::string>> extra_headers) {
  if (impl_->used_.exchange(true))
    return std::make_shared<event_stream>(
      std::make_shared<event_stream::impl>());
  auto es = std::make_shared<event_stream::impl>(impl_->session_,
                                                 impl_->gate_);
  auto handle = std::make_shared<event_stream>(es);
  bool posted = impl_->post(
    [seq = impl_->seq_, extra = std::move(extra_headers), es, handle](
      session& s) mutable {
      s.on_open_sse(seq, std::move(extra), std::move(es), std::move(handle));
    });
  if (!posted)
    es->mark_closed();
  return handle;
}

bool responder::replied() const noexcept {
  return impl_->used_;
}

class server::impl : public listener {
public:
  using listener::listener;
};

server::server(server_options opts, handler h)
  : impl_(std::make_unique<impl>(std::move(opts), std::move(h))) {
}

server::~server() {
  stop();
}

std::variant<uint16_t, std::string> server::start() {
  return impl_->start();
}

void server::stop() {
  impl_->stop();
}

size_t server::connection_count() const {
  return impl_->connection_count();
}

std::shared_ptr<io_strand> server::make_strand() {
  return impl_->make_strand();
}

io_strand::io_strand(std::shared_ptr<impl> p) : impl_(std::move(p)) {
}

io_strand::~io_strand() = default;

bool io_strand::post(std::function<void()> f) {
  return impl_->post(std::move(f));
}

} // namespace kagami::http
