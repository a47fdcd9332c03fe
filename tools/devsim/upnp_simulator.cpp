#include "tools/devsim/upnp_simulator.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include <pugixml.hpp>

#include "actors/core/error.hpp"
#include "config/network_address.hpp"
#include "protocols/upnp/description_url.hpp"
#include "protocols/upnp/ssdp_parser.hpp"
#include "protocols/upnp/udp_endpoint.hpp"

namespace kagami::devsim {

namespace {

using protocols::upnp::clear_wake;
using protocols::upnp::close_fd;
using protocols::upnp::errno_text;
using protocols::upnp::make_addr;
using protocols::upnp::notify_subtype;
using protocols::upnp::signal_wake;
using protocols::upnp::ssdp_kind;
using protocols::upnp::ssdp_message;
using clock_type = std::chrono::steady_clock;

constexpr const char* ssdp_group = "239.255.255.250";
constexpr const char* server_header = "Linux UPnP/1.1 kagami-devsim/1.0";

std::string render_description(const upnp_device_info& info, uint32_t config_id) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
  auto root = doc.append_child("root");
  root.append_attribute("xmlns") = "urn:schemas-upnp-org:device-1-0";
  root.append_attribute("configId") = config_id;
  auto spec = root.append_child("specVersion");
  spec.append_child("major").text() = 1;
  spec.append_child("minor").text() = 1;
  auto device = root.append_child("device");
  auto put = [&](const char* name, const std::string& value, bool always) {
    if (always || !value.empty())
      device.append_child(name).text() = value.c_str();
  };
  put("deviceType", info.device_type, true);
  put("friendlyName", info.friendly_name, true);
  put("manufacturer", info.manufacturer, true);
  put("modelName", info.model_name, true);
  put("modelNumber", info.model_number, false);
  put("serialNumber", info.serial_number, false);
  put("UDN", info.udn, true);
  // A vendor extension, not UDA: many devices report their firmware so.
  put("firmwareVersion", info.firmware_version, false);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

sim_response text(unsigned status, std::string body) {
  return {status, "application/json", std::move(body)};
}

} // namespace

struct upnp_simulator::impl {
  std::unique_ptr<http_simulator> http;
  upnp_sim_network net;
  uint32_t notify_interval_s = 30;
  std::string host;
  uint16_t ssdp_port = 0;

  mutable std::mutex mtx;
  upnp_device_info info;
  uint32_t boot_id = 1;
  uint32_t config_id = 1;

  int unicast_fd = -1;
  int multicast_fd = -1;
  int send_fd = -1;
  int wake_fd = -1;
  std::vector<sockaddr_in> notify_targets;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  std::atomic<bool> update_pending{false};
  std::atomic<uint64_t> answered{0};
  std::atomic<uint64_t> rounds{0};

  ~impl() {
    close_fd(unicast_fd);
    close_fd(multicast_fd);
    close_fd(send_fd);
    close_fd(wake_fd);
  }

  std::string location() const {
    return "http://" + host + ":" + std::to_string(http->port()) + "/description.xml";
  }

