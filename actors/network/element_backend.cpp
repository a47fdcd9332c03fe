#include "actors/network/element_backend.hpp"

namespace kagami::network {

const char* to_string(cut_action x) {
  switch (x) {
    case cut_action::port_down:
      return "port_down";
    case cut_action::client_deauth:
      return "client_deauth";
    case cut_action::ssid_off:
      return "ssid_off";
    case cut_action::radio_off:
      return "radio_off";
  }
  return "unknown";
}

} // namespace kagami::network
