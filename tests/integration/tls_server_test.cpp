// HTTPS on http::server, checked with real clients run as child processes:
// curl (requests, event streams, client certificates) and openssl s_client
// (protocol versions, the certificate the server presents). The test PKI
// (two client CAs and their client certificates) is made with the openssl
// CLI in a temporary directory; the server certificate is the gateway's
// generated one (http/tls_identity.hpp). Loopback only.

#include "http/server.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>

#include "http/tls_identity.hpp"
#include "tests/integration/raw_http_client.hpp"
#include "tests/integration/shell_command.hpp"

namespace kagami::http {
namespace {

using namespace std::chrono_literals;
using test::command_result;
using test::raw_connection;
namespace fs = std::filesystem;

/// Every argument the tests pass is a mkdtemp path or a constant.
command_result run(const std::string& cmd) {
  return test::run_shell(cmd);
}

/// A temporary directory with the gateway certificate and a test PKI:
/// ca (trusted by the server in mTLS tests) signs client "line-3-hmi";
/// other-ca signs client "intruder" with the same CN scheme.
class pki {
public:
  pki() {
    std::string tmpl
      = (fs::temp_directory_path() / "kagami-tls-it-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    auto files = ensure_gateway_certificate(dir_, {"127.0.0.1", "localhost"});
    if (!files)
      throw std::runtime_error("gateway certificate: "
                               + detail_of(files.error()));
    gateway = *files;
    make_ca("ca");
    make_ca("other-ca");
    make_client("ca", "client", "line-3-hmi");
    make_client("other-ca", "intruder", "line-3-hmi");
  }

  ~pki() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const {
    return dir_ + "/" + name;
  }

  tls_files gateway;

private:
  void must(const std::string& cmd) {
    auto r = run(cmd);
    if (r.exit_code != 0)
      throw std::runtime_error(cmd + " failed: " + r.output);
  }

  void make_ca(const std::string& name) {
    must("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
         "-nodes -days 2 -subj /CN=test-" + name + " -keyout " + path(name)
         + ".key -out " + path(name) + ".pem");
  }

  void make_client(const std::string& ca, const std::string& name,
                   const std::string& cn) {
    must("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
         "-nodes -subj /CN=" + cn + " -keyout " + path(name) + ".key -out "
         + path(name) + ".csr");
    must("openssl x509 -req -days 2 -in " + path(name) + ".csr -CA "
         + path(ca) + ".pem -CAkey " + path(ca) + ".key -CAcreateserial "
         + "-out " + path(name) + ".pem");
  }

  std::string dir_;
};

/// An HTTPS server: /whoami answers "secure=<0|1> subject=<CN>", /events
/// opens an event stream with one event and closes it.
class tls_server {
public:
  explicit tls_server(server_options opts) : srv_(std::move(opts), [this](
                                                request&& req,
                                                std::shared_ptr<responder>
                                                  rsp) {
      ++requests_;
      if (req.path == "/events") {
        auto es = rsp->open_event_stream();
        es->send("greet", "hi over tls");
        es->close();
        return;
      }
      response r;
      r.content_type = "text/plain";
      r.body = "secure=" + std::string{req.secure ? "1" : "0"}
               + " subject=" + req.peer_certificate_subject;
      rsp->reply(std::move(r));
    }) {
    auto res = srv_.start();
    if (auto err = std::get_if<std::string>(&res))
      throw std::runtime_error(*err);
    port_ = std::get<uint16_t>(res);
  }

  static server_options options(const pki& p) {
    server_options opts;
    opts.threads = 2;
    opts.read_timeout = 2000ms;
    opts.idle_timeout = 2000ms;
    opts.write_timeout = 2000ms;
    opts.handler_timeout = 2000ms;
    opts.tls = tls_options{p.gateway.cert_file, p.gateway.key_file, "", false};
    return opts;
  }

  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }

  uint16_t port() const {
    return port_;
  }

  int requests() const {
    return requests_;
  }

  server& srv() {
    return srv_;
  }

private:
  std::atomic<int> requests_{0};
  server srv_;
  uint16_t port_ = 0;
};

class tls_server_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    pki_ = new pki();
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  /// curl verifying the server against the generated certificate.
  static command_result curl(const std::string& args, const std::string& url) {
    return run("curl -sS -v --max-time 10 --cacert " + pki_->gateway.cert_file
               + " " + args + " -w '\\nstatus=%{http_code}\\n' " + url);
  }

  static bool has(const command_result& r, const std::string& s) {
    return r.output.find(s) != std::string::npos;
  }

