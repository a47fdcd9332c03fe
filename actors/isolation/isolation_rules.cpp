#include "actors/isolation/isolation_rules.hpp"

#include <algorithm>
#include <cctype>

namespace kagami::isolation {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

std::optional<network::cut_action> cut_action_from_string(const std::string& s) {
  for (auto a : {network::cut_action::port_down, network::cut_action::client_deauth,
                 network::cut_action::ssid_off, network::cut_action::radio_off})
    if (s == network::to_string(a))
      return a;
  return std::nullopt;
}

bool cut_on_path(const storage::applied_cut& cut, const std::vector<topology::hop>& path,
                 const std::optional<std::string>& ssid) {
  auto action = cut_action_from_string(cut.action);
  if (!action || path.empty())
    return false;
  if (*action == network::cut_action::port_down)
    return std::any_of(path.begin(), path.end(), [&](const topology::hop& h) {
      return h.element_id == cut.element_id && h.ingress_port == cut.port_id;
    });
  const auto& first = path.front();
  if (first.element_id != cut.element_id)
    return false;
  switch (*action) {
    case network::cut_action::client_deauth:
      return true;
    case network::cut_action::ssid_off:
      return ssid && *ssid == cut.target;
    case network::cut_action::radio_off:
      return first.ingress_port == cut.port_id;
    default:
      return false;
  }
}

std::optional<bool> port_still_down(const storage::applied_cut& cut,
                                    const network::counter_reading& reading) {
  for (const auto& p : reading.ports)
    if (p.port_id == cut.port_id) {
      if (p.admin_status == 0)
        return std::nullopt;
      return p.admin_status == 2;
    }
  return std::nullopt;
}

bool client_present(const network::element_reading& reading, const std::string& mac) {
  auto wanted = lower(mac);
  for (const auto& port : reading.report.ports)
    for (const auto& c : port.clients)
      if (lower(c.mac) == wanted)
        return true;
  return false;
}

std::optional<std::string> spoofed_identity(const topology::topology_graph& graph,
                                            const std::string& mac) {
  auto wanted = lower(mac);
  auto d = graph.devices().find(wanted);
  if (d == graph.devices().end() || !d->second.thing_id)
    return std::nullopt;
  for (const auto& c : graph.conflicts())
    if (c.mac == wanted) {
      std::string ports;
      for (const auto& p : c.claims) {
        if (!ports.empty())
          ports += ", ";
        ports += p.element_id + " port " + std::to_string(p.port_id);
      }
      return "MAC " + wanted + " belongs to admitted device " + *d->second.thing_id
             + " and is claimed at " + ports
             + "; a cut by its attachment could cut the genuine device";
    }
  return std::nullopt;
}

network::cut_order order_for(const storage::applied_cut& cut, std::uint64_t attempt) {
  network::cut_order order;
  order.order_id = cut.order_id + "#" + std::to_string(attempt);
  order.action = cut_action_from_string(cut.action).value_or(network::cut_action::port_down);
  order.target = cut.target;
  return order;
}

storage::applied_cut to_applied(const cut_option& option) {
  storage::applied_cut cut;
  cut.element_id = option.element_id;
  cut.action = network::to_string(option.action);
  cut.target = option.target;
  cut.port_id = option.port_id;
  return cut;
}

} // namespace kagami::isolation
