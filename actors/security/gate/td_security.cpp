#include "actors/security/gate/td_security.hpp"

namespace kagami::security {

td_security td_security_of(const authn::enforced_schemes& s) {
  td_security out;
  std::vector<std::string> names;
  if (s.basic) {
    out.definitions["basic_sc"] = {{"scheme", "basic"}, {"in", "header"}};
    names.emplace_back("basic_sc");
  }
  if (s.bearer) {
    nlohmann::json def = {{"scheme", "bearer"}, {"in", "header"}};
    if (!s.bearer_format.empty())
      def["format"] = s.bearer_format;
    if (!s.bearer_alg.empty())
      def["alg"] = s.bearer_alg;
    out.definitions["bearer_sc"] = std::move(def);
    names.emplace_back("bearer_sc");
  }
  if (s.api_key) {
    out.definitions["apikey_sc"]
      = {{"scheme", "apikey"}, {"in", "header"}, {"name", "X-API-Key"}};
    names.emplace_back("apikey_sc");
  }
  if (s.nosec) {
    out.definitions["nosec_sc"] = {{"scheme", "nosec"}};
    names.emplace_back("nosec_sc");
  }
  if (names.size() == 1) {
    out.security = names;
  } else if (names.size() > 1) {
    out.definitions["combo_sc"] = {{"scheme", "combo"}, {"oneOf", names}};
    out.security = {"combo_sc"};
  }
  return out;
}

} // namespace kagami::security
