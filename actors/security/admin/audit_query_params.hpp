#pragma once

// The filters of GET /admin/audit, from its query parameters:
//   subject, thing, op        exact match
//   outcome                   allowed | denied | error
//   from, to                  milliseconds since the Unix epoch (from <= t < to)
//   after                     a sequence number (paging)
//   limit                     1..max_audit_query_limit (default 100)
// Unknown parameters and repeated ones are errors, so a typo never widens a
// query silently. Plain C++; errors are ec::invalid_value naming the
// parameter.

#include <map>
#include <string>

#include <caf/expected.hpp>

#include "storage/audit_query.hpp"

namespace kagami::security {

caf::expected<storage::audit_filter>
parse_audit_query(const std::multimap<std::string, std::string>& params);

} // namespace kagami::security