  static pki* pki_;
};

pki* tls_server_test::pki_ = nullptr;

TEST_F(tls_server_test, tls12_and_tls13_requests_are_served) {
  tls_server s{tls_server::options(*pki_)};
  auto r12 = curl("--tlsv1.2 --tls-max 1.2", s.url("/whoami"));
  EXPECT_EQ(r12.exit_code, 0) << r12.output;
  EXPECT_TRUE(has(r12, "SSL connection using TLSv1.2")) << r12.output;
  EXPECT_TRUE(has(r12, "secure=1 subject=\nstatus=200")) << r12.output;
  auto r13 = curl("--tlsv1.3", s.url("/whoami"));
  EXPECT_EQ(r13.exit_code, 0) << r13.output;
  EXPECT_TRUE(has(r13, "SSL connection using TLSv1.3")) << r13.output;
  EXPECT_TRUE(has(r13, "secure=1 subject=\nstatus=200")) << r13.output;
  // Keep-alive over TLS: two requests on one connection.
  auto two = curl("", s.url("/whoami") + " " + s.url("/whoami"));
  EXPECT_EQ(two.exit_code, 0) << two.output;
  EXPECT_TRUE(has(two, "Re-using existing connection")) << two.output;
  EXPECT_EQ(s.requests(), 4);
}

TEST_F(tls_server_test, event_stream_over_tls) {
  tls_server s{tls_server::options(*pki_)};
  auto r = curl("-N", s.url("/events"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r, "content-type: text/event-stream")
              || has(r, "Content-Type: text/event-stream"))
    << r.output;
  EXPECT_TRUE(has(r, "event: greet\ndata: hi over tls\n\n")) << r.output;
  EXPECT_TRUE(has(r, "status=200")) << r.output;
}

TEST_F(tls_server_test, tls11_and_tls10_are_refused_by_the_server) {
  tls_server s{tls_server::options(*pki_)};
  for (std::string version : {"-tls1_1", "-tls1"}) {
    // SECLEVEL=0 lets Debian's client offer the old versions at all; the
    // protocol_version alert (70) shows that the server refused them.
    auto r = run("openssl s_client -connect 127.0.0.1:"
                 + std::to_string(s.port()) + " " + version
                 + " -cipher DEFAULT@SECLEVEL=0");
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r, "alert protocol version")) << version << r.output;
    EXPECT_TRUE(has(r, "SSL alert number 70")) << version << r.output;
  }
  // The same client with TLS 1.2 is accepted.
  auto ok = run("openssl s_client -connect 127.0.0.1:"
                + std::to_string(s.port()) + " -tls1_2 -brief");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(has(ok, "Protocol version: TLSv1.2")) << ok.output;
  EXPECT_EQ(s.requests(), 0);
}

TEST_F(tls_server_test, renegotiation_is_refused) {
  tls_server s{tls_server::options(*pki_)};
  // s_client's "R" command asks for a TLS 1.2 renegotiation; the pauses
  // only let the handshake finish first.
  auto r = run("(sleep 0.5; echo R; sleep 1) | openssl s_client -connect "
               "127.0.0.1:" + std::to_string(s.port()) + " -tls1_2");
  EXPECT_TRUE(has(r, "RENEGOTIATING")) << r.output;
  EXPECT_TRUE(has(r, "no renegotiation")) << r.output;
}

TEST_F(tls_server_test, required_client_certificate) {
  auto opts = tls_server::options(*pki_);
  opts.tls->client_ca_file = pki_->path("ca.pem");
  opts.tls->require_client_cert = true;
  tls_server s{opts};
  for (std::string version : {"--tlsv1.2 --tls-max 1.2", "--tlsv1.3"}) {
    auto none = curl(version, s.url("/whoami"));
    EXPECT_NE(none.exit_code, 0) << none.output;
    EXPECT_FALSE(has(none, "status=200")) << none.output;
    auto other = curl(version + " --cert " + pki_->path("intruder.pem")
                        + " --key " + pki_->path("intruder.key"),
                      s.url("/whoami"));
    EXPECT_NE(other.exit_code, 0) << other.output;
    EXPECT_FALSE(has(other, "status=200")) << other.output;
    auto good = curl(version + " --cert " + pki_->path("client.pem")
                       + " --key " + pki_->path("client.key"),
                     s.url("/whoami"));
    EXPECT_EQ(good.exit_code, 0) << good.output;
    EXPECT_TRUE(has(good, "secure=1 subject=line-3-hmi\nstatus=200"))
      << good.output;
  }
  EXPECT_EQ(s.requests(), 2); // only the good certificate got through
}

