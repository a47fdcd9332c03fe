#pragma once

// Reads and validates the "network" section of a site config. Used by the
// site parser only; the format is in config/README.md.

#include "config/json_reader.hpp"
#include "config/network_config.hpp"

namespace kagami::config {

/// Reads the network object behind `r` into `out` and checks it
/// (network_config::check). Records the first error in r.sink().
void read_network(const object_reader& r, network_config& out);

} // namespace kagami::config
