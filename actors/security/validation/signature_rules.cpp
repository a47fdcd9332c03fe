#include "actors/security/validation/signature_rules.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/validation/rule_error.hpp"
#include "config/json_reader.hpp"

namespace kagami::security {

const char* to_string(signature_severity x) {
  switch (x) {
    case signature_severity::low:
      return "low";
    case signature_severity::medium:
      return "medium";
    case signature_severity::high:
      return "high";
  }
  return "?";
}

const char* to_string(request_field x) {
  switch (x) {
    case request_field::uri:
      return "uri";
    case request_field::headers:
      return "headers";
    case request_field::body:
      return "body";
  }
  return "?";
}

namespace {

caf::error bad(const std::string& pointer, std::string what) {
  return rule_error(pointer, std::move(what));
}

caf::expected<signature_rule>
parse_rule(const nlohmann::json& j, const std::string& at,
           const signature_limits& limits) {
  if (!j.is_object())
    return bad(at, "expected an object");
  for (auto& [key, _] : j.items())
    if (key != "id" && key != "pattern" && key != "severity" && key != "fields"
        && key != "flags")
      return bad(at + "/" + config::pointer_token(key), "unknown key");
  signature_rule rule;
  auto id = j.find("id");
  if (id == j.end() || !id->is_string())
    return bad(at + "/id", "expected a string");
  rule.id = id->get<std::string>();
  if (rule.id.empty() || rule.id.size() > limits.max_id_length)
    return bad(at + "/id", "length must be 1.."
                             + std::to_string(limits.max_id_length));
  for (char c : rule.id)
    if (c < 0x21 || c > 0x7e)
      return bad(at + "/id", "must be printable ASCII without spaces");
  auto pattern = j.find("pattern");
  if (pattern == j.end() || !pattern->is_string())
    return bad(at + "/pattern", "expected a string");
  rule.pattern = pattern->get<std::string>();
  if (rule.pattern.empty() || rule.pattern.size() > limits.max_pattern_length)
    return bad(at + "/pattern", "length must be 1.."
                                  + std::to_string(limits.max_pattern_length));
  if (rule.pattern.find('\0') != std::string::npos)
    return bad(at + "/pattern", "contains a NUL character (write \\\\x00)");
  auto severity = j.find("severity");
  if (severity == j.end() || !severity->is_string())
    return bad(at + "/severity", "expected a string");
  auto& sev = severity->get_ref<const std::string&>();
  if (sev == "high")
    rule.severity = signature_severity::high;
  else if (sev == "medium")
    rule.severity = signature_severity::medium;
  else if (sev == "low")
    rule.severity = signature_severity::low;
  else
    return bad(at + "/severity", "expected one of high, medium, low");
  auto fields = j.find("fields");
  if (fields == j.end() || !fields->is_array() || fields->empty())
    return bad(at + "/fields", "expected a non-empty array");
  for (size_t i = 0; i < fields->size(); ++i) {
    auto& f = (*fields)[i];
    auto fat = at + "/fields/" + std::to_string(i);
    if (!f.is_string())
      return bad(fat, "expected a string");
    auto& name = f.get_ref<const std::string&>();
    request_field field;
    if (name == "uri")
      field = request_field::uri;
    else if (name == "headers")
      field = request_field::headers;
    else if (name == "body")
      field = request_field::body;
    else
      return bad(fat, "expected one of uri, headers, body");
    for (auto existing : rule.fields)
      if (existing == field)
        return bad(fat, "duplicate field");
    rule.fields.push_back(field);
  }
  if (auto flags = j.find("flags"); flags != j.end()) {
    if (!flags->is_array())
      return bad(at + "/flags", "expected an array");
    for (size_t i = 0; i < flags->size(); ++i) {
      auto& f = (*flags)[i];
      auto fat = at + "/flags/" + std::to_string(i);
      if (!f.is_string())
        return bad(fat, "expected a string");
      auto& name = f.get_ref<const std::string&>();
      if (name == "caseless")
        rule.caseless = true;
      else if (name == "dotall")
        rule.dotall = true;
      else
        return bad(fat, "expected one of caseless, dotall");
    }
  }
  return rule;
}

} // namespace

caf::expected<std::vector<signature_rule>>
parse_signature_rules(std::string_view text, const signature_limits& limits) {
  if (text.size() > limits.max_file_bytes)
    return bad("", "file is larger than "
                     + std::to_string(limits.max_file_bytes) + " bytes");
  auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded())
    return bad("", "not valid JSON");
  if (!doc.is_array())
    return bad("", "expected an array of rules");
  if (doc.size() > limits.max_rules)
    return bad("", "more than " + std::to_string(limits.max_rules) + " rules");
  std::vector<signature_rule> result;
  result.reserve(doc.size());
  std::set<std::string, std::less<>> ids;
  for (size_t i = 0; i < doc.size(); ++i) {
    auto at = "/" + std::to_string(i);
    auto rule = parse_rule(doc[i], at, limits);
    if (!rule)
      return std::move(rule.error());
    if (!ids.insert(rule->id).second)
      return bad(at + "/id", "duplicate id " + rule->id);
    result.push_back(std::move(*rule));
  }
  return result;
}

} // namespace kagami::security
