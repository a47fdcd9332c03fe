#pragma once

// The Modbus/TCP adapter (libmodbus): one TCP connection to one device.
//
// - The connection opens lazily on the first operation and re-opens on the
//   next operation after a transport failure. A request that fails with a
//   reset on a reused connection (the device dropped an idle connection) is
//   retried once on a fresh one.
// - Every operation (connect included) finishes within adapter_options::
//   timeout: libmodbus' response timeout gets the time left, and the byte
//   timeout is disabled so the response timeout bounds the whole reply.
//   Host names (not IP literals) resolve with getaddrinfo, which this bound
//   does not cover; sites use IP addresses.
// - Errors: unreachable, refused, silent or broken connection ->
//   ec::device_timeout; a Modbus exception reply -> ec::device_error naming
//   the exception; a malformed or mismatched reply -> ec::device_bad_reply;
//   a write to an input register or discrete input -> ec::not_writable; a
//   value the register cannot hold -> ec::invalid_value.
// - Register values convert through register_codec.hpp. Reads return a JSON
//   boolean for bits and boolean datatypes, an integer when the property's
//   schema type is integer and the value is whole, else a number.

#include <memory>

#include <caf/expected.hpp>

#include "protocols/device_adapter.hpp"

namespace kagami::protocols::modbus {

/// Creates the adapter for `dev` (address "HOST:PORT", unit_id 0..255).
/// Does no I/O. Fails with ec::config_invalid for a bad address or unit id,
/// or a model property/action without a Modbus binding or with a bad scale.
caf::expected<std::unique_ptr<device_adapter>>
make_modbus_adapter(const config::device_config& dev,
                    const config::device_model& model,
                    const adapter_options& opts);

} // namespace kagami::protocols::modbus
