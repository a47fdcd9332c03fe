// libFuzzer target for the request framing policy (framing_guard.hpp).
//
// Input layout: byte 0 selects the HTTP version passed to
// check_request_head (versions[byte 0 % 8]); the rest is a request head as
// text. That text goes three ways:
// - as raw bytes into check_raw_head, complete and as every prefix;
// - split into lines at CRLF (LF alone also ends a line): the first line is
//   the method, each further line a field split at its first ':' into name
//   and value (value without surrounding SP/HTAB), for check_request_head;
// - its last two bytes as a chunk size and extension length for
//   check_chunk_header.
//
// Invariants: nothing crashes; a violation has status 400, 417 or 505 and a
// reason; check_request_head agrees with an independent model of the policy
// in framing_guard.hpp; when check_raw_head accepts a complete head, it also
// accepts every prefix of it as a partial head (the server checks heads while
// they arrive, so a valid head must never be refused early); an accepted
// complete head has no NUL, bare CR or bare LF before its end.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/framing_guard.hpp"

using namespace kagami::http;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

constexpr unsigned versions[] = {11, 10, 9, 20, 12, 0, 11, 10};

void check_violation(const framing_result& r) {
  if (!r)
    return;
  check(r->status == 400 || r->status == 417 || r->status == 505);
  check(!r->reason.empty());
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool token(std::string_view s) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  if (s.empty())
    return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && extra.find(static_cast<char>(c)) == extra.npos)
      return false;
  return true;
}

/// The status the policy in framing_guard.hpp demands, or 0 to accept.
unsigned model(std::string_view method, unsigned version,
               const std::vector<header_field>& fields) {
  if (version != 10 && version != 11)
    return 505;
  if (!token(method))
    return 400;
  int cl = 0, te = 0, host = 0;
  for (auto& f : fields) {
    if (!token(f.name))
      return 400;
    for (unsigned char c : f.value)
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return 400;
    auto name = lower(f.name);
    auto dashed = name;
    for (auto& c : dashed)
      if (c == '_')
        c = '-';
    if (dashed == "content-length") {
      if (name != dashed || ++cl > 1 || f.value.empty() || f.value.size() > 19
          || f.value.find_first_not_of("0123456789") != f.value.npos)
        return 400;
    } else if (dashed == "transfer-encoding") {
      if (name != dashed || ++te > 1 || lower(f.value) != "chunked")
        return 400;
    } else if (name == "host") {
      if (++host > 1)
        return 400;
    } else if (name == "expect") {
      if (lower(f.value) != "100-continue")
        return 417;
    }
  }
  if (te > 0 && (version == 10 || cl > 0))
    return 400;
  if (version == 11 && host == 0)
    return 400;
  return 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  unsigned version = versions[data[0] % 8];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  // The raw head, complete and as it arrives.
  auto raw = check_raw_head(text, true);
  check_violation(raw);
  auto partial = check_raw_head(text, false);
  check_violation(partial);
  if (!raw) {
    check(!partial);
    size_t step = text.size() <= 512 ? 1 : text.size() / 256;
    for (size_t n = 0; n < text.size(); n += step)
      check(!check_raw_head(text.substr(0, n), false));
    auto end = text.find("\r\n\r\n");
    auto head = text.substr(0, end == text.npos ? text.npos : end + 4);
    check(head.find('\0') == head.npos);
    for (size_t i = 0; i < head.size(); ++i) {
      if (head[i] == '\r')
        check(i + 1 < head.size() && head[i + 1] == '\n');
      if (head[i] == '\n')
        check(i > 0 && head[i - 1] == '\r');
    }
  }

  // The parsed head.
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= text.size();) {
    auto eol = text.find('\n', pos);
    auto line = text.substr(pos, eol == text.npos ? text.npos : eol - pos);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    if (eol == text.npos)
      break;
    pos = eol + 1;
  }
  std::string_view method = lines.front();
  std::vector<header_field> fields;
  for (size_t i = 1; i < lines.size(); ++i) {
    auto colon = lines[i].find(':');
    if (colon == std::string_view::npos)
      fields.push_back({lines[i], {}});
    else
      fields.push_back({lines[i].substr(0, colon),
                        trim(lines[i].substr(colon + 1))});
  }
  auto head = check_request_head(method, version, fields);
  check_violation(head);
  auto expected = model(method, version, fields);
  check(head ? head->status == expected : expected == 0);

  // A chunk header.
  uint64_t chunk = size >= 2 ? data[size - 2] : 0;
  size_t ext = size >= 1 ? data[size - 1] % 4 : 0;
  auto c = check_chunk_header(chunk, text.substr(0, std::min(ext, text.size())));
  check_violation(c);
  check(static_cast<bool>(c) == (std::min(ext, text.size()) > 0));
  return 0;
}
