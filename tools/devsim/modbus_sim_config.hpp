#pragma once

// The config of a simulated Modbus/TCP device: its register map, faults and
// dynamics. Parsed from JSON; the format is documented in README.md.
// Values are raw (register units): a temperature of 23.5 with scale 0.1 is
// the int16 value 235.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/device_model.hpp"
#include "tools/devsim/sim_config_error.hpp"

namespace kagami::devsim {

/// The limits of a simulator config.
struct modbus_sim_limits {
  /// Addresses per table (the Modbus address space).
  static constexpr uint32_t max_table_size = 65536;
  static constexpr size_t max_entries = 4096;
  static constexpr uint32_t min_every_ms = 10;
};

/// Consecutive raw values starting at `address`: registers, or 0/1 for bits.
struct register_block {
  config::modbus_table table = config::modbus_table::holding_register;
  uint16_t address = 0;
  std::vector<uint16_t> values;
};

enum class fault_kind {
  /// Exception 02, as a real device answers for unmapped addresses.
  illegal_data_address,
  /// Exception 04.
  device_failure,
  /// Exception 06.
  busy,
  /// The request is read and dropped: the client times out.
  no_reply,
};

/// Requests touching [address, address + count) of `table` get `kind`.
struct fault_range {
  config::modbus_table table = config::modbus_table::holding_register;
  uint16_t address = 0;
  uint32_t count = 1;
  fault_kind kind = fault_kind::illegal_data_address;
};

enum class dynamic_kind {
  /// Adds `step` every `every_ms` and bounces between min and max.
  ramp,
  /// Adds `step` every `every_ms` and wraps from above max to min.
  counter,
  /// Flips a bit every `every_ms`.
  toggle,
};

/// A value that changes over time (demo behaviour), in raw units.
struct dynamic_value {
  config::modbus_table table = config::modbus_table::holding_register;
  uint16_t address = 0;
  config::modbus_datatype type = config::modbus_datatype::uint16;
  config::word_order order = config::word_order::big;
  dynamic_kind kind = dynamic_kind::ramp;
  double step = 1;
  uint32_t every_ms = 1000;
  double min = 0;
  double max = 0;
};

struct modbus_sim_config {
  /// Addresses served per table, indexed by config::modbus_table: every
  /// address below the size exists (unset ones read 0); above it the device
  /// answers ILLEGAL DATA ADDRESS.
  std::array<uint32_t, 4> sizes{};
  std::vector<register_block> blocks;
  std::vector<fault_range> faults;
  std::vector<dynamic_value> dynamics;
};

/// The index of `t` in modbus_sim_config::sizes.
inline size_t table_index(config::modbus_table t) {
  return static_cast<size_t>(t);
}

/// The JSON name of a table: "coils", "discrete", "input" or "holding".
const char* table_json_name(config::modbus_table t);

/// Parses and validates a config; `file` only names the source in errors.
/// Never throws.
std::variant<modbus_sim_config, sim_config_error>
parse_modbus_sim_config(std::string_view text, const std::string& file);

} // namespace kagami::devsim
