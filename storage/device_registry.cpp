#include "storage/device_registry.hpp"

#include <algorithm>
#include <set>

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
  return corrupt_record("device", cf::devices, key, reason);
}

json encode_facts(const onboarding_facts& f) {
  json obj = json::object();
  obj["identity"] = f.identity;
  obj["mac"] = f.mac;
  obj["address"] = f.address;
  obj["source"] = protocols::to_string(f.source);
  obj["seen_on"] = f.seen_on;
  obj["profile"] = protocols::profile_to_json(f.profile);
  obj["design_entry"] = f.design_entry;
  obj["criticality"] = config::to_string(f.criticality);
  obj["admitted_at_ms"] = f.admitted_at.time_since_epoch().count();
  return obj;
}

/// Decodes the "onboarding" object; returns the reason of a failure or "".
std::string decode_facts(const json& obj, onboarding_facts& f) {
  if (!obj.is_object())
    return "field 'onboarding' is not an object";
  std::string source;
  std::string crit;
  for (auto reason :
       {read_string(obj, "identity", true, f.identity),
        read_string(obj, "mac", true, f.mac),
        read_string(obj, "address", true, f.address),
        read_string(obj, "source", true, source),
        read_string(obj, "seen_on", true, f.seen_on),
        read_string(obj, "design_entry", true, f.design_entry),
        read_string(obj, "criticality", true, crit)})
    if (!reason.empty())
      return "onboarding: " + reason;
  auto kind = protocols::discovery_kind_from_string(source);
  if (!kind)
    return "onboarding: unknown source '" + source + "'";
  f.source = *kind;
  auto& names = config::criticality_names;
  auto c = std::find_if(names.begin(), names.end(),
                        [&](auto& x) { return x.first == crit; });
  if (c == names.end())
    return "onboarding: unknown criticality '" + crit + "'";
  f.criticality = c->second;
  auto p = obj.find("profile");
  if (p == obj.end())
    return "onboarding: missing field 'profile'";
  auto profile = protocols::profile_from_json(*p);
  if (!profile)
    return "onboarding: profile: " + detail_of(profile.error());
  f.profile = std::move(*profile);
  if (auto reason = read_time(obj, "admitted_at_ms", f.admitted_at);
      !reason.empty())
    return "onboarding: " + reason;
  return {};
}

} // namespace

const char* to_string(device_origin x) {
  return x == device_origin::config ? "config" : "onboarded";
}

