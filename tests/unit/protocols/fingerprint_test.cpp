// fields_fingerprint: FNV-1a-64 with a 0xFF after every field, pinned to
// values computed by an independent implementation (Python, in the commit
// that added this test), so that a sighting's fingerprint stays what
// onboarding stored before.

#include <string>

#include <gtest/gtest.h>

#include "protocols/discovery/fingerprint.hpp"

using kagami::protocols::fields_fingerprint;

namespace {

TEST(fields_fingerprint, is_fnv1a_64_with_a_separator_after_each_field) {
  EXPECT_EQ(fields_fingerprint({}), "cbf29ce484222325"); // the offset basis
  EXPECT_EQ(fields_fingerprint({"a"}), "089bc907b544c769");
  EXPECT_EQ(fields_fingerprint({"http://10.0.0.5:80/d.xml", "7", "-"}),
            "0eb1ed7ddea16dba");
}

TEST(fields_fingerprint, tells_where_a_field_ends) {
  EXPECT_EQ(fields_fingerprint({"ab", "c"}), "20ba9b3025a8b421");
  EXPECT_EQ(fields_fingerprint({"a", "bc"}), "a0a3542c19b900ab");
  EXPECT_NE(fields_fingerprint({"a", ""}), fields_fingerprint({"a"}));
}

} // namespace
