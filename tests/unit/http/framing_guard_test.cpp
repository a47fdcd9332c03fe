#include "http/framing_guard.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kagami::http {
namespace {

// -- check_request_head -------------------------------------------------------

struct head_case {
  const char* label;
  const char* method;
  unsigned version;
  std::vector<header_field> fields;
  unsigned status; // 0: accepted
};

std::ostream& operator<<(std::ostream& os, const head_case& c) {
  return os << c.label;
}

class request_head_table : public ::testing::TestWithParam<head_case> {};

TEST_P(request_head_table, verdict) {
  const auto& c = GetParam();
  auto v = check_request_head(c.method, c.version, c.fields);
  if (c.status == 0) {
    EXPECT_FALSE(v) << v->reason;
  } else {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->status, c.status) << v->reason;
    EXPECT_FALSE(v->reason.empty());
  }
}

const header_field host{"Host", "gw"};

INSTANTIATE_TEST_SUITE_P(
  smuggling, request_head_table,
  ::testing::Values(
    // Accepted.
    head_case{"plain_get", "GET", 11, {host}, 0},
    head_case{"http10_without_host", "GET", 10, {}, 0},
    head_case{"content_length", "POST", 11, {host, {"Content-Length", "5"}},
              0},
    head_case{"content_length_zero", "POST", 11,
              {host, {"content-length", "0"}}, 0},
    head_case{"chunked", "POST", 11, {host, {"Transfer-Encoding", "chunked"}},
              0},
    head_case{"chunked_any_case", "POST", 11,
              {host, {"transfer-encoding", "Chunked"}}, 0},
    head_case{"expect_continue", "POST", 11,
              {host, {"Expect", "100-continue"}, {"Content-Length", "3"}}, 0},
    head_case{"custom_method", "PATCH", 11, {host}, 0},
    // Versions.
    head_case{"http09", "GET", 9, {host}, 505},
    head_case{"http12", "GET", 12, {host}, 505},
    head_case{"http20", "GET", 20, {host}, 505},
    // Transfer-Encoding.
    head_case{"chunked_on_http10", "POST", 10,
              {{"Transfer-Encoding", "chunked"}}, 400},
    head_case{"te_not_ending_in_chunked", "POST", 11,
              {host, {"Transfer-Encoding", "chunked, gzip"}}, 400},
    head_case{"te_list_ending_in_chunked", "POST", 11,
              {host, {"Transfer-Encoding", "gzip, chunked"}}, 400},
    head_case{"te_identity", "POST", 11,
              {host, {"Transfer-Encoding", "identity"}}, 400},
    head_case{"te_empty", "POST", 11, {host, {"Transfer-Encoding", ""}}, 400},
    head_case{"te_chunked_twice_in_list", "POST", 11,
              {host, {"Transfer-Encoding", "chunked, chunked"}}, 400},
    head_case{"te_duplicate_fields", "POST", 11,
              {host,
               {"Transfer-Encoding", "chunked"},
               {"Transfer-Encoding", "chunked"}},
              400},
    head_case{"te_split_over_fields", "POST", 11,
              {host,
               {"Transfer-Encoding", "gzip"},
               {"Transfer-Encoding", "chunked"}},
              400},
    head_case{"te_with_junk", "POST", 11,
              {host, {"Transfer-Encoding", "xchunked"}}, 400},
    head_case{"te_quoted", "POST", 11,
              {host, {"Transfer-Encoding", "\"chunked\""}}, 400},
    head_case{"te_with_tab", "POST", 11,
              {host, {"Transfer-Encoding", "chunked\t,"}}, 400},
    // Content-Length together with Transfer-Encoding, both orders.
    head_case{"cl_then_te", "POST", 11,
              {host, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}},
              400},
    head_case{"te_then_cl", "POST", 11,
              {host, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}},
              400},
    head_case{"cl_then_te_gzip", "POST", 11,
              {host, {"Content-Length", "5"}, {"Transfer-Encoding", "gzip"}},
              400},
    // Content-Length.
    head_case{"cl_duplicate_equal", "POST", 11,
              {host, {"Content-Length", "5"}, {"Content-Length", "5"}}, 400},
    head_case{"cl_duplicate_different", "POST", 11,
              {host, {"Content-Length", "5"}, {"content-length", "6"}}, 400},
    head_case{"cl_list", "POST", 11, {host, {"Content-Length", "5, 5"}}, 400},
    head_case{"cl_sign", "POST", 11, {host, {"Content-Length", "+5"}}, 400},
    head_case{"cl_negative", "POST", 11, {host, {"Content-Length", "-1"}},
              400},
    head_case{"cl_hex", "POST", 11, {host, {"Content-Length", "0x5"}}, 400},
    head_case{"cl_empty", "POST", 11, {host, {"Content-Length", ""}}, 400},
    head_case{"cl_space_inside", "POST", 11, {host, {"Content-Length", "1 2"}},
              400},
    head_case{"cl_too_long", "POST", 11,
              {host, {"Content-Length", "99999999999999999999"}}, 400},
    // Names that only resemble the framing fields.
    head_case{"cl_underscore", "POST", 11, {host, {"Content_Length", "5"}},
              400},
    head_case{"te_underscore", "POST", 11,
              {host, {"Transfer_Encoding", "chunked"}}, 400},
    head_case{"name_trailing_space", "POST", 11,
              {host, {"Transfer-Encoding ", "chunked"}}, 400},
    head_case{"name_leading_space", "POST", 11,
              {host, {" Content-Length", "5"}}, 400},
    head_case{"name_empty", "GET", 11, {host, {"", "x"}}, 400},
    // Values with control characters (obs-fold residue).
    head_case{"value_with_crlf", "POST", 11,
              {host, {"Transfer-Encoding", "chunked\r\n x"}}, 400},
    head_case{"value_with_lf", "GET", 11, {host, {"X-A", "a\nb"}}, 400},
    head_case{"value_with_nul", "GET", 11,
              {host, {"X-A", std::string_view{"a\0b", 3}}}, 400},
    // Host.
    head_case{"http11_without_host", "GET", 11, {}, 400},
    head_case{"duplicate_host", "GET", 11, {host, {"host", "other"}}, 400},
    head_case{"duplicate_host_http10", "GET", 10, {host, host}, 400},
    // Expect and method.
    head_case{"expect_other", "POST", 11, {host, {"Expect", "200-ok"}}, 417},
    head_case{"method_not_token", "GE T", 11, {host}, 400},
    head_case{"method_empty", "", 11, {host}, 400}));

