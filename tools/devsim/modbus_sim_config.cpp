#include "tools/devsim/modbus_sim_config.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "protocols/modbus/register_codec.hpp"
#include "tools/devsim/sim_json.hpp"

namespace kagami::devsim {

using config::modbus_datatype;
using config::modbus_table;
using config::word_order;
using detail::node;
namespace codec = protocols::modbus;

namespace {

constexpr std::array<modbus_table, 4> all_tables{
  modbus_table::coil, modbus_table::discrete_input, modbus_table::input_register,
  modbus_table::holding_register};

modbus_table table_of(const node& n) {
  auto s = n.string();
  for (auto t : all_tables)
    if (s == table_json_name(t))
      return t;
  n.fail("must be \"holding\", \"input\", \"coils\" or \"discrete\"");
}

modbus_datatype datatype_of(const node& n) {
  static const std::pair<const char*, modbus_datatype> names[] = {
    {"uint16", modbus_datatype::uint16}, {"int16", modbus_datatype::int16},
    {"uint32", modbus_datatype::uint32}, {"int32", modbus_datatype::int32},
    {"float32", modbus_datatype::float32}};
  auto s = n.string();
  for (const auto& [name, t] : names)
    if (s == name)
      return t;
  n.fail("must be uint16, int16, uint32, int32 or float32");
}

word_order order_of(const node& n) {
  auto s = n.string();
  if (s == "big")
    return word_order::big;
  if (s == "little")
    return word_order::little;
  n.fail("must be \"big\" or \"little\"");
}

fault_kind fault_of(const node& n) {
  auto s = n.string();
  if (s == "illegal_data_address")
    return fault_kind::illegal_data_address;
  if (s == "device_failure")
    return fault_kind::device_failure;
  if (s == "busy")
    return fault_kind::busy;
  if (s == "no_reply")
    return fault_kind::no_reply;
  n.fail("must be illegal_data_address, device_failure, busy or no_reply");
}

config::modbus_binding raw_binding(modbus_datatype t, word_order o) {
  config::modbus_binding b;
  b.datatype = t;
  b.order = o;
  return b;
}

uint32_t end_of(uint16_t address, size_t count, const node& n) {
  auto end = static_cast<uint64_t>(address) + count;
  if (end > modbus_sim_limits::max_table_size)
    n.fail("runs past address 65535");
  return static_cast<uint32_t>(end);
}

register_block parse_block(modbus_table table, const node& n) {
  n.allow_only({"address", "values", "type", "order", "value"});
  register_block block;
  block.table = table;
  block.address = static_cast<uint16_t>(n.at("address").integer(0, 65535));
  bool bits = codec::is_bit_table(table);
  if (auto values = n.get("values")) {
    if (n.get("type") || n.get("value") || n.get("order"))
      n.fail("give either \"values\" or \"type\" and \"value\"");
    values->require_array();
    if (values->value.empty())
      values->fail("must not be empty");
    for (size_t i = 0; i < values->value.size(); ++i) {
      auto v = values->at(i);
      if (bits)
        block.values.push_back(v.value.is_boolean() ? (v.boolean() ? 1 : 0)
                                                    : static_cast<uint16_t>(v.integer(0, 1)));
      else
        block.values.push_back(static_cast<uint16_t>(v.integer(0, 65535)));
    }
    end_of(block.address, block.values.size(), n);
    return block;
  }
  auto value = n.at("value");
  if (bits) {
    if (n.get("type") || n.get("order"))
      n.fail("a bit takes only \"value\" (true or false)");
    block.values.push_back(value.boolean() ? 1 : 0);
    return block;
  }
  auto type = datatype_of(n.at("type"));
  auto order = n.get("order") ? order_of(n.at("order")) : word_order::big;
  auto words = codec::encode(raw_binding(type, order), value.number());
  if (!words)
    value.fail("does not fit " + std::string{codec::to_string(type)});
  block.values.assign(words->words.begin(), words->words.begin() + words->size);
  end_of(block.address, block.values.size(), n);
  return block;
}

fault_range parse_fault(const node& n) {
  n.allow_only({"table", "address", "count", "kind"});
  fault_range f;
  f.table = table_of(n.at("table"));
  f.address = static_cast<uint16_t>(n.at("address").integer(0, 65535));
  f.count = n.get("count") ? static_cast<uint32_t>(n.at("count").integer(1, 65536)) : 1;
  end_of(f.address, f.count, n);
  f.kind = fault_of(n.at("kind"));
  return f;
}

uint32_t every_of(const node& n) {
  return static_cast<uint32_t>(
    n.at("everyMs").integer(modbus_sim_limits::min_every_ms, 24 * 3600 * 1000));
}

dynamic_value parse_dynamic(const node& n) {
  n.allow_only({"table", "address", "type", "order", "ramp", "counter", "toggle"});
  dynamic_value d;
  d.table = table_of(n.at("table"));
  d.address = static_cast<uint16_t>(n.at("address").integer(0, 65535));
  int kinds = (n.get("ramp") ? 1 : 0) + (n.get("counter") ? 1 : 0) + (n.get("toggle") ? 1 : 0);
  if (kinds != 1)
    n.fail("needs exactly one of \"ramp\", \"counter\" or \"toggle\"");
  if (codec::is_bit_table(d.table)) {
    auto toggle = n.get("toggle");
    if (!toggle || n.get("type") || n.get("order"))
      n.fail("a bit takes only \"toggle\"");
    toggle->allow_only({"everyMs"});
    d.kind = dynamic_kind::toggle;
    d.every_ms = every_of(*toggle);
    return d;
  }
  if (n.get("toggle"))
    n.fail("\"toggle\" needs a coil or discrete input");
  d.type = n.get("type") ? datatype_of(n.at("type")) : modbus_datatype::uint16;
  d.order = n.get("order") ? order_of(n.at("order")) : word_order::big;
  end_of(d.address, codec::register_span(d.type), n);
  double lo = codec::raw_min(d.type);
  double hi = codec::raw_max(d.type);
  if (auto ramp = n.get("ramp")) {
    ramp->allow_only({"step", "everyMs", "min", "max"});
    d.kind = dynamic_kind::ramp;
    d.step = ramp->at("step").number();
    d.every_ms = every_of(*ramp);
    d.min = ramp->at("min").number();
    d.max = ramp->at("max").number();
  } else {
    auto counter = n.at("counter");
    counter.allow_only({"step", "everyMs", "min", "max"});
    d.kind = dynamic_kind::counter;
    d.step = counter.get("step") ? counter.at("step").number() : 1;
    d.every_ms = every_of(counter);
    d.min = counter.get("min") ? counter.at("min").number() : lo;
    d.max = counter.get("max") ? counter.at("max").number() : hi;
  }
  if (!(d.step > 0) || !std::isfinite(d.step))
    n.fail("step must be a positive number");
  if (d.min < lo || d.max > hi || !(d.min < d.max))
    n.fail("needs min < max within the range of " + std::string{codec::to_string(d.type)});
  return d;
}

template <class Parse>
void each(const node& parent, const char* key, Parse&& parse) {
  auto list = parent.get(key);
  if (!list)
    return;
  list->require_array();
  if (list->value.size() > modbus_sim_limits::max_entries)
    list->fail("has more than " + std::to_string(modbus_sim_limits::max_entries) + " entries");
  for (size_t i = 0; i < list->value.size(); ++i) {
    auto entry = list->at(i);
    entry.require_object();
    parse(entry);
  }
}

modbus_sim_config parse(const nlohmann::json& doc) {
  node root{doc, ""};
  root.allow_only({"holding", "input", "coils", "discrete", "sizes", "faults", "dynamics"});
  modbus_sim_config cfg;
  auto grow = [&](modbus_table t, uint32_t end) {
    auto& size = cfg.sizes[table_index(t)];
    size = std::max(size, end);
  };
  for (auto t : all_tables)
    each(root, table_json_name(t), [&](const node& n) {
      cfg.blocks.push_back(parse_block(t, n));
      const auto& b = cfg.blocks.back();
      grow(t, b.address + static_cast<uint32_t>(b.values.size()));
    });
  if (auto sizes = root.get("sizes")) {
    sizes->allow_only({"holding", "input", "coils", "discrete"});
    for (auto t : all_tables)
      if (auto s = sizes->get(table_json_name(t)))
        grow(t, static_cast<uint32_t>(s->integer(0, modbus_sim_limits::max_table_size)));
  }
  each(root, "faults", [&](const node& n) { cfg.faults.push_back(parse_fault(n)); });
  each(root, "dynamics", [&](const node& n) {
    cfg.dynamics.push_back(parse_dynamic(n));
    const auto& d = cfg.dynamics.back();
    grow(d.table, d.address + static_cast<uint32_t>(codec::is_bit_table(d.table)
                                                      ? 1
                                                      : codec::register_span(d.type)));
  });
  return cfg;
}

} // namespace

const char* table_json_name(modbus_table t) {
  switch (t) {
    case modbus_table::coil: return "coils";
    case modbus_table::discrete_input: return "discrete";
    case modbus_table::input_register: return "input";
    case modbus_table::holding_register: return "holding";
  }
  return "unknown";
}

std::variant<modbus_sim_config, sim_config_error>
parse_modbus_sim_config(std::string_view text, const std::string& file) {
  return detail::config_or_error<modbus_sim_config>(file, [&] {
    return parse(nlohmann::json::parse(text.begin(), text.end()));
  });
}

} // namespace kagami::devsim
