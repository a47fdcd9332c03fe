#pragma once

// The plugin point for access-point management APIs. An ap_api_model knows
// one vendor's HTTP/JSON API: it describes the requests to send (no I/O)
// and decodes the replies into the common ap_status / cut_result. Models
// are made by factories registered by name in an ap_model_registry
// (Envoy-style: core code asks the registry for "vendor-x" and never names
// a model class), so a real vendor's API is added by registering one more
// factory, without touching the core.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "protocols/wifi_ap/ap_status.hpp"

namespace kagami::protocols::wifi_ap {

/// The cuts (containment actions) an AP may support.
enum class ap_cut { disable_ssid, deauth_client, radio_off };

/// "disable_ssid", "deauth_client" or "radio_off".
const char* to_string(ap_cut x);

/// One cut to apply. `target` is the SSID name (disable_ssid), the client
/// MAC in any form normalize_mac accepts (deauth_client) or the radio id
/// (radio_off).
struct ap_cut_order {
  ap_cut kind = ap_cut::disable_ssid;
  std::string target;
};

/// An HTTP request to send to the AP's management address: a description
/// only; the adapter adds host, authentication and transport.
struct ap_http_request {
  std::string method;       ///< "GET" or "POST".
  std::string target;       ///< Origin-form path, already percent-encoded.
  std::string body;         ///< Empty for none.
  std::string content_type; ///< Empty when body is empty.
  bool operator==(const ap_http_request&) const = default;
};

/// The AP's answer to a cut.
struct cut_result {
  bool applied = false; ///< The AP says the cut is in effect.
  std::string message;  ///< The AP's own words (bounded), may be empty.
  bool operator==(const cut_result&) const = default;
};

/// One vendor's management API. Implementations are stateless and
/// thread-compatible; no member throws.
class ap_api_model {
public:
  virtual ~ap_api_model() = default;

  /// The registry name ("kagami-sim-ap").
  virtual std::string_view name() const = 0;

  /// Whether the API can apply `cut`.
  virtual bool supports(ap_cut cut) const = 0;

  /// The request that reads radios, SSIDs and associated clients.
  virtual ap_http_request status_request() const = 0;

  /// The request that applies `order`. Errors: ec::not_writable when the
  /// model does not support the cut, ec::invalid_value when the target is
  /// malformed.
  virtual caf::expected<ap_http_request>
  cut_request(const ap_cut_order& order) const = 0;

  /// Decodes the reply to status_request(). Errors: ec::device_error for a
  /// non-2xx status, ec::device_bad_reply (detail "<JSON pointer>: <why>")
  /// for a body that does not fit the API or breaks `limits`. On success,
  /// check_ap_status(result, limits) holds.
  virtual caf::expected<ap_status>
  parse_status(unsigned http_status, std::string_view body,
               const ap_limits& limits) const = 0;

  /// Decodes the reply to cut_request(`order`), same error contract.
  virtual caf::expected<cut_result>
  parse_cut(const ap_cut_order& order, unsigned http_status,
            std::string_view body, const ap_limits& limits) const = 0;
};

/// Makes models of one name.
class ap_model_factory {
public:
  virtual ~ap_model_factory() = default;
  virtual std::string_view name() const = 0;
  virtual std::unique_ptr<ap_api_model> create() const = 0;
};

/// Factories by name. Filled once at start-up, then read only.
class ap_model_registry {
public:
  /// Registers `factory`. Error ec::config_invalid for a null factory, an
  /// empty name or a name already registered.
  caf::error add(std::unique_ptr<ap_model_factory> factory);

  /// A new model of `name`; ec::not_found for an unknown name.
  caf::expected<std::unique_ptr<ap_api_model>> create(std::string_view name) const;

  /// Registered names, sorted.
  std::vector<std::string> names() const;

private:
  std::map<std::string, std::unique_ptr<ap_model_factory>, std::less<>> factories_;
};

/// Registers the models shipped with kagami ("kagami-sim-ap").
caf::error register_builtin_ap_models(ap_model_registry& registry);

/// Percent-encodes `text` for one URL path segment (RFC 3986 unreserved
/// characters stay as they are). For models building request targets.
std::string encode_path_segment(std::string_view text);

} // namespace kagami::protocols::wifi_ap
