#include "actors/isolation/flow_tracker.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>

namespace kagami::isolation {

using namespace protocols::pcap;

namespace {

constexpr uint32_t npos = UINT32_MAX;

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// A fixed-capacity hash table with least-recently-used order: open
/// addressing (linear probing, load <= 1/2, backward-shift deletion) over
/// preallocated nodes linked in LRU order. Inserting into a full table
/// evicts the least recently used node. Never allocates after construction.
template <class Key, class Value, class Hash>
class lru_table {
public:
  struct node {
    Key key{};
    Value value{};
    uint64_t hash = 0;
    uint32_t prev = npos;
    uint32_t next = npos; // also the free list link
    bool used = false;
  };

  explicit lru_table(size_t capacity) : nodes_(std::max<size_t>(capacity, 1)) {
    size_t buckets = std::bit_ceil(nodes_.size() * 2);
    buckets_.assign(buckets, npos);
    mask_ = buckets - 1;
    for (size_t i = 0; i < nodes_.size(); ++i)
      nodes_[i].next = i + 1 < nodes_.size() ? static_cast<uint32_t>(i + 1) : npos;
    free_ = 0;
  }

  size_t size() const {
    return size_;
  }
  size_t capacity() const {
    return nodes_.size();
  }
  node& at(uint32_t i) {
    return nodes_[i];
  }
  const node& at(uint32_t i) const {
    return nodes_[i];
  }
  std::vector<node>& nodes() {
    return nodes_;
  }

  uint32_t find(const Key& key) const {
    uint64_t h = Hash{}(key);
    for (size_t b = h & mask_;; b = (b + 1) & mask_) {
      uint32_t i = buckets_[b];
      if (i == npos)
        return npos;
      if (nodes_[i].hash == h && nodes_[i].key == key)
        return i;
    }
  }

  /// Inserts `key` (not present) as the most recent node; `evicted` says
  /// whether the least recent node was dropped to make room. The node's
  /// value is left as it was: the caller resets it.
  uint32_t insert(const Key& key, bool& evicted) {
    evicted = false;
    if (free_ == npos) {
      erase(tail_);
      evicted = true;
    }
    uint32_t i = free_;
    free_ = nodes_[i].next;
    auto& n = nodes_[i];
    n.key = key;
    n.hash = Hash{}(key);
    n.used = true;
    size_t b = n.hash & mask_;
    while (buckets_[b] != npos)
      b = (b + 1) & mask_;
    buckets_[b] = i;
    link_front(i);
    ++size_;
    return i;
  }

  void touch(uint32_t i) {
    if (head_ == i)
      return;
    unlink(i);
    link_front(i);
  }

  /// The least recently used node, or npos.
  uint32_t oldest() const {
    return tail_;
  }

  void erase(uint32_t i) {
    auto& n = nodes_[i];
    size_t b = n.hash & mask_;
    while (buckets_[b] != i)
      b = (b + 1) & mask_;
    // Backward-shift deletion.
    size_t hole = b;
    for (size_t j = (hole + 1) & mask_; buckets_[j] != npos; j = (j + 1) & mask_) {
      size_t home = nodes_[buckets_[j]].hash & mask_;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        buckets_[hole] = buckets_[j];
        hole = j;
      }
    }
    buckets_[hole] = npos;
    unlink(i);
    n.used = false;
    n.next = free_;
    free_ = i;
    --size_;
  }

private:
  void unlink(uint32_t i) {
    auto& n = nodes_[i];
    if (n.prev != npos)
      nodes_[n.prev].next = n.next;
    else
      head_ = n.next;
    if (n.next != npos)
      nodes_[n.next].prev = n.prev;
    else
      tail_ = n.prev;
    n.prev = n.next = npos;
  }

  void link_front(uint32_t i) {
    auto& n = nodes_[i];
    n.prev = npos;
    n.next = head_;
    if (head_ != npos)
      nodes_[head_].prev = i;
    head_ = i;
    if (tail_ == npos)
      tail_ = i;
  }

