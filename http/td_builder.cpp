#include "http/td_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "actors/core/error.hpp"

namespace kagami {

namespace {

using nlohmann::json;

constexpr const char* json_content = "application/json";
constexpr const char* sse_content = "text/event-stream";

/// `base_url` without trailing slashes.
std::string trim_base(const std::string& base_url) {
  auto end = base_url.find_last_not_of('/');
  return end == std::string::npos ? std::string{} : base_url.substr(0, end + 1);
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string encode_segment(std::string_view x) {
  std::string result;
  for (unsigned char c : x) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                      || (c >= '0' && c <= '9') || c == '-' || c == '.'
                      || c == '_' || c == '~';
    if (unreserved) {
      result += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      result += buf;
    }
  }
  return result;
}

/// A limit as a JSON number: an integer for integer schemas when exact.
json limit_json(config::value_type t, double x) {
  if (t == config::value_type::integer && std::trunc(x) == x
      && std::fabs(x) < 9.2e18)
    return static_cast<int64_t>(x);
  return x;
}

/// The DataSchema terms of `s`. readOnly and writeOnly are always written,
/// even at their defaults, so that strict validators (the W3C playground's
/// "defaults" check) pass; readOnly is `s.read_only` only where `property`.
json data_schema_json(const config::data_schema& s, bool property) {
  json j = json::object();
  j["type"] = config::to_string(s.type);
  // A non-finite limit has no JSON form; the config validator rejects it.
  if (s.minimum && std::isfinite(*s.minimum))
    j["minimum"] = limit_json(s.type, *s.minimum);
  if (s.maximum && std::isfinite(*s.maximum))
    j["maximum"] = limit_json(s.type, *s.maximum);
  if (!s.enumeration.empty())
    j["enum"] = s.enumeration;
  if (!s.unit.empty())
    j["unit"] = s.unit;
  if (!s.description.empty())
    j["description"] = s.description;
  j["readOnly"] = property && s.read_only;
  j["writeOnly"] = false;
  return j;
}

json form(std::string href, const char* op, const char* method,
          const char* content_type) {
  return json{{"href", std::move(href)},
              {"contentType", content_type},
              {"op", json::array({op})},
              {"htv:methodName", method}};
}

void add_security(json& td, const td_options& opts) {
  td["securityDefinitions"] = opts.security_definitions;
  td["security"] = opts.security;
}

} // namespace

std::string thing_urn(std::string_view id) {
  return std::string{thing_urn_prefix} + encode_segment(id);
}

caf::error validate(const td_options& opts) {
  auto bad = [](std::string field, std::string reason) {
    return make_error(ec::config_invalid,
                      "td_options: " + field + ": " + reason);
  };
  auto base = trim_base(opts.base_url);
  auto scheme_end = base.find("://");
  if (scheme_end == std::string::npos
      || (base.compare(0, scheme_end, "http") != 0
          && base.compare(0, scheme_end, "https") != 0)
      || base.size() == scheme_end + 3)
    return bad("base_url", "'" + opts.base_url
                             + "' is not an absolute http(s) URL");
  if (base.find_first_of("?# ") != std::string::npos)
    return bad("base_url", "'" + opts.base_url
                             + "' must not hold a query, fragment or space");
  if (!opts.security_definitions.is_object()
      || opts.security_definitions.empty())
    return bad("security_definitions", "must be a non-empty object");
  static constexpr std::string_view schemes[]
    = {"nosec", "basic", "digest", "apikey", "bearer",
       "psk",   "oauth2", "combo", "auto"};
  for (const auto& [name, def] : opts.security_definitions.items()) {
    auto field = "security_definitions/" + name;
    if (!def.is_object())
      return bad(field, "must be an object");
    auto scheme = def.find("scheme");
    if (scheme == def.end() || !scheme->is_string())
      return bad(field, "needs a string 'scheme'");
    auto str = scheme->get<std::string>();
    if (std::find(std::begin(schemes), std::end(schemes), str)
        == std::end(schemes))
      return bad(field, "unknown scheme '" + str + "'");
  }
  if (opts.security.empty())
    return bad("security", "names no scheme");
  for (const auto& name : opts.security)
    if (!opts.security_definitions.contains(name))
      return bad("security", "'" + name + "' is not in security_definitions");
  return caf::none;
}

json build_thing_description(const config::device_config& dev,
                             const config::device_model& model,
                             const td_options& opts) {
  auto base = trim_base(opts.base_url);
  auto thing_url = base + "/things/" + encode_segment(dev.id);
  json td = json::object();
  td["@context"] = std::string{td_context_uri};
  td["id"] = thing_urn(dev.id);
  td["title"] = dev.title.empty() ? dev.id : dev.title;
  if (!model.description.empty())
    td["description"] = model.description;
  td["base"] = base;
  add_security(td, opts);
  // -- properties -------------------------------------------------------------
  json properties = json::object();
  for (const auto& p : model.properties) {
    auto href = thing_url + "/properties/" + encode_segment(p.name);
    auto prop = data_schema_json(p.schema, true);
    prop["observable"] = false;
    json forms = json::array();
    forms.push_back(form(href, "readproperty", "GET", json_content));
    if (!p.schema.read_only)
      forms.push_back(form(href, "writeproperty", "PUT", json_content));
    prop["forms"] = std::move(forms);
    properties[p.name] = std::move(prop);
  }
  td["properties"] = std::move(properties);
  // -- actions ----------------------------------------------------------------
  json actions = json::object();
  for (const auto& a : model.actions) {
    json act = json::object();
    if (!a.description.empty())
      act["description"] = a.description;
    if (a.input)
      act["input"] = data_schema_json(*a.input, false);
    act["safe"] = false;
    act["idempotent"] = a.idempotent;
    act["forms"] = json::array(
      {form(thing_url + "/actions/" + encode_segment(a.name), "invokeaction",
            "POST", json_content)});
    actions[a.name] = std::move(act);
  }
  td["actions"] = std::move(actions);
  // -- events -----------------------------------------------------------------
  json events = json::object();
  for (const auto& e : model.events) {
    json ev = json::object();
    if (!e.description.empty())
      ev["description"] = e.description;
    if (const auto* p = model.find_property(e.property))
      ev["data"] = data_schema_json(p->schema, false);
    auto f = form(thing_url + "/events/" + encode_segment(e.name),
                  "subscribeevent", "GET", sse_content);
    f["subprotocol"] = "sse";
    ev["forms"] = json::array({std::move(f)});
    events[e.name] = std::move(ev);
  }
  td["events"] = std::move(events);
  // -- thing-level forms ------------------------------------------------------
  td["forms"] = json::array({form(thing_url + "/properties",
                                  "readallproperties", "GET", json_content)});
  return td;
}

json build_thing_directory_description(const td_options& opts) {
  auto base = trim_base(opts.base_url);
  json td = json::object();
  td["@context"] = json::array(
    {std::string{td_context_uri}, std::string{discovery_context_uri}});
  td["@type"] = "ThingDirectory";
  td["id"] = "urn:kagami:directory";
  td["title"] = opts.site_name.empty()
                  ? std::string{"Thing Description Directory"}
                  : opts.site_name + " Thing Description Directory";
  td["description"] = "The Thing Descriptions of every virtual device of "
                      "this gateway (WoT Discovery).";
  td["base"] = base;
  add_security(td, opts);
  json things = json::object();
  things["description"] = "The Thing Descriptions of the gateway, in pages.";
  things["type"] = "array";
  things["items"]
    = json{{"type", "object"}, {"readOnly", false}, {"writeOnly", false}};
  things["readOnly"] = true;
  things["writeOnly"] = false;
  things["observable"] = false;
  things["uriVariables"] = json{
    {"offset",
     {{"type", "integer"},
      {"minimum", 0},
      {"readOnly", false},
      {"writeOnly", false},
      {"description", "Number of TDs to skip before the page."}}},
    {"limit",
     {{"type", "integer"},
      {"minimum", 1},
      {"readOnly", false},
      {"writeOnly", false},
      {"description", "Largest number of TDs in the page."}}},
    {"format",
     {{"type", "string"},
      {"enum", json::array({"array", "collection"})},
      {"readOnly", false},
      {"writeOnly", false},
      {"description", "array (the default) or collection."}}},
  };
  things["forms"] = json::array({form(base + "/things{?offset,limit,format}",
                                      "readproperty", "GET", json_content)});
  td["properties"] = json{{"things", std::move(things)}};
  return td;
}

json build_thing_directory_description(const std::string& base_url) {
  td_options opts;
  opts.base_url = base_url;
  return build_thing_directory_description(opts);
}

} // namespace kagami
