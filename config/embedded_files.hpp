#pragma once

// Config files compiled into the binary: the demo site, the device models and
// the simulator maps (config/demo/*.json, config/models/*.json). The build
// generates their definition from the files at configure time and
// reconfigures when one of them changes.

#include <optional>
#include <span>
#include <string_view>

namespace kagami::config {

/// One embedded file: its path from the repository root
/// ("config/models/line-plc.json") and its text.
struct embedded_file {
  std::string_view path;
  std::string_view text;
};

/// All embedded files, sorted by path.
std::span<const embedded_file> embedded_files();

/// The text of the embedded file at `path`, or nullopt.
std::optional<std::string_view> find_embedded_file(std::string_view path);

} // namespace kagami::config
