// libFuzzer target for the "authentication" config section
// (actors/security/authn/authn_config.hpp): credentials, JWT settings, the
// anonymous subject and the brute-force thresholds.
//
// Input: JSON text, parsed with exceptions off; whatever parses goes to
// parse_authn_config. "keyFile" resolves against a directory that does not
// exist; inputs whose jwt.keyFile is absolute or climbs out with ".." are
// skipped, so that the fuzzer never reads a real file.
//
// Invariants: parse_authn_config never crashes or throws; a failure is
// ec::config_invalid whose detail starts with the section's pointer; an
// accepted config enforces at least one scheme, has a credential store,
// JWT settings that jwt_verifier::make accepts (audience set, leeway at most
// 300 s), an anonymous subject with a name and at most 64 non-empty roles,
// and brute-force thresholds that brute_force_guard::make accepts.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/authn/authn_config.hpp"
#include "actors/security/authz/brute_force_guard.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami;
using kagami::fuzz::check;
using namespace kagami::authn;

namespace {

constexpr const char* pointer = "/security/authentication";
constexpr const char* base_dir = "/nonexistent/kagami-fuzz/config";

/// True if the section names a key file that could resolve outside
/// base_dir.
bool key_file_escapes(const nlohmann::json& section) {
  if (!section.is_object())
    return false;
  auto jwt = section.find("jwt");
  if (jwt == section.end() || !jwt->is_object())
    return false;
  auto file = jwt->find("keyFile");
  if (file == jwt->end() || !file->is_string())
    return false;
  const auto& name = file->get_ref<const std::string&>();
  return name.empty() || name.front() == '/' || name.find("..") != std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto section = nlohmann::json::parse(text, nullptr, false);
  if (section.is_discarded() || key_file_escapes(section))
    return 0;
  auto cfg = parse_authn_config(section, pointer, base_dir);
  if (!cfg) {
    check(code_of(cfg.error()) == ec::config_invalid);
    check(detail_of(cfg.error()).rfind(pointer, 0) == 0);
    return 0;
  }
  auto schemes = cfg->schemes();
  check(schemes.basic || schemes.bearer || schemes.api_key || schemes.nosec);
  check(cfg->credentials != nullptr);
  if (cfg->jwt) {
    check(schemes.bearer && schemes.bearer_format == "jwt");
    check(!cfg->jwt->audience.empty());
    check(cfg->jwt->leeway.count() >= 0 && cfg->jwt->leeway.count() <= 300);
    check(static_cast<bool>(jwt_verifier::make(*cfg->jwt)));
  }
  if (cfg->anonymous) {
    check(schemes.nosec);
    check(!cfg->anonymous->name.empty());
    check(cfg->anonymous->roles.size() <= 64);
    for (const auto& role : cfg->anonymous->roles)
      check(!role.empty());
  }
  check(static_cast<bool>(security::authz::brute_force_guard::make(cfg->brute_force)));
  return 0;
}
