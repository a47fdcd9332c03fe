#pragma once

// A structural check of a TD against the WoT TD 1.1 rules kagami relies on
// (the required terms, forms with absolute hrefs under the gateway's base,
// op values per affordance kind, security names that resolve). Returns the
// list of problems; empty means the TD passed.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kagami::test {

inline std::vector<std::string> td_problems(const nlohmann::json& td,
                                            const std::string& base) {
  using nlohmann::json;
  std::vector<std::string> out;
  auto problem = [&](std::string x) { out.push_back(std::move(x)); };
  const std::string ctx = "https://www.w3.org/2022/wot/td/v1.1";
  if (!td.is_object()) {
    problem("TD is not an object");
    return out;
  }
  // @context: the TD 1.1 URI, alone or first in an array.
  auto c = td.find("@context");
  if (c == td.end())
    problem("no @context");
  else if (!(*c == ctx || (c->is_array() && !c->empty() && (*c)[0] == ctx)))
    problem("@context does not start with " + ctx);
  auto t = td.find("title");
  if (t == td.end() || !t->is_string() || t->get<std::string>().empty())
    problem("no title");
  if (td.contains("id")
      && (!td["id"].is_string()
          || td["id"].get<std::string>().find(':') == std::string::npos))
    problem("id is not a URI");
  if (td.contains("base") && td["base"] != base)
    problem("base is not " + base);
  if (td.contains("links"))
    problem("links present");
  // Security.
  static const std::set<std::string> schemes{"nosec", "basic", "digest",
                                             "apikey", "bearer", "psk",
                                             "oauth2", "combo", "auto"};
  auto defs = td.find("securityDefinitions");
  if (defs == td.end() || !defs->is_object() || defs->empty()) {
    problem("no securityDefinitions");
  } else {
    for (auto& [name, def] : defs->items())
      if (!def.is_object() || !def.contains("scheme")
          || !schemes.count(def["scheme"].get<std::string>()))
        problem("bad security definition " + name);
  }
  auto sec = td.find("security");
  if (sec == td.end()) {
    problem("no security");
  } else {
    json names = sec->is_string() ? json::array({*sec}) : *sec;
    if (!names.is_array() || names.empty())
      problem("security is empty");
    for (auto& n : names)
      if (!n.is_string() || defs == td.end() || !defs->is_object()
          || !defs->contains(n.get<std::string>()))
        problem("security names an undefined scheme " + n.dump());
  }
  // Forms.
  auto check_forms = [&](const std::string& where, const json& holder,
                         const std::set<std::string>& ops, bool required) {
    auto f = holder.find("forms");
    if (f == holder.end()) {
      if (required)
        problem(where + ": no forms");
      return;
    }
    if (!f->is_array() || f->empty()) {
      problem(where + ": forms empty");
      return;
    }
    for (auto& form : *f) {
      if (!form.is_object() || !form.contains("href")
          || !form["href"].is_string()) {
        problem(where + ": form without href");
        continue;
      }
      auto href = form["href"].get<std::string>();
      if (href.rfind(base + "/", 0) != 0)
        problem(where + ": href " + href + " is not under " + base);
      if (form.contains("contentType") && !form["contentType"].is_string())
        problem(where + ": contentType not a string");
      if (form.contains("op")) {
        json op = form["op"].is_string() ? json::array({form["op"]})
                                         : form["op"];
        if (!op.is_array() || op.empty())
          problem(where + ": op empty");
        for (auto& o : op)
          if (!o.is_string() || !ops.count(o.get<std::string>()))
            problem(where + ": op " + o.dump() + " not allowed here");
      }
      if (form.contains("htv:methodName")) {
        static const std::set<std::string> methods{"GET", "PUT", "POST",
                                                   "DELETE", "PATCH"};
        if (!methods.count(form["htv:methodName"].get<std::string>()))
          problem(where + ": bad htv:methodName");
      }
    }
  };
  static const std::set<std::string> types{"boolean", "integer", "number",
                                           "string",  "object",  "array",
                                           "null"};
  auto check_schema = [&](const std::string& where, const json& s) {
    if (s.contains("type") && !types.count(s["type"].get<std::string>()))
      problem(where + ": bad type");
    for (auto* flag : {"readOnly", "writeOnly", "observable"})
      if (s.contains(flag) && !s[flag].is_boolean())
        problem(where + ": " + flag + " not boolean");
    if (s.contains("minimum") && !s["minimum"].is_number())
      problem(where + ": minimum not a number");
    if (s.contains("maximum") && !s["maximum"].is_number())
      problem(where + ": maximum not a number");
    if (s.contains("enum") && (!s["enum"].is_array() || s["enum"].empty()))
      problem(where + ": enum empty");
  };
  auto each = [&](const char* kind, const std::set<std::string>& ops,
                  auto&& extra) {
    if (!td.contains(kind))
      return;
    if (!td[kind].is_object()) {
      problem(std::string{kind} + " not an object");
      return;
    }
    for (auto& [name, aff] : td[kind].items()) {
      auto where = std::string{kind} + "/" + name;
      check_forms(where, aff, ops, true);
      extra(where, aff);
    }
  };
  each("properties",
       {"readproperty", "writeproperty", "observeproperty",
        "unobserveproperty"},
       [&](const std::string& where, const json& p) { check_schema(where, p); });
  each("actions", {"invokeaction", "queryaction", "cancelaction"},
       [&](const std::string& where, const json& a) {
         if (a.contains("input"))
           check_schema(where + "/input", a["input"]);
         for (auto* flag : {"safe", "idempotent"})
           if (a.contains(flag) && !a[flag].is_boolean())
             problem(where + ": " + flag + " not boolean");
       });
  each("events", {"subscribeevent", "unsubscribeevent"},
       [&](const std::string& where, const json& e) {
         if (e.contains("data"))
           check_schema(where + "/data", e["data"]);
       });
  check_forms("forms", td,
              {"readallproperties", "writeallproperties",
               "readmultipleproperties", "writemultipleproperties",
               "observeallproperties", "unobserveallproperties",
               "subscribeallevents", "unsubscribeallevents",
               "queryallactions"},
              false);
  return out;
}

} // namespace kagami::test
