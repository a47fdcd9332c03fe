#include "protocols/wifi_ap/ap_json.hpp"

#include <string>

#include "actors/core/error.hpp"
#include "config/json_depth.hpp"

namespace kagami::protocols::wifi_ap {

caf::expected<nlohmann::json> parse_bounded_json(std::string_view body,
                                                 const ap_limits& limits) {
  if (body.size() > limits.max_body_bytes)
    return make_error(ec::device_bad_reply, ": body longer than "
                        + std::to_string(limits.max_body_bytes) + " bytes");
  if (config::json_nesting_depth(body, limits.max_depth + 1) > limits.max_depth)
    return make_error(ec::device_bad_reply, ": nested deeper than "
                        + std::to_string(limits.max_depth));
  auto result = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                      /*allow_exceptions=*/false);
  if (result.is_discarded())
    return make_error(ec::device_bad_reply, ": not JSON");
  return result;
}

caf::error check_http_status(unsigned http_status) {
  if (http_status < 200 || http_status >= 300)
    return make_error(ec::device_error, "HTTP " + std::to_string(http_status));
  return caf::none;
}

} // namespace kagami::protocols::wifi_ap
