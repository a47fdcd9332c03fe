#pragma once

// Reads and validates the "isolation" section of a site config. Used by the
// site parser only; the format is in config/README.md.

#include "config/isolation_config.hpp"
#include "config/json_reader.hpp"
#include "config/network_config.hpp"

namespace kagami::config {

/// Reads the isolation object behind `r` into `out` and checks it against
/// the already read `network` section (isolation_config::check(network)).
/// Records the first error in r.sink().
void read_isolation(const object_reader& r, const network_config& network,
                    isolation_config& out);

} // namespace kagami::config
