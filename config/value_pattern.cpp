#include "config/value_pattern.hpp"

#include <algorithm>
#include <array>

#include "actors/core/error.hpp"

namespace kagami::config {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one resume point: the last `*` seen. A later `*`
  // supersedes an earlier one, so the scan never revisits more than one
  // star: at most |pattern| * |text| steps, no exponential backtracking.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])
        && pattern[p] != '*') {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

bool is_version(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.')
    return false;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (prev == '.')
        return false;
    } else if (c < '0' || c > '9') {
      return false;
    }
    prev = c;
  }
  return true;
}

namespace {

/// The next component of a version starting at `pos` (advanced past the
/// dot), without leading zeros; "0" for an exhausted version.
std::string_view next_component(std::string_view v, size_t& pos) {
  if (pos >= v.size())
    return "0";
  auto end = v.find('.', pos);
  if (end == v.npos)
    end = v.size();
  auto part = v.substr(pos, end - pos);
  pos = end + 1;
  while (part.size() > 1 && part.front() == '0')
    part.remove_prefix(1);
  return part;
}

} // namespace

int compare_versions(std::string_view x, std::string_view y) {
  size_t i = 0;
  size_t j = 0;
  while (i < x.size() || j < y.size()) {
    auto a = next_component(x, i);
    auto b = next_component(y, j);
    // Without leading zeros, a longer digit run is a larger number.
    if (a.size() != b.size())
      return a.size() < b.size() ? -1 : 1;
    if (auto c = a.compare(b); c != 0)
      return c < 0 ? -1 : 1;
  }
  return 0;
}

bool version_bound::holds(std::string_view v) const {
  auto c = compare_versions(v, version);
  switch (cmp) {
    case op::eq:
      return c == 0;
    case op::lt:
      return c < 0;
    case op::le:
      return c <= 0;
    case op::gt:
      return c > 0;
    case op::ge:
      return c >= 0;
  }
  return false;
}

namespace {

constexpr size_t max_range_text = 64;
constexpr size_t max_range_bounds = 8;

const char* op_text(version_bound::op x) {
  switch (x) {
    case version_bound::op::eq:
      return "=";
    case version_bound::op::lt:
      return "<";
    case version_bound::op::le:
      return "<=";
    case version_bound::op::gt:
      return ">";
    case version_bound::op::ge:
      return ">=";
  }
  return "?";
}

} // namespace

caf::expected<std::vector<version_bound>>
parse_version_range(std::string_view text) {
  if (text.size() > max_range_text)
    return make_error(ec::config_invalid,
                      "a range has at most "
                        + std::to_string(max_range_text) + " characters");
  std::vector<version_bound> result;
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    auto end = text.find(' ', pos);
    if (end == text.npos)
      end = text.size();
    auto token = text.substr(pos, end - pos);
    pos = end;
    version_bound b;
    // Longest operator first: ">=" before ">".
    static constexpr std::array<std::pair<std::string_view, version_bound::op>, 5>
      ops{{{">=", version_bound::op::ge},
           {"<=", version_bound::op::le},
           {">", version_bound::op::gt},
           {"<", version_bound::op::lt},
           {"=", version_bound::op::eq}}};
    auto op = std::find_if(ops.begin(), ops.end(), [&](const auto& o) {
      return token.substr(0, o.first.size()) == o.first;
    });
    if (op == ops.end())
      return make_error(ec::config_invalid,
                        "\"" + std::string{token}
                          + "\" does not start with a comparator (>=, >, "
                            "<=, <, =)");
    b.cmp = op->second;
    auto version = token.substr(op->first.size());
    if (!is_version(version))
      return make_error(ec::config_invalid,
                        "\"" + std::string{version}
                          + "\" is not a dotted numeric version");
    b.version = std::string{version};
    if (result.size() == max_range_bounds)
      return make_error(ec::config_invalid,
                        "a range has at most "
                          + std::to_string(max_range_bounds) + " comparators");
    result.push_back(std::move(b));
  }
  if (result.empty())
    return make_error(ec::config_invalid, "the range is empty");
  return result;
}

value_pattern value_pattern::exact(std::string value) {
  value_pattern p;
  p.how = kind::exact;
  p.text = std::move(value);
  return p;
}

value_pattern value_pattern::glob(std::string pattern) {
  value_pattern p;
  p.how = kind::glob;
  p.text = std::move(pattern);
  return p;
}

caf::expected<value_pattern> value_pattern::range(std::string text) {
  auto bounds = parse_version_range(text);
  if (!bounds)
    return std::move(bounds.error());
  value_pattern p;
  p.how = kind::range;
  p.text = std::move(text);
  p.bounds = std::move(*bounds);
  return p;
}

bool value_pattern::matches(std::string_view value) const {
  if (value.empty())
    return false;
  switch (how) {
    case kind::exact:
      return value == text;
    case kind::glob:
      return glob_match(text, value);
    case kind::range:
      return is_version(value)
             && std::all_of(bounds.begin(), bounds.end(),
                            [&](const auto& b) { return b.holds(value); });
  }
  return false;
}

std::string value_pattern::explain(std::string_view field,
                                   std::string_view value) const {
  std::string result{field};
  if (value.empty())
    return result + " unknown";
  result += ' ';
  result += value;
  auto ok = matches(value);
  switch (how) {
    case kind::exact:
      return result + (ok ? " = " : " \u2260 ") + text;
    case kind::glob:
      return result + (ok ? " matches " : " does not match ") + text;
    case kind::range:
      if (!is_version(value))
        return result + " is not a dotted numeric version (range " + text
               + ")";
      return result + (ok ? " in " : " not in ") + text;
  }
  return result;
}

std::string value_pattern::describe() const {
  switch (how) {
    case kind::exact:
      return text;
    case kind::glob:
      return "glob " + text;
    case kind::range: {
      std::string result = "range";
      for (auto& b : bounds)
        result += std::string{" "} + op_text(b.cmp) + b.version;
      return result;
    }
  }
  return text;
}

} // namespace kagami::config
