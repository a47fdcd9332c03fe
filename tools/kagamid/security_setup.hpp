#pragma once

// Builds kagamid's security functions from the site config's "security"
// section: authentication (request_gate), the check chains, the audit
// writer and the frontend's access stage, and the TD security terms.
//
//   "security": {
//     "authentication": {...},   // actors/security/authn/authn_config.hpp
//     "checks": {...},           // actors/security/chain/check_chains.hpp
//     "chains": {...},
//     "audit": { "durableReads": false, "batchWindowMs": 5 },
//     "tls": {...},              // http/tls_config.hpp (HTTPS by default)
//     "logValidation": {...},    // actors/security/logcheck/log_validation_config.hpp
//     "admin": { "roles": ["admin"] }   // who may use /admin/...
//   }
//
// A site config without a "security" section is refused: kagamid never
// serves devices without naming who may use them.

#include <chrono>
#include <memory>
#include <vector>

#include <caf/expected.hpp>

#include "actors/security/gate/access_stage.hpp"
#include "actors/security/gate/td_security.hpp"
#include "config/site_config.hpp"
#include "http/server.hpp"
#include "http/tls_config.hpp"
#include "actors/security/logcheck/log_validation_config.hpp"
#include "storage/audit_writer.hpp"
#include "storage/kv_store.hpp"

namespace kagami {

struct security_services {
  /// Set by prepare_security.
  std::shared_ptr<security::request_gate> gate;
  std::shared_ptr<security::check_chains> chains;
  security::td_security td;
  bool durable_reads = false;
  /// How long the audit writer collects records nobody waits for.
  std::chrono::milliseconds audit_batch_window{5};
  http::tls_config tls;
  security::logcheck::log_validation_config log_validation;
  std::vector<std::string> admin_roles{"admin"};
  /// Set by start().
  std::unique_ptr<storage::audit_writer> audit;
  std::shared_ptr<security::password_worker> worker;
  std::shared_ptr<security::access_stage> access;

  /// Opens the audit trail in `store` (which must outlive this object) and
  /// builds the access stage. Every durable batch of records is handed to
  /// `watch` (the log validator) on the writer thread; it must not block.
  /// Errors: the store's.
  caf::error start(storage::kv_store& store,
                   std::function<void(std::vector<storage::audit_event>&&)> watch);

  /// The server's TLS settings, nullopt for plain HTTP: the configured
  /// certificate, or one generated once and kept in `data_dir`/tls.
  /// `fingerprint` receives its SHA-256 fingerprint for the log.
  caf::expected<std::optional<http::tls_options>>
  server_tls(const std::string& data_dir, const std::string& listen_host,
             std::string& fingerprint) const;

  /// Stops the password worker, then writes every queued audit record.
  /// Call after the frontend stopped. Idempotent.
  void stop();
};

/// Decodes and compiles the section; touches no storage, so a bad config
/// fails before anything starts. Errors are ec::config_invalid naming the
/// JSON pointer.
caf::expected<security_services> prepare_security(const config::site_config& site);

} // namespace kagami
