// GET /admin/audit query parameters -> audit filter.

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "actors/security/admin/audit_query_params.hpp"

namespace kagami::security {
namespace {

using params = std::multimap<std::string, std::string>;

TEST(audit_query_params, every_filter_is_read) {
  auto f = parse_audit_query({{"subject", "user:alice"}, {"thing", "plc-1"},
                              {"op", "writeproperty"}, {"outcome", "denied"},
                              {"from", "1000"}, {"to", "2000"}, {"after", "7"},
                              {"limit", "50"}});
  ASSERT_TRUE(f) << detail_of(f.error());
  EXPECT_EQ(f->subject, "user:alice");
  EXPECT_EQ(f->thing, "plc-1");
  EXPECT_EQ(f->op, "writeproperty");
  EXPECT_EQ(f->outcome, storage::audit_outcome::denied);
  EXPECT_EQ(f->from_ms, 1000);
  EXPECT_EQ(f->to_ms, 2000);
  EXPECT_EQ(f->after_sequence, 7u);
  EXPECT_EQ(f->limit, 50u);
  auto none = parse_audit_query({});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->subject);
  EXPECT_EQ(none->limit, 100u);
}

TEST(audit_query_params, bad_parameters_are_refused_by_name) {
  std::vector<std::pair<params, std::string>> cases{
    {{{"subjct", "x"}}, "unknown query parameter 'subjct'"},
    {{{"thing", "a"}, {"thing", "b"}}, "query parameter 'thing' given twice"},
    {{{"outcome", "maybe"}}, "query parameter 'outcome'"},
    {{{"from", "-1"}}, "query parameter 'from'"},
    {{{"to", "12x"}}, "query parameter 'to'"},
    {{{"after", ""}}, "query parameter 'after'"},
    {{{"limit", "0"}}, "query parameter 'limit'"},
    {{{"limit", "10001"}}, "query parameter 'limit'"},
    {{{"limit", "99999999999999999999999"}}, "query parameter 'limit'"},
  };
  for (auto& [p, prefix] : cases) {
    auto f = parse_audit_query(p);
    ASSERT_FALSE(f) << prefix;
    EXPECT_EQ(code_of(f.error()), ec::invalid_value);
    EXPECT_EQ(detail_of(f.error()).rfind(prefix, 0), 0u) << detail_of(f.error());
  }
}

} // namespace
} // namespace kagami::security
