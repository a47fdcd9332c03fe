#include "http/problem.hpp"

#include "actors/core/error.hpp"

#include <gtest/gtest.h>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

namespace kagami::http {
namespace {

struct ec_case {
  ec code;
  unsigned status;
};

std::ostream& operator<<(std::ostream& os, const ec_case& c) {
  return os << to_string(c.code);
}

class ec_table : public ::testing::TestWithParam<ec_case> {};

TEST_P(ec_table, maps_code_to_status) {
  const auto& c = GetParam();
  EXPECT_EQ(status_of(c.code), c.status);
  if (c.code == ec::none)
    return; // an error with code 0 is "no error" in CAF
  auto err = make_error(c.code, "detail for " + std::string{to_string(c.code)});
  EXPECT_EQ(status_of(err), c.status);
  auto p = problem_of(err, "/things/x");
  EXPECT_EQ(p.status, c.status);
  EXPECT_EQ(p.type, std::string{"urn:kagami:problem:"} + to_string(c.code));
  EXPECT_FALSE(p.title.empty());
  EXPECT_EQ(p.instance, "/things/x");
  // Details only for client errors: 5xx details may name the real device.
  if (c.status < 500)
    EXPECT_EQ(p.detail, "detail for " + std::string{to_string(c.code)});
  else
    EXPECT_EQ(p.detail, "");
}

INSTANTIATE_TEST_SUITE_P(
  all_codes, ec_table,
  ::testing::Values(ec_case{ec::none, 500}, ec_case{ec::not_found, 404},
                    ec_case{ec::invalid_value, 400},
                    ec_case{ec::not_writable, 405},
                    ec_case{ec::device_timeout, 504},
                    ec_case{ec::device_error, 502},
                    ec_case{ec::device_bad_reply, 502},
                    ec_case{ec::config_invalid, 500},
                    ec_case{ec::storage_failure, 500},
                    ec_case{ec::unavailable, 503},
                    ec_case{ec::internal, 500}));

TEST(problem, caf_errors) {
  auto timeout = caf::make_error(caf::sec::request_timeout);
  EXPECT_EQ(status_of(timeout), 504u);
  auto p = problem_of(timeout);
  EXPECT_EQ(p.status, 504u);
  EXPECT_EQ(p.type, "urn:kagami:problem:request_timeout");
  EXPECT_EQ(status_of(caf::make_error(caf::sec::request_receiver_down)), 503u);
  EXPECT_EQ(status_of(caf::make_error(caf::sec::unexpected_message)), 500u);
  EXPECT_EQ(problem_of(caf::make_error(caf::sec::unexpected_message)).status,
            500u);
  EXPECT_EQ(status_of(caf::error{}), 500u);
  EXPECT_EQ(problem_of(caf::error{}).status, 500u);
}

TEST(problem, json_shape) {
  auto p = make_problem(404, "no thing \"x\"", "/things/x");
  auto j = nlohmann::json::parse(to_json(p));
  EXPECT_EQ(j["type"], "about:blank");
  EXPECT_EQ(j["title"], "Not Found");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["detail"], "no thing \"x\"");
  EXPECT_EQ(j["instance"], "/things/x");
  // Empty optional members are omitted.
  auto k = nlohmann::json::parse(to_json(make_problem(500)));
  EXPECT_FALSE(k.contains("detail"));
  EXPECT_FALSE(k.contains("instance"));
  EXPECT_EQ(k["title"], "Internal Server Error");
}

TEST(problem, json_is_valid_for_hostile_strings) {
  problem p;
  p.status = 400;
  static constexpr char hostile[] = "bad \xff\xfe utf8 \x01 ctl \0 nul";
  p.detail = std::string{hostile, sizeof(hostile) - 1};
  p.instance = "</script>\n";
  auto text = to_json(p);
  auto j = nlohmann::json::parse(text); // must not throw
  EXPECT_EQ(j["instance"], "</script>\n");
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(problem, reason_phrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(504), "Gateway Timeout");
  EXPECT_EQ(reason_phrase(799), "Unknown");
}

} // namespace
} // namespace kagami::http
