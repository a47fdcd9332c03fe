#include "actors/core/error.hpp"

namespace kagami {

const char* to_string(ec x) {
  switch (x) {
    case ec::none: return "none";
    case ec::not_found: return "not_found";
    case ec::invalid_value: return "invalid_value";
    case ec::not_writable: return "not_writable";
    case ec::device_timeout: return "device_timeout";
    case ec::device_error: return "device_error";
    case ec::device_bad_reply: return "device_bad_reply";
    case ec::config_invalid: return "config_invalid";
    case ec::storage_failure: return "storage_failure";
    case ec::unavailable: return "unavailable";
    case ec::internal: return "internal";
  }
  return "unknown";
}

caf::error make_error(ec code, std::string detail) {
  return caf::error{static_cast<uint8_t>(code), ec_category,
                    caf::make_message(std::move(detail))};
}

caf::error make_error(ec code) {
  return caf::error{static_cast<uint8_t>(code), ec_category};
}

ec code_of(const caf::error& err) {
  if (!err || err.category() != ec_category)
    return ec::internal;
  return static_cast<ec>(err.code());
}

std::string detail_of(const caf::error& err) {
  if (!err)
    return {};
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return {};
}

} // namespace kagami
