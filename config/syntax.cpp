#include "config/syntax.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace kagami::config {

namespace {

bool is_uri_char(unsigned char c) {
  static constexpr std::string_view extra = "-._~!$&'()*+,;=:@/?%";
  return std::isalnum(c) || extra.find(static_cast<char>(c)) != extra.npos;
}

} // namespace

bool is_affordance_name(std::string_view s) {
  if (s.empty() || s.size() > 64
      || !std::isalpha(static_cast<unsigned char>(s[0])))
    return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_')
      return false;
  return true;
}

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64)
    return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

bool is_colon_hex_address(std::string_view s) {
  if (s.size() != 17)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (i % 3 == 2 ? c != ':' : !std::isxdigit(c))
      return false;
  }
  return true;
}

bool is_interface_name(std::string_view s) {
  if (s.empty() || s.size() > 15 || s == "." || s == "..")
    return false;
  for (unsigned char c : s)
    if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
      return false;
  return true;
}

bool is_ipv4_literal(std::string_view s) {
  in_addr a;
  return ::inet_pton(AF_INET, std::string{s}.c_str(), &a) == 1;
}

bool is_tag(std::string_view s) {
  if (s.empty() || s.size() > 64)
    return false;
  for (unsigned char c : s)
    if (c <= ' ' || c >= 0x7f)
      return false;
  return true;
}

bool is_text(std::string_view s, size_t max_size) {
  if (s.empty() || s.size() > max_size)
    return false;
  for (unsigned char c : s)
    if (c < ' ' || c == 0x7f)
      return false;
  return true;
}

std::string http_path_error(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return "must start with \"/\"";
  if (path.size() > 1024)
    return "must be at most 1024 characters";
  for (size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c == '#')
      return "must not contain a fragment (\"#\")";
    if (!is_uri_char(c)) {
      auto what = std::isprint(c)
                    ? "\"" + std::string(1, static_cast<char>(c)) + "\""
                    : "with code " + std::to_string(c);
      return "must not contain the character " + what;
    }
    if (c == '%'
        && (i + 2 >= path.size()
            || !std::isxdigit(static_cast<unsigned char>(path[i + 1]))
            || !std::isxdigit(static_cast<unsigned char>(path[i + 2]))))
      return "has an invalid %-escape";
  }
  auto p = path.substr(0, path.find('?'));
  for (size_t pos = 0; (pos = p.find("..", pos)) != p.npos; ++pos) {
    bool seg_start = pos > 0 && p[pos - 1] == '/';
    bool seg_end = pos + 2 == p.size() || p[pos + 2] == '/';
    if (seg_start && seg_end)
      return "must not contain \"..\" segments";
  }
  return {};
}

} // namespace kagami::config