TEST_F(tls_server_test, optional_client_certificate) {
  auto opts = tls_server::options(*pki_);
  opts.tls->client_ca_file = pki_->path("ca.pem");
  tls_server s{opts};
  auto none = curl("", s.url("/whoami"));
  EXPECT_TRUE(has(none, "secure=1 subject=\nstatus=200")) << none.output;
  auto good = curl("--cert " + pki_->path("client.pem") + " --key "
                     + pki_->path("client.key"),
                   s.url("/whoami"));
  EXPECT_TRUE(has(good, "secure=1 subject=line-3-hmi\nstatus=200"))
    << good.output;
  // A presented certificate that does not verify is refused, not ignored.
  auto other = curl("--cert " + pki_->path("intruder.pem") + " --key "
                      + pki_->path("intruder.key"),
                    s.url("/whoami"));
  EXPECT_FALSE(has(other, "status=200")) << other.output;
  EXPECT_EQ(s.requests(), 2);
}

TEST_F(tls_server_test, plain_http_gets_no_http_response) {
  tls_server s{tls_server::options(*pki_)};
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.ok());
  c.send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(c.peer_closed(5000ms));
  auto got = c.read_available(100ms);
  EXPECT_EQ(got.find("HTTP/"), std::string::npos) << got;
  EXPECT_EQ(s.requests(), 0);
}

TEST_F(tls_server_test, silent_client_is_cut_after_read_timeout) {
  auto opts = tls_server::options(*pki_);
  opts.read_timeout = 300ms;
  tls_server s{opts};
  auto c = raw_connection::connect(s.port());
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c.peer_closed(5000ms));
  // The session unregisters just after it closed the socket.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (s.srv().connection_count() != 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(s.srv().connection_count(), 0u);
}

TEST_F(tls_server_test, max_connections_answers_503_over_tls) {
  auto opts = tls_server::options(*pki_);
  opts.max_connections = 1;
  opts.read_timeout = 5000ms;
  tls_server s{opts};
  auto holder = raw_connection::connect(s.port()); // handshaking, silent
  ASSERT_TRUE(holder.ok());
  auto r = curl("", s.url("/whoami"));
  EXPECT_TRUE(has(r, "status=503")) << r.output;
  EXPECT_EQ(s.requests(), 0);
}

TEST_F(tls_server_test, generated_certificate_persists_across_restarts) {
  std::string tmpl
    = (fs::temp_directory_path() / "kagami-tls-data-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  std::string seen;
  for (int start = 0; start < 3; ++start) {
    auto files = ensure_gateway_certificate(tmpl, {"127.0.0.1"});
    ASSERT_TRUE(files) << detail_of(files.error());
    EXPECT_EQ(files->generated, start == 0);
    server_options opts;
    opts.tls = tls_options{files->cert_file, files->key_file, "", false};
    tls_server s{opts};
    auto r = run("openssl s_client -connect 127.0.0.1:"
                 + std::to_string(s.port())
                 + " 2>/dev/null | openssl x509 -noout -fingerprint -sha256");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto eq = r.output.find('=');
    ASSERT_NE(eq, std::string::npos) << r.output;
    auto fingerprint = r.output.substr(eq + 1);
    while (!fingerprint.empty() && fingerprint.back() == '\n')
      fingerprint.pop_back();
    EXPECT_EQ(fingerprint, files->sha256_fingerprint);
    if (start == 0)
      seen = fingerprint;
    EXPECT_EQ(fingerprint, seen) << "restart " << start;
  }
  std::error_code ignored;
  fs::remove_all(tmpl, ignored);
}

TEST_F(tls_server_test, start_reports_bad_certificate_files) {
  auto start_error = [](server_options opts) -> std::string {
    server srv{std::move(opts), [](request&&, std::shared_ptr<responder>) {}};
    auto res = srv.start();
    auto* err = std::get_if<std::string>(&res);
    return err ? *err : std::string{};
  };
  auto opts = tls_server::options(*pki_);
  opts.tls->cert_file = pki_->path("missing.pem");
  auto missing = start_error(opts);
  EXPECT_NE(missing.find(pki_->path("missing.pem")), std::string::npos)
    << missing;

  opts = tls_server::options(*pki_);
  opts.tls->key_file = pki_->path("client.key"); // another key
  auto mismatch = start_error(opts);
  EXPECT_NE(mismatch.find("does not match"), std::string::npos) << mismatch;

  opts = tls_server::options(*pki_);
  opts.tls->key_file = pki_->path("client.csr"); // not a key
  EXPECT_NE(start_error(opts).find(pki_->path("client.csr")),
            std::string::npos);

  opts = tls_server::options(*pki_);
  opts.tls->client_ca_file = pki_->path("client.key"); // no certificate
  EXPECT_NE(start_error(opts).find(pki_->path("client.key")),
            std::string::npos);

  opts = tls_server::options(*pki_);
  opts.tls->require_client_cert = true; // without a CA
  EXPECT_NE(start_error(opts).find("client_ca_file"), std::string::npos);
}

} // namespace
} // namespace kagami::http
