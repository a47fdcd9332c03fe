#include "actors/security/chain/check_registry.hpp"

#include <exception>
#include <utility>

#include "actors/core/error.hpp"
#include "actors/security/chain/check_section.hpp"
#include "actors/security/validation/rule_error.hpp"

namespace kagami::security {

caf::error check_registry::add(std::string type, check_factory f) {
  if (type.empty())
    return make_error(ec::internal, "a check type needs a name");
  if (!f)
    return make_error(ec::internal, "check type \"" + type + "\" has no factory");
  if (factories_.count(type) != 0)
    return make_error(ec::internal,
                      "check type \"" + type + "\" is registered already");
  factories_.emplace(std::move(type), std::move(f));
  return {};
}

caf::expected<std::unique_ptr<security_check>>
check_registry::create(std::string_view type, const nlohmann::json& section,
                       const check_context& ctx) const {
  auto i = factories_.find(type);
  if (i == factories_.end()) {
    std::string known;
    for (auto& [name, _] : factories_)
      known += (known.empty() ? "" : ", ") + name;
    return rule_error(ctx.pointer + "/type",
                      "unknown check type " + quote_text(type) + " (known: "
                        + known + ")");
  }
  try {
    auto made = i->second(section, ctx);
    if (made && *made == nullptr)
      return make_error(ec::internal, ctx.pointer + ": the factory of check type "
                                        + i->first + " returned nothing");
    return made;
  } catch (const std::exception& e) {
    return make_error(ec::internal, ctx.pointer + ": the factory of check type "
                                      + i->first + " failed: " + e.what());
  }
}

std::vector<std::string> check_registry::types() const {
  std::vector<std::string> out;
  out.reserve(factories_.size());
  for (auto& [name, _] : factories_)
    out.push_back(name);
  return out;
}

} // namespace kagami::security