std::string encode_device_record(const device_record& rec) {
  auto& dev = rec.device;
  json obj = json::object();
  obj["schema_version"] = device_record_version;
  obj["origin"] = to_string(rec.origin);
  obj["id"] = dev.id;
  obj["title"] = dev.title;
  obj["model"] = dev.model;
  obj["address"] = dev.address;
  obj["unit_id"] = dev.unit_id;
  obj["tags"] = dev.tags;
  if (rec.onboarding)
    obj["onboarding"] = encode_facts(*rec.onboarding);
  // Replace invalid UTF-8 instead of throwing: config strings are UTF-8
  // already and profile strings are sanitized by their parsers, so this
  // only guards against misuse.
  return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_device_record(const config::device_config& dev) {
  return encode_device_record(device_record{dev, device_origin::config, {}});
}

namespace {

caf::expected<device_record>
decode_device_record_impl(std::string_view key, std::string_view bytes) {
  json obj;
  if (auto reason = parse_record(bytes, obj); !reason.empty())
    return corrupt(key, reason);
  const auto& ver = *obj.find("schema_version");
  if (!ver.is_number_integer())
    return corrupt(key, "field 'schema_version' is not an integer");
  if (ver != 1 && ver != device_record_version)
    return corrupt(key, "unsupported schema version " + ver.dump()
                          + " (this gateway reads versions 1 to "
                          + std::to_string(device_record_version) + ")");
  device_record rec;
  auto& dev = rec.device;
  for (auto reason : {read_string(obj, "id", true, dev.id),
                      read_string(obj, "model", true, dev.model),
                      read_string(obj, "address", true, dev.address),
                      read_string(obj, "title", false, dev.title)})
    if (!reason.empty())
      return corrupt(key, reason);
  if (dev.id != key)
    return corrupt(key, "the record has id '" + printable_key(dev.id) + "'");
  if (auto i = obj.find("unit_id"); i != obj.end()) {
    if (!i->is_number_integer() || *i < 0 || *i > 255)
      return corrupt(key, "field 'unit_id' is not an integer in [0, 255]");
    dev.unit_id = i->get<int>();
  }
  if (auto reason = read_strings(obj, "tags", false, dev.tags);
      !reason.empty())
    return corrupt(key, reason);
  if (ver == 1)
    return rec; // Version 1 knew configured devices only.
  std::string origin;
  if (auto reason = read_string(obj, "origin", true, origin); !reason.empty())
    return corrupt(key, reason);
  if (origin == "config")
    rec.origin = device_origin::config;
  else if (origin == "onboarded")
    rec.origin = device_origin::onboarded;
  else
    return corrupt(key, "unknown origin '" + printable_key(origin) + "'");
  auto facts = obj.find("onboarding");
  if (rec.origin == device_origin::config) {
    if (facts != obj.end())
      return corrupt(key, "a config record has field 'onboarding'");
    return rec;
  }
  if (facts == obj.end())
    return corrupt(key, "missing field 'onboarding'");
  rec.onboarding.emplace();
  if (auto reason = decode_facts(*facts, *rec.onboarding); !reason.empty())
    return corrupt(key, reason);
  return rec;
}

} // namespace

caf::expected<device_record> decode_device_record(std::string_view key,
                                                  std::string_view bytes) {
  try {
    return decode_device_record_impl(key, bytes);
  } catch (const std::exception& ex) {
    // Not expected: parsing runs without exceptions. Keep the promise anyway.
    return corrupt(key, ex.what());
  }
}

namespace {

caf::error check_record(const device_record& rec) {
  if (rec.device.id.empty())
    return make_error(ec::invalid_value, "a device record needs an id");
  if ((rec.origin == device_origin::onboarded) != rec.onboarding.has_value())
    return make_error(ec::invalid_value,
                      "device record '" + rec.device.id
                        + "': onboarding facts are required for an onboarded "
                          "device and not allowed for a configured one");
  return {};
}

} // namespace

caf::error device_registry::save(const config::device_config& dev) {
  return save(device_record{dev, device_origin::config, {}});
}

caf::error device_registry::save(const device_record& rec) {
  if (auto err = check_record(rec))
    return err;
  return store_.put(cf::devices, rec.device.id, encode_device_record(rec),
                    write_options{.sync = true});
}

caf::error device_registry::save_all(const std::vector<device_record>& recs) {
  write_batch batch;
  for (auto& rec : recs) {
    if (auto err = check_record(rec))
      return err;
    batch.put(cf::devices, rec.device.id, encode_device_record(rec));
  }
  if (batch.empty())
    return {};
  return store_.write(batch, write_options{.sync = true});
}

caf::error device_registry::remove(std::string_view id) {
  return store_.erase(cf::devices, id, write_options{.sync = true});
}

caf::expected<std::optional<device_record>>
device_registry::load(std::string_view id) {
  return load_record<device_record>(store_, cf::devices, id,
                                   decode_device_record);
}

caf::expected<std::vector<std::string>>
device_registry::replace_all(const std::vector<config::device_config>& devices) {
  std::set<std::string> keep;
  write_batch batch;
  for (auto& dev : devices) {
    if (dev.id.empty())
      return make_error(ec::invalid_value, "a device record needs an id");
    keep.insert(dev.id);
    batch.put(cf::devices, dev.id, encode_device_record(dev));
  }
  std::vector<std::string> removed;
  auto err = store_.for_each_prefix(
    cf::devices, "", [&](std::string_view key, std::string_view bytes) {
      if (keep.count(std::string{key}))
        return true;
      auto rec = decode_device_record(key, bytes);
      if (!rec || rec->origin == device_origin::config)
        removed.emplace_back(key);
      return true;
    });
  if (err)
    return err;
  for (auto& id : removed)
    batch.erase(cf::devices, id);
  if (auto err = store_.write(batch, write_options{.sync = true}))
    return err;
  return removed;
}

caf::expected<std::vector<device_record>> device_registry::load_records() {
  auto result = storage::load_records<device_record>(store_, cf::devices,
                                                     decode_device_record);
  if (!result)
    return result;
  std::sort(result->begin(), result->end(), [](const auto& x, const auto& y) {
    return x.device.id < y.device.id;
  });
  return result;
}

caf::expected<std::vector<config::device_config>> device_registry::load_all() {
  auto all = load_records();
  if (!all)
    return std::move(all.error());
  std::vector<config::device_config> result;
  for (auto& rec : *all)
    if (rec.origin == device_origin::config)
      result.push_back(std::move(rec.device));
  return result;
}

caf::expected<std::vector<device_record>> device_registry::load_onboarded() {
  auto all = load_records();
  if (!all)
    return std::move(all.error());
  std::vector<device_record> result;
  for (auto& rec : *all)
    if (rec.origin == device_origin::onboarded)
      result.push_back(std::move(rec));
  return result;
}

} // namespace kagami::storage
