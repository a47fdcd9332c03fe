#include "protocols/upnp/description_url.hpp"

#include "actors/core/error.hpp"

namespace kagami::protocols::upnp {

namespace {

caf::error bad(std::string reason) {
  return make_error(ec::invalid_value, "description URL: " + std::move(reason));
}

} // namespace

std::string canonical_ipv4(std::string_view text) {
  std::string out;
  int parts = 0;
  while (true) {
    size_t n = 0;
    unsigned value = 0;
    while (n < text.size() && text[n] >= '0' && text[n] <= '9' && n < 4) {
      value = value * 10 + static_cast<unsigned>(text[n] - '0');
      ++n;
    }
    if (n == 0 || n > 3 || value > 255 || (n > 1 && text[0] == '0'))
      return {};
    out += std::to_string(value);
    text.remove_prefix(n);
    if (++parts == 4)
      break;
    if (text.empty() || text.front() != '.')
      return {};
    out += '.';
    text.remove_prefix(1);
  }
  if (!text.empty())
    return {};
  return out;
}

caf::expected<description_url> parse_description_url(std::string_view url) {
  if (url.size() > max_description_url)
    return bad("longer than " + std::to_string(max_description_url) + " bytes");
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7F)
      return bad("holds a space, control or non-ASCII byte");
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size())
    return bad("not an http:// URL");
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = url[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i])
      return bad("not an http:// URL");
  }
  url.remove_prefix(scheme.size());
  auto end = url.find_first_of("/?#");
  auto authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view{}
                                                        : url.substr(end);
  if (authority.find('@') != std::string_view::npos)
    return bad("userinfo is not accepted");
  if (rest.find('#') != std::string_view::npos)
    return bad("a fragment is not accepted");
  description_url result;
  auto colon = authority.find(':');
  auto host = authority.substr(0, colon);
  if (host.empty())
    return bad("no host");
  result.host = canonical_ipv4(host);
  if (result.host.empty())
    return bad("host is not an IPv4 literal");
  if (colon != std::string_view::npos) {
    auto port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5)
      return bad("malformed port");
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9')
        return bad("malformed port");
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535)
      return bad("port outside 1..65535");
    result.port = static_cast<uint16_t>(value);
  }
  if (rest.empty())
    result.target = "/";
  else if (rest.front() == '?')
    result.target = "/" + std::string{rest};
  else
    result.target = rest;
  return result;
}

} // namespace kagami::protocols::upnp
