#include "storage/rogue_registry.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "protocols/discovery/profile_json.hpp"
#include "storage/record_fields.hpp"
#include "storage/record_key.hpp"
#include "storage/record_loading.hpp"

namespace kagami::storage {

namespace {

using nlohmann::json;

caf::error corrupt(std::string_view key, std::string_view reason) {
  return corrupt_record("rogue", cf::rogues, key, reason);
}

caf::expected<rogue_record> decode_impl(std::string_view key,
                                        std::string_view bytes) {
  json obj;
  if (auto reason = parse_record(bytes, obj); !reason.empty())
    return corrupt(key, reason);
  const auto& ver = *obj.find("schema_version");
  if (!ver.is_number_integer())
    return corrupt(key, "field 'schema_version' is not an integer");
  if (ver != 1 && ver != rogue_record_version)
    return corrupt(key, "unsupported schema version " + ver.dump()
                          + " (this gateway reads versions 1 to "
                          + std::to_string(rogue_record_version) + ")");
  rogue_record rec;
  std::string source;
  for (auto reason : {read_string(obj, "identity", true, rec.identity),
                      read_string(obj, "mac", false, rec.mac),
                      read_string(obj, "address", false, rec.address),
                      read_string(obj, "source", true, source),
                      read_string(obj, "seen_on", false, rec.seen_on),
                      read_string(obj, "withdrawn_thing", false,
                                  rec.withdrawn_thing),
                      read_string(obj, "state", true, rec.state),
                      read_time(obj, "first_seen_ms", rec.first_seen),
                      read_time(obj, "last_seen_ms", rec.last_seen)})
    if (!reason.empty())
      return corrupt(key, reason);
  if (ver == 1) {
    // Version 1 replaced every field with the latest refusal's.
    rec.last_seen_on = rec.seen_on;
    rec.last_address = rec.address;
  } else {
    for (auto reason :
         {read_string(obj, "last_seen_on", true, rec.last_seen_on),
          read_string(obj, "last_address", true, rec.last_address)})
      if (!reason.empty())
        return corrupt(key, reason);
  }
  if (rec.identity != key)
    return corrupt(key, "the record has identity '"
                          + printable_key(rec.identity) + "'");
  auto kind = protocols::discovery_kind_from_string(source);
  if (!kind)
    return corrupt(key, "unknown source '" + printable_key(source) + "'");
  rec.source = *kind;
  if (auto i = obj.find("profile"); i != obj.end()) {
    auto p = protocols::profile_from_json(*i);
    if (!p)
      return corrupt(key, "profile: " + detail_of(p.error()));
    rec.profile = std::move(*p);
  }
  if (auto reason = read_strings(obj, "reasons", true, rec.reasons);
      !reason.empty())
    return corrupt(key, reason);
  auto count = obj.find("count");
  if (count == obj.end())
    return corrupt(key, "missing field 'count'");
  if (!count->is_number_unsigned())
    return corrupt(key, "field 'count' is not a non-negative integer");
  rec.count = count->get<uint64_t>();
  return rec;
}

/// Appends the reasons of `from` that `to` does not hold, bounded by
/// max_rogue_reasons: when full, a new reason replaces the last one.
void add_reasons(std::vector<std::string>& to,
                 const std::vector<std::string>& from) {
  for (auto& reason : from) {
    if (std::find(to.begin(), to.end(), reason) != to.end())
      continue;
    if (to.size() < max_rogue_reasons)
      to.push_back(reason);
    else
      to.back() = reason;
  }
}

/// The record after the refusal `seen`, given the record before it (or
/// none): keeps the first evidence, fills in what was missing, appends new
/// reasons, updates the last sighting and the count (rogue_registry::note).
rogue_record noted(std::optional<rogue_record> prior,
                   const rogue_record& seen) {
  if (!prior) {
    rogue_record rec = seen;
    rec.reasons.clear();
    add_reasons(rec.reasons, seen.reasons);
    rec.last_seen_on = seen.seen_on;
    rec.last_address = seen.address;
    return rec;
  }
  auto& rec = *prior;
  auto fill = [](std::string& kept, const std::string& latest) {
    if (kept.empty())
      kept = latest;
  };
  fill(rec.mac, seen.mac);
  fill(rec.address, seen.address);
  fill(rec.seen_on, seen.seen_on);
  fill(rec.withdrawn_thing, seen.withdrawn_thing);
  if (!rec.profile)
    rec.profile = seen.profile;
  add_reasons(rec.reasons, seen.reasons);
  rec.last_seen = seen.last_seen;
  rec.last_seen_on = seen.seen_on;
  rec.last_address = seen.address;
  rec.count += 1;
  return std::move(rec);
}

/// The record of `identity` in the store, or none when it is missing or
/// cannot be read (a corrupt record is replaced, not merged).
std::optional<rogue_record> prior_of(rogue_registry& reg,
                                     std::string_view identity) {
  auto old = reg.load(identity);
  if (!old || !*old)
    return std::nullopt;
  return std::move(**old);
}

caf::error check_rogue(const rogue_record& rec) {
  if (rec.identity.empty())
    return make_error(ec::invalid_value, "a rogue record needs an identity");
  if (rec.state.empty())
    return make_error(ec::invalid_value, "a rogue record needs a state");
  return {};
}

} // namespace

std::string encode_rogue_record(const rogue_record& rec) {
  json obj = json::object();
  obj["schema_version"] = rogue_record_version;
  obj["identity"] = rec.identity;
  obj["mac"] = rec.mac;
  obj["address"] = rec.address;
  obj["source"] = protocols::to_string(rec.source);
  obj["seen_on"] = rec.seen_on;
  if (rec.profile)
    obj["profile"] = protocols::profile_to_json(*rec.profile);
  obj["reasons"] = rec.reasons;
  obj["withdrawn_thing"] = rec.withdrawn_thing;
  obj["first_seen_ms"] = rec.first_seen.time_since_epoch().count();
  obj["last_seen_ms"] = rec.last_seen.time_since_epoch().count();
  obj["last_seen_on"] = rec.last_seen_on;
  obj["last_address"] = rec.last_address;
  obj["count"] = rec.count;
  obj["state"] = rec.state;
  return protocols::to_json_text(obj);
}

caf::expected<rogue_record> decode_rogue_record(std::string_view key,
                                                std::string_view bytes) {
  try {
    return decode_impl(key, bytes);
  } catch (const std::exception& ex) {
    return corrupt(key, ex.what());
  }
}

caf::error rogue_registry::save(const rogue_record& rec) {
  if (auto err = check_rogue(rec))
    return err;
  return store_.put(cf::rogues, rec.identity, encode_rogue_record(rec),
                    write_options{.sync = true});
}

caf::expected<rogue_record> rogue_registry::note(const rogue_record& seen) {
  if (auto err = check_rogue(seen))
    return err;
  auto rec = noted(prior_of(*this, seen.identity), seen);
  if (auto err = save(rec))
    return err;
  return rec;
}

caf::expected<std::vector<rogue_record>>
rogue_registry::note_all(const std::vector<rogue_record>& seen) {
  std::vector<rogue_record> result;
  result.reserve(seen.size());
  std::map<std::string, size_t> latest; // identity -> index in result
  write_batch batch;
  for (auto& s : seen) {
    if (auto err = check_rogue(s))
      return err;
    auto i = latest.find(s.identity);
    auto rec = noted(i != latest.end() ? std::optional{result[i->second]}
                                       : prior_of(*this, s.identity),
                     s);
    latest[s.identity] = result.size();
    batch.put(cf::rogues, rec.identity, encode_rogue_record(rec));
    result.push_back(std::move(rec));
  }
  if (!batch.empty())
    if (auto err = store_.write(batch, write_options{.sync = true}))
      return err;
  return result;
}

caf::error rogue_registry::remove(std::string_view identity) {
  return store_.erase(cf::rogues, identity, write_options{.sync = true});
}

caf::expected<std::optional<rogue_record>>
rogue_registry::load(std::string_view identity) {
  return load_record<rogue_record>(store_, cf::rogues, identity,
                                  decode_rogue_record);
}

caf::expected<std::vector<rogue_record>> rogue_registry::load_all() {
  // Keys are unique and visited in ascending order.
  return load_records<rogue_record>(store_, cf::rogues, decode_rogue_record);
}

} // namespace kagami::storage
