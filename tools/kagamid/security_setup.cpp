#include "tools/kagamid/security_setup.hpp"

#include <algorithm>
#include <filesystem>

#include "actors/core/error.hpp"
#include "http/tls_identity.hpp"
#include "actors/security/authn/authn_config.hpp"
#include "actors/security/chain/check_registry.hpp"
#include "config/embedded_files.hpp"

namespace kagami {

namespace {

caf::error bad(const std::string& where, const std::string& why) {
  return make_error(ec::config_invalid, where + ": " + why);
}

} // namespace

caf::error security_services::start(
  storage::kv_store& store, std::function<void(std::vector<storage::audit_event>&&)> watch) {
  storage::audit_writer_options opts;
  opts.batch_window = audit_batch_window;
  // The stage appends on the frontend's strand: a full queue refuses at once
  // (503) rather than stalling every connection.
  opts.append_timeout = std::chrono::milliseconds{0};
  opts.on_written = std::move(watch);
  auto writer = storage::audit_writer::start(store, std::move(opts));
  if (!writer)
    return std::move(writer.error());
  audit = std::move(*writer);
  worker = std::make_shared<security::password_worker>();
  security::access_stage_config stage;
  stage.gate = gate;
  stage.chains = chains;
  stage.worker = worker;
  stage.durable_reads = durable_reads;
  stage.admin_roles = admin_roles;
  auto* trail = audit.get();
  stage.audit = [trail](storage::audit_event ev, std::function<void(bool)> done) {
    if (!done)
      return !trail->append_relaxed(std::move(ev));
    auto err = trail->append_then(std::move(ev),
                                  [done = std::move(done)](const caf::expected<uint64_t>& r) {
                                    done(static_cast<bool>(r));
                                  });
    return !err;
  };
  access = std::make_shared<security::access_stage>(std::move(stage));
  return caf::none;
}

caf::expected<std::optional<http::tls_options>>
security_services::server_tls(const std::string& data_dir, const std::string& listen_host,
                              std::string& fingerprint) const {
  if (!tls.enabled)
    return std::optional<http::tls_options>{};
  http::tls_options opts;
  opts.client_ca_file = tls.client_ca_file;
  opts.require_client_cert = tls.require_client_cert;
  if (tls.cert_file.empty()) {
    auto names = tls.subject_alt_names;
    if (names.empty()) {
      // Without SANs clients fail the host name check: name the address
      // apps use, and the loopback names.
      for (auto name : {listen_host, std::string{"localhost"}, std::string{"127.0.0.1"}})
        if (http::is_subject_alt_name(name)
            && std::find(names.begin(), names.end(), name) == names.end())
          names.push_back(name);
    }
    auto files = http::ensure_gateway_certificate(data_dir, names);
    if (!files)
      return std::move(files.error());
    opts.cert_file = files->cert_file;
    opts.key_file = files->key_file;
    fingerprint = files->sha256_fingerprint;
  } else {
    opts.cert_file = tls.cert_file;
    opts.key_file = tls.key_file;
    auto fp = http::certificate_fingerprint(tls.cert_file);
    if (!fp)
      return std::move(fp.error());
    fingerprint = *fp;
  }
  return std::optional<http::tls_options>{std::move(opts)};
}

void security_services::stop() {
  if (worker)
    worker->stop();
  if (audit)
    audit->stop();
}

caf::expected<security_services> prepare_security(const config::site_config& site) {
  const auto& sec = site.security;
  if (!sec.is_object())
    return bad("/security",
               "missing: the site config must say who may use the devices "
               "(authentication, checks and chains; see README.md)");
  for (auto& [key, value] : sec.items())
    if (key != "authentication" && key != "checks" && key != "chains" && key != "audit"
        && key != "tls" && key != "logValidation" && key != "admin")
      return bad("/security/" + key, "unknown key");
  if (!sec.contains("authentication"))
    return bad("/security/authentication", "is required");
  auto authn = authn::parse_authn_config(sec["authentication"],
                                         "/security/authentication", site.base_dir);
  if (!authn)
    return std::move(authn.error());
  security_services out;
  out.td = security::td_security_of(authn->schemes());

  security::check_registry registry;
  security::register_builtin_checks(registry);
  security::check_context ctx;
  ctx.base_dir = site.base_dir;
  ctx.models = &site.models;
  ctx.pointer = "/security";
  if (site.embedded)
    ctx.read_file = [](const std::string& path, std::string& why) -> std::optional<std::string> {
      if (auto f = config::find_embedded_file(path))
        return std::string{*f};
      why = "not embedded in this binary";
      return std::nullopt;
    };
  if (!sec.contains("checks") || !sec.contains("chains"))
    return bad("/security", "needs \"checks\" and \"chains\" (at least an acl check "
                            "and a default chain)");
  auto chains = security::check_chains::make(sec["checks"], sec["chains"], registry, ctx);
  if (!chains)
    return std::move(chains.error());
  out.chains = std::make_shared<security::check_chains>(std::move(*chains));

  bool durable_reads = false;
  if (auto it = sec.find("audit"); it != sec.end()) {
    if (!it->is_object())
      return bad("/security/audit", "must be an object");
    for (auto& [key, value] : it->items()) {
      if (key == "durableReads") {
        if (!value.is_boolean())
          return bad("/security/audit/durableReads", "must be true or false");
        durable_reads = value.get<bool>();
      } else if (key == "batchWindowMs") {
        if (!value.is_number_integer() || value.get<int64_t>() < 0
            || value.get<int64_t>() > 100)
          return bad("/security/audit/batchWindowMs", "must be an integer from 0 to 100");
        out.audit_batch_window = std::chrono::milliseconds{value.get<int64_t>()};
      } else {
        return bad("/security/audit/" + key, "unknown key");
      }
    }
  }

  auto tls = http::parse_tls_config(sec.contains("tls") ? sec["tls"] : nlohmann::json{},
                                    "/security/tls");
  if (!tls)
    return std::move(tls.error());
  for (auto* file : {&tls->cert_file, &tls->key_file, &tls->client_ca_file})
    if (!file->empty() && (*file)[0] != '/')
      *file = (std::filesystem::path{site.base_dir} / *file).lexically_normal().string();
  out.tls = *tls;

  auto logv = security::logcheck::parse_log_validation_config(
    sec.contains("logValidation") ? sec["logValidation"] : nlohmann::json::object(),
    "/security/logValidation");
  if (!logv)
    return std::move(logv.error());
  out.log_validation = std::move(*logv);

  if (auto it = sec.find("admin"); it != sec.end()) {
    if (!it->is_object() || it->size() != 1 || !it->contains("roles")
        || !(*it)["roles"].is_array() || (*it)["roles"].empty())
      return bad("/security/admin", "must be {\"roles\": [role, ...]} with at least one role");
    out.admin_roles.clear();
    for (auto& role : (*it)["roles"]) {
      if (!role.is_string() || role.get_ref<const std::string&>().empty())
        return bad("/security/admin/roles", "every role must be a non-empty string");
      out.admin_roles.push_back(role.get<std::string>());
    }
  }

  if (authn->anonymous)
    for (auto& role : authn->anonymous->roles)
      if (std::find(out.admin_roles.begin(), out.admin_roles.end(), role)
          != out.admin_roles.end())
        return bad("/security/authentication/anonymous/roles",
                   "the anonymous subject must not hold the admin role '" + role + "'");

  security::request_gate_config gate_cfg;
  gate_cfg.authn = std::move(*authn);
  gate_cfg.certificate_apps = tls->client_apps;
  auto gate = security::request_gate::make(std::move(gate_cfg));
  if (!gate)
    return std::move(gate.error());

  out.gate = std::make_shared<security::request_gate>(std::move(*gate));
  out.durable_reads = durable_reads;
  return out;
}

} // namespace kagami
