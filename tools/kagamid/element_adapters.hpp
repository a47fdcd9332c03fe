#pragma once

// The adapter of one configured network element: the site config's element
// kind chooses it (snmp-switch: protocols/snmp; ap: protocols/wifi_ap with
// the model registry). Registration is explicit, here; no I/O happens until
// the element actor first asks.

#include <memory>

#include <caf/expected.hpp>

#include "actors/network/element_backend.hpp"
#include "config/network_config.hpp"

namespace kagami {

/// The adapter for `element`, or ec::config_invalid with the reason (an
/// unknown AP model, settings the adapter refuses).
caf::expected<std::shared_ptr<network::element_backend>>
make_element_adapter(const config::network_element_config& element);

} // namespace kagami
