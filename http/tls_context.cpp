#include "http/tls_context.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "http/openssl_error.hpp"

namespace kagami::http {

namespace {

/// Session id context for resumed sessions with client certificates.
constexpr unsigned char session_id_context[] = "kagami-https";

} // namespace

std::variant<ssl_ctx_ptr, std::string>
make_server_tls_context(const tls_options& opts) {
  ERR_clear_error();
  if (opts.cert_file.empty() || opts.key_file.empty())
    return std::string{"tls needs a certificate file and a key file"};
  if (opts.require_client_cert && opts.client_ca_file.empty())
    return std::string{"tls require_client_cert needs a client_ca_file"};
  ssl_ctx_ptr ctx{SSL_CTX_new(TLS_server_method())};
  if (!ctx)
    return "cannot create a TLS context: " + openssl_error_text();
  auto* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1)
    return "cannot set the minimum TLS version: " + openssl_error_text();
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                           | SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3
                           | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  if (SSL_CTX_set_cipher_list(c, tls12_cipher_list) != 1)
    return "cannot set the TLS cipher list: " + openssl_error_text();
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(c, opts.cert_file.c_str()) != 1)
    return "cannot load the TLS certificate " + opts.cert_file + ": "
           + openssl_error_text();
  if (SSL_CTX_use_PrivateKey_file(c, opts.key_file.c_str(), SSL_FILETYPE_PEM)
      != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
      return "the TLS key " + opts.key_file
             + " does not match the certificate " + opts.cert_file + ": "
             + openssl_error_text();
    return "cannot load the TLS key " + opts.key_file + ": "
           + openssl_error_text();
  }
  if (SSL_CTX_check_private_key(c) != 1)
    return "the TLS key " + opts.key_file + " does not match the certificate "
           + opts.cert_file + ": " + openssl_error_text();
  SSL_CTX_set_session_id_context(c, session_id_context,
                                 sizeof session_id_context - 1);
  if (!opts.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(c, opts.client_ca_file.c_str(), nullptr)
        != 1)
      return "cannot load the TLS client CA " + opts.client_ca_file + ": "
             + openssl_error_text();
    auto* names = SSL_load_client_CA_file(opts.client_ca_file.c_str());
    if (names == nullptr)
      return "no CA certificate in the TLS client CA " + opts.client_ca_file
             + ": " + openssl_error_text();
    SSL_CTX_set_client_CA_list(c, names); // takes ownership
    int mode = SSL_VERIFY_PEER;
    if (opts.require_client_cert)
      mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(c, mode, nullptr);
  } else {
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
  }
  return ctx;
}

std::string verified_peer_common_name(const SSL* ssl) {
  if (ssl == nullptr)
    return {};
  // SSL_get0_peer_certificate takes a const SSL*; the verify result must be
  // X509_V_OK, which it also is when no certificate was presented.
  const X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK)
    return {};
  const X509_NAME* subject = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0
      || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0)
    return {}; // no CN, or an ambiguous one
  const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, index);
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0)
    return {};
  std::string cn{reinterpret_cast<const char*>(utf8),
                 static_cast<size_t>(len)};
  OPENSSL_free(utf8);
  for (unsigned char ch : cn)
    if (ch < 0x20 || ch == 0x7f)
      return {};
  return cn;
}

} // namespace kagami::http
