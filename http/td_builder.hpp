#pragma once

// Builds the W3C WoT Thing Descriptions (TD 1.1) that apps see: one per
// virtual device, and one for the Thing Description Directory at
// /.well-known/wot. A TD names the gateway only: its forms point at the
// gateway's URLs, and it never carries the device's vendor, model id,
// firmware, address or protocol. Hiding them is a security feature.
// Plain C++: no CAF, no Beast.

#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "config/device_model.hpp"
#include "config/site_config.hpp"

namespace kagami {

/// The TD 1.1 JSON-LD context; the first entry of every `@context`.
inline constexpr std::string_view td_context_uri
  = "https://www.w3.org/2022/wot/td/v1.1";

/// The WoT Discovery context, added to the directory's TD.
inline constexpr std::string_view discovery_context_uri
  = "https://www.w3.org/2022/wot/discovery";

/// Every thing's TD `id` is this prefix followed by the device id.
inline constexpr std::string_view thing_urn_prefix = "urn:kagami:thing:";

/// What a TD says about the gateway rather than the device.
struct td_options {
  /// The gateway's base URL as apps reach it, e.g. "http://127.0.0.1:8080"
  /// (scheme, host and port; a trailing '/' is ignored). Every href is
  /// absolute and starts with it.
  std::string base_url = "http://127.0.0.1:8080";
  /// The site's name; titles the directory's TD.
  std::string site_name = "kagami";
  /// The TD `securityDefinitions`: scheme name -> security scheme object.
  nlohmann::json security_definitions
    = {{"nosec_sc", {{"scheme", "nosec"}}}};
  /// The TD `security`: names of `security_definitions` that are in force.
  std::vector<std::string> security = {"nosec_sc"};
};

/// Checks what build_* functions take for granted: `base_url` is an absolute
/// http(s) URL without query or fragment; `security` is not empty and each
/// name is a key of `security_definitions`; every definition is an object
/// with a known `scheme` (nosec, basic, digest, apikey, bearer, psk, oauth2,
/// combo, auto). Returns ec::config_invalid naming the offending field.
caf::error validate(const td_options& opts);

/// The TD `id` of device `id`: thing_urn_prefix + id.
std::string thing_urn(std::string_view id);

/// Builds the TD of `dev`, a device of `model`, as the gateway publishes it:
/// - `@context` td_context_uri; `id` thing_urn(dev.id); `title` dev.title (or
///   dev.id); `description` model.description; `base` opts.base_url;
///   `securityDefinitions` and `security` from `opts`;
/// - one property per model property: its DataSchema (type, minimum,
///   maximum, enum, unit, description, readOnly, writeOnly false, observable
///   false) and forms at {base}/things/{id}/properties/{name}: readproperty by
///   GET, and for writable ones writeproperty by PUT, each in its own form
///   since `htv:methodName` applies to every op of a form;
/// - one action per model action: `input`, `safe` false (every action acts on
///   the device), `idempotent`, and an invokeaction form, POST
///   {base}/things/{id}/actions/{name};
/// - one event per model event: `data` is the schema of the property it
///   watches, and a subscribeevent form, GET {base}/things/{id}/events/{name}
///   as server-sent events (subprotocol "sse", text/event-stream);
/// - top-level forms: readallproperties, GET {base}/things/{id}/properties.
/// URL path segments are percent-encoded. Never throws except on allocation
/// failure. Requires validate(opts) to have passed.
nlohmann::json build_thing_description(const config::device_config& dev,
                                       const config::device_model& model,
                                       const td_options& opts);

/// Builds the TD of the gateway's Thing Description Directory (WoT
/// Discovery), served at /.well-known/wot: `@type` "ThingDirectory" and a
/// read-only `things` property, GET {base}/things with the uriVariables
/// offset, limit and format. Requires validate(opts) to have passed.
nlohmann::json build_thing_directory_description(const td_options& opts);

/// As above with the default td_options and `base_url`.
nlohmann::json build_thing_directory_description(const std::string& base_url);

} // namespace kagami
