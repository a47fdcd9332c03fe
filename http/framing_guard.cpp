#include "http/framing_guard.hpp"

#include <cstddef>

namespace kagami::http {

namespace {

framing_result reject(std::string reason, unsigned status = 400) {
  return framing_violation{status, std::move(reason)};
}

bool is_tchar(unsigned char c) noexcept {
  // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
  //         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
      || (c >= 'A' && c <= 'Z'))
    return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '.': case '^': case '_': case '`': case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

/// Compares a field name with a lower-case dashed name, treating `_` in
/// `name` as `-`. Sets `exact` when no `_` was needed.
bool resembles(std::string_view name, std::string_view dashed, bool& exact) {
  exact = true;
  if (name.size() != dashed.size())
    return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = lower(name[i]);
    if (c == '_' && dashed[i] == '-') {
      exact = false;
      continue;
    }
    if (c != dashed[i])
      return false;
  }
  return true;
}

bool is_ctl_in_value(unsigned char c) noexcept {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

/// Checks `method SP target SP HTTP/d.d`, or a prefix of it when
/// `!complete`.
framing_result check_request_line(std::string_view line, bool complete) {
  auto malformed = [&]() -> framing_result {
    if (complete)
      return reject("malformed request line");
    return std::nullopt;
  };
  size_t n = line.size();
  size_t i = 0;
  while (i < n && is_tchar(static_cast<unsigned char>(line[i])))
    ++i;
  if (i == n)
    return malformed();
  if (i == 0 || line[i] != ' ')
    return reject("invalid method");
  size_t t0 = ++i;
  while (i < n && line[i] > 0x20 && line[i] < 0x7f)
    ++i;
  if (i == n)
    return malformed();
  if (i == t0 || line[i] != ' ')
    return reject("invalid request target");
  auto ver = line.substr(i + 1);
  constexpr std::string_view pattern = "HTTP/0.0";
  if (ver.size() > pattern.size())
    return reject("malformed HTTP version");
  for (size_t k = 0; k < ver.size(); ++k) {
    bool ok = pattern[k] == '0' ? (ver[k] >= '0' && ver[k] <= '9')
                                : ver[k] == pattern[k];
    if (!ok)
      return reject("malformed HTTP version");
  }
  if (ver.size() < pattern.size())
    return malformed();
  return std::nullopt;
}

} // namespace

bool is_token(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s)
    if (!is_tchar(static_cast<unsigned char>(c)))
      return false;
  return true;
}

framing_result check_raw_head(std::string_view head, bool complete) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < head.size()) {
    auto eol = head.find('\n', pos);
    bool terminated = eol != std::string_view::npos;
    if (!terminated)
      eol = head.size();
    else if (eol == pos || head[eol - 1] != '\r')
      return reject("bare LF in request head");
    auto line = head.substr(pos, (terminated ? eol - 1 : eol) - pos);
    // The unterminated tail of a partial head may end in the CR of its CRLF.
    bool prefix = !terminated && !complete;
    if (prefix && !line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    for (char c : line) {
      if (c == '\0')
        return reject("NUL byte in request head");
      if (c == '\r')
        return reject("bare CR in request head");
    }
    if (line_no == 0) {
      if (auto err = check_request_line(line, !prefix))
        return err;
    } else if (!line.empty()) {
      if (line.front() == ' ' || line.front() == '\t')
        return reject("obsolete line folding in request head");
      auto colon = line.find(':');
      if (colon == std::string_view::npos) {
        if (prefix && is_token(line))
          return std::nullopt; // a name still arriving
        return reject("header line without a colon");
      }
      if (!is_token(line.substr(0, colon)))
        return reject("invalid header field name");
      for (char c : line.substr(colon + 1))
        if (is_ctl_in_value(static_cast<unsigned char>(c)))
          return reject("control character in header field value");
    } else if (terminated) {
      break; // the empty line: end of head
    }
    ++line_no;
    pos = eol + 1;
  }
  return std::nullopt;
}

framing_result check_request_head(std::string_view method, unsigned version,
                                  std::span<const header_field> fields) {
  if (version != 10 && version != 11)
    return reject("only HTTP/1.0 and HTTP/1.1 are supported", 505);
  if (!is_token(method))
    return reject("invalid method");
  size_t content_length = 0;
  size_t transfer_encoding = 0;
  size_t host = 0;
  for (const auto& f : fields) {
    if (!is_token(f.name))
      return reject("invalid header field name");
    for (char c : f.value)
      if (is_ctl_in_value(static_cast<unsigned char>(c)))
        return reject("control character in header field value");
    bool exact = true;
    if (resembles(f.name, "content-length", exact)) {
      if (!exact)
        return reject("header field name resembles Content-Length");
      if (++content_length > 1)
        return reject("duplicate Content-Length");
      if (!all_digits(f.value) || f.value.size() > 19)
        return reject("Content-Length is not a plain decimal number");
    } else if (resembles(f.name, "transfer-encoding", exact)) {
      if (!exact)
        return reject("header field name resembles Transfer-Encoding");
      if (++transfer_encoding > 1)
        return reject("duplicate Transfer-Encoding");
      if (!iequals(f.value, "chunked"))
        return reject("Transfer-Encoding other than exactly chunked");
    } else if (iequals(f.name, "host")) {
      if (++host > 1)
        return reject("duplicate Host");
    } else if (iequals(f.name, "expect")) {
      if (!iequals(f.value, "100-continue"))
        return reject("unsupported expectation", 417);
    }
  }
  if (transfer_encoding > 0 && version == 10)
    return reject("chunked transfer coding on HTTP/1.0");
  if (transfer_encoding > 0 && content_length > 0)
    return reject("both Content-Length and Transfer-Encoding");
  if (version == 11 && host == 0)
    return reject("missing Host");
  return std::nullopt;
}

framing_result check_chunk_header(std::uint64_t, std::string_view extensions) {
  if (!extensions.empty())
    return reject("chunk extensions are not accepted");
  return std::nullopt;
}

} // namespace kagami::http
