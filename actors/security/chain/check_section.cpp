#include "actors/security/chain/check_section.hpp"

#include <filesystem>
#include <utility>

#include "actors/core/error.hpp"
#include "actors/security/validation/rule_error.hpp"
#include "config/json_reader.hpp"

namespace kagami::security {

namespace {

constexpr size_t max_quoted = 64;
constexpr size_t max_file_name = 4096;

} // namespace

std::string quote_text(std::string_view s) {
  bool cut = s.size() > max_quoted;
  auto out = nlohmann::json(std::string(s.substr(0, max_quoted)))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (cut)
    out += "...";
  return out;
}

caf::error only_keys(const nlohmann::json& section, const std::string& pointer,
                     std::initializer_list<std::string_view> known) {
  if (!section.is_object())
    return rule_error(pointer, "expected an object");
  for (auto& [key, _] : section.items()) {
    bool ok = false;
    for (auto k : known)
      ok = ok || key == k;
    if (!ok)
      return rule_error(pointer + "/" + config::pointer_token(key), "unknown key");
  }
  return {};
}

caf::error rebase_error(const caf::error& err, const std::string& pointer) {
  auto detail = detail_of(err);
  constexpr std::string_view root = "(root)";
  if (!detail.empty() && detail[0] == '/')
    return make_error(ec::config_invalid, pointer + detail);
  if (std::string_view{detail}.substr(0, root.size()) == root)
    return make_error(ec::config_invalid, pointer + detail.substr(root.size()));
  return rule_error(pointer, detail);
}

caf::error rules_source::wrap(const caf::error& err) const {
  if (inline_rules != nullptr)
    return rebase_error(err, pointer);
  return rule_error(pointer, quote_text(file) + ": " + detail_of(err));
}

caf::expected<rules_source> read_rules_source(const nlohmann::json& section,
                                              const check_context& ctx) {
  auto rules = section.find("rules");
  auto file = section.find("rulesFile");
  bool has_rules = rules != section.end();
  bool has_file = file != section.end();
  if (has_rules == has_file)
    return rule_error(ctx.pointer, has_rules
                                     ? "give either \"rules\" or \"rulesFile\", not both"
                                     : "missing \"rules\" or \"rulesFile\"");
  rules_source out;
  if (has_rules) {
    out.inline_rules = &*rules;
    out.pointer = ctx.pointer + "/rules";
    return out;
  }
  out.pointer = ctx.pointer + "/rulesFile";
  if (!file->is_string() || file->get_ref<const std::string&>().empty()
      || file->get_ref<const std::string&>().size() > max_file_name
      || file->get_ref<const std::string&>().find('\0') != std::string::npos)
    return rule_error(out.pointer, "expected a file name");
  out.file = file->get<std::string>();
  auto path = ctx.base_dir.empty()
                ? std::filesystem::path(out.file)
                : std::filesystem::path(ctx.base_dir) / out.file;
  auto resolved = path.lexically_normal().string();
  std::string why;
  auto text = ctx.read_file ? ctx.read_file(resolved, why)
                            : config::read_file(resolved, why);
  if (!text)
    return rule_error(out.pointer, "cannot read " + quote_text(resolved) + ": " + why);
  out.text = std::move(*text);
  return out;
}

} // namespace kagami::security
