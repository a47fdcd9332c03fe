#pragma once

// Writes a device model back in the JSON format that load_device_model()
// reads, for the ops console and for round-trip tests.

#include <nlohmann/json.hpp>

#include "config/device_model.hpp"

namespace kagami::config {

/// The JSON form of `m` (config/README.md). Fields at their default values
/// are left out. parse_device_model(model_to_json(m).dump()) yields `m` for
/// every valid model.
nlohmann::ordered_json model_to_json(const device_model& m);

} // namespace kagami::config
