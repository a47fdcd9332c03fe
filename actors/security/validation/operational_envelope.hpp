#pragma once

// The operational envelope of numeric thing properties: bounds narrower than
// the DataSchema and a maximum change per write relative to the device's
// last known value.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>

#include "actors/security/validation/expected_use_config.hpp"

namespace kagami::security {

/// Holds the envelopes of one site and the last known value of each
/// enveloped property. Memory is bounded by the number of envelopes: values
/// of properties without an envelope are not kept.
///
/// Not thread-safe; one actor owns it.
class operational_envelope {
public:
  explicit operational_envelope(std::vector<property_envelope> envelopes);

  /// Checks a write of `value` to `thing`/`property`, in this order:
  /// 1. value is finite;
  /// 2. minimum / maximum, inclusive;
  /// 3. max_step: |value - previous| <= max_step, previous being the last
  ///    value given to observe(); with no previous value the write is
  ///    refused unless the envelope says unknown_previous "allow".
  /// Properties without an envelope always pass. Returns an empty error, or
  /// ec::invalid_value whose detail names the violation, e.g. "setpoint of
  /// press-1: change 12 from 40 exceeds the operational step 5".
  /// Does not record anything: call observe() once the device took it.
  caf::error check_write(std::string_view thing, std::string_view property,
                         double value) const;

  /// Records the device's current value of `thing`/`property`, after a
  /// write the device acknowledged or a read. Ignored for properties without
  /// an envelope and for non-finite values.
  void observe(std::string_view thing, std::string_view property, double value);

  /// The last observed value, if any.
  std::optional<double> last_value(std::string_view thing,
                                   std::string_view property) const;

  /// Forgets the last value (e.g. after the device restarted).
  void forget(std::string_view thing, std::string_view property);

  /// The envelope of `thing`/`property`, or nullptr.
  const property_envelope* find(std::string_view thing,
                                std::string_view property) const;

private:
  struct state {
    property_envelope envelope;
    std::optional<double> last;
  };
  using key = std::pair<std::string, std::string>;
  struct key_less {
    using is_transparent = void;
    template <class X, class Y>
    bool operator()(const X& x, const Y& y) const {
      return std::pair<std::string_view, std::string_view>{x.first, x.second}
             < std::pair<std::string_view, std::string_view>{y.first, y.second};
    }
  };
  state* find_state(std::string_view thing, std::string_view property);
  const state* find_state(std::string_view thing,
                          std::string_view property) const;

  std::map<key, state, key_less> states_;
};

} // namespace kagami::security
