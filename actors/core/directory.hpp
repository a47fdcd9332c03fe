#pragma once

// The directory: the registry of live actors for the operator console.
// Spawned once by kagamid; every supervisor registers what it spawns.

#include <caf/fwd.hpp>

#include "actors/core/interfaces.hpp"

namespace kagami {

directory_actor spawn_directory(caf::actor_system& sys);

} // namespace kagami
