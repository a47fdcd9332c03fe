#include "config/network_address.hpp"

#include <arpa/inet.h>

#include <cctype>

#include "actors/core/error.hpp"
#include "config/syntax.hpp"

namespace kagami::config {

namespace {

caf::error invalid(std::string reason) {
  return make_error(ec::config_invalid, std::move(reason));
}

bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253)
    return false;
  size_t label = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-')
        return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(c) && c != '-')
      return false;
    if (c == '-' && label == 0)
      return false;
    if (++label > 63)
      return false;
  }
  return label > 0 && s.back() != '-';
}

bool is_ipv4(const std::string& s) {
  in_addr addr;
  return inet_pton(AF_INET, s.c_str(), &addr) == 1;
}

bool is_ipv6(const std::string& s) {
  in6_addr addr;
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

/// Checks a host without brackets, as written outside brackets.
caf::error check_host(const std::string& host) {
  if (host.empty())
    return invalid("the host is empty");
  bool numeric = host.find_first_not_of("0123456789.") == std::string::npos;
  if (numeric) {
    if (!is_ipv4(host))
      return invalid("\"" + host + "\" is not a valid IPv4 address");
    return {};
  }
  if (!is_dns_name(host))
    return invalid("\"" + host + "\" is not a valid host name");
  return {};
}

/// Splits "HOST[:PORT]" (HOST possibly bracketed IPv6).
caf::expected<host_port> parse_authority(std::string_view text,
                                         bool port_required) {
  host_port result;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      return invalid("missing \"]\" after the IPv6 address");
    result.host = std::string{text.substr(1, close - 1)};
    if (!is_ipv6(result.host))
      return invalid("\"" + result.host + "\" is not a valid IPv6 address");
    rest = text.substr(close + 1);
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos
        && text.substr(0, colon).find(':') != std::string_view::npos)
      return invalid("an IPv6 address needs brackets: [ADDRESS]:PORT");
    result.host = std::string{text.substr(0, colon)};
    if (auto err = check_host(result.host))
      return err;
    rest = colon == std::string_view::npos ? std::string_view{}
                                           : text.substr(colon);
  }
  if (rest.empty()) {
    if (port_required)
      return invalid("missing \":PORT\"");
    return result;
  }
  if (rest.front() != ':')
    return invalid("unexpected \"" + std::string{rest} + "\" after the host");
  auto digits = rest.substr(1);
  if (digits.empty() || digits.size() > 5
      || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return invalid("the port must be a number from 0 to 65535");
  auto port = std::stoul(std::string{digits});
  if (port > 65535)
    return invalid("the port must be a number from 0 to 65535");
  result.port = static_cast<uint16_t>(port);
  return result;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
      return false;
  return true;
}

} // namespace

caf::expected<host_port> parse_host_port(std::string_view text) {
  if (text.find("://") != std::string_view::npos)
    return invalid("must be HOST:PORT without a scheme");
  return parse_authority(text, true);
}

caf::expected<host_port> parse_http_address(std::string_view text) {
  if (starts_with_nocase(text, "https://"))
    return invalid("https is not supported yet; use http://HOST:PORT");
  if (!starts_with_nocase(text, "http://"))
    return invalid("must be http://HOST:PORT");
  auto authority = text.substr(7);
  if (authority.find_first_of("/?#") != std::string_view::npos)
    return invalid("must be http://HOST:PORT without a path");
  return parse_authority(authority, true);
}

caf::error check_base_url(std::string_view text) {
  size_t scheme = 0;
  if (starts_with_nocase(text, "http://"))
    scheme = 7;
  else if (starts_with_nocase(text, "https://"))
    scheme = 8;
  else
    return invalid("must start with http:// or https://");
  auto rest = text.substr(scheme);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (auto x = parse_authority(authority, false); !x)
    return std::move(x.error());
  if (slash == std::string_view::npos)
    return {};
  auto path = rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos)
    return invalid("must not have a query or fragment");
  if (auto why = http_path_error(path); !why.empty())
    return invalid(why);
  return {};
}

std::string to_string(const host_port& x) {
  auto port = std::to_string(x.port);
  if (x.host.find(':') != std::string::npos)
    return "[" + x.host + "]:" + port;
  return x.host + ":" + port;
}

} // namespace kagami::config
