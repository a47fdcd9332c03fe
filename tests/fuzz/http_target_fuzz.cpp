// libFuzzer target for the request-target decoder (target.hpp) and the WoT
// router (router.hpp), which sees the decoded path.
//
// Input layout: byte 0 selects the method (methods[byte 0 % 8]); the rest is
// the request target as sent on the request line ("/things/a%20b?x=1").
//
// Invariants: nothing crashes; a decoded path starts with '/', holds no NUL
// or other control character and exactly as many '/' as the raw path (no
// encoded slash surprise), and equals the raw path when that has no '%';
// decoded query keys and values hold no control character. On the decoded
// path and, to reach the router with bytes the decoder refuses, on the raw
// bytes themselves: a match is deterministic, a matched route rebuilds the
// path from its literals and params, every param satisfies is_valid_name, a
// 405 lists sorted unique methods, a 400 gives a reason.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/router.hpp"
#include "http/target.hpp"

using namespace kagami::http;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

constexpr const char* methods[] = {"GET",    "PUT",  "POST", "DELETE",
                                   "PATCH",  "HEAD", "get",  ""};

bool has_ctl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

/// The pattern of each route kind, as router::wot() registers it.
std::string_view pattern_of(route_kind k) {
  switch (k) {
    case route_kind::well_known_wot: return "/.well-known/wot";
    case route_kind::things: return "/things";
    case route_kind::thing: return "/things/{id}";
    case route_kind::properties: return "/things/{id}/properties";
    case route_kind::property: return "/things/{id}/properties/{name}";
    case route_kind::property_observe:
      return "/things/{id}/properties/{name}/observable";
    case route_kind::action: return "/things/{id}/actions/{name}";
    case route_kind::event: return "/things/{id}/events/{name}";
  }
  return "";
}

/// Fills the placeholders of `pattern` with `m.params`, in order.
std::string rebuild(std::string_view pattern, const route_match& m) {
  std::string out;
  size_t next = 0;
  size_t pos = 0;
  while (pos < pattern.size()) {
    auto open = pattern.find('{', pos);
    if (open == std::string_view::npos) {
      out += pattern.substr(pos);
      break;
    }
    auto close = pattern.find('}', open);
    out += pattern.substr(pos, open - pos);
    check(next < m.params.size());
    check(m.params[next].first == pattern.substr(open + 1, close - open - 1));
    out += m.params[next].second;
    ++next;
    pos = close + 1;
  }
  check(next == m.params.size());
  return out;
}

void check_match(const router& r, std::string_view method,
                 std::string_view path) {
  auto m = r.match(method, path);
  auto again = r.match(method, path);
  check(m.result == again.result && m.params == again.params
        && m.allow == again.allow && m.reason == again.reason);
  switch (m.result) {
    case route_match::outcome::matched:
      check(m.status() == 200);
      check(m.allow.empty());
      for (auto& [name, value] : m.params) {
        check(is_valid_name(value));
        check(m.param(name) == value);
      }
      check(rebuild(pattern_of(m.kind), m) == path);
      break;
    case route_match::outcome::method_not_allowed:
      check(m.status() == 405);
      check(!m.allow.empty());
      check(std::is_sorted(m.allow.begin(), m.allow.end()));
      check(std::adjacent_find(m.allow.begin(), m.allow.end())
            == m.allow.end());
      check(std::find(m.allow.begin(), m.allow.end(), method)
            == m.allow.end());
      check(!m.allow_header().empty());
      break;
    case route_match::outcome::bad_path:
      check(m.status() == 400);
      check(!m.reason.empty());
      check(m.params.empty());
      break;
    case route_match::outcome::not_found:
      check(m.status() == 404);
      check(m.params.empty());
      break;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const router wot = router::wot();
  if (size < 1)
    return 0;
  std::string_view method = methods[data[0] % 8];
  std::string_view target(reinterpret_cast<const char*>(data + 1), size - 1);
  check_match(wot, method, target);
  target_parts parts;
  auto err = parse_target(target, parts);
  if (err) {
    check(!err->empty());
    return 0;
  }
  auto raw_path = target.substr(0, target.find('?'));
  const auto& path = parts.path;
  check(!path.empty() && path.front() == '/');
  check(!has_ctl(path));
  check(std::count(path.begin(), path.end(), '/')
        == std::count(raw_path.begin(), raw_path.end(), '/'));
  if (raw_path.find('%') == std::string_view::npos)
    check(path == raw_path);
  check(path.size() <= raw_path.size());
  for (auto& [key, value] : parts.query) {
    check(!has_ctl(key));
    check(!has_ctl(value));
  }
  check_match(wot, method, path);
  return 0;
}
