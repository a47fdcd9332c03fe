#include "tools/devsim/ap_sim_state.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kagami::devsim {

using nlohmann::json;
namespace wifi = protocols::wifi_ap;

namespace {

sim_response json_reply(unsigned status, const json& body) {
  return {status, "application/json",
          body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

sim_response problem(unsigned status, const std::string& detail) {
  return json_reply(status, json{{"error", detail}});
}

sim_response cut_reply(bool applied, std::string message) {
  if (message.size() > ap_sim_max_message)
    message.resize(ap_sim_max_message);
  return json_reply(200, json{{"applied", applied}, {"message", std::move(message)}});
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Percent-decodes one path segment; false for a bad escape.
bool decode_segment(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    int hi = hex_digit(in[i + 1]), lo = hex_digit(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

/// Splits "/a/b/c" into {"a", "b", "c"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

} // namespace

std::string set_link_down(const std::string& link) {
  if (!valid_link_name(link))
    return "not an interface name";
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return std::strerror(errno);
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, link.data(), link.size());
  std::string why;
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
    why = std::strerror(errno);
  } else if ((ifr.ifr_flags & IFF_UP) != 0) {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags & ~IFF_UP);
    if (::ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
      why = std::strerror(errno);
  }
  ::close(fd);
  return why;
}

ap_sim_state::ap_sim_state(ap_sim_config cfg, link_down_fn link_down)
  : cfg_(std::move(cfg)), link_down_(std::move(link_down)) {
}

ap_fault ap_sim_state::fault() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return cfg_.fault;
}

uint32_t ap_sim_state::slow_ms() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return cfg_.slow_ms;
}

std::vector<std::string> ap_sim_state::links_down() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return links_down_;
}

json ap_sim_state::status_json() const {
  std::lock_guard<std::mutex> guard{mtx_};
  json radios = json::array(), ssids = json::array(), clients = json::array();
  for (auto& r : cfg_.radios)
    radios.push_back({{"id", r.id}, {"band", wifi::to_string(r.band)}, {"enabled", r.enabled}});
  for (auto& s : cfg_.ssids)
    ssids.push_back({{"name", s.name}, {"radio", s.radio}, {"enabled", s.enabled}});
  for (auto& c : cfg_.clients) {
    json item{{"mac", c.mac}, {"ssid", c.ssid}, {"radio", c.radio}};
    if (c.rssi)
      item["rssi"] = *c.rssi;
    clients.push_back(std::move(item));
  }
  return json{{"radios", std::move(radios)}, {"ssids", std::move(ssids)},
              {"clients", std::move(clients)}};
}

sim_response ap_sim_state::status_reply() const {
  switch (fault()) {
    case ap_fault::garbage: {
      // Neither JSON nor UTF-8: what a crashed web server or a wrong port
      // might send.
      static constexpr unsigned char bytes[] = {
        0x00, 0xff, 0xfe, '<', 'h', 't', 'm', 'l', '>', 0x89, 'P', 'N', 'G',
        0x0d, 0x0a, 0x1a, 0x0a, '{', '"', 'r', 'a', 'd', 'i', 'o', 's', 0xc3, 0x28};
      return {200, "application/json",
              std::string{reinterpret_cast<const char*>(bytes), sizeof bytes}};
    }
    case ap_fault::wrong_types:
      return json_reply(200, json{{"radios", {{"id", "radio0"}}},
                                  {"ssids", "factory-iot"},
                                  {"clients", 42}});
    case ap_fault::huge: {
      auto body = status_json();
      auto size = body.dump().size();
      std::size_t want;
      {
        std::lock_guard<std::mutex> guard{mtx_};
        want = cfg_.huge_bytes;
      }
      // {"padding":"xxx"} adds 13 bytes around the x's.
      body["padding"] = std::string(want > size + 13 ? want - size - 13 : 1, 'x');
      return json_reply(200, body);
    }
    case ap_fault::none:
    case ap_fault::slow:
      break;
  }
  return json_reply(200, status_json());
}

