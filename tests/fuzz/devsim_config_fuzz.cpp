// libFuzzer target for the kagami-devsim config parsers
// (tools/devsim/modbus_sim_config.hpp, http_sim_config.hpp,
// upnp_sim_config.hpp): operator-supplied JSON for the test simulators.
//
// Input layout: byte 0 selects the parser: 'h' parse_http_sim_config, 'u'
// parse_upnp_sim_config, anything else parse_modbus_sim_config; the rest is
// the JSON text.
//
// Invariants: neither parser crashes or throws, and a parse is deterministic.
// A parsed Modbus config keeps every block, fault and dynamic inside the
// address space, every block and dynamic inside its table's size, bits 0 or
// 1, at most modbus_sim_limits::max_entries entries per list, and dynamics
// with a positive finite step and min < max. A parsed HTTP config has paths
// that start with '/' and hold no space, control character, '?' or '#';
// every reference names a document, with a valid pointer; every dynamic
// points at a number with a positive finite step and min < max; statuses are
// within range. A parsed UPnP config has a valid HTTP config, a UDN that
// starts with "uuid:", a manufacturer and model name, fields of at most
// upnp_sim_limits::max_field bytes without control characters, and a notify
// interval within 1..max_notify_interval_s.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "protocols/modbus/register_codec.hpp"
#include "tools/devsim/http_sim_config.hpp"
#include "tools/devsim/modbus_sim_config.hpp"
#include "tools/devsim/upnp_sim_config.hpp"

using namespace kagami::devsim;
using kagami::config::modbus_table;
namespace codec = kagami::protocols::modbus;

namespace {

void check(bool ok) {
  if (!ok)
    std::abort();
}

void check_error(const sim_config_error& err) {
  check(err.file == "sim.json");
  check(!err.reason.empty());
}

void check_modbus(const modbus_sim_config& cfg) {
  for (auto size : cfg.sizes)
    check(size <= modbus_sim_limits::max_table_size);
  check(cfg.blocks.size() <= 4 * modbus_sim_limits::max_entries);
  check(cfg.faults.size() <= modbus_sim_limits::max_entries);
  check(cfg.dynamics.size() <= modbus_sim_limits::max_entries);
  for (auto& b : cfg.blocks) {
    check(!b.values.empty());
    uint32_t end = b.address + static_cast<uint32_t>(b.values.size());
    check(end <= cfg.sizes[table_index(b.table)]);
    if (codec::is_bit_table(b.table))
      for (auto v : b.values)
        check(v <= 1);
  }
  for (auto& f : cfg.faults) {
    check(f.count >= 1);
    check(uint64_t{f.address} + f.count <= modbus_sim_limits::max_table_size);
  }
  for (auto& d : cfg.dynamics) {
    check(d.every_ms >= modbus_sim_limits::min_every_ms);
    bool bits = codec::is_bit_table(d.table);
    check(bits == (d.kind == dynamic_kind::toggle));
    uint32_t span = bits ? 1 : static_cast<uint32_t>(codec::register_span(d.type));
    check(d.address + span <= cfg.sizes[table_index(d.table)]);
    if (!bits) {
      check(d.step > 0 && std::isfinite(d.step));
      check(d.min < d.max);
      check(d.min >= codec::raw_min(d.type) && d.max <= codec::raw_max(d.type));
    }
  }
}

void check_path(const std::string& path) {
  check(!path.empty() && path.front() == '/');
  for (unsigned char c : path)
    check(c > 0x20 && c < 0x7f && c != '?' && c != '#');
}

void check_ref(const http_sim_config& cfg, const document_ref& ref) {
  auto doc = cfg.documents.find(ref.document);
  check(doc != cfg.documents.end());
  check(!ref.pointer.empty() && ref.pointer.front() == '/');
  nlohmann::json::json_pointer ptr{ref.pointer}; // throws if invalid
  (void) ptr;
}

void check_http(const http_sim_config& cfg) {
  check(cfg.documents.size() <= http_sim_limits::max_paths);
  for (auto& [path, doc] : cfg.documents)
    check_path(path);
  for (auto& [path, w] : cfg.writable) {
    check_path(path);
    check_ref(cfg, w.target);
    check(cfg.documents.at(w.target.document)
            .contains(nlohmann::json::json_pointer{w.target.pointer}));
  }
  for (auto& [path, a] : cfg.actions) {
    check_path(path);
    check(a.status >= 200 && a.status <= 599);
    if (a.store_input)
      check_ref(cfg, *a.store_input);
    for (auto& [ref, value] : a.set)
      check_ref(cfg, ref);
  }
  for (auto& [path, r] : cfg.raw) {
    check_path(path);
    check(r.status >= 100 && r.status <= 599);
  }
  for (auto& d : cfg.dynamics) {
    check_ref(cfg, d.target);
    check(cfg.documents.at(d.target.document)
            .at(nlohmann::json::json_pointer{d.target.pointer})
            .is_number());
    check(d.step > 0 && std::isfinite(d.step));
    check(d.min < d.max);
    check(d.every_ms >= http_sim_limits::min_every_ms);
  }
}

} // namespace

void check_upnp(const upnp_sim_config& cfg) {
  check_http(cfg.http);
  const auto& d = cfg.device;
  check(d.udn.rfind("uuid:", 0) == 0);
  check(!d.manufacturer.empty() && !d.model_name.empty() && !d.device_type.empty());
  for (const auto* f : {&d.manufacturer, &d.model_name, &d.model_number, &d.serial_number,
                        &d.firmware_version, &d.udn, &d.friendly_name, &d.device_type}) {
    check(f->size() <= upnp_sim_limits::max_field);
    for (unsigned char c : *f)
      check(c >= 0x20 && c != 0x7F);
  }
  check(cfg.notify_interval_s >= 1
        && cfg.notify_interval_s <= upnp_sim_limits::max_notify_interval_s);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] == 'h') {
    auto result = parse_http_sim_config(text, "sim.json");
    auto again = parse_http_sim_config(text, "sim.json");
    check(result.index() == again.index());
    if (auto err = std::get_if<sim_config_error>(&result)) {
      check_error(*err);
      check(err->to_string() == std::get<sim_config_error>(again).to_string());
    } else {
      check_http(std::get<http_sim_config>(result));
    }
    return 0;
  }
  if (data[0] == 'u') {
    auto result = parse_upnp_sim_config(text, "sim.json");
    auto again = parse_upnp_sim_config(text, "sim.json");
    check(result.index() == again.index());
    if (auto err = std::get_if<sim_config_error>(&result)) {
      check_error(*err);
      check(err->to_string() == std::get<sim_config_error>(again).to_string());
    } else {
      check_upnp(std::get<upnp_sim_config>(result));
    }
    return 0;
  }
  auto result = parse_modbus_sim_config(text, "sim.json");
  auto again = parse_modbus_sim_config(text, "sim.json");
  check(result.index() == again.index());
  if (auto err = std::get_if<sim_config_error>(&result)) {
    check_error(*err);
    check(err->to_string() == std::get<sim_config_error>(again).to_string());
  } else {
    check_modbus(std::get<modbus_sim_config>(result));
  }
  return 0;
}
