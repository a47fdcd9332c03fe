#pragma once

// Named factories of security check types, in the manner of Envoy's filter
// factories: a check type is registered once under its name ("acl"), and the
// "security.checks" config creates instances of it by that name.
//
// Registration is explicit: register_builtin_checks() adds the built-in
// types, a test or an extension calls add() for its own. There is no static
// self-registration. Adding a check type means one folder with its check and
// factory, and one add() line in builtin_checks.cpp.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/chain/security_check.hpp"
#include "config/device_model.hpp"
#include "config/site_config.hpp"

namespace kagami::security {

/// What a factory may use besides its own config section.
struct check_context {
  /// Resolves relative "rulesFile" paths (usually the site file's folder).
  std::string base_dir;
  /// The site's device models by id; null when none are known (the schema
  /// check then refuses to be configured). Factories copy what they need:
  /// the map need not outlive make().
  const std::map<std::string, config::device_model>* models = nullptr;
  /// The JSON pointer of the section being read, e.g. "/security" for
  /// check_chains::make and "/security/checks/acl" for a factory. Every
  /// config error detail starts with it.
  std::string pointer;
  /// Reads a rules file by path; empty means config::read_file (from disk,
  /// at most 16 MiB). Tests and the fuzzer supply files from memory.
  config::read_file_fn read_file;
};

/// Creates one check instance from its config section: the section's object
/// without its "type" key. Returns ec::config_invalid errors whose detail
/// starts with ctx.pointer; never throws for any section.
using check_factory = std::function<caf::expected<std::unique_ptr<security_check>>(
  const nlohmann::json& section, const check_context& ctx)>;

/// Check types by name. Filled at start-up, then only read: create() and
/// types() are const and safe from several threads once add() is done.
class check_registry {
public:
  /// Registers `f` as the factory of `type`. Errors (ec::internal): `type`
  /// is empty or registered already, or `f` is empty.
  caf::error add(std::string type, check_factory f);

  /// Creates an instance of `type` from `section` (without "type").
  /// Errors: ec::config_invalid "POINTER/type: unknown check type ..." for an
  /// unregistered type (POINTER being ctx.pointer), else whatever the
  /// factory returns. A factory that throws or returns null yields
  /// ec::internal. Never throws.
  caf::expected<std::unique_ptr<security_check>>
  create(std::string_view type, const nlohmann::json& section,
         const check_context& ctx) const;

  /// The registered types, sorted.
  std::vector<std::string> types() const;

private:
  std::map<std::string, check_factory, std::less<>> factories_;
};

/// Registers the built-in check types: "acl" (authorization, acl_check),
/// "signatures" (signature_check), "schema" (schema_check) and
/// "expected_use" (expected_use_check). Call once per registry; a second
/// call reports the duplicates.
caf::error register_builtin_checks(check_registry& r);

} // namespace kagami::security
