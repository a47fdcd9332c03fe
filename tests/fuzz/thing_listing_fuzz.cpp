// libFuzzer target for the paging of GET /things (thing_listing.hpp).
//
// Input layout: byte 0 selects the page-size limits the caller passes
// (limits[byte 0 % 8]: default and maximum page size); byte 1 % 40 is the
// number of generated TDs; then text. Its first line is the query string,
// decoded by parse_target("/things?" + line) as the server does; each
// further line that is valid JSON is one more TD.
//
// Invariants: nothing crashes; an accepted query has 1 <= limit <= maximum
// (or the default) and format "array" or "collection"; the page body is
// valid JSON whenever the TDs are, and holds exactly the TDs of the page, in
// order; a Link header is there exactly when TDs follow, and its target
// parses back to the next page (same limit and format, an offset past this
// page), so a client that follows the links terminates.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/target.hpp"
#include "http/thing_listing.hpp"

using namespace kagami::http;
using json = nlohmann::json;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

constexpr size_t huge = std::numeric_limits<size_t>::max();

struct limits_preset {
  size_t default_limit;
  size_t max_limit;
};

constexpr limits_preset limits[] = {
  {100, 1000}, {1, 1}, {2, 5}, {10, 10},
  {3, 1000}, {100, huge}, {huge, huge}, {1000, 1000},
};

constexpr const char* base_url = "http://gw.example:8080";

/// True for JSON text that may be concatenated into a larger document: valid
/// JSON (RFC 8259), which nlohmann's accept() is not quite: it skips a
/// leading byte-order mark and stops at a NUL byte as if the input ended.
bool is_json(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF")
    return false;
  if (s.find('\0') != std::string_view::npos)
    return false;
  return json::accept(s);
}

std::multimap<std::string, std::string> decode_query(std::string_view line,
                                                     bool& ok) {
  target_parts parts;
  ok = !parse_target("/things?" + std::string{line}, parts);
  return parts.query;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  auto preset = limits[data[0] % 8];
  size_t generated = data[1] % 40;
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  auto eol = text.find('\n');
  auto query_line = text.substr(0, eol);

  std::vector<std::string> td_texts;
  for (size_t i = 0; i < generated; ++i)
    td_texts.push_back(R"({"@context":"https://www.w3.org/2022/wot/td/v1.1",)"
                       R"("id":"urn:kagami:thing-)"
                       + std::to_string(i) + R"(","title":"t\u00e9 \"x\""})");
  while (eol != std::string_view::npos) {
    auto start = eol + 1;
    eol = text.find('\n', start);
    auto line = text.substr(start, eol == text.npos ? text.npos : eol - start);
    if (is_json(line))
      td_texts.emplace_back(line);
  }
  std::vector<const std::string*> tds;
  for (auto& t : td_texts)
    tds.push_back(&t);

  bool ok = false;
  auto params = decode_query(query_line, ok);
  if (!ok)
    return 0;
  auto q = parse_listing_query(params, preset.default_limit, preset.max_limit);
  if (!q)
    return 0;
  check(q->limit >= 1 && q->limit <= preset.max_limit);
  if (params.count("limit") == 0)
    check(q->limit == preset.default_limit);
  check(q->format == "array" || q->format == "collection");

  auto page = make_listing_page(tds, *q, base_url);
  check(is_json(page.body));
  auto body = json::parse(page.body);
  const json* members = &body;
  if (q->format == "collection") {
    check(body.is_object());
    check(body["total"] == tds.size());
    members = &body["members"];
  }
  check(members->is_array());
  size_t first = std::min(q->offset, tds.size());
  size_t expected = std::min(q->limit, tds.size() - first);
  check(members->size() == expected);
  for (size_t i = 0; i < expected; ++i)
    check((*members)[i] == json::parse(*tds[first + i]));
  size_t last = first + expected;

  check(page.link.empty() == (last == tds.size()));
  if (page.link.empty()) {
    if (q->format == "collection")
      check(!body.contains("next"));
    return 0;
  }
  std::string_view link = page.link;
  std::string_view prefix = "<http://gw.example:8080";
  std::string_view suffix = ">; rel=\"next\"";
  check(link.substr(0, prefix.size()) == prefix);
  check(link.size() > prefix.size() + suffix.size());
  check(link.substr(link.size() - suffix.size()) == suffix);
  auto next = link.substr(prefix.size(),
                          link.size() - prefix.size() - suffix.size());
  if (q->format == "collection")
    check(body["next"] == std::string{next});
  target_parts parts;
  check(!parse_target(next, parts));
  check(parts.path == "/things");
  auto q2 = parse_listing_query(parts.query, preset.default_limit,
                                preset.max_limit);
  check(static_cast<bool>(q2));
  check(q2->offset == last && q2->offset > first);
  check(q2->limit == q->limit);
  check(q2->format == q->format);
  return 0;
}
