#pragma once

// The OpenSSL side of the server's TLS (http/server.hpp tls_options): builds
// the server SSL_CTX with the project's TLS policy and reads the verified
// client identity off an established connection. Plain OpenSSL, no Asio.

#include <memory>
#include <string>
#include <variant>

#include <openssl/ssl.h>

#include "http/server.hpp"

namespace kagami::http {

struct ssl_ctx_deleter {
  void operator()(SSL_CTX* p) const noexcept {
    SSL_CTX_free(p);
  }
};
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, ssl_ctx_deleter>;

/// The Mozilla "intermediate" TLS 1.2 cipher list without the DHE suites
/// (ECDHE key exchange, AEAD only). TLS 1.3 keeps OpenSSL's suites, which
/// are all AEAD.
inline constexpr const char* tls12_cipher_list
  = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// A server context: TLS 1.2 minimum, tls12_cipher_list, no compression, no
/// renegotiation, the certificate chain and key of `opts` (the key must
/// match), and, when opts.client_ca_file is set, client certificates
/// verified against that file only (required when
/// opts.require_client_cert). Returns an error text naming the file and
/// OpenSSL's reason when something does not load.
std::variant<ssl_ctx_ptr, std::string>
make_server_tls_context(const tls_options& opts);

/// The subject CN of the peer certificate of `ssl` if the peer presented
/// one and it verified (X509_V_OK); "" otherwise, and also when the subject
/// has no CN or several, or the CN is not valid UTF-8 text without control
/// characters.
std::string verified_peer_common_name(const SSL* ssl);

} // namespace kagami::http
