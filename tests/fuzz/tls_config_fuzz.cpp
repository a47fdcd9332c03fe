// libFuzzer target for the "tls" section of the site config
// (http/tls_config.hpp).
//
// Input: JSON text, parsed with exceptions off twice: as nlohmann::json and
// as the order-preserving nlohmann::ordered_json of the site config parser;
// both overloads of parse_tls_config run.
//
// Invariants: parse_tls_config never crashes or throws; a failure is
// ec::config_invalid whose detail starts with the section's pointer; both
// overloads agree on acceptance and, when they accept, on the result; an
// accepted config has certFile and keyFile both or neither, a clientCa when
// it asks for client certificates or maps them to apps, printable app
// entries of 1..255 bytes, distinct subject alternative names that
// is_subject_alt_name accepts, and allowPlainHttp when TLS is off.

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "http/tls_config.hpp"
#include "http/tls_identity.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

using namespace kagami;
using kagami::fuzz::check;
using namespace kagami::http;

namespace {

constexpr const char* pointer = "/tls";

bool is_printable_name(const std::string& s) {
  if (s.empty() || s.size() > 255)
    return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

void check_result(const caf::expected<tls_config>& cfg) {
  if (!cfg) {
    check(code_of(cfg.error()) == ec::config_invalid);
    check(detail_of(cfg.error()).rfind(pointer, 0) == 0);
    return;
  }
  check(cfg->cert_file.empty() == cfg->key_file.empty());
  if (cfg->client_ca_file.empty())
    check(!cfg->require_client_cert && cfg->client_apps.empty());
  for (const auto& [cn, app] : cfg->client_apps)
    check(is_printable_name(cn) && is_printable_name(app));
  std::set<std::string> seen;
  for (const auto& name : cfg->subject_alt_names) {
    check(is_subject_alt_name(name));
    check(seen.insert(name).second);
  }
  check(cfg->enabled || cfg->allow_plain_http);
}

bool same(const tls_config& x, const tls_config& y) {
  return x.enabled == y.enabled && x.cert_file == y.cert_file
         && x.key_file == y.key_file && x.client_ca_file == y.client_ca_file
         && x.require_client_cert == y.require_client_cert
         && x.client_apps == y.client_apps
         && x.allow_plain_http == y.allow_plain_http
         && x.subject_alt_names == y.subject_alt_names;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::check_both_json_forms(
    std::string_view{reinterpret_cast<const char*>(data), size},
    [](const auto& section) { return parse_tls_config(section, pointer); },
    check_result, same);
  return 0;
}
