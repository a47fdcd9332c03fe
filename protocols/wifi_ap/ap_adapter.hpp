#pragma once

// The network element adapter of a Wi-Fi access point: an element_backend
// (actors/network/element_backend.hpp) that speaks the AP's HTTP/JSON
// management API through an ap_api_model from an ap_model_registry, over
// ap_http_client. Blocking; used by one thread at a time (the
// network_element actor's detached thread).
//
// - read_neighbours(): the model's status_request(), decoded by
//   parse_status(), mapped by to_neighbour_report(). The model decodes all
//   or nothing, so a reading has no `degraded` entries; a malformed reply is
//   ec::device_bad_reply whose detail starts with the JSON pointer ("/radios:
//   not an array", ": not JSON", ": reply body longer than 1048576 bytes").
// - read_counters(): AP APIs such as kagami-sim-ap report no traffic
//   counters. The reading has one port per radio (port_id = position + 1,
//   as in the neighbour report) with admin_status and oper_status from the
//   radio's `enabled` (1 up, 2 down) and all octet/packet counters 0, and
//   `degraded` says that the counters were not measured, so that a traffic
//   monitor must not take the zeros for silence.
// - capabilities(): client_deauth, ssid_off and radio_off as far as the model
//   supports() them; never port_down.
// - cut(): maps client_deauth / ssid_off / radio_off to the model's ap_cut,
//   sends it, then reads the status once more: verified when the client is
//   no longer associated, every SSID of that name is disabled (and has no
//   clients), or the radio is disabled (and has no clients). A cut the AP
//   refuses (non-2xx) is an error (ec::device_error); a cut it answers with
//   applied=false is an outcome with applied=false; a read-back that fails
//   leaves verified=false and says why in `detail`. port_down or a cut the
//   model does not support: ec::not_writable; a malformed target:
//   ec::invalid_value.
// - restore(): ec::not_writable. A deauth cannot be undone, and the
//   kagami-sim-ap API has no request to enable an SSID or a radio again;
//   an operator re-enables them on the AP itself.
// Every request (connect included) finishes within `timeout`.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/network/element_backend.hpp"
#include "protocols/wifi_ap/ap_api_model.hpp"
#include "protocols/wifi_ap/ap_status.hpp"

namespace kagami::protocols::wifi_ap {

struct ap_adapter_config {
  /// The element id in the site ("ap1"); required.
  std::string element_id;
  /// "HOST:PORT" of the management API (an IP literal avoids a DNS lookup
  /// outside the timeout); required, port not 0.
  std::string management_address;
  /// The registry name of the API ("kagami-sim-ap").
  std::string model = "kagami-sim-ap";
  /// The AP's own MAC for report.reporter.chassis_mac (the kagami-sim-ap API
  /// does not report it); optional, any form normalize_mac accepts.
  std::string chassis_mac;
  /// Per HTTP request, connect included.
  std::chrono::milliseconds timeout{3000};
  /// Bounds on the AP's replies (max_body_bytes also bounds the transport).
  ap_limits limits;
};

class ap_adapter : public network::element_backend {
public:
  /// Checks `cfg` and creates the model by name. Does no I/O. Errors:
  /// ec::config_invalid naming the field (empty element_id, a bad
  /// management_address or port 0, a timeout below 1 ms, a bad
  /// chassis_mac); ec::not_found for a model `registry` does not know.
  static caf::expected<std::unique_ptr<ap_adapter>>
  make(ap_adapter_config cfg, const ap_model_registry& registry);

  caf::expected<network::element_reading> read_neighbours() override;
  caf::expected<network::counter_reading> read_counters() override;
  std::vector<network::cut_action> capabilities() const override;
  caf::expected<network::cut_outcome> cut(const network::cut_order& order) override;
  caf::expected<network::cut_outcome> restore(const network::cut_order& order) override;

  /// One status read, decoded (what read_neighbours maps).
  caf::expected<ap_status> read_status();

  const ap_adapter_config& config() const {
    return cfg_;
  }

  /// The element as reported: {element_id, access_point, chassis_mac,
  /// management host}.
  const topology::element& element() const {
    return element_;
  }

private:
  ap_adapter(ap_adapter_config cfg, std::string host, std::uint16_t port,
             std::unique_ptr<ap_api_model> model);

  ap_adapter_config cfg_;
  std::string host_;
  std::uint16_t port_;
  std::unique_ptr<ap_api_model> model_;
  topology::element element_;
};

/// The ap_cut of `action`, or nullopt for port_down.
std::optional<ap_cut> to_ap_cut(network::cut_action action);

/// Whether `status` shows `order` in effect (see ap_adapter::cut); "" if so,
/// else why not. Plain logic, unit-tested directly.
std::string cut_in_effect(const ap_status& status, const ap_cut_order& order);

} // namespace kagami::protocols::wifi_ap