  std::vector<node> nodes_;
  std::vector<uint32_t> buckets_;
  size_t mask_ = 0;
  uint32_t free_ = npos;
  uint32_t head_ = npos;
  uint32_t tail_ = npos;
  size_t size_ = 0;
};

// A flow: MACs, IPs, ports, protocol and what it records (a TCP/UDP packet
// or an ARP request), packed into words.
struct flow_key {
  std::array<uint64_t, 7> w{};
  friend bool operator==(const flow_key&, const flow_key&) = default;
};

struct flow_key_hash {
  uint64_t operator()(const flow_key& k) const {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (auto w : k.w)
      h = (h ^ mix(w)) * 0x100000001b3ULL;
    return mix(h);
  }
};

uint64_t ip_word(const ip_address& ip, size_t half) {
  uint64_t w;
  std::memcpy(&w, ip.bytes.data() + half * 8, 8);
  return w;
}

enum : uint64_t {
  record_packet = 1,
  record_arp_request = 2,
  record_contact = 3,    // a unicast packet from one MAC to another
  record_ip_contact = 4, // a packet from an IP to a MAC
};

flow_key make_flow_key(const mac_address& src_mac, const mac_address& dst_mac,
                       uint8_t proto, const ip_address& src, const ip_address& dst,
                       uint16_t sport, uint16_t dport) {
  flow_key k;
  k.w[0] = mac_to_u64(src_mac) | (record_packet << 48) | (uint64_t{proto} << 56);
  k.w[1] = mac_to_u64(dst_mac) | (uint64_t{sport} << 48);
  k.w[2] = ip_word(src, 0);
  k.w[3] = ip_word(src, 1);
  k.w[4] = ip_word(dst, 0);
  k.w[5] = ip_word(dst, 1);
  k.w[6] = uint64_t{dport} | (uint64_t{src.version} << 16);
  return k;
}

flow_key make_arp_key(const mac_address& requester, const ip_address& requested) {
  flow_key k;
  k.w[0] = mac_to_u64(requester) | (record_arp_request << 48);
  k.w[4] = ip_word(requested, 0);
  return k;
}

flow_key make_contact_key(const mac_address& from, const mac_address& to) {
  flow_key k;
  k.w[0] = mac_to_u64(from) | (record_contact << 48);
  k.w[1] = mac_to_u64(to);
  return k;
}

flow_key make_ip_contact_key(const ip_address& from, const mac_address& to) {
  flow_key k;
  k.w[0] = record_ip_contact << 48;
  k.w[1] = mac_to_u64(to);
  k.w[2] = ip_word(from, 0);
  k.w[3] = ip_word(from, 1);
  k.w[6] = uint64_t{from.version};
  return k;
}

struct u64_hash {
  uint64_t operator()(uint64_t x) const {
    return mix(x);
  }
};

template <size_t Bits>
struct bitmap {
  std::array<uint64_t, Bits / 64> words{};

  /// Sets bit `i % Bits`; true if it was clear.
  bool set(uint64_t i) {
    i %= Bits;
    uint64_t m = uint64_t{1} << (i % 64);
    auto& w = words[i / 64];
    bool fresh = (w & m) == 0;
    w |= m;
    return fresh;
  }
  void clear() {
    words.fill(0);
  }
  /// Linear counting estimate of the distinct values set.
  uint64_t estimate() const {
    size_t ones = 0;
    for (auto w : words)
      ones += static_cast<size_t>(std::popcount(w));
    size_t zeros = Bits - ones;
    if (zeros == 0)
      return static_cast<uint64_t>(Bits * std::log(double(Bits)));
    return static_cast<uint64_t>(
      std::llround(-double(Bits) * std::log(double(zeros) / double(Bits))));
  }
};

struct destination {
  mac_address mac{};
  bool mac_known = false;
  ip_address ip;
  uint64_t packets = 0;
  std::vector<uint16_t> ports; // reserved to max_ports_per_destination
  bool ports_overflow = false;
  bitmap<1024> port_bits;
  int64_t window_start_us = 0;
  uint64_t window_packets = 0;

  uint64_t distinct_ports() const {
    if (!ports_overflow)
      return ports.size();
    return std::max<uint64_t>(ports.size() + 1, port_bits.estimate());
  }
};

struct sample {
  packet_summary packet;
  int64_t at_us = 0;
};

struct suspect {
  mac_address mac{};
  ip_address ip;
  int64_t first_us = 0;
  int64_t last_us = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  std::vector<destination> destinations; // sized max_destinations
  size_t destination_count = 0;
  bool hosts_overflow = false;
  bitmap<4096> host_bits;
  bitmap<65536> port_bits; // exact: one bit per port
  uint64_t distinct_ports = 0;
  std::vector<sample> samples; // reserved to max_samples
  violation_kind kind = violation_kind::unknown;
  // Reporting.
  uint64_t revision = 0;
  bool pending_new = false;
  bool changed = false;
  bool queued_new = false;    // in new_list
  bool queued_update = false; // in update_list
  violation_kind reported_kind = violation_kind::unknown;
  int64_t last_report_us = 0;

