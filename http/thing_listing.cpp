#include "http/thing_listing.hpp"

#include <algorithm>
#include <charconv>

#include "actors/core/error.hpp"

namespace kagami::http {

namespace {

caf::expected<size_t> parse_count(const std::string& name, const std::string& text) {
  size_t value = 0;
  auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc{} || ptr != text.data() + text.size())
    return make_error(ec::invalid_value,
                      "query parameter '" + name + "' must be a non-negative integer");
  return value;
}

} // namespace

caf::expected<listing_query>
parse_listing_query(const std::multimap<std::string, std::string>& params,
                    size_t default_limit, size_t max_limit) {
  listing_query q;
  q.limit = default_limit;
  if (params.count("offset") > 1 || params.count("limit") > 1
      || params.count("format") > 1)
    return make_error(ec::invalid_value, "a query parameter is given twice");
  if (auto it = params.find("offset"); it != params.end()) {
    auto v = parse_count("offset", it->second);
    if (!v)
      return v.error();
    q.offset = *v;
  }
  if (auto it = params.find("limit"); it != params.end()) {
    auto v = parse_count("limit", it->second);
    if (!v)
      return v.error();
    if (*v == 0 || *v > max_limit)
      return make_error(ec::invalid_value, "query parameter 'limit' must be 1.."
                                             + std::to_string(max_limit));
    q.limit = *v;
  }
  if (auto it = params.find("format"); it != params.end()) {
    if (it->second != "array" && it->second != "collection")
      return make_error(ec::invalid_value,
                        "query parameter 'format' must be 'array' or 'collection'");
    q.format = it->second;
  }
  return q;
}

listing_page make_listing_page(const std::vector<const std::string*>& tds,
                               const listing_query& q,
                               const std::string& base_url) {
  listing_page page;
  auto first = std::min(q.offset, tds.size());
  // Not min(first + q.limit, ...): that wraps for a limit near SIZE_MAX.
  auto last = first + std::min(q.limit, tds.size() - first);
  std::string members = "[";
  for (auto i = first; i < last; ++i) {
    if (i > first)
      members += ',';
    members += *tds[i];
  }
  members += ']';
  std::string next;
  if (last < tds.size())
    next = "/things?offset=" + std::to_string(last) + "&limit="
           + std::to_string(q.limit)
           + (q.format == "array" ? "" : "&format=" + q.format);
  if (!next.empty())
    page.link = "<" + base_url + next + ">; rel=\"next\"";
  if (q.format == "array") {
    page.body = std::move(members);
  } else {
    page.body = "{\"@context\":\"https://www.w3.org/2022/wot/discovery\","
                "\"@type\":\"ThingCollection\",\"total\":"
                + std::to_string(tds.size()) + ",\"members\":" + members;
    if (!next.empty())
      page.body += ",\"next\":\"" + next + "\"";
    page.body += "}";
  }
  return page;
}

} // namespace kagami::http
