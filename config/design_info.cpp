#include "config/design_info.hpp"

#include <cctype>

namespace kagami::config {

const char* to_string(criticality x) {
  for (auto& [name, value] : criticality_names)
    if (value == x)
      return name.data(); // NUL-terminated: the names are string literals
  return "?";
}

bool identity_rule::empty() const {
  return !vendor && !product && !model_number && !firmware && !hardware
         && !serial && !category && !udn && mac.empty();
}

bool identity_rule::pinned() const {
  auto exact = [](const std::optional<value_pattern>& p) {
    return p && p->how == value_pattern::kind::exact;
  };
  return !mac.empty() || exact(serial) || exact(udn);
}

std::optional<std::string> normalize_mac(std::string_view text) {
  if (text.size() != 17)
    return std::nullopt;
  std::string result;
  result.reserve(17);
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (i % 3 == 2) {
      if (c != ':')
        return std::nullopt;
      result += ':';
    } else {
      if (!std::isxdigit(c))
        return std::nullopt;
      result += static_cast<char>(std::tolower(c));
    }
  }
  return result;
}

} // namespace kagami::config