// -- check_raw_head -----------------------------------------------------------

struct raw_case {
  const char* label;
  std::string head;
  bool complete;
  bool ok;
};

std::ostream& operator<<(std::ostream& os, const raw_case& c) {
  return os << c.label;
}

class raw_head_table : public ::testing::TestWithParam<raw_case> {};

TEST_P(raw_head_table, verdict) {
  const auto& c = GetParam();
  auto v = check_raw_head(c.head, c.complete);
  if (c.ok) {
    EXPECT_FALSE(v) << v->reason;
  } else {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->status, 400u);
  }
}

INSTANTIATE_TEST_SUITE_P(
  raw, raw_head_table,
  ::testing::Values(
    raw_case{"plain", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", true, true},
    raw_case{"no_fields", "GET / HTTP/1.0\r\n\r\n", true, true},
    raw_case{"tab_in_value", "GET / HTTP/1.1\r\nX: a\tb\r\n\r\n", true, true},
    raw_case{"obs_text_in_value", "GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n",
             true, true},
    raw_case{"obs_fold_space",
             "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n", true,
             false},
    raw_case{"obs_fold_tab", "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", true,
             false},
    raw_case{"space_before_colon",
             "POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\n", true, false},
    raw_case{"space_before_name", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", true,
             false},
    raw_case{"no_colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", true, false},
    raw_case{"bare_lf", "GET / HTTP/1.1\nHost: a\r\n\r\n", true, false},
    raw_case{"bare_lf_end", "GET / HTTP/1.1\r\nHost: a\n\n", true, false},
    raw_case{"bare_cr", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", true, false},
    raw_case{"nul", std::string{"GET / HTTP/1.1\r\nX: a"} + '\0' + "\r\n\r\n",
             true, false},
    raw_case{"ctl_in_value", "GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", true,
             false},
    raw_case{"del_in_value", "GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", true,
             false},
    raw_case{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", false,
             false},
    raw_case{"garbage_line", "hello world\r\n\r\n", true, false},
    raw_case{"no_version", "GET /\r\n\r\n", true, false},
    raw_case{"bad_version", "GET / HTTX/1.1\r\n\r\n", true, false},
    raw_case{"long_version", "GET / HTTP/1.11\r\n\r\n", true, false},
    raw_case{"space_in_target", "GET /a b HTTP/1.1\r\n\r\n", true, false},
    raw_case{"utf8_in_target", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", true,
             false},
    raw_case{"double_space", "GET  / HTTP/1.1\r\n\r\n", true, false},
    raw_case{"bad_method_char", "G(ET / HTTP/1.1\r\n\r\n", true, false},
    // Partial heads: prefixes are fine, garbage is caught early.
    raw_case{"partial_method", "GE", false, true},
    raw_case{"partial_target", "GET /thi", false, true},
    raw_case{"partial_version", "GET / HT", false, true},
    raw_case{"partial_cr", "GET / HTTP/1.1\r", false, true},
    raw_case{"partial_field_name", "GET / HTTP/1.1\r\nHos", false, true},
    raw_case{"partial_field_value", "GET / HTTP/1.1\r\nHost: a\r", false,
             true},
    raw_case{"partial_end", "GET / HTTP/1.1\r\nHost: a\r\n\r", false, true},
    raw_case{"partial_obs_fold", "GET / HTTP/1.1\r\nX: a\r\n ", false, false},
    raw_case{"partial_bad_method", "GE\x01", false, false},
    raw_case{"partial_bad_name", "GET / HTTP/1.1\r\nHo st", false, false},
    raw_case{"complete_but_cut", "GET / HT", true, false}));

// -- check_chunk_header -------------------------------------------------------

TEST(framing_guard, chunk_extensions_are_refused) {
  EXPECT_FALSE(check_chunk_header(5, ""));
  EXPECT_FALSE(check_chunk_header(0, ""));
  EXPECT_TRUE(check_chunk_header(5, ";a=b"));
  EXPECT_TRUE(check_chunk_header(0, ";last"));
  EXPECT_TRUE(check_chunk_header(5, std::string(100000, ';')));
}

TEST(framing_guard, tokens) {
  EXPECT_TRUE(is_token("Content-Length"));
  EXPECT_TRUE(is_token("x!#$%&'*+-.^_`|~9"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a:b"));
  EXPECT_FALSE(is_token("a\"b"));
  EXPECT_FALSE(is_token("caf\xc3\xa9"));
}

} // namespace
} // namespace kagami::http
