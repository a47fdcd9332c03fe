#include "protocols/nft/firewall_script.hpp"

#include <algorithm>

#include "actors/core/error.hpp"

namespace kagami::protocols::nft {

namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_name_char(char c) {
  return is_letter(c) || (c >= '0' && c <= '9') || c == '_';
}

std::string table_ref(const table_name& table) {
  return "inet " + table.str();
}

// The elements of one set as " { a, b }", or "" when there are none.
template <class T, class Pred>
std::string element_list(const std::vector<T>& xs, Pred pred) {
  std::string out;
  for (const auto& x : xs) {
    if (!pred(x))
      continue;
    out += out.empty() ? " { " : ", ";
    out += to_string(x);
  }
  if (!out.empty())
    out += " }";
  return out;
}

struct set_elements {
  std::string macs;
  std::string v4;
  std::string v6;
};

set_elements elements_of(refused_entries x) {
  // Sorted and without duplicates: the same entries give the same script.
  std::sort(x.macs.begin(), x.macs.end());
  x.macs.erase(std::unique(x.macs.begin(), x.macs.end()), x.macs.end());
  std::sort(x.addresses.begin(), x.addresses.end());
  x.addresses.erase(std::unique(x.addresses.begin(), x.addresses.end()),
                    x.addresses.end());
  auto all = [](const mac_address&) { return true; };
  auto v4 = [](const ip_address& a) { return a.family == ip_family::v4; };
  auto v6 = [](const ip_address& a) { return a.family == ip_family::v6; };
  return {element_list(x.macs, all), element_list(x.addresses, v4),
          element_list(x.addresses, v6)};
}

// "VERB element inet T SET { ... }\n" for each non-empty set.
std::string element_commands(std::string_view verb, const table_name& table,
                             const set_elements& els) {
  std::string out;
  auto add = [&](std::string_view set, const std::string& list) {
    if (list.empty())
      return;
    out += verb;
    out += " element ";
    out += table_ref(table);
    out += ' ';
    out += set;
    out += list;
    out += '\n';
  };
  add(refused_mac_set, els.macs);
  add(refused_v4_set, els.v4);
  add(refused_v6_set, els.v6);
  return out;
}

} // namespace

caf::expected<table_name> table_name::parse(std::string_view text) {
  static constexpr size_t max_size = 32;
  if (text.empty() || text.size() > max_size || !is_letter(text.front()))
    return make_error(ec::invalid_value,
                      "nftables table name: expected 1 to 32 characters from "
                      "[A-Za-z0-9_], starting with a letter");
  for (char c : text)
    if (!is_name_char(c))
      return make_error(ec::invalid_value,
                        "nftables table name: expected 1 to 32 characters from "
                        "[A-Za-z0-9_], starting with a letter");
  return table_name{std::string{text}};
}

std::string install_script(const table_name& table, const refused_entries& initial) {
  auto els = elements_of(initial);
  auto set = [](std::string_view name, std::string_view type, const std::string& list) {
    std::string out = "  set ";
    out += name;
    out += " {\n    type ";
    out += type;
    out += '\n';
    if (!list.empty()) {
      out += "    elements =";
      out += list;
      out += '\n';
    }
    out += "  }\n";
    return out;
  };
  auto chain = [](std::string_view name, std::initializer_list<std::string_view> rules) {
    std::string out = "  chain ";
    out += name;
    out += " {\n    type filter hook ";
    out += name;
    out += " priority filter - 10; policy accept;\n";
    for (auto rule : rules) {
      out += "    ";
      out += rule;
      out += " counter drop\n";
    }
    out += "  }\n";
    return out;
  };
  auto ref = table_ref(table);
  std::string out;
  out += "table " + ref + "\n";
  out += "delete table " + ref + "\n";
  out += "table " + ref + " {\n";
  out += set(refused_mac_set, "ether_addr", els.macs);
  out += set(refused_v4_set, "ipv4_addr", els.v4);
  out += set(refused_v6_set, "ipv6_addr", els.v6);
  out += chain("input", {"ether saddr @refused_mac", "ip saddr @refused_v4",
                         "ip6 saddr @refused_v6"});
  out += chain("forward", {"ether saddr @refused_mac", "ip saddr @refused_v4",
                           "ip daddr @refused_v4", "ip6 saddr @refused_v6",
                           "ip6 daddr @refused_v6"});
  out += chain("output", {"ip daddr @refused_v4", "ip6 daddr @refused_v6"});
  out += "}\n";
  return out;
}

std::string add_elements_script(const table_name& table, const refused_entries& x) {
  return element_commands("add", table, elements_of(x));
}

std::string delete_elements_script(const table_name& table, const refused_entries& x) {
  auto els = elements_of(x);
  return element_commands("add", table, els) + element_commands("delete", table, els);
}

std::string list_script(const table_name& table) {
  return "list table " + table_ref(table) + "\n";
}

std::string remove_script(const table_name& table) {
  auto ref = table_ref(table);
  return "table " + ref + "\ndelete table " + ref + "\n";
}

} // namespace kagami::protocols::nft
