#pragma once

// A simulated Modbus/TCP device (libmodbus server) for tests and the demo.
//
// start() binds and listens before it returns (port 0 picks a free port; see
// port()), then serves on its own thread: any number of concurrent clients
// (up to max_clients), each with its own libmodbus context, multiplexed with
// poll(). The register map comes from a modbus_sim_config; requests that hit
// a configured fault range get that fault instead; dynamics change values on
// the same thread. All accessors are thread-safe. stop() (or the destructor)
// closes every socket and joins the thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/expected.hpp>

#include "config/device_model.hpp"
#include "tools/devsim/modbus_sim_config.hpp"

namespace kagami::devsim {

class modbus_simulator {
public:
  static constexpr size_t max_clients = 64;

  /// Listens on `host` (an IP address or name) and `port`, and starts
  /// serving. Fails with ec::unavailable when the socket cannot be bound.
  static caf::expected<std::unique_ptr<modbus_simulator>>
  start(const modbus_sim_config& cfg, const std::string& host = "127.0.0.1",
        uint16_t port = 0);

  ~modbus_simulator();
  modbus_simulator(const modbus_simulator&) = delete;
  modbus_simulator& operator=(const modbus_simulator&) = delete;

  /// Stops serving and closes all connections. Idempotent.
  void stop();

  const std::string& host() const;
  /// The bound port (the real one when started with port 0).
  uint16_t port() const;
  /// "HOST:PORT", as a device_config address.
  std::string device_address() const;

  /// A raw register or bit; nullopt (or false) outside the table.
  std::optional<uint16_t> get_register(config::modbus_table t, uint16_t address) const;
  bool set_register(config::modbus_table t, uint16_t address, uint16_t value);
  std::optional<bool> get_bit(config::modbus_table t, uint16_t address) const;
  bool set_bit(config::modbus_table t, uint16_t address, bool value);

  /// The engineering value at `b` (decoded with the codec); nullopt outside
  /// the table or for a non-finite value.
  std::optional<double> get_value(const config::modbus_binding& b) const;
  /// Encodes and stores `value` at `b`; false if it does not fit.
  bool set_value(const config::modbus_binding& b, double value);

  void add_fault(const fault_range& f);
  void clear_faults();

  /// Pauses or resumes the configured dynamics.
  void pause_dynamics(bool paused);

  /// Requests answered or dropped so far, and connections now open.
  uint64_t requests() const;
  size_t connections() const;

private:
  struct impl;
  explicit modbus_simulator(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace kagami::devsim
