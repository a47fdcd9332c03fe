#pragma once

// The embedded demo site: starts the demo's device simulators in this process
// on 127.0.0.1 with ephemeral ports, and points the site's devices at them.

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "config/site_config.hpp"

namespace kagami {

class demo_site {
public:
  /// Starts one simulator per demo device and rewrites the devices' addresses
  /// in `site`. Fails with a message when a simulator cannot start.
  static caf::expected<std::unique_ptr<demo_site>> start(config::site_config& site);

  ~demo_site();

  size_t size() const;

private:
  struct impl;
  explicit demo_site(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagami
