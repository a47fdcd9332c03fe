#include "protocols/http_device/reply_parser.hpp"

#include "actors/core/error.hpp"
#include "config/json_reader.hpp"

namespace kagami::protocols::http_device {

caf::expected<nlohmann::json> parse_reply(std::string_view body) {
  if (body.size() > reply_limits::body_limit)
    return make_error(ec::device_bad_reply, "reply body exceeds "
                                              + std::to_string(reply_limits::body_limit)
                                              + " bytes");
  if (json_nesting_depth(body, reply_limits::max_depth + 1) > reply_limits::max_depth)
    return make_error(ec::device_bad_reply,
                      "reply JSON nests deeper than "
                        + std::to_string(reply_limits::max_depth) + " levels");
  auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                   /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return make_error(ec::device_bad_reply, "reply is not valid JSON");
  return doc;
}

caf::expected<nlohmann::json> select_pointer(const nlohmann::json& doc,
                                             const std::string& pointer) {
  if (!config::is_json_pointer(pointer))
    return make_error(ec::config_invalid, "invalid JSON pointer '" + pointer + "'");
  try {
    nlohmann::json::json_pointer ptr{pointer};
    // at() throws for a missing key, a bad or out-of-range array index and a
    // step into a scalar: all mean the reply lacks the value.
    return doc.at(ptr);
  } catch (const nlohmann::json::exception&) {
    return make_error(ec::device_bad_reply, "reply has no value at '" + pointer + "'");
  }
}

} // namespace kagami::protocols::http_device
