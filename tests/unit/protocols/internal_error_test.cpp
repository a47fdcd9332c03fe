// internal_error_reporter: the text, the rate limit, a throwing sink.

#include <chrono>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocols/discovery/internal_error.hpp"

using namespace kagami::protocols;
using namespace std::chrono_literals;

namespace {

struct recorded {
  discovery_kind kind;
  std::string from;
  std::string reason;
};

TEST(describe_exception, names_what_or_unknown) {
  EXPECT_EQ(describe_exception(std::make_exception_ptr(std::runtime_error{"boom"})),
            "boom");
  EXPECT_EQ(describe_exception(std::make_exception_ptr(std::bad_alloc{})),
            std::bad_alloc{}.what());
  EXPECT_EQ(describe_exception(std::make_exception_ptr(42)), "unknown exception");
  EXPECT_EQ(describe_exception(nullptr), "unknown exception");
}

TEST(internal_error_reporter, reports_at_most_once_per_gap_and_counts_the_rest) {
  std::vector<recorded> got;
  discovery_sink sink{{}, [&](discovery_kind k, std::string from, std::string why) {
                        got.push_back({k, std::move(from), std::move(why)});
                      }};
  internal_error_reporter r{discovery_kind::upnp, "ssdp:ot0", 10s};
  auto t0 = internal_error_reporter::clock::time_point{} + 1h;
  auto boom = std::make_exception_ptr(std::runtime_error{"boom"});
  r.report(sink, boom, t0);
  r.report(sink, boom, t0 + 1s);
  r.report(sink, boom, t0 + 9s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, discovery_kind::upnp);
  EXPECT_EQ(got[0].from, "ssdp:ot0");
  EXPECT_EQ(got[0].reason, "internal error: boom");
  r.report(sink, std::make_exception_ptr(std::bad_alloc{}), t0 + 10s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].reason, std::string{"internal error: "} + std::bad_alloc{}.what()
                             + " (2 earlier internal errors not reported)");
  EXPECT_EQ(r.total(), 4u);
  EXPECT_EQ(r.held_back(), 2u);
}

TEST(internal_error_reporter, current_exception_by_default) {
  std::vector<std::string> got;
  discovery_sink sink{{}, [&](discovery_kind, std::string, std::string why) {
                        got.push_back(std::move(why));
                      }};
  internal_error_reporter r{discovery_kind::ble, "org.bluez /"};
  try {
    throw std::logic_error{"from the sink"};
  } catch (...) {
    r.report(sink);
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "internal error: from the sink");
}

TEST(internal_error_reporter, survives_a_throwing_or_missing_sink) {
  int calls = 0;
  discovery_sink throwing{{}, [&](discovery_kind, std::string, std::string) {
                            ++calls;
                            throw std::runtime_error{"sink down"};
                          }};
  internal_error_reporter r{discovery_kind::htip, "pcap:ot0", 0s};
  auto boom = std::make_exception_ptr(std::runtime_error{"boom"});
  EXPECT_NO_THROW(r.report(throwing, boom));
  EXPECT_NO_THROW(r.report(throwing, boom));
  EXPECT_EQ(calls, 2);
  EXPECT_NO_THROW(r.report(discovery_sink{}, boom));
  EXPECT_EQ(r.total(), 3u);
}

} // namespace
