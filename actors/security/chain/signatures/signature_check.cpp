#include "actors/security/chain/signatures/signature_check.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_section.hpp"

namespace kagami::security {

signature_check::signature_check(signature_matcher matcher,
                                 signature_scratch scratch)
  : matcher_(std::move(matcher)), scratch_(std::move(scratch)) {
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// `target` with %XX escapes and '+' decoded (malformed escapes kept as
/// they are): what the device side sees of the path and query.
std::string percent_decoded(std::string_view target) {
  std::string out;
  out.reserve(target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size()) {
      int hi = hex_value(target[i + 1]);
      int lo = hex_value(target[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(target[i] == '+' ? ' ' : target[i]);
  }
  return out;
}

/// Every string (keys too) of a JSON body, unescaped, one per line: what
/// the device receives after JSON decoding (a JSON escape of '$' followed by
/// "(reboot)" is "$(reboot)").
/// Empty when the body is no JSON or has no strings.
std::string json_strings(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return {};
  std::string out;
  std::vector<const nlohmann::json*> todo{&doc};
  while (!todo.empty()) {
    auto* j = todo.back();
    todo.pop_back();
    if (j->is_string()) {
      out += j->get_ref<const std::string&>();
      out += '\n';
    } else if (j->is_object()) {
      for (auto& [key, value] : j->items()) {
        out += key;
        out += '\n';
        todo.push_back(&value);
      }
    } else if (j->is_array()) {
      for (auto& value : *j)
        todo.push_back(&value);
    }
  }
  return out;
}

} // namespace

verdict signature_check::decide(const check_request& req) {
  // The raw request first, then what it decodes to: escapes must not hide
  // a pattern (percent-encoding in the target, JSON escapes in strings).
  auto decoded_target = percent_decoded(req.target);
  auto decoded_body = json_strings(req.body);
  scanned_.uri = req.target;
  scanned_.body = req.body;
  scanned_.headers.clear();
  if (req.headers != nullptr)
    for (auto& [name, value] : *req.headers)
      scanned_.headers.emplace_back(name, value);
  auto hit = matcher_.scan(scanned_, scratch_);
  scanned_.headers.clear();
  if (hit && !*hit && (decoded_target != req.target || !decoded_body.empty())) {
    scanned_.uri = decoded_target;
    scanned_.body = decoded_body;
    hit = matcher_.scan(scanned_, scratch_);
  }
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
