#pragma once

// Malformed and smuggling requests, each with the status a hardened server
// must answer before it closes the connection. Shared by the tests of the
// bare http::server (http_hardening_test.cpp) and of the whole gateway: the
// requests are refused before routing, so the paths do not matter.
//
// Send each on a fresh connection (raw_http_client.hpp), expect `status`
// (application/problem+json, Connection: close) and then a closed
// connection.

#include <ostream>
#include <string>
#include <vector>

namespace kagami::test {

struct malformed_case {
  /// A short name, usable as a gtest parameter name ([A-Za-z0-9_]).
  const char* label;
  /// The raw bytes to send.
  std::string bytes;
  /// The expected status.
  unsigned status = 400;
};

/// gtest prints the label instead of the bytes.
inline void PrintTo(const malformed_case& c, std::ostream* os) {
  *os << c.label;
}

/// The request-smuggling patterns Boost.Beast 1.74 alone accepts, plus the
/// other framing violations the server refuses (FACTS.md, framing_guard.hpp).
inline const std::vector<malformed_case>& smuggling_cases() {
  static const std::vector<malformed_case> cases = {
    {"chunked_on_http10",
     "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5\r\nhello\r\n0\r\n\r\n"},
    {"te_not_ending_in_chunked",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n"
     "\r\n5\r\nhello\r\n0\r\n\r\n"},
    {"te_gzip_chunked",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n"
     "\r\n5\r\nhello\r\n0\r\n\r\n"},
    {"te_identity_with_cl",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n"
     "Content-Length: 5\r\n\r\nhello"},
    {"cl_then_te",
     "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    {"te_then_cl",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
     "Content-Length: 5\r\n\r\n0\r\n\r\n"},
    {"cl_then_te_not_chunked",
     "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     "Transfer-Encoding: gzip\r\n\r\nhello"},
    {"te_not_chunked_then_cl",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n"
     "Content-Length: 5\r\n\r\nhello"},
    {"duplicate_te",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    {"duplicate_cl_equal",
     "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     "Content-Length: 5\r\n\r\nhello"},
    {"duplicate_cl_different",
     "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     "Content-Length: 6\r\n\r\nhello!"},
    {"cl_list", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\n"
                "hello"},
    {"cl_plus", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\n"
                "hello"},
    {"cl_underscore",
     "POST /echo HTTP/1.1\r\nHost: t\r\nContent_Length: 5\r\n\r\nhello"},
    {"te_underscore",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer_Encoding: chunked\r\n\r\n"
     "0\r\n\r\n"},
    {"space_before_colon",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n"
     "0\r\n\r\n"},
    {"obs_fold_te",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n chunked\r\n"
     "\r\n0\r\n\r\n"},
    {"obs_fold_other",
     "GET /echo HTTP/1.1\r\nHost: t\r\nX-A: a\r\n\tb\r\n\r\n"},
    {"chunk_extension",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5;ext=1\r\nhello\r\n0\r\n\r\n"},
    {"last_chunk_extension",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5\r\nhello\r\n0;x\r\n\r\n"},
    {"huge_chunk_extension",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5;" + std::string(4000, 'a') + "\r\nhello\r\n0\r\n\r\n"},
    {"trailer",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5\r\nhello\r\n0\r\nX-Injected: 1\r\n\r\n"},
    {"huge_trailers",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5\r\nhello\r\n0\r\nX-Injected: " + std::string(4000, 'a') + "\r\n\r\n"},
    {"bare_lf", "GET /echo HTTP/1.1\nHost: t\n\n"},
    {"missing_host", "GET /echo HTTP/1.1\r\n\r\n"},
    {"duplicate_host", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
    {"nul_in_value", std::string{"GET /echo HTTP/1.1\r\nHost: t\r\nX: a"}
                       + '\0' + "\r\n\r\n"},
    {"encoded_slash", "GET /things/a%2Fb HTTP/1.1\r\nHost: t\r\n\r\n"},
    {"absolute_form", "GET http://t/echo HTTP/1.1\r\nHost: t\r\n\r\n"},
    {"http2_version", "GET /echo HTTP/2.0\r\nHost: t\r\n\r\n", 505},
    {"expect_other",
     "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\n"
     "Content-Length: 1\r\n\r\nx",
     417},
  };
  return cases;
}


} // namespace kagami::test
