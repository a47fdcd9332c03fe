#include "protocols/modbus/modbus_adapter.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include <modbus/modbus.h>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "protocols/modbus/json_value.hpp"
#include "protocols/modbus/register_codec.hpp"

namespace kagami::protocols::modbus {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using config::modbus_binding;
using config::modbus_table;

struct ctx_deleter {
  void operator()(modbus_t* ctx) const {
    modbus_close(ctx);
    modbus_free(ctx);
  }
};

using ctx_ptr = std::unique_ptr<modbus_t, ctx_deleter>;

const char* table_name(modbus_table t) {
  switch (t) {
    case modbus_table::coil: return "coil";
    case modbus_table::discrete_input: return "discrete input";
    case modbus_table::input_register: return "input register";
    case modbus_table::holding_register: return "holding register";
  }
  return "unknown table";
}

bool is_exception(int e) {
  return e >= EMBXILFUN && e <= EMBXGTAR;
}

/// Errors that leave the byte stream out of sync with the device.
bool is_protocol_error(int e) {
  return e == EMBBADCRC || e == EMBBADDATA || e == EMBBADEXC || e == EMBMDATA
         || e == EMBBADSLAVE;
}

/// A reset or closed peer: worth one retry on a reused connection.
bool is_stale_connection(int e) {
  return e == ECONNRESET || e == EPIPE || e == EBADF || e == ENOTCONN;
}

class modbus_adapter final : public device_adapter {
public:
  modbus_adapter(ctx_ptr ctx, adapter_options opts)
    : ctx_(std::move(ctx)), opts_(opts) {
  }

  caf::expected<nlohmann::json> read(const config::property_model& p) override {
    const auto* b = std::get_if<modbus_binding>(&p.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid,
                        "property '" + p.name + "' has no Modbus binding");
    if (is_bit_table(b->table)) {
      uint8_t bit = 0;
      auto err = run("reading", *b, [&](modbus_t* ctx) {
        return b->table == modbus_table::coil
                 ? modbus_read_bits(ctx, b->address, 1, &bit)
                 : modbus_read_input_bits(ctx, b->address, 1, &bit);
      }, 1);
      if (err)
        return err;
      return nlohmann::json(decode_bit(bit));
    }
    std::array<uint16_t, codec_limits::max_words> words{};
    auto n = static_cast<int>(register_span(b->datatype));
    auto err = run("reading", *b, [&](modbus_t* ctx) {
      return b->table == modbus_table::holding_register
               ? modbus_read_registers(ctx, b->address, n, words.data())
               : modbus_read_input_registers(ctx, b->address, n, words.data());
    }, n);
    if (err)
      return err;
    auto value = decode(*b, std::span<const uint16_t>{words.data(), static_cast<size_t>(n)});
    if (!value)
      return std::move(value.error());
    return to_json_value(*value, *b, p.schema);
  }

  caf::error write(const config::property_model& p,
                   const nlohmann::json& value) override {
    const auto* b = std::get_if<modbus_binding>(&p.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid,
                        "property '" + p.name + "' has no Modbus binding");
    auto x = from_json_value(value);
    if (!x)
      return std::move(x.error());
    return write_value(*b, *x);
  }

  caf::expected<nlohmann::json> invoke(const config::action_model& a,
                                       const nlohmann::json&) override {
    const auto* b = std::get_if<config::modbus_action_binding>(&a.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid,
                        "action '" + a.name + "' has no Modbus binding");
    if (auto err = write_value(b->target, b->value))
      return err;
    return nlohmann::json{};
  }

private:
  caf::error write_value(const modbus_binding& b, double value) {
    if (b.table == modbus_table::input_register
        || b.table == modbus_table::discrete_input)
      return make_error(ec::not_writable,
                        std::string{"a "} + table_name(b.table) + " is read-only");
    if (b.table == modbus_table::coil) {
      if (value != 0.0 && value != 1.0)
        return make_error(ec::invalid_value, "a coil takes true/false or 1/0");
      return run("writing", b, [&](modbus_t* ctx) {
        return modbus_write_bit(ctx, b.address, value != 0.0 ? TRUE : FALSE);
      }, 1);
    }
    auto words = encode(b, value);
    if (!words)
      return std::move(words.error());
    if (words->size == 1)
      return run("writing", b, [&](modbus_t* ctx) {
        return modbus_write_register(ctx, b.address, words->words[0]);
      }, 1);
    return run("writing", b, [&](modbus_t* ctx) {
      return modbus_write_registers(ctx, b.address, static_cast<int>(words->size),
                                    words->words.data());
    }, static_cast<int>(words->size));
  }

