#pragma once

// Paging of GET /things (WoT Discovery, "things" API): parses offset, limit
// and format, and builds the page body and the Link header to the next page.
// Plain C++.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace kagami::http {

struct listing_query {
  size_t offset = 0;
  size_t limit = 100;
  /// "array" (a JSON array of TDs) or "collection" (an object with members).
  std::string format = "array";
};

/// Parses `offset`, `limit` and `format`. Unknown parameters are ignored;
/// bad values give ec::invalid_value naming the parameter.
caf::expected<listing_query>
parse_listing_query(const std::multimap<std::string, std::string>& params,
                    size_t default_limit, size_t max_limit);

struct listing_page {
  /// The response body.
  std::string body;
  /// The value of the Link header, empty on the last page.
  std::string link;
};

/// Builds one page from the TDs (JSON text, in id order).
listing_page make_listing_page(const std::vector<const std::string*>& tds,
                               const listing_query& q,
                               const std::string& base_url);

} // namespace kagami::http
