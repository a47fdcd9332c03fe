#include "actors/network/topology_json.hpp"

#include "actors/core/error.hpp"
#include "config/json_depth.hpp"

namespace kagami::topology {

namespace {

using nlohmann::json;

/// The format is at most 6 levels deep (root, reports, report, ports, port,
/// lldp entry); a history record adds one.
constexpr std::size_t max_depth = max_topology_json_depth;

caf::error inputs_failure(const std::string& where, const std::string& why) {
  return make_error(ec::storage_failure,
                    "topology inputs: " + (where.empty() ? "/" : where) + ": " + why);
}

struct failure {
  std::string where;
  std::string why;
};

class reader {
public:
  explicit reader(const topology_json_limits& limits) : limits_(limits) {
    // nop
  }

  std::string string_at(const json& obj, const char* key, const std::string& at) const {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string())
      throw failure{at + "/" + key, "must be a string"};
    auto s = it->get<std::string>();
    if (s.size() > limits_.max_string)
      throw failure{at + "/" + key, "longer than " + std::to_string(limits_.max_string)};
    return s;
  }

  std::string string_value(const json& v, const std::string& at) const {
    if (!v.is_string())
      throw failure{at, "must be a string"};
    auto s = v.get<std::string>();
    if (s.size() > limits_.max_string)
      throw failure{at, "longer than " + std::to_string(limits_.max_string)};
    return s;
  }

  const json& array_at(const json& obj, const char* key, const std::string& at,
                       std::size_t max) const {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_array())
      throw failure{at + "/" + key, "must be an array"};
    if (it->size() > max)
      throw failure{at + "/" + key, "more than " + std::to_string(max) + " entries"};
    return *it;
  }

  template <class Int>
  Int int_at(const json& obj, const char* key, const std::string& at) const {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer())
      throw failure{at + "/" + key, "must be an integer"};
    if constexpr (std::is_unsigned_v<Int>) {
      if (it->is_number_unsigned() ? it->get<std::uint64_t>() > std::numeric_limits<Int>::max()
                                   : it->get<std::int64_t>() < 0
                                       || static_cast<std::uint64_t>(it->get<std::int64_t>())
                                            > std::numeric_limits<Int>::max())
        throw failure{at + "/" + key, "out of range"};
      return static_cast<Int>(it->is_number_unsigned() ? it->get<std::uint64_t>()
                                                       : static_cast<std::uint64_t>(
                                                         it->get<std::int64_t>()));
    } else {
      if (it->is_number_unsigned()
          && it->get<std::uint64_t>()
               > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
        throw failure{at + "/" + key, "out of range"};
      return it->get<Int>();
    }
  }

  port_observation port(const json& p, const std::string& at) const {
    if (!p.is_object())
      throw failure{at, "must be an object"};
    port_observation out;
    out.port_id = int_at<std::uint32_t>(p, "id", at);
    out.name = string_at(p, "name", at);
    if (p.contains("mac"))
      out.mac = string_at(p, "mac", at);
    auto& lldp = array_at(p, "lldp", at, limits_.max_entries_per_port);
    auto& macs = array_at(p, "macs", at, limits_.max_entries_per_port);
    auto& clients = array_at(p, "clients", at, limits_.max_entries_per_port);
    if (lldp.size() + macs.size() + clients.size() > limits_.max_entries_per_port)
      throw failure{at, "more than " + std::to_string(limits_.max_entries_per_port)
                          + " neighbours on one port"};
    for (std::size_t i = 0; i < lldp.size(); ++i) {
      auto here = at + "/lldp/" + std::to_string(i);
      if (!lldp[i].is_object())
        throw failure{here, "must be an object"};
      out.lldp.push_back({string_at(lldp[i], "chassis", here), string_at(lldp[i], "port", here)});
    }
    for (std::size_t i = 0; i < macs.size(); ++i)
      out.learned_macs.push_back(string_value(macs[i], at + "/macs/" + std::to_string(i)));
    for (std::size_t i = 0; i < clients.size(); ++i) {
      auto here = at + "/clients/" + std::to_string(i);
      if (!clients[i].is_object())
        throw failure{here, "must be an object"};
      out.clients.push_back({string_at(clients[i], "mac", here), string_at(clients[i], "ssid", here)});
    }
    return out;
  }

  neighbour_report report(const json& r, const std::string& at) const {
    if (!r.is_object())
      throw failure{at, "must be an object"};
    neighbour_report out;
    out.reporter.id = string_at(r, "id", at);
    if (!parse_element_kind(string_at(r, "kind", at), out.reporter.kind))
      throw failure{at + "/kind", "must be switch, ap or router"};
    out.reporter.chassis_mac = string_at(r, "chassis", at);
    out.reporter.management_address = string_at(r, "address", at);
    out.observed_at_ms = int_at<std::int64_t>(r, "at_ms", at);
    auto& degraded = array_at(r, "degraded", at, limits_.max_entries_per_port);
    for (std::size_t i = 0; i < degraded.size(); ++i)
      out.degraded.push_back(string_value(degraded[i], at + "/degraded/" + std::to_string(i)));
    auto& ports = array_at(r, "ports", at, limits_.max_ports_per_report);
    for (std::size_t i = 0; i < ports.size(); ++i)
      out.ports.push_back(port(ports[i], at + "/ports/" + std::to_string(i)));
    return out;
  }