template <class Pick>
std::string ap_sim_state::drop_clients(Pick pick, size_t& dropped) {
  std::string failure;
  std::vector<ap_sim_client> kept;
  for (auto& c : cfg_.clients) {
    if (!pick(c)) {
      kept.push_back(std::move(c));
      continue;
    }
    if (!c.link.empty()) {
      auto why = link_down_(c.link);
      if (!why.empty()) {
        if (failure.empty())
          failure = "link " + c.link + ": " + why;
        kept.push_back(std::move(c));
        continue;
      }
      links_down_.push_back(c.link);
    }
    ++dropped;
  }
  cfg_.clients = std::move(kept);
  return failure;
}

sim_response ap_sim_state::deauth(const std::string& text) {
  auto mac = wifi::normalize_mac(text);
  if (!mac)
    return problem(404, "no such client");
  std::lock_guard<std::mutex> guard{mtx_};
  auto known = std::any_of(cfg_.clients.begin(), cfg_.clients.end(),
                           [&](auto& c) { return c.mac == *mac; });
  if (!known)
    return problem(404, "no such client");
  size_t dropped = 0;
  auto failure = drop_clients([&](const ap_sim_client& c) { return c.mac == *mac; }, dropped);
  if (!failure.empty())
    return cut_reply(false, failure);
  return cut_reply(true, "deauthenticated " + *mac);
}

sim_response ap_sim_state::disable_ssid(const std::string& name) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto known = std::any_of(cfg_.ssids.begin(), cfg_.ssids.end(),
                           [&](auto& s) { return s.name == name; });
  if (!known)
    return problem(404, "no such SSID");
  size_t dropped = 0;
  auto failure = drop_clients([&](const ap_sim_client& c) { return c.ssid == name; }, dropped);
  if (!failure.empty())
    return cut_reply(false, failure);
  for (auto& s : cfg_.ssids)
    if (s.name == name)
      s.enabled = false;
  return cut_reply(true, "SSID disabled, " + std::to_string(dropped) + " clients off");
}

sim_response ap_sim_state::radio_off(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto radio = std::find_if(cfg_.radios.begin(), cfg_.radios.end(),
                            [&](auto& r) { return r.id == id; });
  if (radio == cfg_.radios.end())
    return problem(404, "no such radio");
  size_t dropped = 0;
  auto failure = drop_clients([&](const ap_sim_client& c) { return c.radio == id; }, dropped);
  if (!failure.empty())
    return cut_reply(false, failure);
  radio->enabled = false;
  return cut_reply(true, "radio off, " + std::to_string(dropped) + " clients off");
}

sim_response ap_sim_state::handle(std::string_view method, std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  auto parts = segments(path);
  if (parts.size() < 3 || parts[0] != "api" || parts[1] != "v1")
    return problem(404, "no such path");
  if (parts.size() == 3 && parts[2] == "status") {
    if (method != "GET")
      return problem(405, "method not allowed");
    return status_reply();
  }
  if (parts.size() != 5)
    return problem(404, "no such path");
  std::string arg;
  if (!decode_segment(parts[3], arg))
    return problem(404, "bad percent-encoding");
  enum { none, deauth_cut, ssid_cut, radio_cut } kind = none;
  if (parts[2] == "clients" && parts[4] == "deauth")
    kind = deauth_cut;
  else if (parts[2] == "ssids" && parts[4] == "disable")
    kind = ssid_cut;
  else if (parts[2] == "radios" && parts[4] == "off")
    kind = radio_cut;
  if (kind == none)
    return problem(404, "no such path");
  if (method != "POST")
    return problem(405, "method not allowed");
  switch (kind) {
    case deauth_cut: return deauth(arg);
    case ssid_cut: return disable_ssid(arg);
    case radio_cut: return radio_off(arg);
    case none: break;
  }
  return problem(404, "no such path");
}

} // namespace kagami::devsim
