#pragma once

// The gateway's own TLS identity: the certificate and key of the HTTPS
// port, loaded from the data directory or, on first start, generated there
// (a self-signed EC P-256 certificate). Operators compare the SHA-256
// fingerprint that the gateway logs with the one their client shows.
//
// Files: <data_dir>/tls/ (mode 0700), cert.pem (0644), key.pem (0600).
// Existing files are never overwritten: a corrupt file, a key that does not
// match the certificate, or one file without the other is an error naming
// the file, for the operator to resolve.

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/core/error.hpp"

namespace kagami::http {

/// Paths of a loaded certificate and key, and the certificate's
/// fingerprint (certificate_fingerprint).
struct tls_files {
  std::string cert_file;
  std::string key_file;
  std::string sha256_fingerprint;
  /// True when this call generated the files.
  bool generated = false;
};

/// Uses <data_dir>/tls/cert.pem and key.pem if both exist, load and match.
/// If neither exists, generates an EC P-256 key and a self-signed X.509 v3
/// certificate: subject and issuer CN "kagami gateway", subjectAltName =
/// `subject_alt_names` (an IPv4 or IPv6 literal becomes an IP entry,
/// anything else must be a DNS name: LDH labels, optionally "*." first),
/// 825 days from now, a random positive 128-bit serial, basicConstraints
/// CA:FALSE, keyUsage digitalSignature, extendedKeyUsage serverAuth. The
/// key is written with mode 0600 and the certificate with 0644, each
/// through a temporary file and an atomic rename, in a directory created
/// with mode 0700 (data_dir itself must exist).
///
/// The SANs of existing files are not compared with `subject_alt_names`:
/// delete both files to issue a new certificate.
///
/// Errors: ec::config_invalid for an invalid SAN; ec::storage_failure,
/// naming the file, for unreadable, corrupt or mismatched files and for
/// failed writes.
caf::expected<tls_files> ensure_gateway_certificate(
  const std::string& data_dir,
  const std::vector<std::string>& subject_alt_names);

/// True if `name` is accepted as a subject alternative name by
/// ensure_gateway_certificate: an IPv4 or IPv6 literal, or a DNS name (LDH
/// labels of 1..63 characters, at most 253 in all, optionally "*." first).
bool is_subject_alt_name(const std::string& name);

/// The SHA-256 fingerprint of the DER encoding of the first certificate in
/// the PEM file `cert_file`, as upper-case hex pairs joined by ':' (the
/// format of `openssl x509 -fingerprint -sha256`). ec::storage_failure
/// naming the file when it does not hold a PEM certificate.
caf::expected<std::string> certificate_fingerprint(
  const std::string& cert_file);

} // namespace kagami::http
