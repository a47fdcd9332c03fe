#include "storage/isolation_registry.hpp"

#include <array>
#include <cstdio>
#include <utility>

#include "actors/core/error.hpp"
#include "config/json_depth.hpp"
#include "storage/record_fields.hpp"
#include "storage/record_key.hpp"
#include "storage/record_loading.hpp"

namespace kagami::storage {

namespace {

using nlohmann::json;

constexpr std::array<std::pair<isolation_state, const char*>, 6> state_names{{
  {isolation_state::pending, "pending"},
  {isolation_state::awaiting_operator, "awaiting_operator"},
  {isolation_state::no_option, "no_option"},
  {isolation_state::cut, "cut"},
  {isolation_state::failed, "failed"},
  {isolation_state::released, "released"},
}};

caf::error corrupt(std::string_view key, std::string_view reason) {
  return corrupt_record("isolation", cf::isolations, key, reason);
}

std::string read_int(const json& obj, const char* name, std::int64_t& out) {
  auto i = obj.find(name);
  if (i == obj.end())
    return std::string{"missing field '"} + name + "'";
  if (!i->is_number_integer())
    return std::string{"field '"} + name + "' is not an integer";
  out = i->get<std::int64_t>();
  return {};
}

std::string read_object(const json& obj, const char* name, json& out) {
  auto i = obj.find(name);
  if (i == obj.end())
    return std::string{"missing field '"} + name + "'";
  if (!i->is_object())
    return std::string{"field '"} + name + "' is not an object";
  out = *i;
  return {};
}

std::string read_cut(const json& x, applied_cut& out) {
  if (!x.is_object())
    return "a cut is not an object";
  std::int64_t port = 0;
  for (auto reason : {read_string(x, "element", true, out.element_id),
                      read_string(x, "action", true, out.action),
                      read_string(x, "target", true, out.target),
                      read_string(x, "order_id", true, out.order_id),
                      read_int(x, "port", port),
                      read_int(x, "applied_ms", out.applied_ms)})
    if (!reason.empty())
      return "cuts: " + reason;
  if (port < 0 || port > 0xffffffffLL)
    return "cuts: field 'port' is out of range";
  out.port_id = static_cast<std::uint32_t>(port);
  auto v = x.find("verified");
  if (v == x.end() || !v->is_boolean())
    return "cuts: field 'verified' is missing or not a boolean";
  out.verified = v->get<bool>();
  return {};
}

std::string read_step(const json& x, isolation_step& out) {
  if (!x.is_object())
    return "a trail step is not an object";
  for (auto reason : {read_int(x, "at_ms", out.at_ms),
                      read_string(x, "what", true, out.what),
                      read_object(x, "detail", out.detail)})
    if (!reason.empty())
      return "trail: " + reason;
  return {};
}

caf::expected<isolation_record> decode_impl(std::string_view key,
                                            std::string_view bytes) {
  if (bytes.size() > max_isolation_record_bytes)
    return corrupt(key, "larger than " + std::to_string(max_isolation_record_bytes)
                          + " bytes");
  if (config::json_nesting_depth(bytes, max_isolation_record_depth + 1)
      > max_isolation_record_depth)
    return corrupt(key, "nested deeper than "
                          + std::to_string(max_isolation_record_depth));
  json obj;
  if (auto reason = parse_record(bytes, obj); !reason.empty())
    return corrupt(key, reason);
  if (obj["schema_version"] != isolation_record_version)
    return corrupt(key, "unsupported schema version "
                          + obj["schema_version"].dump());
  isolation_record rec;
  std::string state;
  for (auto reason :
       {read_string(obj, "id", true, rec.id),
        read_string(obj, "suspect_mac", true, rec.suspect_mac),
        read_string(obj, "suspect_ip", true, rec.suspect_ip),
        read_string(obj, "identity", true, rec.identity),
        read_string(obj, "cause", true, rec.cause),
        read_string(obj, "kind", true, rec.kind),
        read_object(obj, "evidence", rec.evidence),
        read_string(obj, "state", true, state),
        read_object(obj, "plan", rec.plan),
        read_int(obj, "created_ms", rec.created_ms),
        read_int(obj, "updated_ms", rec.updated_ms),
        read_string(obj, "released_by", true, rec.released_by),
        read_int(obj, "released_ms", rec.released_ms)})
    if (!reason.empty())
      return corrupt(key, reason);
  if (rec.id != key)
    return corrupt(key, "the record has id '" + printable_key(rec.id) + "'");
  auto st = isolation_state_from_string(state);
  if (!st)
    return corrupt(key, "unknown state '" + printable_key(state) + "'");
  rec.state = *st;
  for (const char* name : {"cuts", "trail"}) {
    auto i = obj.find(name);
    if (i == obj.end() || !i->is_array())
      return corrupt(key, std::string{"field '"} + name
                            + "' is missing or not an array");
  }
  for (const auto& x : obj["cuts"]) {
    applied_cut c;
    if (auto reason = read_cut(x, c); !reason.empty())
      return corrupt(key, reason);
    rec.cuts.push_back(std::move(c));
  }
  if (obj["trail"].size() > max_isolation_steps)
    return corrupt(key, "more than " + std::to_string(max_isolation_steps)
                          + " trail steps");
  for (const auto& x : obj["trail"]) {
    isolation_step s;
    if (auto reason = read_step(x, s); !reason.empty())
      return corrupt(key, reason);
    rec.trail.push_back(std::move(s));
  }
  return rec;
}

} // namespace

const char* to_string(isolation_state x) {
  for (auto& [state, name] : state_names)
    if (state == x)
      return name;
  return "?";
}

std::optional<isolation_state> isolation_state_from_string(std::string_view s) {
  for (auto& [state, name] : state_names)
    if (s == name)
      return state;
  return std::nullopt;
}

bool is_active(isolation_state x) {
  return x != isolation_state::released;
}

void add_step(isolation_record& rec, std::int64_t at_ms, std::string what,
              nlohmann::json detail) {
  if (rec.trail.size() >= max_isolation_steps)
    rec.trail.erase(rec.trail.begin() + kept_first_steps);
  rec.trail.push_back({at_ms, std::move(what), std::move(detail)});
}

std::string isolation_id(std::string_view mac, std::int64_t created_ms) {
  std::string id = "iso-";
  for (char c : mac)
    if (c != ':')
      id += c;
  return id + "-" + std::to_string(created_ms);
}

nlohmann::json to_json(const isolation_record& rec) {
  json cuts = json::array();
  for (auto& c : rec.cuts)
    cuts.push_back({{"element", c.element_id},
                    {"action", c.action},
                    {"target", c.target},
                    {"port", c.port_id},
                    {"order_id", c.order_id},
                    {"applied_ms", c.applied_ms},
                    {"verified", c.verified}});
  json trail = json::array();
  for (auto& s : rec.trail)
    trail.push_back({{"at_ms", s.at_ms}, {"what", s.what}, {"detail", s.detail}});
  return {{"schema_version", isolation_record_version},
          {"id", rec.id},
          {"suspect_mac", rec.suspect_mac},
          {"suspect_ip", rec.suspect_ip},
          {"identity", rec.identity},
          {"cause", rec.cause},
          {"kind", rec.kind},
          {"evidence", rec.evidence},
          {"state", to_string(rec.state)},
          {"cuts", std::move(cuts)},
          {"plan", rec.plan},
          {"trail", std::move(trail)},
          {"created_ms", rec.created_ms},
          {"updated_ms", rec.updated_ms},
          {"released_by", rec.released_by},
          {"released_ms", rec.released_ms}};
}

std::string encode_isolation_record(const isolation_record& rec) {
  // Evidence comes from untrusted packets: replace bad UTF-8, never throw.
  return to_json(rec).dump(-1, ' ', false, json::error_handler_t::replace);
}

caf::expected<isolation_record> decode_isolation_record(std::string_view key,
                                                        std::string_view bytes) {
  try {
    return decode_impl(key, bytes);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return corrupt(key, e.what());
  }
}

caf::error isolation_registry::save(const isolation_record& rec) {
  if (rec.id.empty())
    return make_error(ec::invalid_value, "an isolation record needs an id");
  return store_.put(cf::isolations, rec.id, encode_isolation_record(rec),
                    write_options{.sync = true});
}

caf::expected<std::optional<isolation_record>>
isolation_registry::load(std::string_view id) {
  return load_record<isolation_record>(store_, cf::isolations, id,
                                       decode_isolation_record);
}

caf::expected<std::vector<isolation_record>> isolation_registry::load_all() {
  return load_records<isolation_record>(store_, cf::isolations,
                                        decode_isolation_record);
}

} // namespace kagami::storage
