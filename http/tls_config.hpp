#pragma once

// The "tls" section of the site config: how the WoT port serves HTTPS.
// Decoding only; the gateway decides what to do with it (kagamid).
//
//   "tls": {
//     "enabled": true,                  // default true
//     "certFile": "/etc/kagami/cert.pem",   // both or neither; neither:
//     "keyFile": "/etc/kagami/key.pem",     //   generated in the data dir
//     "clientCa": "/etc/kagami/apps-ca.pem",   // asks for client certs
//     "requireClientCert": false,       // needs clientCa
//     "clientApps": {"line-3-hmi": "hmi"},     // cert CN -> app name
//     "allowPlainHttp": false,          // enabled=false needs this
//     "subjectAltNames": ["gw.factory.local", "10.0.0.1"]
//   }

#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::http {

struct tls_config {
  bool enabled = true;
  /// Empty (both): the gateway's certificate is generated in the data dir.
  std::string cert_file;
  std::string key_file;
  /// Empty: no client certificates are asked for.
  std::string client_ca_file;
  bool require_client_cert = false;
  /// Client certificate CN -> app name, for mTLS authentication.
  std::map<std::string, std::string> client_apps;
  bool allow_plain_http = false;
  /// DNS names and IP literals of the generated certificate.
  std::vector<std::string> subject_alt_names;
};

/// Decodes the "tls" section `section` (an object; a null value means the
/// section is absent and yields the defaults). `pointer` is the JSON
/// pointer of the section in its file, e.g. "/tls".
///
/// Checks: known keys only, types, non-empty strings; certFile and keyFile
/// both or neither; requireClientCert and clientApps need clientCa;
/// clientApps keys and values are 1..255 printable characters;
/// subjectAltNames are IP literals or DNS names, none twice; enabled=false
/// needs allowPlainHttp=true ("plain HTTP serves only when the config
/// allows it").
///
/// Errors: ec::config_invalid with a detail that starts with the JSON
/// pointer of the offending field, e.g. "/tls/clientCa: must be a string".
caf::expected<tls_config> parse_tls_config(const nlohmann::json& section,
                                           const std::string& pointer
                                           = "/tls");
caf::expected<tls_config> parse_tls_config(
  const nlohmann::ordered_json& section, const std::string& pointer = "/tls");

} // namespace kagami::http
