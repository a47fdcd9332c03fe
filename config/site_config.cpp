#include "config/site_config.hpp"

#include "actors/core/error.hpp"

namespace kagami::config {

const device_model* site_config::model_of(const device_config& dev) const {
  auto i = models.find(dev.model);
  return i == models.end() ? nullptr : &i->second;
}

std::string config_error::to_string() const {
  std::string result = file;
  if (!field.empty())
    result += (result.empty() ? "" : ": ") + field;
  if (!reason.empty())
    result += (result.empty() ? "" : ": ") + reason;
  return result;
}

caf::error config_error::to_error() const {
  return make_error(ec::config_invalid, to_string());
}

} // namespace kagami::config
