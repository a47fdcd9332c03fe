#pragma once

// Reading the fields of a JSON-encoded record (device_registry,
// rogue_registry). Internal to kagami_storage.
//
// The readers never throw on a wrong type and return the reason of a
// failure as text ("missing field 'mac'", "field 'mac' is not a string"),
// or "" when the field was read; the caller wraps the reason with
// corrupt_record(). The texts are part of the stored-record error messages
// that operators and tests read: keep them stable.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

namespace kagami::storage {

/// ec::storage_failure with "corrupt KIND record 'CF/KEY': REASON", the
/// bytes of KEY that are not printable escaped (record_name).
caf::error corrupt_record(std::string_view kind, std::string_view cf,
                          std::string_view key, std::string_view reason);

/// Parses `bytes` into `obj` and checks that it is a JSON object with a
/// "schema_version" field (of any type: the caller checks the version).
/// Returns "not valid JSON", "not a JSON object",
/// "missing field 'schema_version'", or "".
std::string parse_record(std::string_view bytes, nlohmann::json& obj);

/// Reads the string field `name` of the object `obj` into `out`. A missing
/// field is an error if `required`, else leaves `out` alone.
std::string read_string(const nlohmann::json& obj, const char* name,
                        bool required, std::string& out);

/// Reads the required integer field `name` (milliseconds since the Unix
/// epoch) into `out`.
std::string
read_time(const nlohmann::json& obj, const char* name,
          std::chrono::sys_time<std::chrono::milliseconds>& out);

/// Reads the array-of-strings field `name`, appending its elements to
/// `out`. A missing field is an error if `required`, else leaves `out`
/// alone. On an element that is not a string, `out` may hold the elements
/// before it.
std::string read_strings(const nlohmann::json& obj, const char* name,
                         bool required, std::vector<std::string>& out);

} // namespace kagami::storage
