#include "storage/device_registry.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::storage {

namespace {

using nlohmann::json;

/// Prints `key` for a message, escaping bytes that are not printable ASCII.
std::string printable(std::string_view key) {
  std::string result;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      result += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      result += buf;
    }
  }
  return result;
}

caf::error corrupt(std::string_view key, const std::string& reason) {
  return make_error(ec::storage_failure, "corrupt device record '"
                                           + std::string{cf::devices} + "/"
                                           + printable(key) + "': " + reason);
}

/// Reads the string field `name` into `out`. A missing field is an error if
/// `required`, else leaves `out` alone. Returns the reason of a failure or "".
std::string read_string(const json& obj, const char* name, bool required,
                        std::string& out) {
  auto i = obj.find(name);
  if (i == obj.end())
    return required ? std::string{"missing field '"} + name + "'" : "";
  if (!i->is_string())
    return std::string{"field '"} + name + "' is not a string";
  out = i->get<std::string>();
  return {};
}

} // namespace

std::string encode_device_record(const config::device_config& dev) {
  json obj = json::object();
  obj["schema_version"] = device_record_version;
  obj["id"] = dev.id;
  obj["title"] = dev.title;
  obj["model"] = dev.model;
  obj["address"] = dev.address;
  obj["unit_id"] = dev.unit_id;
  obj["tags"] = dev.tags;
  // Replace invalid UTF-8 instead of throwing: config strings are UTF-8
  // already, so this only guards against misuse.
  return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

caf::expected<config::device_config>
decode_device_record_impl(std::string_view key, std::string_view bytes) {
  auto obj = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (obj.is_discarded())
    return corrupt(key, "not valid JSON");
  if (!obj.is_object())
    return corrupt(key, "not a JSON object");
  auto ver = obj.find("schema_version");
  if (ver == obj.end())
    return corrupt(key, "missing field 'schema_version'");
  if (!ver->is_number_integer())
    return corrupt(key, "field 'schema_version' is not an integer");
  if (*ver != device_record_version)
    return corrupt(key, "unsupported schema version " + ver->dump()
                          + " (this gateway reads version "
                          + std::to_string(device_record_version) + ")");
  config::device_config dev;
  for (auto reason : {read_string(obj, "id", true, dev.id),
                      read_string(obj, "model", true, dev.model),
                      read_string(obj, "address", true, dev.address),
                      read_string(obj, "title", false, dev.title)})
    if (!reason.empty())
      return corrupt(key, reason);
  if (dev.id != key)
    return corrupt(key, "the record has id '" + printable(dev.id) + "'");
  if (auto i = obj.find("unit_id"); i != obj.end()) {
    if (!i->is_number_integer() || *i < 0 || *i > 255)
      return corrupt(key, "field 'unit_id' is not an integer in [0, 255]");
    dev.unit_id = i->get<int>();
  }
  if (auto i = obj.find("tags"); i != obj.end()) {
    if (!i->is_array())
      return corrupt(key, "field 'tags' is not an array");
    for (const auto& tag : *i) {
      if (!tag.is_string())
        return corrupt(key, "field 'tags' holds a value that is not a string");
      dev.tags.push_back(tag.get<std::string>());
    }
  }
  return dev;
}

} // namespace

caf::expected<config::device_config>
decode_device_record(std::string_view key, std::string_view bytes) {
  try {
    return decode_device_record_impl(key, bytes);
  } catch (const std::exception& ex) {
    // Not expected: parsing runs without exceptions. Keep the promise anyway.
    return corrupt(key, ex.what());
  }
}

caf::error device_registry::save(const config::device_config& dev) {
  if (dev.id.empty())
    return make_error(ec::invalid_value, "a device record needs an id");
  return store_.put(cf::devices, dev.id, encode_device_record(dev),
                    write_options{.sync = true});
}

caf::error device_registry::remove(std::string_view id) {
  return store_.erase(cf::devices, id, write_options{.sync = true});
}

caf::expected<std::optional<config::device_config>>
device_registry::load(std::string_view id) {
  auto bytes = store_.get(cf::devices, id);
  if (!bytes)
    return std::move(bytes.error());
  if (!*bytes)
    return std::optional<config::device_config>{};
  auto dev = decode_device_record(id, **bytes);
  if (!dev)
    return std::move(dev.error());
  return std::optional<config::device_config>{std::move(*dev)};
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
  auto err = store_.for_each_prefix(cf::devices, "",
                                    [&](std::string_view key, std::string_view) {
                                      if (!keep.count(std::string{key}))
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

caf::expected<std::vector<config::device_config>> device_registry::load_all() {
  std::vector<config::device_config> result;
  caf::error first_corrupt;
  auto err = store_.for_each_prefix(
    cf::devices, "", [&](std::string_view key, std::string_view bytes) {
      auto dev = decode_device_record(key, bytes);
      if (!dev) {
        first_corrupt = std::move(dev.error());
        return false;
      }
      result.push_back(std::move(*dev));
      return true;
    });
  if (err)
    return err;
  if (first_corrupt)
    return first_corrupt;
  std::sort(result.begin(), result.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  return result;
}

} // namespace kagami::storage
