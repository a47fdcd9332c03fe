#pragma once

// Reads and validates the "design" and "discovery" sections of a site
// config. Used by the site parser only; the format is in config/README.md.

#include "config/json_reader.hpp"
#include "config/site_config.hpp"

namespace kagami::config {

/// Reads the design object behind `r` into `out`. Needs `site.models` and
/// `site.devices` read already (entries name models; ids must not clash).
/// Records the first error in r.sink().
void read_design(const object_reader& r, const site_config& site,
                 design_info& out);

/// Reads the discovery object behind `r` into `out` and checks it
/// (discovery_config::check). Records the first error in r.sink().
void read_discovery(const object_reader& r, discovery_config& out);

} // namespace kagami::config
