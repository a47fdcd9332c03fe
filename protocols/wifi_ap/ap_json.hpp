#pragma once

// Bounded JSON decoding of AP replies, shared by the AP models: size and
// nesting depth are checked before nlohmann parses (so a hostile body can
// neither exhaust memory nor the stack), and nothing throws.

#include <string_view>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "protocols/wifi_ap/ap_status.hpp"

namespace kagami::protocols::wifi_ap {

/// Parses `body` as one JSON value. Errors (ec::device_bad_reply, detail
/// "<JSON pointer>: <why>", pointer "" for the whole body): longer than
/// limits.max_body_bytes, nested deeper than limits.max_depth, not JSON.
caf::expected<nlohmann::json> parse_bounded_json(std::string_view body,
                                                 const ap_limits& limits);

/// ec::device_error "HTTP <status>" unless 200 <= status < 300.
caf::error check_http_status(unsigned http_status);

} // namespace kagami::protocols::wifi_ap