  uint64_t distinct_hosts() const {
    if (!hosts_overflow)
      return destination_count;
    return std::max<uint64_t>(destination_count + 1, host_bits.estimate());
  }

  void reset(const mac_address& m, int64_t now) {
    mac = m;
    ip = {};
    first_us = last_us = now;
    packets = bytes = 0;
    for (size_t i = 0; i < destination_count; ++i) {
      auto& d = destinations[i];
      d.ports.clear();
      d.port_bits.clear();
    }
    destination_count = 0;
    hosts_overflow = false;
    host_bits.clear();
    port_bits.clear();
    distinct_ports = 0;
    samples.clear();
    kind = violation_kind::unknown;
    revision = 0;
    pending_new = true;
    changed = false;
    reported_kind = violation_kind::unknown;
    last_report_us = 0;
  }
};

int64_t to_us(timestamp t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch())
    .count();
}

std::string format_time(int64_t us) {
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  int ms = static_cast<int>((us % 1'000'000) / 1000);
  if (us < 0) {
    secs -= 1;
    ms = static_cast<int>(((us % 1'000'000) + 1'000'000) / 1000);
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", ms);
  return buf;
}

uint64_t host_hash(const ip_address& ip, const mac_address& mac) {
  if (!ip.empty())
    return mix(ip_word(ip, 0) ^ mix(ip_word(ip, 1) + ip.version));
  return mix(mac_to_u64(mac) | (uint64_t{1} << 63));
}

} // namespace

const char* to_string(violation_kind x) {
  switch (x) {
    case violation_kind::unknown:
      return "unknown";
    case violation_kind::lateral_connection:
      return "lateral_connection";
    case violation_kind::host_sweep:
      return "host_sweep";
    case violation_kind::port_scan:
      return "port_scan";
    case violation_kind::flood:
      return "flood";
  }
  return "unknown";
}

nlohmann::json violation::to_json() const {
  auto dests = nlohmann::json::array();
  for (const auto& d : destinations)
    dests.push_back({{"mac", d.mac},
                     {"ip", d.ip},
                     {"ports", d.ports},
                     {"distinct_ports", d.distinct_ports},
                     {"packets", d.packets}});
  return {{"suspect_mac", suspect_mac},
          {"suspect_ip", suspect_ip},
          {"kind", to_string(kind)},
          {"first_seen_ms", first_seen_ms},
          {"last_seen_ms", last_seen_ms},
          {"packets", packets},
          {"bytes", bytes},
          {"destinations", std::move(dests)},
          {"distinct_hosts", distinct_hosts},
          {"distinct_ports", distinct_ports},
          {"samples", samples},
          {"revision", revision}};
}

nlohmann::json flow_tracker_counters::to_json() const {
  nlohmann::json status;
  for (size_t i = 0; i < by_status.size(); ++i)
    status[to_string(static_cast<decode_status>(i))] = by_status[i];
  return {{"packets", packets},
          {"bytes", bytes},
          {"decode", std::move(status)},
          {"not_subject", not_subject},
          {"allowed", allowed},
          {"responses", responses},
          {"out_of_policy", out_of_policy},
          {"violations", violations},
          {"flows_evicted", flows_evicted},
          {"suspects_evicted", suspects_evicted},
          {"flows", flows},
          {"suspects", suspects}};
}

