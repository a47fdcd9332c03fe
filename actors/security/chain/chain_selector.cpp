#include "actors/security/chain/chain_selector.hpp"

#include <algorithm>
#include <array>

#include "actors/security/chain/check_section.hpp"
#include "actors/security/validation/rule_error.hpp"
#include "config/syntax.hpp"

namespace kagami::security {

namespace {

constexpr size_t max_subject_name = 256;

/// The selector prefixes, indexed by the kind enums (any has none).
constexpr std::array<std::string_view, 4> thing_prefixes{"", "id", "model", "tag"};
constexpr std::array<std::string_view, 4> subject_prefixes{"", "app", "user", "role"};

template <class Kind>
std::string text_of(Kind what, const std::string& value,
                    const std::array<std::string_view, 4>& prefixes) {
  if (what == Kind{})
    return "*";
  return std::string(prefixes[static_cast<size_t>(what)]) + ":" + value;
}

/// Splits "prefix:value" at the first colon and looks the prefix up in
/// `prefixes`. Returns the kind's index, 0 for "*", or an error.
caf::expected<size_t> split(std::string_view text,
                            const std::array<std::string_view, 4>& prefixes,
                            std::string_view& value, const std::string& pointer,
                            const char* what) {
  if (text == "*")
    return size_t{0};
  auto colon = text.find(':');
  std::string expected = "\"*\"";
  for (size_t i = 1; i < prefixes.size(); ++i)
    expected += ", \"" + std::string(prefixes[i]) + ":...\"";
  if (colon == std::string_view::npos)
    return rule_error(pointer, "expected " + expected + ", got " + quote_text(text));
  auto prefix = text.substr(0, colon);
  value = text.substr(colon + 1);
  for (size_t i = 1; i < prefixes.size(); ++i)
    if (prefix == prefixes[i])
      return i;
  return rule_error(pointer, "unknown " + std::string(what) + " selector "
                               + quote_text(prefix) + " (expected " + expected
                               + ")");
}

} // namespace

bool thing_selector::matches(std::string_view thing_id, std::string_view model,
                             const std::vector<std::string>& tags) const {
  switch (what) {
    case kind::any:
      return true;
    case kind::id:
      return thing_id == value;
    case kind::model:
      return model == value;
    case kind::tag:
      return std::find(tags.begin(), tags.end(), value) != tags.end();
  }
  return false;
}

std::string thing_selector::to_string() const {
  return text_of(what, value, thing_prefixes);
}

bool subject_selector::matches(const authn::subject& who) const {
  switch (what) {
    case kind::any:
      return true;
    case kind::app:
      return who.kind == authn::subject_kind::app && who.name == value;
    case kind::user:
      return who.kind == authn::subject_kind::user && who.name == value;
    case kind::role:
      return std::find(who.roles.begin(), who.roles.end(), value)
             != who.roles.end();
  }
  return false;
}

std::string subject_selector::to_string() const {
  return text_of(what, value, subject_prefixes);
}

caf::expected<thing_selector> parse_thing_selector(std::string_view text,
                                                   const std::string& pointer) {
  std::string_view value;
  auto index = split(text, thing_prefixes, value, pointer, "thing");
  if (!index)
    return std::move(index.error());
  thing_selector out;
  out.what = static_cast<thing_selector::kind>(*index);
  if (out.what == thing_selector::kind::tag ? !config::is_tag(value)
                                            : *index != 0 && !config::is_id(value))
    return rule_error(pointer, "not a valid " + std::string(thing_prefixes[*index])
                                 + ": " + quote_text(value));
  out.value = std::string(value);
  return out;
}

caf::expected<subject_selector>
parse_subject_selector(std::string_view text, const std::string& pointer) {
  std::string_view value;
  auto index = split(text, subject_prefixes, value, pointer, "subject");
  if (!index)
    return std::move(index.error());
  subject_selector out;
  out.what = static_cast<subject_selector::kind>(*index);
  if (*index != 0 && !config::is_text(value, max_subject_name))
    return rule_error(pointer, "not a valid name: " + quote_text(value));
  out.value = std::string(value);
  return out;
}

} // namespace kagami::security
