#pragma once

// Request framing policy: the checks that close the request-smuggling holes
// Boost.Beast 1.74 leaves open (see /work/shared/FACTS.md), plus the RFC 9112
// rules a server MUST enforce on a request head.
//
// Plain C++ without Beast: the server feeds it the raw head bytes, then the
// parsed method, version and fields, then every chunk header. Each check
// returns nullopt when the input is acceptable, or the status and reason to
// answer with. Any violation means the server answers and closes the
// connection, because the framing of whatever follows cannot be trusted.
//
// Policy, deliberately stricter than RFC 9112 where that costs nothing:
// - versions: only HTTP/1.0 and HTTP/1.1 (else 505);
// - the head: no NUL, no bare CR or LF, no obs-fold, no CTL in a value;
// - Transfer-Encoding: at most one field, exactly `chunked`, never on
//   HTTP/1.0, never together with Content-Length;
// - Content-Length: at most one field (even with equal values), 1 to 19
//   plain digits;
// - no field whose name only resembles Content-Length or Transfer-Encoding
//   (`Content_Length`), as some proxies map `_` to `-`;
// - Host: exactly one on HTTP/1.1, at most one on HTTP/1.0;
// - Expect: only `100-continue` (else 417);
// - chunk extensions: none (the size line must be plain hex digits).
// Trailers are bounded by the server's read buffer (header_limit) and
// refused by the server when present.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kagami::http {

/// One header field as the parser split it: the name as sent and the value
/// without the surrounding optional whitespace.
struct header_field {
  std::string_view name;
  std::string_view value;
};

/// Why a request is refused. `status` is 400, 417 or 505.
struct framing_violation {
  unsigned status = 400;
  std::string reason;
};

/// nullopt: acceptable.
using framing_result = std::optional<framing_violation>;

/// Checks the raw bytes of a request head: the request line (`token SP
/// target SP HTTP/d.d`, target of visible ASCII only), the field lines and
/// the terminating empty line. Rejects NUL, bare CR, bare LF, obs-fold (a
/// field line starting with SP or HTAB), field lines without a colon or with
/// a name that is not a token (whitespace before the colon), and control
/// characters in field values.
///
/// With `complete == false`, `head` is the prefix received so far: the last,
/// unterminated line is checked as a prefix (a trailing CR is allowed), so
/// garbage is refused before the whole head has arrived.
framing_result check_raw_head(std::string_view head, bool complete = true);

/// Checks the parsed request head. `version` is 10 * major + minor (11 for
/// HTTP/1.1). `fields` are in wire order, names as sent (any case).
framing_result check_request_head(std::string_view method, unsigned version,
                                  std::span<const header_field> fields);

/// Checks one chunk-size line as the parser reports it: `size` is the chunk
/// size (0 for the last chunk), `extensions` the raw chunk-ext text. Any
/// extension is refused.
framing_result check_chunk_header(std::uint64_t size,
                                  std::string_view extensions);

/// True when `s` is a non-empty RFC 9110 token (the syntax of methods and
/// field names).
bool is_token(std::string_view s) noexcept;

} // namespace kagami::http
