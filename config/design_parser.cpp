// Loading and validation of the design information and the discovery
// settings (format: config/README.md).

#include "config/design_parser.hpp"

#include <array>
#include <map>

#include "config/syntax.hpp"

#include "actors/core/error.hpp"

namespace kagami::config {

namespace {

/// The identifier fields of a rule, in the order of their JSON keys.
struct rule_field {
  std::string_view key;
  std::optional<value_pattern> identity_rule::*member;
};

constexpr std::array<rule_field, 8> rule_fields{{
  {"vendor", &identity_rule::vendor},
  {"product", &identity_rule::product},
  {"modelNumber", &identity_rule::model_number},
  {"firmware", &identity_rule::firmware},
  {"hardware", &identity_rule::hardware},
  {"serial", &identity_rule::serial},
  {"category", &identity_rule::category},
  {"udn", &identity_rule::udn},
}};

std::string text_rule() {
  return "must be 1 to " + std::to_string(protocols::max_profile_field)
         + " characters without control characters";
}

/// Reads a matcher value: "exact", {"glob": "..."} or {"range": "..."}.
void read_pattern(const object_reader& r, std::string_view key,
                  std::optional<value_pattern>& out) {
  auto v = r.get(key);
  if (!v)
    return;
  auto& sink = r.sink();
  if (v->is_string()) {
    auto s = v->get<std::string>();
    if (!is_text(s, protocols::max_profile_field)) {
      r.fail(key, text_rule());
      return;
    }
    out = value_pattern::exact(std::move(s));
    return;
  }
  if (!v->is_object() || v->size() != 1) {
    r.fail(key, "must be a string (an exact value), {\"glob\": \"...\"} or "
                "{\"range\": \"...\"}");
    return;
  }
  object_reader pr{sink, *v, r.path(key)};
  if (!pr.known_keys({"glob", "range"}))
    return;
  std::string s;
  if (pr.read("glob", s)) {
    if (!is_text(s, protocols::max_profile_field))
      pr.fail("glob", text_rule());
    else
      out = value_pattern::glob(std::move(s));
  } else if (pr.read("range", s)) {
    if (auto p = value_pattern::range(s))
      out = std::move(*p);
    else
      pr.fail("range", "\"" + s + "\": " + detail_of(p.error()));
  }
}

void read_rule(const object_reader& r, identity_rule& rule) {
  for (auto& f : rule_fields)
    read_pattern(r, f.key, rule.*f.member);
  if (r.read("mac", rule.mac)) {
    if (auto norm = normalize_mac(rule.mac))
      rule.mac = *norm;
    else
      r.fail("mac", "\"" + rule.mac
                      + "\" is not a MAC or BD address (xx:xx:xx:xx:xx:xx)");
  }
}

void read_allowed(const object_reader& r, const site_config& site,
                  allowed_device& d) {
  if (!r.known_keys({"name", "vendor", "product", "modelNumber", "firmware",
                     "hardware", "serial", "category", "mac", "udn", "model",
                     "port", "unitId", "thingId", "title", "criticality",
                     "tags"}))
    return;
  auto& sink = r.sink();
  if (r.read("name", d.name, need::required) && !is_id(d.name))
    r.fail("name", "invalid name \"" + d.name
                     + "\": names match [A-Za-z0-9._-]{1,64}");
  read_rule(r, d.match);
  if (!sink.ok())
    return;
  // vendor and product tie the entry to what the model describes; a rule of
  // a MAC or a firmware alone would admit anything that claims it.
  for (auto key : {"vendor", "product"})
    if (!r.has(key))
      return (void) r.fail(key, "missing required field: an allowed entry "
                                "pins at least vendor and product");
  if (!r.read("model", d.model, need::required))
    return;
  auto model = site.models.find(d.model);
  if (model == site.models.end())
    return (void) r.fail("model", "unknown device model \"" + d.model + "\"");
  auto modbus = model->second.protocol == device_protocol::modbus_tcp;
  // A BLE sensor is reached through BlueZ by its BD address: no port.
  if (model->second.protocol == device_protocol::ble_gatt) {
    if (r.has("port"))
      r.fail("port", "applies only to modbus-tcp and http-json devices");
  } else {
    r.read_int("port", d.port, 1, 65535, need::required);
  }
  if (r.has("unitId") && !modbus)
    r.fail("unitId", "applies only to modbus-tcp devices");
  r.read_int("unitId", d.unit_id, 0, 247);
  if (r.read("thingId", d.thing_id)) {
    if (!is_id(d.thing_id))
      r.fail("thingId", "invalid id \"" + d.thing_id
                          + "\": ids match [A-Za-z0-9._-]{1,64}");
    else if (!d.match.pinned())
      r.fail("thingId", "needs a pinned entry (mac, or an exact serial or "
                        "udn): an unpinned entry may match several devices, "
                        "which get the ids " + d.name + "-1, " + d.name
                          + "-2, ...");
  }
  if (r.read("title", d.title) && !is_text(d.title, 128))
    r.fail("title", "must be 1 to 128 characters without control characters");
  r.read_enum("criticality", d.criticality, criticality_names);
  read_tags(r, d.tags);
}

/// True if `id` is "NAME-N" for a decimal N.
bool is_generated_id(std::string_view id, std::string_view name) {
  if (id.size() <= name.size() + 1 || id.substr(0, name.size()) != name
      || id[name.size()] != '-')
    return false;
  for (auto c : id.substr(name.size() + 1))
    if (c < '0' || c > '9')
      return false;
  return true;
}

/// The ids admitted devices get must not clash with each other or with the
/// configured devices.
void check_ids(const object_reader& r, const site_config& site,
               const design_info& out) {
  std::map<std::string, std::string> taken; // id -> who has it
  for (auto& dev : site.devices)
    taken.emplace(dev.id, "a configured device");
  auto pointer = [&](size_t i) { return r.path("allowed") + "/" + std::to_string(i); };
  for (size_t i = 0; i < out.allowed.size(); ++i) {
    auto& d = out.allowed[i];
    if (!d.match.pinned())
      continue;
    auto id = d.thing_id.empty() ? d.name : d.thing_id;
    auto field = pointer(i) + (d.thing_id.empty() ? "/name" : "/thingId");
    if (auto [it, added] = taken.emplace(id, pointer(i)); !added)
      return (void) r.sink().fail(field, "the device id \"" + id
                                           + "\" is taken by " + it->second);
  }
  for (size_t i = 0; i < out.allowed.size(); ++i) {
    auto& d = out.allowed[i];
    if (d.match.pinned())
      continue;
    for (auto& [id, who] : taken)
      if (is_generated_id(id, d.name))
        return (void) r.sink().fail(
          pointer(i) + "/name",
          "an unpinned entry names its devices " + d.name + "-1, " + d.name
            + "-2, ...; \"" + id + "\" is taken by " + who);
  }
}

} // namespace

void read_design(const object_reader& r, const site_config& site,
                 design_info& out) {
  auto& sink = r.sink();
  if (!r.known_keys({"allowed", "blocked"}))
    return;
  if (auto allowed = r.get_array("allowed")) {
    std::map<std::string, std::string> names; // name -> pointer
    for (size_t i = 0; i < allowed->size() && sink.ok(); ++i) {
      auto pointer = r.path("allowed") + "/" + std::to_string(i);
      object_reader er{sink, (*allowed)[i], pointer};
      if (!er.valid())
        return;
      allowed_device d;
      read_allowed(er, site, d);
      if (!sink.ok())
        return;
      if (auto [it, added] = names.emplace(d.name, pointer); !added)
        return (void) er.fail("name", "duplicate name \"" + d.name
                                        + "\" (also " + it->second + ")");
      out.allowed.push_back(std::move(d));
    }
  }
  if (auto blocked = r.get_array("blocked")) {
    for (size_t i = 0; i < blocked->size() && sink.ok(); ++i) {
      auto pointer = r.path("blocked") + "/" + std::to_string(i);
      object_reader er{sink, (*blocked)[i], pointer};
      if (!er.valid()
          || !er.known_keys({"vendor", "product", "modelNumber", "firmware",
                             "hardware", "serial", "category", "mac", "udn"}))
        return;
      identity_rule rule;
      read_rule(er, rule);
      if (!sink.ok())
        return;
      if (rule.empty())
        return (void) sink.fail(pointer, "a block entry needs at least one "
                                         "field");
      out.blocked.push_back(std::move(rule));
    }
  }
  if (sink.ok())
    check_ids(r, site, out);
}

void read_discovery(const object_reader& r, discovery_config& out) {
  auto& sink = r.sink();
  if (!r.known_keys({"interface", "localAddress", "htip", "upnp", "ble",
                     "neighbours", "profileTimeoutMs", "rematchIntervalS",
                     "confirmChangeS"}))
    return;
  r.read("interface", out.interface);
  r.read("localAddress", out.local_address);
  if (auto o = r.get_object("htip")) {
    object_reader h{sink, *o, r.path("htip")};
    if (h.known_keys({"enabled"}))
      h.read("enabled", out.htip.enabled);
  }
  if (auto o = r.get_object("upnp")) {
    object_reader u{sink, *o, r.path("upnp")};
    if (u.known_keys({"enabled", "searchIntervalS", "unicastTargets"})) {
      u.read("enabled", out.upnp.enabled);
      u.read_int("searchIntervalS", out.upnp.search_interval_s, 1, 86'400);
      if (auto targets = u.get_array("unicastTargets")) {
        for (size_t i = 0; i < targets->size() && sink.ok(); ++i) {
          auto& t = (*targets)[i];
          if (!t.is_string())
            sink.fail(u.path("unicastTargets") + "/" + std::to_string(i),
                      "must be a string");
          else
            out.upnp.unicast_targets.push_back(t.get<std::string>());
        }
      }
    }
  }
  if (auto o = r.get_object("ble")) {
    object_reader b{sink, *o, r.path("ble")};
    if (b.known_keys({"enabled", "bus"})) {
      b.read("enabled", out.ble.enabled);
      b.read("bus", out.ble.bus);
    }
  }
  if (auto o = r.get_object("neighbours")) {
    object_reader n{sink, *o, r.path("neighbours")};
    if (n.known_keys({"enabled", "intervalS"})) {
      n.read("enabled", out.neighbours.enabled);
      n.read_int("intervalS", out.neighbours.interval_s, 1, 3600);
    }
  }
  r.read_int("profileTimeoutMs", out.profile_timeout_ms, 100, 60'000);
  r.read_int("rematchIntervalS", out.rematch_interval_s, 10, 86'400);
  r.read_int("confirmChangeS", out.confirm_change_s, 0, 3600);
  if (!sink.ok())
    return;
  if (auto bad = out.check())
    sink.fail(r.pointer() + bad->field, bad->reason);
}

} // namespace kagami::config
