#pragma once

// Signature matching with Hyperscan: every rule of a rules file compiled into
// one block-mode database per request field (uri, headers, body), scanned
// with a per-thread scratch. Mechanism only: a hit is reported, the caller
// decides (the data-validation check answers 403 with the rule id).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "actors/security/validation/signature_rules.hpp"

struct hs_database;
struct hs_scratch;

namespace kagami::security {

/// The parts of a request that are scanned. Views; the caller keeps the bytes
/// alive during scan().
struct scanned_request {
  std::string_view uri;
  /// Each header is scanned as its own block "name: value", so `^` and `$`
  /// anchor at one header.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
};

struct signature_hit {
  std::string rule_id;
  signature_severity severity = signature_severity::high;
  request_field field = request_field::body;
};

/// Per-thread Hyperscan scratch for one matcher. Not thread-safe: each thread
/// (or actor) that scans owns one. Movable, not copyable.
class signature_scratch {
public:
  signature_scratch() = default;

private:
  friend class signature_matcher;
  struct free_scratch {
    void operator()(hs_scratch* p) const noexcept;
  };
  std::unique_ptr<hs_scratch, free_scratch> ptr_;
};

/// Immutable after compile(); scan() is thread-safe given one scratch per
/// thread.
class signature_matcher {
public:
  /// Compiles `rules` with hs_compile_multi, one database per field. A field
  /// that no rule names has no database and is never scanned. Errors:
  /// ec::config_invalid "rule KG-1001 (/3/pattern): <Hyperscan message>"
  /// naming the rule that failed to compile (its index in `rules`).
  static caf::expected<signature_matcher>
  compile(std::vector<signature_rule> rules);

  /// Allocates a scratch big enough for all databases of this matcher.
  caf::expected<signature_scratch> make_scratch() const;

  /// Scans uri, then each header, then the body, and stops at the first
  /// match: the hit names the rule with the lowest end offset in the first
  /// field that matched (Hyperscan's order). No hit: std::nullopt. Errors:
  /// ec::internal when Hyperscan fails (a scratch of another matcher, a
  /// block longer than 4 GiB). Never throws.
  caf::expected<std::optional<signature_hit>>
  scan(const scanned_request& request, signature_scratch& scratch) const;

  const std::vector<signature_rule>& rules() const noexcept {
    return rules_;
  }

private:
  struct free_database {
    void operator()(hs_database* p) const noexcept;
  };
  std::vector<signature_rule> rules_;
  std::unique_ptr<hs_database, free_database> databases_[request_field_count];
};

} // namespace kagami::security
