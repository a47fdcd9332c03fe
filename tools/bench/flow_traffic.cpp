#include "tools/bench/flow_traffic.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <pcap/pcap.h>

#include "protocols/pcap/frame_builder.hpp"

namespace kagami::bench {

using namespace protocols::pcap;

namespace {

constexpr int64_t start_us = 1'714'521'600LL * 1'000'000; // 2024-05-01T00:00:00Z

const mac_address gateway_mac{0x02, 0x99, 0, 0, 0, 0x01};
const ip_address gateway_ip = make_ipv4(10, 99, 1, 1);
const mac_address switch_mac{0x02, 0x99, 0, 0, 0, 0xf1};
const ip_address switch_ip = make_ipv4(10, 99, 1, 241);
const mac_address ssdp_mac{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
const ip_address ssdp_ip = make_ipv4(239, 255, 255, 250);

class pcap_writer {
public:
  explicit pcap_writer(const std::string& path) {
    dead_ = pcap_open_dead(DLT_EN10MB, 65535);
    if (dead_)
      dumper_ = pcap_dump_open(dead_, path.c_str());
    if (!dumper_)
      error_ = dead_ ? pcap_geterr(dead_) : "pcap_open_dead failed";
  }
  ~pcap_writer() {
    if (dumper_)
      pcap_dump_close(dumper_);
    if (dead_)
      pcap_close(dead_);
  }
  const std::string& error() const {
    return error_;
  }
  /// Buffers the frames and writes them in time order on flush().
  void buffer() {
    buffered_ = true;
  }
  void flush() {
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    buffered_ = false;
    for (const auto& [at, f] : pending_)
      write(f, at);
    pending_.clear();
  }
  void write(const frame_bytes& f, int64_t at_us) {
    if (buffered_) {
      pending_.emplace_back(at_us, f);
      return;
    }
    pcap_pkthdr h{};
    h.ts.tv_sec = at_us / 1'000'000;
    h.ts.tv_usec = at_us % 1'000'000;
    h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, f.data());
    ++count_;
  }
  size_t count() const {
    return count_;
  }

private:
  pcap_t* dead_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::string error_;
  size_t count_ = 0;
  bool buffered_ = false;
  std::vector<std::pair<int64_t, frame_bytes>> pending_;
};

struct host {
  mac_address mac;
  ip_address ip;
};

frame_ends between(const host& a, const host& b) {
  return {a.mac, b.mac, a.ip, b.ip, {}};
}

const host gateway{gateway_mac, gateway_ip};

host lab_host(uint8_t last) {
  return {{0x02, 0x99, 0, 0, 0, last}, make_ipv4(10, 99, 1, last)};
}

// One Modbus/TCP poll (read holding registers): request and reply.
void modbus_poll(pcap_writer& w, const host& d, uint16_t port, int64_t at) {
  w.write(tcp_frame(between(gateway, d), port, 502, tcp_psh | tcp_ack, 12), at);
  w.write(tcp_frame(between(d, gateway), 502, port, tcp_psh | tcp_ack, 13), at + 800);
}

// One HTTP exchange on an open connection: GET and a JSON reply.
void http_get(pcap_writer& w, const host& d, uint16_t port, int64_t at) {
  w.write(tcp_frame(between(gateway, d), port, 80, tcp_psh | tcp_ack, 120), at);
  w.write(tcp_frame(between(d, gateway), 80, port, tcp_ack), at + 300);
  w.write(tcp_frame(between(d, gateway), 80, port, tcp_psh | tcp_ack, 400), at + 900);
  w.write(tcp_frame(between(gateway, d), port, 80, tcp_ack), at + 1000);
}

void arp_exchange(pcap_writer& w, const host& d, int64_t at) {
  w.write(arp_frame(arp_request, gateway.mac, gateway.ip, {}, d.ip, broadcast_mac), at);
  w.write(arp_frame(arp_reply, d.mac, d.ip, gateway.mac, gateway.ip, gateway.mac), at + 200);
  w.write(arp_frame(arp_request, d.mac, d.ip, {}, gateway.ip, broadcast_mac), at + 500);
  w.write(arp_frame(arp_reply, gateway.mac, gateway.ip, d.mac, d.ip, d.mac), at + 700);
}

void ssdp_notify(pcap_writer& w, const host& d, int64_t at) {
  frame_ends e{d.mac, ssdp_mac, d.ip, ssdp_ip, {}};
  w.write(udp_frame(e, 1900, 1900, 280), at);
}

// An attacker SYN-scans `ports` ports (1..) of `victim`; `open` answers
// SYN-ACK (and gets reset), the others RST-ACK.
void syn_scan(pcap_writer& w, const host& attacker, const host& victim, uint16_t ports,
              uint16_t open, int64_t& at) {
  for (uint16_t p = 1; p <= ports; ++p) {
    uint16_t port = p == ports && open > ports ? open : p;
    w.write(tcp_frame(between(attacker, victim), 45678, port, tcp_syn), at);
    at += 50;
    if (port == open) {
      w.write(tcp_frame(between(victim, attacker), port, 45678, tcp_syn | tcp_ack), at);
      at += 50;
      w.write(tcp_frame(between(attacker, victim), 45678, port, tcp_rst), at);
    } else {
      w.write(tcp_frame(between(victim, attacker), port, 45678, tcp_rst | tcp_ack), at);
    }
    at += 200;
  }
}

} // namespace

isolation::flow_policy_config replay_policy() {
  isolation::flow_policy_config c;
  c.gateway_macs = {gateway_mac};
  c.gateway_ips = {gateway_ip};
  c.exempt_macs = {switch_mac};
  c.allowances.push_back({17, ssdp_ip, 1900});
  return c;
}

std::string write_replay_scenario(const std::string& path) {
  pcap_writer w{path};
  if (!w.error().empty())
    return w.error();
  w.buffer();
  std::vector<host> devices{lab_host(0x11), lab_host(0x12), lab_host(0x13), lab_host(0x14)};
  int64_t t = start_us;
  // Start-up: LLDP, ARP, DHCP, SSDP.
  w.write(lldp_frame(switch_mac), t);
  for (size_t i = 0; i < devices.size(); ++i) {
    const auto& d = devices[i];
    w.write(lldp_frame(d.mac), t + 1000 + int64_t(i) * 100);
    arp_exchange(w, d, t + 2000 + int64_t(i) * 1000);
  }
  frame_ends dhcp{devices[2].mac, broadcast_mac, make_ipv4(0, 0, 0, 0),
                  make_ipv4(255, 255, 255, 255), {}};
  w.write(udp_frame(dhcp, 68, 67, 300), t + 8000);
  ssdp_notify(w, devices[0], t + 9000);
  // The switch's SNMP trap to the gateway and a gratuitous ARP.
  w.write(udp_frame({switch_mac, gateway_mac, switch_ip, gateway_ip, {}}, 40000, 162, 60),
          t + 9500);
  w.write(arp_frame(arp_request, devices[3].mac, devices[3].ip, {}, devices[3].ip,
                    broadcast_mac),
          t + 9800);
  // HTTP connection set-up to .12.
  const auto& web = devices[1];
  w.write(tcp_frame(between(gateway, web), 50080, 80, tcp_syn), t + 10'000);
  w.write(tcp_frame(between(web, gateway), 80, 50080, tcp_syn | tcp_ack), t + 10'300);
  w.write(tcp_frame(between(gateway, web), 50080, 80, tcp_ack), t + 10'500);
  // Polls every 100 ms for 2 s, with the attack and the lateral traffic.
  host attacker = lab_host(0x66);
  for (int round = 0; round < 20; ++round) {
    int64_t at = t + 20'000 + int64_t(round) * 100'000;
    for (size_t i = 0; i < devices.size(); ++i)
      modbus_poll(w, devices[i], static_cast<uint16_t>(50100 + i), at + int64_t(i) * 2000);
    if (round % 5 == 0)
      http_get(w, web, 50080, at + 10'000);
    if (round == 10) {
      int64_t a = at + 20'000;
      for (size_t v = 0; v < 2; ++v) {
        const auto& victim = devices[v];
        w.write(arp_frame(arp_request, attacker.mac, attacker.ip, {}, victim.ip,
                          broadcast_mac),
                a);
        w.write(arp_frame(arp_reply, victim.mac, victim.ip, attacker.mac, attacker.ip,
                          attacker.mac),
                a + 100);
        a += 300;
      }
      syn_scan(w, attacker, devices[0], 20, 502, a);
      syn_scan(w, attacker, devices[1], 20, 80, a);
    }
    if (round == 15) {
      int64_t a = at + 30'000;
      for (int k = 0; k < 3; ++k)
        w.write(udp_frame(between(devices[3], devices[2]), 41000, 5000, 32), a + k * 1000);
      w.write(udp_frame(between(devices[2], devices[3]), 5000, 41000, 32), a + 3500);
    }
    if (round == 12)
      w.write(lldp_frame(switch_mac), at + 50'000);
  }
  w.flush();
  return {};
}

std::string write_factory_traffic(const std::string& path, size_t packets,
                                  size_t devices) {
  pcap_writer w{path};
  if (!w.error().empty())
    return w.error();
  if (devices == 0 || devices > 253)
    devices = 200;
  std::vector<host> hosts;
  for (size_t i = 0; i < devices; ++i) {
    uint8_t last = static_cast<uint8_t>(2 + i);
    hosts.push_back({{0x02, 0x99, 0, 0, 0x02, last}, make_ipv4(10, 99, 2, last)});
  }
  // Prebuilt frames per device: the generator must itself be fast.
  struct device_frames {
    frame_bytes request, reply, http_get, http_reply, lldp, ssdp;
  };
  std::vector<device_frames> frames;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const auto& d = hosts[i];
    uint16_t port = static_cast<uint16_t>(50000 + i);
    frames.push_back({tcp_frame(between(gateway, d), port, 502, tcp_psh | tcp_ack, 12),
                      tcp_frame(between(d, gateway), 502, port, tcp_psh | tcp_ack, 13),
                      tcp_frame(between(gateway, d), port, 80, tcp_psh | tcp_ack, 120),
                      tcp_frame(between(d, gateway), 80, port, tcp_psh | tcp_ack, 600),
                      lldp_frame(d.mac),
                      udp_frame({d.mac, ssdp_mac, d.ip, ssdp_ip, {}}, 1900, 1900, 280)});
  }
  host attacker = lab_host(0x66);
  int64_t at = start_us;
  size_t next_scan = 50'000;
  size_t round = 0;
  while (w.count() < packets) {
    for (size_t i = 0; i < hosts.size() && w.count() < packets; ++i) {
      const auto& f = frames[i];
      w.write(f.request, at);
      w.write(f.reply, at + 500);
      if ((round + i) % 10 == 0) {
        w.write(f.http_get, at + 600);
        w.write(f.http_reply, at + 900);
      }
      if ((round + i) % 50 == 0)
        arp_exchange(w, hosts[i], at + 1000);
      if ((round + i) % 100 == 0)
        w.write(f.lldp, at + 1200);
      if ((round + i) % 60 == 0)
        w.write(f.ssdp, at + 1300);
      at += 5; // 200 devices polled every ~1 ms: a busy cell
    }
    if (w.count() >= next_scan) {
      int64_t a = at;
      for (size_t v = 0; v < 5 && v < hosts.size(); ++v)
        syn_scan(w, attacker, hosts[v * 7 % hosts.size()], 200, 502, a);
      at = a;
      next_scan += 100'000;
    }
    ++round;
  }
  return {};
}

} // namespace kagami::bench
