#pragma once

// The one JSON encoding of device_profile and device_sighting, used by the
// onboarding and rogue records in storage/ and by onboarding logs.
//
//   profile:  {"vendor": S, "product": S, "modelNumber": S, "firmware": S,
//              "hardware": S, "serial": S, "category": S, "udn": S}
//             (empty fields are left out)
//   sighting: {"source": "htip"|"upnp"|"ble"|"vendor_db", "mac": S,
//              "address": S, "seenOn": S, "locator": S, "fingerprint": S,
//              "profile": PROFILE}  (empty strings and a missing profile are
//              left out)
//
// Decoding is strict: unknown keys, wrong types and strings longer than
// max_profile_field (profile) or 1024 bytes (sighting fields) are errors.
// Nothing throws.

#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols {

/// The discovery_kind named `name` ("htip", ...), or nullopt.
std::optional<discovery_kind> discovery_kind_from_string(std::string_view name);

nlohmann::json profile_to_json(const device_profile& p);

/// Fails with ec::invalid_value and the reason ("field 'vendor' is not a
/// string", "unknown field 'x'", "field 'serial' is longer than 128 bytes").
caf::expected<device_profile> profile_from_json(const nlohmann::json& j);

nlohmann::json sighting_to_json(const device_sighting& s);

/// Fails like profile_from_json; also on an unknown source.
caf::expected<device_sighting> sighting_from_json(const nlohmann::json& j);

/// Compact JSON text; invalid UTF-8 in a field is replaced, never thrown.
std::string to_json_text(const nlohmann::json& j);

} // namespace kagami::protocols
