#pragma once

// Composes and runs the gateway: store, actor system, supervisors, the WoT
// HTTP server. Returns when SIGINT or SIGTERM arrives (the caller must have
// blocked both in every thread, see main.cpp), or when an actor the gateway
// cannot run without (frontend, directory, root supervisor) exits.

#include "config/site_config.hpp"

namespace kagami {

/// Runs until a stop signal or a fatal actor exit; returns the process exit
/// code (0 clean stop, 1 runtime failure, 2 bad listen or base URL, 3 stop
/// took over 5 s). Prints one line "READY <base-url>" to stdout once the WoT
/// port accepts requests.
int run_gateway(config::site_config site);

} // namespace kagami
