#include "actors/security/validation/operational_envelope.hpp"

#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"

namespace kagami::security {

namespace {

/// A number as an operator reads it: integral values without a fraction
/// ("40", not "40.0"), others in JSON's shortest round-trip form.
std::string text(double x) {
  if (std::trunc(x) == x && std::fabs(x) < 9007199254740992.0)
    return std::to_string(static_cast<int64_t>(x));
  return nlohmann::json(x).dump();
}

} // namespace

operational_envelope::operational_envelope(
  std::vector<property_envelope> envelopes) {
  for (auto& e : envelopes) {
    key k{e.thing, e.property};
    states_.insert_or_assign(std::move(k), state{std::move(e), std::nullopt});
  }
}

auto operational_envelope::find_state(std::string_view thing,
                                      std::string_view property) -> state* {
  auto i = states_.find(std::pair{thing, property});
  return i == states_.end() ? nullptr : &i->second;
}

auto operational_envelope::find_state(std::string_view thing,
                                      std::string_view property) const
  -> const state* {
  auto i = states_.find(std::pair{thing, property});
  return i == states_.end() ? nullptr : &i->second;
}

const property_envelope*
operational_envelope::find(std::string_view thing,
                           std::string_view property) const {
  auto s = find_state(thing, property);
  return s == nullptr ? nullptr : &s->envelope;
}

caf::error operational_envelope::check_write(std::string_view thing,
                                             std::string_view property,
                                             double value) const {
  auto s = find_state(thing, property);
  if (s == nullptr)
    return {};
  auto& e = s->envelope;
  auto what = std::string{property} + " of " + std::string{thing} + ": ";
  if (!std::isfinite(value))
    return make_error(ec::invalid_value, what + "value is not finite");
  if (e.minimum && value < *e.minimum)
    return make_error(ec::invalid_value,
                      what + "value " + text(value)
                        + " is below the operational minimum "
                        + text(*e.minimum));
  if (e.maximum && value > *e.maximum)
    return make_error(ec::invalid_value,
                      what + "value " + text(value)
                        + " is above the operational maximum "
                        + text(*e.maximum));
  if (e.max_step) {
    if (!s->last) {
      if (e.reject_unknown_previous)
        return make_error(ec::invalid_value,
                          what + "current value unknown, read it before "
                                 "writing (operational step "
                            + text(*e.max_step) + ")");
      return {};
    }
    auto change = std::fabs(value - *s->last);
    if (change > *e.max_step)
      return make_error(ec::invalid_value,
                        what + "change " + text(change) + " from "
                          + text(*s->last) + " exceeds the operational step "
                          + text(*e.max_step));
  }
  return {};
}

void operational_envelope::observe(std::string_view thing,
                                   std::string_view property, double value) {
  if (!std::isfinite(value))
    return;
  if (auto s = find_state(thing, property))
    s->last = value;
}

std::optional<double>
operational_envelope::last_value(std::string_view thing,
                                 std::string_view property) const {
  auto s = find_state(thing, property);
  return s == nullptr ? std::nullopt : s->last;
}

void operational_envelope::forget(std::string_view thing,
                                  std::string_view property) {
  if (auto s = find_state(thing, property))
    s->last.reset();
}

} // namespace kagami::security
