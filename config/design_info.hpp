#pragma once

// The design information: which devices may join the site (the allowed
// entries) and which never may (the block list). Onboarding matches every
// discovered device against it (actors/onboarding/design_matcher.hpp).
// Format and rules: config/README.md, "Design information".

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/value_pattern.hpp"

namespace kagami::config {

/// How much harm cutting a device off does; the isolation planner weighs
/// cut points by it.
enum class criticality { low, medium, high, critical };

/// Every criticality with its name, in rising order: the names the site
/// config and the stored device records use.
inline constexpr std::array<std::pair<std::string_view, criticality>, 4>
  criticality_names{{{"low", criticality::low},
                     {"medium", criticality::medium},
                     {"high", criticality::high},
                     {"critical", criticality::critical}}};

/// "low", "medium", "high" or "critical" (its name in criticality_names).
const char* to_string(criticality x);

/// The identifiers one rule constrains. An absent field is unconstrained;
/// a rule holds for a device when every present field matches.
struct identity_rule {
  std::optional<value_pattern> vendor;
  std::optional<value_pattern> product;
  std::optional<value_pattern> model_number;
  std::optional<value_pattern> firmware;
  std::optional<value_pattern> hardware;
  std::optional<value_pattern> serial;
  std::optional<value_pattern> category;
  std::optional<value_pattern> udn;
  /// An exact MAC or BD address, lower case ("02:99:00:00:00:11"); empty
  /// when unconstrained.
  std::string mac;

  /// True if no field is present.
  bool empty() const;

  /// True if the rule can hold for one device only: it names the MAC, or
  /// the serial or the UDN as an exact value.
  bool pinned() const;

  friend bool operator==(const identity_rule&, const identity_rule&) = default;
};

/// One allowed device (or family of devices, when not pinned).
struct allowed_device {
  /// Names the entry in evidence and in generated thing ids:
  /// [A-Za-z0-9._-]{1,64}, unique in the design.
  std::string name;
  /// Pins at least vendor and product.
  identity_rule match;
  /// The id of a device model in site_config::models.
  std::string model;
  /// The device's port (0 for ble-gatt): the address is "IP:PORT" (modbus-tcp) or
  /// "http://IP:PORT" (http-json).
  uint16_t port = 0;
  /// Modbus unit id (modbus-tcp only).
  int unit_id = 1;
  /// The thing id of the admitted device (pinned entries only); empty: the
  /// name for a pinned entry, "NAME-N" (N = 1, 2, ...) for an unpinned one.
  std::string thing_id;
  /// TD title; empty: the thing id.
  std::string title;
  config::criticality criticality = config::criticality::medium;
  std::vector<std::string> tags;

  friend bool operator==(const allowed_device&, const allowed_device&) = default;
};

struct design_info {
  std::vector<allowed_device> allowed;
  /// A device for which any of these holds is refused, whatever it matches.
  std::vector<identity_rule> blocked;

  bool empty() const {
    return allowed.empty() && blocked.empty();
  }

  friend bool operator==(const design_info&, const design_info&) = default;
};

/// Normalizes a MAC or BD address to "xx:xx:xx:xx:xx:xx" in lower case.
/// Accepts six two-digit hex octets separated by ':' in any case; returns
/// nullopt for anything else.
std::optional<std::string> normalize_mac(std::string_view text);

} // namespace kagami::config