  /// Runs `op` on a connected context within the operation's deadline; `op`
  /// returns libmodbus' count, which must equal `expected`.
  template <class Op>
  caf::error run(const char* verb, const modbus_binding& b, Op&& op, int expected) {
    auto deadline = clock::now() + opts_.timeout;
    for (int attempt = 0;; ++attempt) {
      bool reused = connected_;
      if (auto err = connect(deadline))
        return err;
      if (!set_timeout(deadline))
        return timeout_error();
      errno = 0;
      int rc = op(ctx_.get());
      if (rc == expected)
        return {};
      if (rc >= 0) {
        disconnect();
        return make_error(ec::device_bad_reply,
                          "device returned " + std::to_string(rc) + " of "
                            + std::to_string(expected) + " values");
      }
      int e = errno;
      if (is_exception(e) || e == EMBUNKEXC)
        return make_error(ec::device_error,
                          std::string{"Modbus exception '"} + modbus_strerror(e)
                            + "' " + verb + " " + table_name(b.table) + " "
                            + std::to_string(b.address));
      disconnect();
      if (is_protocol_error(e))
        return make_error(ec::device_bad_reply,
                          std::string{"malformed Modbus reply: "} + modbus_strerror(e));
      if (reused && attempt == 0 && is_stale_connection(e))
        continue;
      if (e == ETIMEDOUT)
        return timeout_error();
      return make_error(ec::device_timeout,
                        std::string{"device connection failed: "} + modbus_strerror(e));
    }
  }

  caf::error connect(clock::time_point deadline) {
    if (connected_)
      return {};
    if (!set_timeout(deadline))
      return timeout_error();
    if (modbus_connect(ctx_.get()) == -1) {
      int e = errno;
      modbus_close(ctx_.get());
      if (e == ETIMEDOUT || e == EINPROGRESS || e == 0)
        return timeout_error();
      return make_error(ec::device_timeout,
                        std::string{"cannot connect to the device: "} + modbus_strerror(e));
    }
    connected_ = true;
    return {};
  }

  void disconnect() {
    modbus_close(ctx_.get());
    connected_ = false;
  }

  /// Sets the response timeout to the time left; false if none is left.
  bool set_timeout(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - clock::now());
    if (left.count() < 1000)
      return false;
    auto us = static_cast<uint64_t>(left.count());
    modbus_set_response_timeout(ctx_.get(), static_cast<uint32_t>(us / 1000000),
                                static_cast<uint32_t>(us % 1000000));
    return true;
  }

  caf::error timeout_error() const {
    return make_error(ec::device_timeout,
                      "device did not answer within "
                        + std::to_string(opts_.timeout.count()) + " ms");
  }

  ctx_ptr ctx_;
  adapter_options opts_;
  bool connected_ = false;
};

caf::error check_binding_of(const std::string& what, const modbus_binding& b) {
  if (auto err = check_binding(b))
    return make_error(ec::config_invalid, what + ": " + detail_of(err));
  auto span = is_bit_table(b.table) ? 1 : register_span(b.datatype);
  if (b.address + span - 1 > 0xFFFF)
    return make_error(ec::config_invalid, what + ": address out of range");
  return {};
}

} // namespace

caf::expected<std::unique_ptr<device_adapter>>
make_modbus_adapter(const config::device_config& dev,
                    const config::device_model& model,
                    const adapter_options& opts) {
  auto where = checked_endpoint(dev, config::parse_host_port(dev.address), opts);
  if (!where)
    return std::move(where.error());
  if (dev.unit_id < 0 || dev.unit_id > 255)
    return make_error(ec::config_invalid,
                      "device '" + dev.id + "': unit id must be 0..255");
  for (const auto& p : model.properties) {
    const auto* b = std::get_if<modbus_binding>(&p.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid,
                        "property '" + p.name + "' has no Modbus binding");
    if (auto err = check_binding_of("property '" + p.name + "'", *b))
      return err;
  }
  for (const auto& a : model.actions) {
    const auto* b = std::get_if<config::modbus_action_binding>(&a.binding);
    if (b == nullptr)
      return make_error(ec::config_invalid,
                        "action '" + a.name + "' has no Modbus binding");
    if (auto err = check_binding_of("action '" + a.name + "'", b->target))
      return err;
  }
  // modbus_new_tcp takes IPv4 literals only; modbus_new_tcp_pi resolves
  // names and IPv6 with getaddrinfo.
  in_addr v4;
  modbus_t* raw = nullptr;
  if (inet_pton(AF_INET, where->host.c_str(), &v4) == 1)
    raw = modbus_new_tcp(where->host.c_str(), where->port);
  else
    raw = modbus_new_tcp_pi(where->host.c_str(), std::to_string(where->port).c_str());
  if (raw == nullptr)
    return make_error(ec::config_invalid,
                      "device '" + dev.id + "': cannot create a Modbus context");
  ctx_ptr ctx{raw};
  if (modbus_set_slave(raw, dev.unit_id) == -1)
    return make_error(ec::config_invalid,
                      "device '" + dev.id + "': unit id "
                        + std::to_string(dev.unit_id) + " rejected");
  modbus_set_error_recovery(raw, MODBUS_ERROR_RECOVERY_NONE);
  // No byte timeout: the response timeout then bounds the whole reply.
  modbus_set_byte_timeout(raw, 0, 0);
  return std::unique_ptr<device_adapter>{
    std::make_unique<modbus_adapter>(std::move(ctx), opts)};
}

} // namespace kagami::protocols::modbus
