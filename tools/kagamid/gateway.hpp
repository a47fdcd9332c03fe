#pragma once

// Composes and runs the gateway: store, actor system, supervisors, the WoT
// HTTP server. Returns when SIGINT or SIGTERM arrives (the caller must have
// blocked both in every thread, see main.cpp).

#include "config/site_config.hpp"

namespace kagami {

/// Runs until a stop signal; returns the process exit code. Prints one line
/// "READY <base-url>" to stdout once the WoT port accepts requests.
int run_gateway(config::site_config site);

} // namespace kagami