  caf::error open_sockets() {
    auto fail = [&](const char* call) {
      return make_error(ec::unavailable, "UPnP simulator on " + host + ": "
                                           + errno_text(call));
    };
    int on = 1;
    int off = 0;
    wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0)
      return fail("eventfd");
    in_addr local{};
    inet_pton(AF_INET, host.c_str(), &local);
    unicast_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (unicast_fd < 0)
      return fail("socket");
    ::setsockopt(unicast_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    auto at = make_addr(host, net.ssdp_port);
    if (::bind(unicast_fd, reinterpret_cast<sockaddr*>(&at), sizeof(at)) != 0)
      return fail("bind(HOST:ssdp_port)");
    socklen_t len = sizeof(at);
    ::getsockname(unicast_fd, reinterpret_cast<sockaddr*>(&at), &len);
    ssdp_port = ntohs(at.sin_port);
    send_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (send_fd < 0)
      return fail("socket");
    auto from = make_addr(host, 0);
    if (::bind(send_fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0)
      return fail("bind(HOST:0)");
    if (!net.multicast)
      return {};
    unsigned char ttl = 2;
    if (::setsockopt(send_fd, IPPROTO_IP, IP_MULTICAST_IF, &local, sizeof(local)) != 0
        || ::setsockopt(send_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0)
      return fail("setsockopt(IP_MULTICAST_IF)");
    multicast_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (multicast_fd < 0)
      return fail("socket");
    ::setsockopt(multicast_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    auto group = make_addr(ssdp_group, ssdp_port);
    if (::bind(multicast_fd, reinterpret_cast<sockaddr*>(&group), sizeof(group)) != 0)
      return fail("bind(239.255.255.250:ssdp_port)");
    ip_mreq mreq{};
    mreq.imr_multiaddr = group.sin_addr;
    mreq.imr_interface = local;
    if (::setsockopt(multicast_fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0)
      return fail("setsockopt(IP_ADD_MEMBERSHIP)");
    ::setsockopt(multicast_fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof(off));
    return {};
  }

  /// The (NT or ST, USN) pairs the device announces.
  std::vector<std::pair<std::string, std::string>> announced(const upnp_device_info& d) {
    return {{"upnp:rootdevice", d.udn + "::upnp:rootdevice"},
            {d.udn, d.udn},
            {d.device_type, d.udn + "::" + d.device_type}};
  }

  void send_to(const sockaddr_in& to, const std::string& datagram) {
    (void) ::sendto(send_fd, datagram.data(), datagram.size(), 0,
                    reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  }

  /// The device as it is now and a message of `kind` that announces it
  /// (BOOTID, CONFIGID, LOCATION, SERVER), taken under one lock.
  std::pair<upnp_device_info, ssdp_message> snapshot(ssdp_kind kind) const {
    std::pair<upnp_device_info, ssdp_message> result;
    auto& [d, m] = result;
    {
      std::lock_guard<std::mutex> guard{mtx};
      d = info;
      m.boot_id = boot_id;
      m.config_id = config_id;
    }
    m.kind = kind;
    m.location = location();
    m.server = server_header;
    return result;
  }

  void notify_round(notify_subtype nts) {
    auto [d, m] = snapshot(ssdp_kind::notify);
    m.nts = nts;
    m.host = std::string{ssdp_group} + ":1900";
    ++rounds;
    for (const auto& [nt, usn] : announced(d)) {
      m.target = nt;
      m.usn = usn;
      auto datagram = protocols::upnp::encode_ssdp(m);
      if (!datagram)
        continue;
      if (net.multicast)
        send_to(make_addr(ssdp_group, 1900), *datagram);
      for (const auto& t : notify_targets)
        send_to(t, *datagram);
    }
  }

  void answer(const sockaddr_in& src, const ssdp_message& req) {
    auto [d, m] = snapshot(ssdp_kind::search_response);
    bool any = false;
    for (const auto& [st, usn] : announced(d)) {
      if (req.target != "ssdp:all" && req.target != st)
        continue;
      m.target = st;
      m.usn = usn;
      if (auto datagram = protocols::upnp::encode_ssdp(m)) {
        send_to(src, *datagram);
        any = true;
      }
    }
    if (any)
      ++answered;
  }

  void drain(int fd) {
    char buf[protocols::upnp::ssdp_limits::max_datagram];
    for (int i = 0; i < 64; ++i) {
      sockaddr_in src{};
      socklen_t len = sizeof(src);
      auto n = ::recvfrom(fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&src), &len);
      if (n < 0)
        return;
      auto m = protocols::upnp::parse_ssdp(std::string_view{buf, static_cast<size_t>(n)});
      if (m && m->kind == ssdp_kind::search_request)
        answer(src, *m);
    }
  }

  void run() {
    auto next_notify = clock_type::now();
    while (!stopping.load()) {
      auto now = clock_type::now();
      if (update_pending.exchange(false)) {
        notify_round(notify_subtype::update);
        notify_round(notify_subtype::alive);
        next_notify = now + std::chrono::seconds(notify_interval_s);
      } else if (now >= next_notify) {
        notify_round(notify_subtype::alive);
        next_notify = now + std::chrono::seconds(notify_interval_s);
      }
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_notify - now);
      pollfd fds[3] = {{wake_fd, POLLIN, 0}, {unicast_fd, POLLIN, 0}, {multicast_fd, POLLIN, 0}};
      nfds_t count = multicast_fd >= 0 ? 3 : 2;
      int rc = ::poll(fds, count, static_cast<int>(std::max<int64_t>(wait.count(), 0) + 1));
      if (rc <= 0)
        continue;
      if (fds[0].revents & POLLIN)
        clear_wake(wake_fd);
      if (fds[1].revents & POLLIN)
        drain(unicast_fd);
      if (count == 3 && (fds[2].revents & POLLIN))
        drain(multicast_fd);
    }
  }

  void wake() {
    signal_wake(wake_fd);
  }

  std::string update(const nlohmann::json& patch) {
    {
      std::lock_guard<std::mutex> guard{mtx};
      auto why = merge_upnp_device_info(info, patch);
      if (!why.empty())
        return why;
      config_id = config_id >= 16777215 ? 1 : config_id + 1;
    }
    update_pending = true;
    wake();
    return {};
  }

  sim_response profile_json() const {
    std::lock_guard<std::mutex> guard{mtx};
    auto j = to_json(info);
    j["bootId"] = boot_id;
    j["configId"] = config_id;
    return text(200, j.dump());
  }
};

upnp_simulator::upnp_simulator(std::unique_ptr<impl> p) : impl_(std::move(p)) {
}

upnp_simulator::~upnp_simulator() {
  stop();
}

caf::expected<std::unique_ptr<upnp_simulator>>
upnp_simulator::start(const upnp_sim_config& cfg, const std::string& host, uint16_t port,
                      upnp_sim_network net) {
  if (protocols::upnp::canonical_ipv4(host) != host)
    return make_error(ec::invalid_value, "UPnP simulator: host '" + host
                                           + "' is not an IPv4 address");
  auto p = std::make_unique<impl>();
  for (const auto& t : net.notify_targets) {
    auto hp = config::parse_host_port(t);
    if (!hp || protocols::upnp::canonical_ipv4(hp->host) != hp->host || hp->port == 0)
      return make_error(ec::invalid_value,
                        "UPnP simulator: notify target '" + t + "' is not IPv4:PORT");
    p->notify_targets.push_back(make_addr(hp->host, hp->port));
  }
  p->net = std::move(net);
  p->host = host;
  p->info = cfg.device;
  p->notify_interval_s = cfg.notify_interval_s;
  p->boot_id = static_cast<uint32_t>(std::time(nullptr) & 0x7FFFFFFF);
  auto http = http_simulator::start(cfg.http, host, port);
  if (!http)
    return http.error();
  p->http = std::move(*http);
  if (auto err = p->open_sockets())
    return err;
  auto* raw = p.get();
  raw->http->state().set_handler("/description.xml",
                                 [raw](std::string_view method, std::string_view) {
                                   if (method != "GET")
                                     return text(405, R"({"error":"method not allowed"})");
                                   std::lock_guard<std::mutex> guard{raw->mtx};
                                   return sim_response{200, "text/xml; charset=\"utf-8\"",
                                                       render_description(raw->info,
                                                                          raw->config_id)};
                                 });
  raw->http->state().set_handler(
    "/sim/profile", [raw](std::string_view method, std::string_view body) {
      if (method == "GET")
        return raw->profile_json();
      if (method != "PUT")
        return text(405, R"({"error":"method not allowed"})");
      auto patch = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
      if (patch.is_discarded())
        return text(400, R"({"error":"the body is not JSON"})");
      auto why = raw->update(patch);
      if (!why.empty())
        return text(400, nlohmann::json{{"error", why}}.dump());
      return sim_response{204, "", ""};
    });
  raw->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<upnp_simulator>{new upnp_simulator(std::move(p))};
}

void upnp_simulator::stop() {
  if (!impl_ || impl_->stopped.exchange(true))
    return;
  impl_->stopping = true;
  if (impl_->thread.joinable()) {
    impl_->wake();
    impl_->thread.join();
  }
  if (impl_->http)
    impl_->http->stop();
}

const std::string& upnp_simulator::host() const {
  return impl_->host;
}

uint16_t upnp_simulator::port() const {
  return impl_->http->port();
}

uint16_t upnp_simulator::ssdp_port() const {
  return impl_->ssdp_port;
}

std::string upnp_simulator::description_url() const {
  return impl_->location();
}

upnp_device_info upnp_simulator::device() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->info;
}

uint32_t upnp_simulator::boot_id() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->boot_id;
}

uint32_t upnp_simulator::config_id() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  return impl_->config_id;
}

std::string upnp_simulator::update_device(const nlohmann::json& patch) {
  return impl_->update(patch);
}

uint64_t upnp_simulator::searches_answered() const {
  return impl_->answered.load();
}

uint64_t upnp_simulator::notify_rounds() const {
  return impl_->rounds.load();
}

http_simulator& upnp_simulator::http() {
  return *impl_->http;
}

} // namespace kagami::devsim
