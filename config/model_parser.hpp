#pragma once

// Reads and validates a device model from parsed JSON. The format is in
// config/README.md and config/schema/device-model.schema.json.

#include <string>

#include "config/device_model.hpp"
#include "config/json_reader.hpp"

namespace kagami::config {

/// Reads the device model in `value`, whose JSON pointer is `pointer` (""
/// for a model file, "/models/3" for a model inline in a site file). Records
/// the first error in `sink`; the result is meaningful only if sink.ok()
/// afterwards. May throw only std::bad_alloc.
device_model read_device_model(error_sink& sink, const json_value& value,
                               const std::string& pointer);

} // namespace kagami::config