  device known_device(const json& d, const std::string& at) const {
    if (!d.is_object())
      throw failure{at, "must be an object"};
    device out;
    out.mac = string_at(d, "mac", at);
    auto thing = d.find("thing");
    if (thing == d.end())
      throw failure{at + "/thing", "missing"};
    if (!thing->is_null())
      out.thing_id = string_value(*thing, at + "/thing");
    if (!parse_criticality(string_at(d, "level", at), out.level))
      throw failure{at + "/level", "must be low, normal, high or critical"};
    return out;
  }

  merge_inputs inputs(const json& doc) const {
    if (!doc.is_object())
      throw failure{"", "must be an object"};
    if (int_at<int>(doc, "format", "") != 1)
      throw failure{"/format", "unknown format (this gateway reads 1)"};
    merge_inputs out;
    out.gateway_mac = string_at(doc, "gateway_mac", "");
    auto& reports = array_at(doc, "reports", "", limits_.max_reports);
    for (std::size_t i = 0; i < reports.size(); ++i)
      out.reports.push_back(report(reports[i], "/reports/" + std::to_string(i)));
    auto& devices = array_at(doc, "devices", "", limits_.max_devices);
    for (std::size_t i = 0; i < devices.size(); ++i)
      out.known_devices.push_back(known_device(devices[i], "/devices/" + std::to_string(i)));
    return out;
  }

private:
  const topology_json_limits& limits_;
};

} // namespace

bool parse_element_kind(std::string_view text, element_kind& out) {
  for (auto k : {element_kind::switch_element, element_kind::access_point, element_kind::router})
    if (text == to_string(k)) {
      out = k;
      return true;
    }
  return false;
}

bool parse_criticality(std::string_view text, criticality& out) {
  for (auto c : {criticality::low, criticality::normal, criticality::high, criticality::critical})
    if (text == to_string(c)) {
      out = c;
      return true;
    }
  return false;
}

nlohmann::json to_json(const merge_inputs& in) {
  auto reports = json::array();
  for (const auto& r : in.reports) {
    auto ports = json::array();
    for (const auto& p : r.ports) {
      auto lldp = json::array();
      for (const auto& n : p.lldp)
        lldp.push_back({{"chassis", n.chassis_id}, {"port", n.port_id}});
      auto clients = json::array();
      for (const auto& c : p.clients)
        clients.push_back({{"mac", c.mac}, {"ssid", c.ssid}});
      ports.push_back({{"id", p.port_id},
                       {"name", p.name},
                       {"mac", p.mac},
                       {"lldp", std::move(lldp)},
                       {"macs", p.learned_macs},
                       {"clients", std::move(clients)}});
    }
    reports.push_back({{"id", r.reporter.id},
                       {"kind", to_string(r.reporter.kind)},
                       {"chassis", r.reporter.chassis_mac},
                       {"address", r.reporter.management_address},
                       {"at_ms", r.observed_at_ms},
                       {"degraded", r.degraded},
                       {"ports", std::move(ports)}});
  }
  auto devices = json::array();
  for (const auto& d : in.known_devices)
    devices.push_back({{"mac", d.mac},
                       {"thing", d.thing_id ? json(*d.thing_id) : json(nullptr)},
                       {"level", to_string(d.level)}});
  return {{"format", 1},
          {"gateway_mac", in.gateway_mac},
          {"reports", std::move(reports)},
          {"devices", std::move(devices)}};
}

caf::expected<merge_inputs> merge_inputs_from_json(const nlohmann::json& doc,
                                                   const topology_json_limits& limits) {
  try {
    return reader{limits}.inputs(doc);
  } catch (const failure& f) {
    return inputs_failure(f.where, f.why);
  } catch (const json::exception& e) {
    return inputs_failure("", e.what());
  }
}

caf::expected<merge_inputs> parse_merge_inputs(std::string_view text,
                                               const topology_json_limits& limits) {
  if (text.size() > limits.max_bytes)
    return inputs_failure("", "larger than " + std::to_string(limits.max_bytes) + " bytes");
  if (config::json_nesting_depth(text, max_depth + 1) > max_depth)
    return inputs_failure("", "nested deeper than " + std::to_string(max_depth));
  auto doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded())
    return inputs_failure("", "not JSON");
  return merge_inputs_from_json(doc, limits);
}

} // namespace kagami::topology
