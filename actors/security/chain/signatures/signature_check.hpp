#pragma once

// The signature check (type "signatures"): Hyperscan signatures of known
// attacks (command injection, path traversal, JNDI lookups, smuggled Modbus
// frames, ...) over the request target, each header and the body. A match is
// 403 "blocked by signature KG-1001 (high)".
//
// Section: {"rulesFile": "security/signatures.json"} or {"rules": [...]}, in
// the format of actors/security/validation/signature_rules.hpp; no other
// keys.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/security/chain/check_registry.hpp"
#include "actors/security/chain/security_check.hpp"
#include "actors/security/validation/signature_matcher.hpp"

namespace kagami::security {

/// Owns its matcher and one Hyperscan scratch: decide() runs on one thread
/// at a time (security_check's contract). A scan that fails denies (403).
class signature_check final : public security_check {
public:
  signature_check(signature_matcher matcher, signature_scratch scratch);

  verdict decide(const check_request& req) override;

  /// {"rules": N, "hits": {"KG-1001": N, ...}, "scan_errors": N}
  nlohmann::json inspect() const override;

private:
  signature_matcher matcher_;
  signature_scratch scratch_;
  /// Reused per request: the header fields as scanned.
  scanned_request scanned_;
  std::map<std::string, uint64_t, std::less<>> hits_;
  uint64_t scan_errors_ = 0;
};

/// The factory of type "signatures": parses and compiles the rules.
caf::expected<std::unique_ptr<security_check>>
make_signature_check(const nlohmann::json& section, const check_context& ctx);

} // namespace kagami::security
