#pragma once

// What every TD says about security: the schemes the gateway really
// enforces (authn_config::schemes()), as TD 1.1 securityDefinitions and
// security. Several schemes become one `combo` with `oneOf`, since any one
// of them authenticates a request. `nosec` appears only when the site
// config explicitly names an anonymous subject.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/security/authn/authn_config.hpp"

namespace kagami::security {

struct td_security {
  nlohmann::json definitions = nlohmann::json::object();
  std::vector<std::string> security;
};

/// Maps `s` to TD terms: basic_sc (in header), bearer_sc (format "jwt" and
/// alg when JWTs are accepted), apikey_sc (in header, name X-API-Key),
/// nosec_sc; with more than one, combo_sc {oneOf: [...]} is the one in
/// force. An empty `s` gives an empty `security` (validate() of td_options
/// then refuses it).
td_security td_security_of(const authn::enforced_schemes& s);

} // namespace kagami::security
