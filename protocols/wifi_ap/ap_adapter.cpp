#include "protocols/wifi_ap/ap_adapter.hpp"

#include <algorithm>
#include <utility>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "protocols/wifi_ap/ap_http_client.hpp"
#include "protocols/wifi_ap/ap_neighbour_report.hpp"

namespace kagami::protocols::wifi_ap {

namespace {

/// The longest cut_outcome::detail.
constexpr std::size_t max_detail = 256;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string bounded(std::string text) {
  if (text.size() > max_detail)
    text.resize(max_detail);
  return text;
}

caf::error config_error(const std::string& field, const std::string& reason) {
  return make_error(ec::config_invalid, "AP adapter: " + field + ": " + reason);
}

} // namespace

std::optional<ap_cut> to_ap_cut(network::cut_action action) {
  switch (action) {
    case network::cut_action::client_deauth: return ap_cut::deauth_client;
    case network::cut_action::ssid_off: return ap_cut::disable_ssid;
    case network::cut_action::radio_off: return ap_cut::radio_off;
    case network::cut_action::port_down: break;
  }
  return std::nullopt;
}

std::string cut_in_effect(const ap_status& status, const ap_cut_order& order) {
  switch (order.kind) {
    case ap_cut::deauth_client: {
      auto mac = normalize_mac(order.target);
      if (!mac)
        return "not a MAC address: " + order.target;
      for (auto& c : status.clients)
        if (c.mac == *mac)
          return "client " + *mac + " is still associated";
      return {};
    }
    case ap_cut::disable_ssid: {
      bool seen = false;
      for (auto& s : status.ssids) {
        if (s.name != order.target)
          continue;
        seen = true;
        if (s.enabled)
          return "SSID " + s.name + " is still enabled on " + s.radio;
      }
      if (!seen)
        return "SSID " + order.target + " is not listed";
      for (auto& c : status.clients)
        if (c.ssid == order.target)
          return "client " + c.mac + " is still associated to the SSID";
      return {};
    }
    case ap_cut::radio_off: {
      auto r = std::find_if(status.radios.begin(), status.radios.end(),
                            [&](auto& x) { return x.id == order.target; });
      if (r == status.radios.end())
        return "radio " + order.target + " is not listed";
      if (r->enabled)
        return "radio " + order.target + " is still enabled";
      for (auto& c : status.clients)
        if (c.radio == order.target)
          return "client " + c.mac + " is still associated on the radio";
      return {};
    }
  }
  return "unknown cut";
}

ap_adapter::ap_adapter(ap_adapter_config cfg, std::string host, std::uint16_t port,
                       std::unique_ptr<ap_api_model> model)
  : cfg_(std::move(cfg)), host_(std::move(host)), port_(port), model_(std::move(model)) {
  element_.id = cfg_.element_id;
  element_.kind = topology::element_kind::access_point;
  element_.chassis_mac = cfg_.chassis_mac;
  element_.management_address = host_;
}

caf::expected<std::unique_ptr<ap_adapter>>
ap_adapter::make(ap_adapter_config cfg, const ap_model_registry& registry) {
  if (cfg.element_id.empty())
    return config_error("element_id", "must not be empty");
  auto where = config::parse_host_port(cfg.management_address);
  if (!where)
    return config_error("management_address", detail_of(where.error()));
  if (where->port == 0)
    return config_error("management_address", "port 0");
  if (cfg.timeout < std::chrono::milliseconds(1))
    return config_error("timeout", "must be at least 1 ms");
  if (!cfg.chassis_mac.empty()) {
    auto mac = normalize_mac(cfg.chassis_mac);
    if (!mac)
      return config_error("chassis_mac", "not a MAC address: " + cfg.chassis_mac);
    cfg.chassis_mac = *mac;
  }
  auto model = registry.create(cfg.model);
  if (!model)
    return model.error();
  auto host = where->host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::unique_ptr<ap_adapter>{
    new ap_adapter(std::move(cfg), std::move(host), where->port, std::move(*model))};
}

caf::expected<ap_status> ap_adapter::read_status() {
  ap_http_options options;
  options.timeout = cfg_.timeout;
  options.max_body_bytes = cfg_.limits.max_body_bytes;
  auto reply = ap_http_exchange(host_, port_, model_->status_request(), options);
  if (!reply)
    return reply.error();
  return model_->parse_status(reply->status, reply->body, cfg_.limits);
}

caf::expected<network::element_reading> ap_adapter::read_neighbours() {
  auto at = now_ms();
  auto status = read_status();
  if (!status)
    return status.error();
  network::element_reading reading;
  reading.report = to_neighbour_report(element_, *status, at);
  return reading;
}

caf::expected<network::counter_reading> ap_adapter::read_counters() {
  auto at = now_ms();
  auto status = read_status();
  if (!status)
    return status.error();
  network::counter_reading reading;
  reading.observed_at_ms = at;
  for (std::size_t i = 0; i < status->radios.size(); ++i) {
    network::port_counters port;
    port.port_id = static_cast<std::uint32_t>(i + 1);
    port.name = status->radios[i].id;
    port.admin_status = status->radios[i].enabled ? 1 : 2;
    port.oper_status = port.admin_status;
    reading.ports.push_back(std::move(port));
  }
  reading.degraded.push_back("/radios: the " + std::string{model_->name()}
                             + " API reports no traffic counters; octets and packets "
                               "are 0, not measured");
  return reading;
}

std::vector<network::cut_action> ap_adapter::capabilities() const {
  std::vector<network::cut_action> result;
  for (auto action : {network::cut_action::client_deauth, network::cut_action::ssid_off,
                      network::cut_action::radio_off})
    if (model_->supports(*to_ap_cut(action)))
      result.push_back(action);
  return result;
}

caf::expected<network::cut_outcome> ap_adapter::cut(const network::cut_order& order) {
  auto kind = to_ap_cut(order.action);
  if (!kind)
    return make_error(ec::not_writable, std::string{"an AP cannot make the cut "}
                                          + network::to_string(order.action));
  if (!model_->supports(*kind))
    return make_error(ec::not_writable, "the " + std::string{model_->name()}
                                          + " API cannot make the cut "
                                          + network::to_string(order.action));
  ap_cut_order ap_order{*kind, order.target};
  auto request = model_->cut_request(ap_order);
  if (!request)
    return request.error();
  ap_http_options options;
  options.timeout = cfg_.timeout;
  options.max_body_bytes = cfg_.limits.max_body_bytes;
  auto reply = ap_http_exchange(host_, port_, *request, options);
  if (!reply)
    return reply.error();
  auto result = model_->parse_cut(ap_order, reply->status, reply->body, cfg_.limits);
  if (!result)
    return result.error();
  network::cut_outcome outcome;
  outcome.applied = result->applied;
  std::string detail = result->message.empty() ? std::string{"no message"}
                                               : result->message;
  auto status = read_status();
  if (!status) {
    detail += "; read-back failed: " + detail_of(status.error());
  } else if (auto why = cut_in_effect(*status, ap_order); !why.empty()) {
    detail += "; read-back: " + why;
  } else {
    outcome.verified = true;
    detail += "; read-back: in effect";
  }
  outcome.detail = bounded(std::move(detail));
  return outcome;
}

caf::expected<network::cut_outcome> ap_adapter::restore(const network::cut_order& order) {
  if (order.action == network::cut_action::client_deauth)
    return make_error(ec::not_writable, "a deauthentication cannot be undone");
  return make_error(ec::not_writable, "the " + std::string{model_->name()}
                                        + " API cannot undo "
                                        + network::to_string(order.action)
                                        + "; re-enable it on the AP");
}

} // namespace kagami::protocols::wifi_ap