struct flow_tracker::impl {
  impl(std::shared_ptr<const flow_policy> p, const flow_tracker_limits& l,
       const classification_thresholds& t)
    : policy(std::move(p)),
      limits(l),
      thresholds(t),
      flows(std::max<size_t>(l.max_flows, 1)),
      suspects(std::max<size_t>(l.max_suspects, 1)) {
    for (auto& n : suspects.nodes()) {
      auto& s = n.value;
      s.destinations.resize(std::max<size_t>(limits.max_destinations, 1));
      for (auto& d : s.destinations)
        d.ports.reserve(limits.max_ports_per_destination);
      s.samples.reserve(limits.max_samples);
    }
    new_list.reserve(suspects.capacity());
    update_list.reserve(suspects.capacity());
    flow_idle_us = std::chrono::duration_cast<std::chrono::microseconds>(
                     limits.flow_idle_timeout)
                     .count();
    suspect_idle_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        limits.suspect_idle_timeout)
                        .count();
    flood_window_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        thresholds.flood_window)
                        .count();
    update_interval_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           limits.update_interval)
                           .count();
  }

  std::shared_ptr<const flow_policy> policy;
  flow_tracker_limits limits;
  classification_thresholds thresholds;
  lru_table<flow_key, int64_t, flow_key_hash> flows;
  lru_table<uint64_t, suspect, u64_hash> suspects;
  std::vector<uint32_t> new_list;
  std::vector<uint32_t> update_list;
  flow_tracker_counters counters;
  int64_t latest_us = INT64_MIN;
  int64_t flow_idle_us = 0;
  int64_t suspect_idle_us = 0;
  int64_t flood_window_us = 0;
  int64_t update_interval_us = 0;

  // Records a flow as seen now.
  void record(const flow_key& k, int64_t now) {
    uint32_t i = flows.find(k);
    if (i == npos) {
      bool evicted = false;
      i = flows.insert(k, evicted);
      if (evicted)
        ++counters.flows_evicted;
    } else {
      flows.touch(i);
    }
    flows.at(i).value = now;
  }

  bool seen_recently(const flow_key& k, int64_t now) const {
    uint32_t i = flows.find(k);
    return i != npos && now - flows.at(i).value <= flow_idle_us;
  }

  void expire_flows(int64_t now) {
    for (uint32_t i = flows.oldest(); i != npos && now - flows.at(i).value > flow_idle_us;
         i = flows.oldest())
      flows.erase(i);
  }

  verdict observe(const packet_summary& p, int64_t now) {
    ++counters.packets;
    counters.bytes += p.wire_length;
    ++counters.by_status[static_cast<size_t>(p.status)];
    expire_flows(now);
    auto j = policy->judge(p);
    verdict result = j.result;
    switch (j.result) {
      case verdict::response_if_reverse_flow: {
        auto reverse = make_flow_key(p.destination_mac, p.source_mac, p.ip_protocol,
                                     p.destination_ip, p.source_ip, p.destination_port,
                                     p.source_port);
        result = seen_recently(reverse, now) ? verdict::response : verdict::outside;
        break;
      }
      case verdict::response_if_arp_request:
        result = seen_recently(make_arp_key(p.arp_target_mac, p.arp_sender_ip), now)
                   ? verdict::response
                   : verdict::outside;
        break;
      default:
        break;
    }
    if (result == verdict::outside && contacted_by_peer(p, now))
      result = verdict::response;
    remember(p, now);
    // Only an initiative out of the policy makes its destination a
    // contacted peer (a response never excuses its addressee).
    if (result == verdict::outside && p.has_ethernet && !is_group_mac(p.destination_mac)) {
      record(make_contact_key(p.source_mac, p.destination_mac), now);
      if (p.network == network_layer::ipv4 || p.network == network_layer::ipv6)
        record(make_ip_contact_key(p.source_ip, p.destination_mac), now);
    }
    switch (result) {
      case verdict::not_subject:
        ++counters.not_subject;
        break;
      case verdict::allowed:
        ++counters.allowed;
        break;
      case verdict::response:
        ++counters.responses;
        break;
      default:
        ++counters.out_of_policy;
        add_evidence(p, now);
        break;
    }
    return result;
  }

  // A packet to a peer that contacted the sender recently is that contact's
  // consequence, not the sender's initiative: a scanned device re-checks
  // the scanner's address (unicast ARP, or a broadcast ARP for the IP that
  // contacted it) after its neighbour entry went stale.
  bool contacted_by_peer(const packet_summary& p, int64_t now) const {
    if (!p.has_ethernet)
      return false;
    if (!is_group_mac(p.destination_mac)
        && seen_recently(make_contact_key(p.destination_mac, p.source_mac), now))
      return true;
    return p.network == network_layer::arp && p.arp_operation == arp_request
           && seen_recently(make_ip_contact_key(p.arp_target_ip, p.source_mac), now);
  }

  // Remembers what a later response may answer: TCP/UDP flows and ARP
  // requests that do not involve a gateway MAC (whatever answers the
  // gateway is allowed anyway).
  void remember(const packet_summary& p, int64_t now) {
    if (!p.has_ethernet || policy->is_gateway_mac(p.source_mac)
        || policy->is_gateway_mac(p.destination_mac))
      return;
    if (p.transport == transport_layer::tcp || p.transport == transport_layer::udp)
      record(make_flow_key(p.source_mac, p.destination_mac, p.ip_protocol, p.source_ip,
                           p.destination_ip, p.source_port, p.destination_port),
             now);
    else if (p.network == network_layer::arp && p.arp_operation == arp_request)
      record(make_arp_key(p.arp_sender_mac, p.arp_target_ip), now);

  }

  suspect& suspect_for(const mac_address& mac, int64_t now, uint32_t& index) {
    // Forget suspects idle for too long.
    for (uint32_t i = suspects.oldest();
         i != npos && now - suspects.at(i).value.last_us > suspect_idle_us;
         i = suspects.oldest())
      suspects.erase(i);
    uint64_t key = mac_to_u64(mac);
    index = suspects.find(key);
    if (index != npos) {
      suspects.touch(index);
      return suspects.at(index).value;
    }
    bool evicted = false;
    index = suspects.insert(key, evicted);
    if (evicted)
      ++counters.suspects_evicted;
    ++counters.violations;
    auto& s = suspects.at(index).value;
    s.reset(mac, now);
    if (!s.queued_new) {
      s.queued_new = true;
      new_list.push_back(index);
    }
    return s;
  }

  void add_evidence(const packet_summary& p, int64_t now) {
    if (!p.has_ethernet)
      return; // no source to blame (not judged by the policy either)
    uint32_t index = npos;
    auto& s = suspect_for(p.source_mac, now, index);
    ++s.packets;
    s.bytes += p.wire_length;
    s.last_us = now;
    bool ip = p.network == network_layer::ipv4 || p.network == network_layer::ipv6;
    bool arp = p.network == network_layer::arp;
    if (s.ip.empty()) {
      if (ip)
        s.ip = p.source_ip;
      else if (arp && !p.arp_sender_ip.is_unspecified())
        s.ip = p.arp_sender_ip;
    }
    if (s.samples.size() < limits.max_samples)
      s.samples.push_back({p, now});
    // The destination host: its IP (an ARP request's target IP), else MAC.
    ip_address host_ip;
    bool mac_known = true;
    if (ip) {
      host_ip = p.destination_ip;
    } else if (arp && p.arp_operation == arp_request) {
      host_ip = p.arp_target_ip;
      mac_known = false;
    }
    destination* d = nullptr;
    for (size_t i = 0; i < s.destination_count; ++i) {
      auto& c = s.destinations[i];
      if (host_ip.empty() ? (c.ip.empty() && c.mac == p.destination_mac)
                          : c.ip == host_ip) {
        d = &c;
        break;
      }
    }
    if (!d) {
      s.host_bits.set(host_hash(host_ip, p.destination_mac));
      if (s.destination_count < s.destinations.size()) {
        d = &s.destinations[s.destination_count++];
        d->mac = p.destination_mac;
        d->mac_known = mac_known;
        d->ip = host_ip;
        d->packets = 0;
        d->ports_overflow = false;
        d->window_start_us = now;
        d->window_packets = 0;
      } else {
        s.hosts_overflow = true;
      }
    } else if (!d->mac_known && mac_known) {
      d->mac = p.destination_mac;
      d->mac_known = true;
    }
    bool transport = p.transport == transport_layer::tcp
                     || p.transport == transport_layer::udp;
    if (transport && s.port_bits.set(p.destination_port))
      ++s.distinct_ports;
    auto k = violation_kind::unknown;
    if (transport && !is_group_mac(p.destination_mac))
      k = violation_kind::lateral_connection;
    if (s.destination_count >= thresholds.host_sweep_hosts
        || (s.hosts_overflow && s.kind < violation_kind::host_sweep
            && s.distinct_hosts() >= thresholds.host_sweep_hosts))
      k = violation_kind::host_sweep;
    if (d) {
      ++d->packets;
      if (transport) {
        auto& ports = d->ports;
        if (std::find(ports.begin(), ports.end(), p.destination_port) == ports.end()) {
          if (ports.size() < limits.max_ports_per_destination)
            ports.push_back(p.destination_port);
          else
            d->ports_overflow = true;
        }
        d->port_bits.set(p.destination_port);
        if (ports.size() >= thresholds.port_scan_ports
            || (d->ports_overflow && s.kind < violation_kind::port_scan
                && d->distinct_ports() >= thresholds.port_scan_ports))
          k = violation_kind::port_scan;
      }
      if (now - d->window_start_us >= flood_window_us) {
        d->window_start_us = now;
        d->window_packets = 0;
      }
      if (++d->window_packets >= thresholds.flood_packets)
        k = violation_kind::flood;
    }
    s.kind = std::max(s.kind, k);
    s.changed = true;
    if (!s.pending_new && !s.queued_update) {
      s.queued_update = true;
      update_list.push_back(index);
    }
  }

  violation make_violation(const suspect& s) const {
    violation v;
    v.suspect_mac = format_mac(s.mac);
    v.suspect_ip = format_ip(s.ip);
    v.kind = s.kind;
    v.first_seen_ms = s.first_us / 1000;
    v.last_seen_ms = s.last_us / 1000;
    v.packets = s.packets;
    v.bytes = s.bytes;
    for (size_t i = 0; i < s.destination_count; ++i) {
      const auto& d = s.destinations[i];
      violation_destination out;
      out.mac = d.mac_known ? format_mac(d.mac) : std::string{};
      out.ip = format_ip(d.ip);
      out.ports = d.ports;
      out.distinct_ports = d.distinct_ports();
      out.packets = d.packets;
      v.destinations.push_back(std::move(out));
    }
    v.distinct_hosts = s.distinct_hosts();
    v.distinct_ports = s.distinct_ports;
    for (const auto& x : s.samples)
      v.samples.push_back(format_time(x.at_us) + " " + describe(x.packet));
    v.revision = s.revision;
    return v;
  }

  violation report(suspect& s, int64_t now) {
    ++s.revision;
    s.changed = false;
    s.reported_kind = s.kind;
    s.last_report_us = now;
    return make_violation(s);
  }
};

