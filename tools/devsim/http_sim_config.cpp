#include "tools/devsim/http_sim_config.hpp"

#include <cmath>

#include "tools/devsim/sim_json.hpp"
#include "config/json_reader.hpp"

namespace kagami::devsim {

using detail::node;
using nlohmann::json;

namespace {

void check_path(const node& where, const std::string& path) {
  if (path.empty() || path.front() != '/')
    where.fail("path \"" + path + "\" must start with \"/\"");
  for (unsigned char c : path)
    if (c <= 0x20 || c >= 0x7F || c == '?' || c == '#')
      where.fail("path \"" + path + "\" holds a space, control character, '?' or '#'");
}

/// Reads the members "document" and "pointer" of `n`. With `must_exist` the
/// value at the pointer must exist; otherwise only its parent must be an
/// object. The caller checks the other members of `n`.
document_ref parse_ref(const node& n, const http_sim_config& cfg, bool must_exist) {
  document_ref ref;
  auto doc_node = n.at("document");
  ref.document = doc_node.string();
  auto i = cfg.documents.find(ref.document);
  if (i == cfg.documents.end())
    doc_node.fail("names no document in \"documents\"");
  auto ptr_node = n.at("pointer");
  ref.pointer = ptr_node.string();
  if (!config::is_json_pointer(ref.pointer) || ref.pointer.empty())
    ptr_node.fail("must be a non-empty JSON pointer such as \"/value\"");
  json::json_pointer ptr{ref.pointer};
  if (must_exist) {
    if (!i->second.contains(ptr))
      ptr_node.fail("has no value in document \"" + ref.document + "\"");
  } else {
    auto parent = ptr.parent_pointer();
    if (!i->second.contains(parent) || !i->second.at(parent).is_object())
      ptr_node.fail("its parent is not an object in document \"" + ref.document + "\"");
  }
  return ref;
}

template <class Fn>
void each_member(const node& root, const char* key, Fn&& fn) {
  auto obj = root.get(key);
  if (!obj)
    return;
  obj->require_object();
  if (obj->value.size() > http_sim_limits::max_paths)
    obj->fail("has more than " + std::to_string(http_sim_limits::max_paths) + " entries");
  for (const auto& [k, v] : obj->value.items()) {
    node entry{v, obj->path + "/" + detail::pointer_token(k)};
    fn(k, entry);
  }
}

http_sim_config parse(const json& doc) {
  node root{doc, ""};
  root.allow_only({"documents", "writable", "actions", "raw", "dynamics"});
  http_sim_config cfg;
  each_member(root, "documents", [&](const std::string& path, const node& n) {
    check_path(n, path);
    cfg.documents[path] = n.value;
  });
  each_member(root, "writable", [&](const std::string& path, const node& n) {
    check_path(n, path);
    n.allow_only({"document", "pointer", "type", "minimum", "maximum"});
    http_writable w;
    w.target = parse_ref(n, cfg, true);
    if (auto t = n.get("type")) {
      w.type = t->string();
      if (w.type != "number" && w.type != "integer" && w.type != "boolean"
          && w.type != "string")
        t->fail("must be number, integer, boolean or string");
    }
    if (auto x = n.get("minimum"))
      w.minimum = x->number();
    if (auto x = n.get("maximum"))
      w.maximum = x->number();
    cfg.writable[path] = std::move(w);
  });
  each_member(root, "actions", [&](const std::string& path, const node& n) {
    check_path(n, path);
    n.allow_only({"method", "status", "reply", "storeInput", "set"});
    http_action a;
    if (auto m = n.get("method")) {
      a.method = m->string();
      if (a.method != "POST" && a.method != "PUT" && a.method != "GET"
          && a.method != "DELETE" && a.method != "PATCH")
        m->fail("must be POST, PUT, GET, DELETE or PATCH");
    }
    if (auto s = n.get("status"))
      a.status = static_cast<unsigned>(s->integer(200, 599));
    if (auto r = n.get("reply"))
      a.reply = r->value;
    if (auto s = n.get("storeInput")) {
      s->allow_only({"document", "pointer"});
      a.store_input = parse_ref(*s, cfg, false);
    }
    if (auto list = n.get("set")) {
      list->require_array();
      for (size_t i = 0; i < list->value.size(); ++i) {
        auto item = list->at(i);
        item.allow_only({"document", "pointer", "value"});
        a.set.emplace_back(parse_ref(item, cfg, false), item.at("value").value);
      }
    }
    cfg.actions[path] = std::move(a);
  });
  each_member(root, "raw", [&](const std::string& path, const node& n) {
    check_path(n, path);
    n.allow_only({"status", "contentType", "body"});
    http_raw_reply r;
    if (auto s = n.get("status"))
      r.status = static_cast<unsigned>(s->integer(100, 599));
    if (auto c = n.get("contentType"))
      r.content_type = c->string();
    r.body = n.at("body").string();
    cfg.raw[path] = std::move(r);
  });
  if (auto list = root.get("dynamics")) {
    list->require_array();
    for (size_t i = 0; i < list->value.size(); ++i) {
      auto item = list->at(i);
      item.allow_only({"document", "pointer", "ramp"});
      http_dynamic d;
      d.target = parse_ref(item, cfg, true);
      if (!cfg.documents[d.target.document].at(json::json_pointer{d.target.pointer}).is_number())
        item.at("pointer").fail("must point at a number");
      auto ramp = item.at("ramp");
      ramp.allow_only({"step", "everyMs", "min", "max"});
      d.step = ramp.at("step").number();
      d.every_ms = static_cast<uint32_t>(
        ramp.at("everyMs").integer(http_sim_limits::min_every_ms, 24 * 3600 * 1000));
      d.min = ramp.at("min").number();
      d.max = ramp.at("max").number();
      if (!(d.step > 0) || !std::isfinite(d.step))
        ramp.fail("step must be a positive number");
      if (!(d.min < d.max))
        ramp.fail("needs min < max");
      cfg.dynamics.push_back(std::move(d));
    }
  }
  return cfg;
}

} // namespace

std::variant<http_sim_config, sim_config_error>
parse_http_sim_config(std::string_view text, const std::string& file) {
  return detail::config_or_error<http_sim_config>(file, [&] {
    return parse(detail::parse_json_limited(text, http_sim_limits::max_depth));
  });
}

} // namespace kagami::devsim
