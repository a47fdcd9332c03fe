#include "protocols/upnp/ssdp_parser.hpp"

#include <array>
#include <charconv>

#include "actors/core/error.hpp"

namespace kagami::protocols::upnp {

namespace {

caf::error bad(std::string reason) {
  return make_error(ec::device_bad_reply, "SSDP: " + std::move(reason));
}

bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7F;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z')
      x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z')
      y += 'a' - 'A';
    if (x != y)
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// A decimal number of at most 10 digits within [0, max]; nullopt otherwise.
std::optional<uint32_t> parse_number(std::string_view s, uint32_t max) {
  if (s.empty() || s.size() > 10)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max)
    return std::nullopt;
  return static_cast<uint32_t>(v);
}

/// Splits off the next line (without its CRLF or LF). `more` is false when
/// the input ended without a line break.
std::string_view next_line(std::string_view& rest) {
  auto nl = rest.find('\n');
  std::string_view line;
  if (nl == std::string_view::npos) {
    line = rest;
    rest = {};
  } else {
    line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

enum class field : uint8_t {
  host, location, usn, st, nt, nts, cache_control, server, man, mx, boot_id, config_id,
  count
};

constexpr std::array<std::pair<std::string_view, field>, 12> known_fields{{
  {"HOST", field::host},
  {"LOCATION", field::location},
  {"USN", field::usn},
  {"ST", field::st},
  {"NT", field::nt},
  {"NTS", field::nts},
  {"CACHE-CONTROL", field::cache_control},
  {"SERVER", field::server},
  {"MAN", field::man},
  {"MX", field::mx},
  {"BOOTID.UPNP.ORG", field::boot_id},
  {"CONFIGID.UPNP.ORG", field::config_id},
}};

} // namespace

const char* to_string(ssdp_kind k) {
  switch (k) {
    case ssdp_kind::search_request:
      return "M-SEARCH";
    case ssdp_kind::search_response:
      return "response";
    case ssdp_kind::notify:
      return "NOTIFY";
  }
  return "unknown";
}

const char* to_string(notify_subtype s) {
  switch (s) {
    case notify_subtype::none:
      return "";
    case notify_subtype::alive:
      return "ssdp:alive";
    case notify_subtype::update:
      return "ssdp:update";
    case notify_subtype::byebye:
      return "ssdp:byebye";
  }
  return "unknown";
}

caf::expected<ssdp_message> parse_ssdp(std::string_view datagram) {
  if (datagram.size() > ssdp_limits::max_datagram)
    return bad("datagram of " + std::to_string(datagram.size()) + " bytes exceeds "
               + std::to_string(ssdp_limits::max_datagram));
  if (datagram.empty())
    return bad("empty datagram");
  std::string_view rest = datagram;
  auto start = next_line(rest);
  if (start.size() > ssdp_limits::max_line)
    return bad("start line longer than " + std::to_string(ssdp_limits::max_line));
  ssdp_message m;
  if (start == "M-SEARCH * HTTP/1.1") {
    m.kind = ssdp_kind::search_request;
  } else if (start == "NOTIFY * HTTP/1.1") {
    m.kind = ssdp_kind::notify;
  } else if (start.substr(0, 9) == "HTTP/1.1 " || start.substr(0, 9) == "HTTP/1.0 ") {
    auto status = start.substr(9, 3);
    if (status.size() != 3 || (start.size() > 12 && start[12] != ' '))
      return bad("malformed status line");
    if (status != "200")
      return bad("status " + std::string{status} + " is not 200");
    for (unsigned char c : start)
      if (is_control(c))
        return bad("control character in the status line");
    m.kind = ssdp_kind::search_response;
  } else {
    return bad("unknown start line");
  }
  std::array<bool, static_cast<size_t>(field::count)> seen{};
  std::string_view nts;
  size_t headers = 0;
  bool ended = false;
  while (!rest.empty()) {
    auto line = next_line(rest);
    if (line.empty()) {
      ended = true;
      break;
    }
    if (line.size() > ssdp_limits::max_line)
      return bad("header line longer than " + std::to_string(ssdp_limits::max_line));
    if (++headers > ssdp_limits::max_headers)
      return bad("more than " + std::to_string(ssdp_limits::max_headers) + " header fields");
    if (line.front() == ' ' || line.front() == '\t')
      return bad("obsolete line folding");
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return bad("header line without a colon");
    auto name = line.substr(0, colon);
    if (name.empty())
      return bad("empty header name");
    for (unsigned char c : name)
      if (!is_tchar(c))
        return bad("header name is not an HTTP token");
    auto value = trim(line.substr(colon + 1));
    for (unsigned char c : value)
      if (is_control(c))
        return bad("control character in header " + std::string{name});
    if (value.size() > ssdp_limits::max_value)
      return bad("header " + std::string{name} + " longer than "
                 + std::to_string(ssdp_limits::max_value));
    const std::pair<std::string_view, field>* known = nullptr;
    for (const auto& kf : known_fields)
      if (iequals(kf.first, name))
        known = &kf;
    if (known == nullptr)
      continue;
    auto& was_seen = seen[static_cast<size_t>(known->second)];
    if (was_seen)
      return bad("duplicate header " + std::string{known->first});
    was_seen = true;
    auto number = [&](uint32_t max) -> caf::expected<uint32_t> {
      if (auto n = parse_number(value, max))
        return *n;
      return bad(std::string{known->first} + " is not a number in 0.."
                 + std::to_string(max));
    };
    switch (known->second) {
      case field::host:
        m.host = value;
        break;
      case field::location:
        m.location = value;
        break;
      case field::usn:
        m.usn = value;
        break;
      case field::st:
      case field::nt:
        // ST belongs to M-SEARCH and its responses, NT to NOTIFY; the other
        // one is ignored.
        if ((known->second == field::nt) == (m.kind == ssdp_kind::notify))
          m.target = value;
        break;
      case field::nts:
        nts = value;
        break;
      case field::cache_control:
        m.cache_control = value;
        break;
      case field::server:
        m.server = value;
        break;
      case field::man:
        m.man = value;
        break;
      case field::mx: {
        auto n = number(ssdp_limits::max_mx);
        if (!n)
          return n.error();
        m.mx = *n;
        break;
      }
      case field::boot_id: {
        auto n = number(ssdp_limits::max_id);
        if (!n)
          return n.error();
        m.boot_id = *n;
        break;
      }
      case field::config_id: {
        auto n = number(ssdp_limits::max_id);
        if (!n)
          return n.error();
        m.config_id = *n;
        break;
      }
      case field::count:
        break;
    }
  }
  if (ended && rest.find_first_not_of("\r\n") != std::string_view::npos)
    return bad("bytes after the header block (SSDP messages have no body)");
  auto require = [&](bool present, const char* what) -> caf::error {
    if (present)
      return {};
    return bad(std::string{to_string(m.kind)} + " without " + what);
  };
  switch (m.kind) {
    case ssdp_kind::search_request:
      if (auto err = require(!m.target.empty(), "ST"))
        return err;
      if (m.man != "\"ssdp:discover\"")
        return bad("M-SEARCH without MAN \"ssdp:discover\"");
      break;
    case ssdp_kind::search_response:
      if (auto err = require(!m.target.empty(), "ST"))
        return err;
      if (auto err = require(!m.usn.empty(), "USN"))
        return err;
      if (auto err = require(!m.location.empty(), "LOCATION"))
        return err;
      break;
    case ssdp_kind::notify:
      if (auto err = require(!m.target.empty(), "NT"))
        return err;
      if (auto err = require(!nts.empty(), "NTS"))
        return err;
      if (nts == "ssdp:alive")
        m.nts = notify_subtype::alive;
      else if (nts == "ssdp:update")
        m.nts = notify_subtype::update;
      else if (nts == "ssdp:byebye")
        m.nts = notify_subtype::byebye;
      else
        return bad("unknown NTS");
      if (auto err = require(!m.usn.empty(), "USN"))
        return err;
      if (m.nts != notify_subtype::byebye)
        if (auto err = require(!m.location.empty(), "LOCATION"))
          return err;
      break;
  }
  return m;
}

caf::expected<std::string> encode_ssdp(const ssdp_message& m) {
  std::string out;
  out.reserve(512);
  switch (m.kind) {
    case ssdp_kind::search_request:
      out += "M-SEARCH * HTTP/1.1\r\n";
      break;
    case ssdp_kind::search_response:
      out += "HTTP/1.1 200 OK\r\n";
      break;
    case ssdp_kind::notify:
      out += "NOTIFY * HTTP/1.1\r\n";
      break;
  }
  caf::error failure;
  auto put = [&](std::string_view name, std::string_view value) {
    if (value.empty() || failure)
      return;
    if (value.size() > ssdp_limits::max_value) {
      failure = make_error(ec::invalid_value,
                           "SSDP: " + std::string{name} + " is too long");
      return;
    }
    for (unsigned char c : value)
      if (is_control(c)) {
        failure = make_error(ec::invalid_value, "SSDP: control character in "
                                                  + std::string{name});
        return;
      }
    out.append(name).append(": ").append(value).append("\r\n");
  };
  auto put_number = [&](std::string_view name, const std::optional<uint32_t>& v) {
    if (v)
      put(name, std::to_string(*v));
  };
  const bool notify = m.kind == ssdp_kind::notify;
  put("HOST", m.host);
  if (!m.cache_control.empty())
    put("CACHE-CONTROL", m.cache_control);
  else if (m.kind == ssdp_kind::search_response
           || (notify && m.nts != notify_subtype::byebye))
    put("CACHE-CONTROL", "max-age=1800");
  put("LOCATION", m.location);
  put("MAN", m.man);
  put("MX", m.mx ? std::to_string(*m.mx) : std::string{});
  put(notify ? "NT" : "ST", m.target);
  put("NTS", to_string(m.nts));
  put("SERVER", m.server);
  if (m.kind == ssdp_kind::search_response)
    out += "EXT:\r\n";
  put("USN", m.usn);
  put_number("BOOTID.UPNP.ORG", m.boot_id);
  put_number("CONFIGID.UPNP.ORG", m.config_id);
  if (failure)
    return failure;
  out += "\r\n";
  if (auto back = parse_ssdp(out); !back)
    return make_error(ec::invalid_value, "cannot encode: " + detail_of(back.error()));
  return out;
}

std::string_view usn_uuid(std::string_view usn) {
  if (usn.substr(0, 5) != "uuid:")
    return {};
  return usn.substr(0, usn.find("::"));
}

} // namespace kagami::protocols::upnp
