#include "actors/security/chain/signatures/signature_check.hpp"

#include <utility>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_section.hpp"

namespace kagami::security {

signature_check::signature_check(signature_matcher matcher,
                                 signature_scratch scratch)
  : matcher_(std::move(matcher)), scratch_(std::move(scratch)) {
}

verdict signature_check::decide(const check_request& req) {
  scanned_.uri = req.target;
  scanned_.body = req.body;
  scanned_.headers.clear();
  if (req.headers != nullptr)
    for (auto& [name, value] : *req.headers)
      scanned_.headers.emplace_back(name, value);
  auto hit = matcher_.scan(scanned_, scratch_);
  scanned_.headers.clear();
  if (!hit) {
    ++scan_errors_;
    return verdict::deny(403, "the request could not be scanned");
  }
  if (!*hit)
    return verdict::allow();
  auto& h = **hit;
  ++hits_[h.rule_id];
  return verdict::deny(403, "blocked by signature " + h.rule_id + " ("
                              + to_string(h.severity) + ")");
}

nlohmann::json signature_check::inspect() const {
  auto hits = nlohmann::json::object();
  for (auto& [id, n] : hits_)
    hits[id] = n;
  return {{"rules", matcher_.rules().size()},
          {"hits", std::move(hits)},
          {"scan_errors", scan_errors_}};
}

caf::expected<std::unique_ptr<security_check>>
make_signature_check(const nlohmann::json& section, const check_context& ctx) {
  if (auto err = only_keys(section, ctx.pointer, {"rules", "rulesFile"}))
    return err;
  auto source = read_rules_source(section, ctx);
  if (!source)
    return std::move(source.error());
  if (source->inline_rules != nullptr)
    source->text = source->inline_rules->dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto rules = parse_signature_rules(source->text);
  if (!rules)
    return source->wrap(rules.error());
  auto matcher = signature_matcher::compile(std::move(*rules));
  if (!matcher)
    return source->wrap(matcher.error());
  auto scratch = matcher->make_scratch();
  if (!scratch)
    return rebase_error(scratch.error(), ctx.pointer);
  return std::make_unique<signature_check>(std::move(*matcher),
                                           std::move(*scratch));
}

} // namespace kagami::security
