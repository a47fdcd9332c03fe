#include "http/target.hpp"

namespace kagami::http {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool is_ctl(unsigned char c) noexcept {
  return c < 0x20 || c == 0x7f;
}

/// Percent-decodes `in` into `out`. `plus_is_space` for query components;
/// `slash_ok` false refuses an encoded '/'.
std::optional<std::string> decode(std::string_view in, bool plus_is_space,
                                  bool slash_ok, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return "invalid percent-encoding";
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        return "invalid percent-encoding";
      auto d = static_cast<unsigned char>(hi * 16 + lo);
      if (is_ctl(d))
        return "encoded control character in target";
      if (d == '/' && !slash_ok)
        return "encoded slash in path";
      out.push_back(static_cast<char>(d));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> parse_target(std::string_view target,
                                        target_parts& out) {
  out.path.clear();
  out.query.clear();
  if (target.empty() || target.front() != '/')
    return "request target must be an absolute path";
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return "invalid character in request target";
    if (c == '#')
      return "fragment in request target";
  }
  auto qpos = target.find('?');
  auto raw_path = target.substr(0, qpos);
  if (auto err = decode(raw_path, false, false, out.path))
    return err;
  if (qpos == std::string_view::npos)
    return std::nullopt;
  auto raw_query = target.substr(qpos + 1);
  std::string key;
  std::string value;
  while (!raw_query.empty()) {
    auto amp = raw_query.find('&');
    auto piece = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view{}
                                              : raw_query.substr(amp + 1);
    if (piece.empty())
      continue;
    auto eq = piece.find('=');
    if (auto err = decode(piece.substr(0, eq), true, true, key))
      return err;
    value.clear();
    if (eq != std::string_view::npos)
      if (auto err = decode(piece.substr(eq + 1), true, true, value))
        return err;
    out.query.emplace(key, value);
  }
  return std::nullopt;
}

} // namespace kagami::http
