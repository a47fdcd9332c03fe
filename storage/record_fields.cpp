#include "storage/record_fields.hpp"

#include "actors/core/error.hpp"
#include "storage/record_key.hpp"

namespace kagami::storage {

using nlohmann::json;

caf::error corrupt_record(std::string_view kind, std::string_view cf,
                          std::string_view key, std::string_view reason) {
  return make_error(ec::storage_failure,
                    "corrupt " + std::string{kind} + " record '"
                      + record_name(cf, key) + "': " + std::string{reason});
}

std::string parse_record(std::string_view bytes, json& obj) {
  obj = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (obj.is_discarded())
    return "not valid JSON";
  if (!obj.is_object())
    return "not a JSON object";
  if (!obj.contains("schema_version"))
    return "missing field 'schema_version'";
  return {};
}

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

std::string read_time(const json& obj, const char* name,
                      std::chrono::sys_time<std::chrono::milliseconds>& out) {
  auto i = obj.find(name);
  if (i == obj.end())
    return std::string{"missing field '"} + name + "'";
  if (!i->is_number_integer())
    return std::string{"field '"} + name + "' is not an integer";
  out = std::chrono::sys_time<std::chrono::milliseconds>{
    std::chrono::milliseconds{i->get<int64_t>()}};
  return {};
}

std::string read_strings(const json& obj, const char* name, bool required,
                         std::vector<std::string>& out) {
  auto i = obj.find(name);
  if (i == obj.end())
    return required ? std::string{"missing field '"} + name + "'" : "";
  if (!i->is_array())
    return std::string{"field '"} + name + "' is not an array";
  for (const auto& x : *i) {
    if (!x.is_string())
      return std::string{"field '"} + name
             + "' holds a value that is not a string";
    out.push_back(x.get<std::string>());
  }
  return {};
}

} // namespace kagami::storage