flow_tracker::flow_tracker(std::shared_ptr<const flow_policy> policy,
                           flow_tracker_limits limits,
                           classification_thresholds thresholds)
  : limits_(limits),
    impl_(std::make_unique<impl>(std::move(policy), limits, thresholds)) {
}

flow_tracker::~flow_tracker() = default;

verdict flow_tracker::observe(const packet_summary& p, timestamp at) {
  auto us = to_us(at);
  if (us > impl_->latest_us)
    impl_->latest_us = us;
  return impl_->observe(p, impl_->latest_us);
}

void flow_tracker::set_policy(std::shared_ptr<const flow_policy> policy) {
  if (policy)
    impl_->policy = std::move(policy);
}

std::vector<violation> flow_tracker::take_new_violations() {
  std::vector<violation> out;
  auto& d = *impl_;
  for (auto i : d.new_list) {
    auto& n = d.suspects.at(i);
    n.value.queued_new = false;
    if (!n.used || !n.value.pending_new)
      continue;
    n.value.pending_new = false;
    out.push_back(d.report(n.value, d.latest_us));
  }
  d.new_list.clear();
  return out;
}

std::vector<violation> flow_tracker::take_updated(timestamp now) {
  std::vector<violation> out;
  auto& d = *impl_;
  auto now_us = to_us(now);
  size_t kept = 0;
  for (auto i : d.update_list) {
    auto& n = d.suspects.at(i);
    auto& s = n.value;
    if (!n.used || s.pending_new || !s.changed) {
      s.queued_update = false;
      continue;
    }
    if (s.kind != s.reported_kind || now_us - s.last_report_us >= d.update_interval_us) {
      s.queued_update = false;
      out.push_back(d.report(s, now_us));
    } else {
      d.update_list[kept++] = i;
    }
  }
  d.update_list.resize(kept);
  return out;
}

std::vector<violation> flow_tracker::snapshot() const {
  std::vector<violation> out;
  for (const auto& n : impl_->suspects.nodes())
    if (n.used)
      out.push_back(impl_->make_violation(n.value));
  std::sort(out.begin(), out.end(),
            [](const violation& a, const violation& b) { return a.suspect_mac < b.suspect_mac; });
  return out;
}

flow_tracker_counters flow_tracker::counters() const {
  auto c = impl_->counters;
  c.flows = impl_->flows.size();
  c.suspects = impl_->suspects.size();
  return c;
}

} // namespace kagami::isolation
