#include "protocols/neighbour/neighbour_table_parser.hpp"

#include <arpa/inet.h>

#include "actors/core/error.hpp"

namespace kagami::protocols {

namespace {

caf::error bad(size_t line, const std::string& reason) {
  return make_error(ec::invalid_value,
                    "line " + std::to_string(line) + ": " + reason);
}

/// Splits on runs of spaces and tabs.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> result;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    auto start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start)
      result.push_back(line.substr(start, i - start));
  }
  return result;
}

bool parse_hex(std::string_view s, unsigned& out) {
  if (s.size() < 3 || s.size() > 10 || s[0] != '0' || s[1] != 'x')
    return false;
  out = 0;
  for (auto c : s.substr(2)) {
    unsigned d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    out = out * 16 + d;
  }
  return true;
}

/// Six two-digit hex octets; lower-cased. Returns "" if malformed.
std::string normalize_mac(std::string_view s) {
  if (s.size() != 17)
    return {};
  std::string result(s);
  for (size_t i = 0; i < result.size(); ++i) {
    auto& c = result[i];
    if (i % 3 == 2) {
      if (c != ':')
        return {};
    } else if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return {};
    }
  }
  return result;
}

bool is_device_name(std::string_view s) {
  if (s.empty() || s.size() > 15)
    return false;
  for (unsigned char c : s)
    if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
      return false;
  return true;
}

} // namespace

caf::expected<neighbour_table>
parse_neighbour_table(std::string_view text,
                      const neighbour_table_limits& limits) {
  if (text.size() > limits.max_bytes)
    return make_error(ec::invalid_value,
                      "the table has more than "
                        + std::to_string(limits.max_bytes) + " bytes");
  neighbour_table table;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == text.npos)
      end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line_no == 1) {
      if (line.substr(0, 10) != "IP address")
        return bad(1, "not a neighbour table (no \"IP address\" header)");
      continue;
    }
    auto fields = fields_of(line);
    if (fields.empty())
      continue;
    if (fields.size() != 6)
      return bad(line_no, "expected 6 fields, got "
                            + std::to_string(fields.size()));
    std::string ip{fields[0]};
    in_addr addr;
    if (ip.size() > 15 || ::inet_pton(AF_INET, ip.c_str(), &addr) != 1)
      return bad(line_no, "not an IPv4 address");
    unsigned flags = 0;
    if (!parse_hex(fields[2], flags))
      return bad(line_no, "flags are not 0x followed by hex digits");
    auto mac = normalize_mac(fields[3]);
    if (mac.empty())
      return bad(line_no, "not a MAC address");
    if (!is_device_name(fields[5]))
      return bad(line_no, "not an interface name");
    if ((flags & 0x2) == 0 || mac == "00:00:00:00:00:00")
      continue; // incomplete or failed
    if (table.rows.size() >= limits.max_rows) {
      ++table.truncated;
      continue;
    }
    table.rows.push_back({std::move(ip), std::move(mac), std::string{fields[5]}});
  }
  if (line_no == 0)
    return bad(1, "not a neighbour table (no \"IP address\" header)");
  return table;
}

} // namespace kagami::protocols
