#include "protocols/nft/refused_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "actors/core/error.hpp"

namespace kagami::protocols::nft {

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

caf::error bad(std::string_view what, std::string reason) {
  return make_error(ec::invalid_value, std::string{what} + ": " + reason);
}

} // namespace

caf::expected<mac_address> parse_mac(std::string_view text) {
  // "xx:xx:xx:xx:xx:xx" is exactly 17 bytes.
  if (text.size() != 17)
    return bad("MAC address", "expected six hex octets separated by ':'");
  mac_address result;
  for (size_t i = 0; i < 6; ++i) {
    auto hi = hex_value(text[i * 3]);
    auto lo = hex_value(text[i * 3 + 1]);
    if (hi < 0 || lo < 0)
      return bad("MAC address", "expected six hex octets separated by ':'");
    if (i < 5 && text[i * 3 + 2] != ':')
      return bad("MAC address", "expected six hex octets separated by ':'");
    result.octets[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  if (result.octets[0] & 0x01)
    return bad("MAC address", "a group (multicast or broadcast) address is "
                              "never a device's source address");
  if (std::all_of(result.octets.begin(), result.octets.end(),
                  [](uint8_t b) { return b == 0; }))
    return bad("MAC address", "the all-zero address is not a device's address");
  return result;
}

std::string to_string(const mac_address& x) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(17);
  for (size_t i = 0; i < x.octets.size(); ++i) {
    if (i > 0)
      out += ':';
    out += digits[x.octets[i] >> 4];
    out += digits[x.octets[i] & 0x0f];
  }
  return out;
}

caf::expected<ip_address> parse_ip(std::string_view text) {
  // INET6_ADDRSTRLEN - 1: the longest text form of an IPv6 address.
  static constexpr size_t max_text = 45;
  if (text.empty() || text.size() > max_text)
    return bad("IP address", "expected an IPv4 or IPv6 address");
  for (char c : text)
    if (hex_value(c) < 0 && c != '.' && c != ':')
      return bad("IP address", "expected an IPv4 or IPv6 address");
  // The characters are checked, so the copy holds no NUL before its end.
  std::string copy{text};
  ip_address result;
  if (copy.find(':') == std::string::npos) {
    result.family = ip_family::v4;
    if (inet_pton(AF_INET, copy.c_str(), result.octets.data()) != 1)
      return bad("IP address", "not a dotted-quad IPv4 address");
    auto a = result.octets[0];
    if (a == 0)
      return bad("IP address", "0.0.0.0/8 is not a device's address");
    if (a == 127)
      return bad("IP address", "a loopback address is not a device's address");
    if (a >= 224)
      return bad("IP address", "a multicast, reserved or broadcast address is "
                               "not a device's address");
    return result;
  }
  result.family = ip_family::v6;
  if (inet_pton(AF_INET6, copy.c_str(), result.octets.data()) != 1)
    return bad("IP address", "not an IPv6 address");
  in6_addr a;
  std::memcpy(&a, result.octets.data(), sizeof(a));
  if (IN6_IS_ADDR_UNSPECIFIED(&a))
    return bad("IP address", ":: is not a device's address");
  if (IN6_IS_ADDR_LOOPBACK(&a))
    return bad("IP address", "a loopback address is not a device's address");
  if (IN6_IS_ADDR_MULTICAST(&a))
    return bad("IP address", "a multicast address is not a device's address");
  if (IN6_IS_ADDR_V4MAPPED(&a))
    return bad("IP address", "an IPv4-mapped IPv6 address: use the IPv4 form");
  return result;
}

std::string to_string(const ip_address& x) {
  char buf[INET6_ADDRSTRLEN] = {};
  auto af = x.family == ip_family::v4 ? AF_INET : AF_INET6;
  if (inet_ntop(af, x.octets.data(), buf, sizeof(buf)) == nullptr)
    return {};
  return buf;
}

} // namespace kagami::protocols::nft
