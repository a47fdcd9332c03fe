#include "protocols/nft/nft_listing.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/nft/firewall_script.hpp"

namespace kagami::protocols::nft {

namespace {

using json = nlohmann::json;

caf::error bad(std::string reason) {
  return make_error(ec::internal, "nftables listing: " + std::move(reason));
}

// The string member `key` of object `obj`, or nullptr.
const std::string* string_member(const json& obj, const char* key) {
  auto i = obj.find(key);
  if (i == obj.end() || !i->is_string())
    return nullptr;
  return i->get_ptr<const std::string*>();
}

bool belongs_to(const json& obj, std::string_view table) {
  auto family = string_member(obj, "family");
  auto name = string_member(obj, "table");
  return family && *family == "inet" && name && *name == table;
}

// One set element: "a" or {"elem": {"val": "a", ...}}.
const std::string* element_text(const json& elem) {
  if (elem.is_string())
    return elem.get_ptr<const std::string*>();
  if (!elem.is_object())
    return nullptr;
  auto inner = elem.find("elem");
  if (inner == elem.end() || !inner->is_object())
    return nullptr;
  return string_member(*inner, "val");
}

caf::error read_set(const json& set, firewall_listing& out, size_t& count,
                    bool& saw_mac, bool& saw_v4, bool& saw_v6) {
  auto name = string_member(set, "name");
  if (!name)
    return bad("a set without a name");
  bool is_mac = *name == refused_mac_set;
  bool is_v4 = *name == refused_v4_set;
  bool is_v6 = *name == refused_v6_set;
  if (!is_mac && !is_v4 && !is_v6)
    return {}; // Not ours to read; the table may grow later.
  (is_mac ? saw_mac : is_v4 ? saw_v4 : saw_v6) = true;
  auto elems = set.find("elem");
  if (elems == set.end())
    return {}; // An empty set has no "elem".
  if (!elems->is_array())
    return bad("set " + *name + ": \"elem\" is not an array");
  for (const auto& elem : *elems) {
    if (++count > listing_limits::max_elements)
      return bad("more than " + std::to_string(listing_limits::max_elements)
                 + " elements");
    auto text = element_text(elem);
    if (!text)
      return bad("set " + *name + ": an element is not an address");
    if (is_mac) {
      auto mac = parse_mac(*text);
      if (!mac)
        return bad("set " + *name + ": " + detail_of(mac.error()));
      out.refused.macs.push_back(*mac);
      continue;
    }
    auto ip = parse_ip(*text);
    if (!ip)
      return bad("set " + *name + ": " + detail_of(ip.error()));
    if ((ip->family == ip_family::v4) != is_v4)
      return bad("set " + *name + ": an address of the wrong family");
    out.refused.addresses.push_back(*ip);
  }
  return {};
}

// "PROTOCOL FIELD @SET" of a match {"left": {"payload": {...}}, "right": "@S"}.
std::string describe_match(const json& match) {
  auto left = match.find("left");
  auto right = string_member(match, "right");
  if (left == match.end() || !left->is_object() || !right)
    return {};
  auto payload = left->find("payload");
  if (payload == left->end() || !payload->is_object())
    return {};
  auto protocol = string_member(*payload, "protocol");
  auto field = string_member(*payload, "field");
  if (!protocol || !field)
    return {};
  return *protocol + " " + *field + " " + *right;
}

caf::error read_rule(const json& rule, firewall_listing& out) {
  auto chain = string_member(rule, "chain");
  auto exprs = rule.find("expr");
  if (!chain || exprs == rule.end() || !exprs->is_array())
    return bad("a rule without chain or expressions");
  std::string match;
  for (const auto& expr : *exprs) {
    if (!expr.is_object())
      return bad("a rule expression is not an object");
    if (auto m = expr.find("match"); m != expr.end() && m->is_object()) {
      match = describe_match(*m);
      continue;
    }
    auto counter = expr.find("counter");
    if (counter == expr.end())
      continue;
    if (!counter->is_object())
      return bad("chain " + *chain + ": a counter is not an object");
    auto packets = counter->find("packets");
    auto bytes = counter->find("bytes");
    if (packets == counter->end() || !packets->is_number_unsigned()
        || bytes == counter->end() || !bytes->is_number_unsigned())
      return bad("chain " + *chain + ": a counter without packets or bytes");
    out.counters.push_back(drop_counter{*chain, match, packets->get<uint64_t>(),
                                        bytes->get<uint64_t>()});
  }
  return {};
}

} // namespace

uint64_t firewall_listing::dropped_packets() const {
  uint64_t sum = 0;
  for (const auto& c : counters)
    sum += c.packets;
  return sum;
}

caf::expected<firewall_listing> parse_listing(std::string_view text,
                                              std::string_view table) {
  if (text.size() > listing_limits::max_bytes)
    return bad("larger than " + std::to_string(listing_limits::max_bytes) + " bytes");
  bool too_deep = false;
  json::parser_callback_t limit_depth = [&too_deep](int depth, json::parse_event_t,
                                                    json&) {
    if (depth > static_cast<int>(listing_limits::max_depth)) {
      too_deep = true;
      return false; // Drop the value: nothing deep is ever built.
    }
    return true;
  };
  auto doc = json::parse(text.begin(), text.end(), limit_depth,
                         /*allow_exceptions=*/false);
  if (too_deep)
    return bad("nested deeper than " + std::to_string(listing_limits::max_depth));
  if (doc.is_discarded())
    return bad("not valid JSON");
  if (!doc.is_object())
    return bad("not a JSON object");
  auto items = doc.find("nftables");
  if (items == doc.end() || !items->is_array())
    return bad("no \"nftables\" array");
  firewall_listing out;
  size_t count = 0;
  bool saw_table = false;
  bool saw_mac = false;
  bool saw_v4 = false;
  bool saw_v6 = false;
  for (const auto& item : *items) {
    if (!item.is_object())
      return bad("an item is not an object");
    if (auto t = item.find("table"); t != item.end() && t->is_object()) {
      auto family = string_member(*t, "family");
      auto name = string_member(*t, "name");
      if (family && *family == "inet" && name && *name == table)
        saw_table = true;
      continue;
    }
    if (auto s = item.find("set"); s != item.end() && s->is_object()) {
      if (!belongs_to(*s, table))
        continue;
      if (auto err = read_set(*s, out, count, saw_mac, saw_v4, saw_v6))
        return err;
      continue;
    }
    if (auto r = item.find("rule"); r != item.end() && r->is_object()) {
      if (!belongs_to(*r, table))
        continue;
      if (auto err = read_rule(*r, out))
        return err;
    }
  }
  if (!saw_table)
    return bad("no table inet " + std::string{table});
  if (!saw_mac || !saw_v4 || !saw_v6)
    return bad("table inet " + std::string{table}
               + " lacks one of the sets refused_mac, refused_v4, refused_v6");
  auto& r = out.refused;
  std::sort(r.macs.begin(), r.macs.end());
  r.macs.erase(std::unique(r.macs.begin(), r.macs.end()), r.macs.end());
  std::sort(r.addresses.begin(), r.addresses.end());
  r.addresses.erase(std::unique(r.addresses.begin(), r.addresses.end()),
                    r.addresses.end());
  return out;
}

} // namespace kagami::protocols::nft
