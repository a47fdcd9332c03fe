#include "tools/kagamid/onboarding_setup.hpp"

#include <algorithm>
#include <iostream>
#include <set>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <caf/all.hpp>

#include "actors/core/error.hpp"
#include "actors/onboarding/design_matcher.hpp"
#include "config/network_address.hpp"
#include "protocols/ble/ble_dis_fetcher.hpp"
#include "protocols/ble/bluez_block.hpp"
#include "protocols/ble/bluez_discovery.hpp"
#include "protocols/lldp_htip/htip_discovery.hpp"
#include "protocols/neighbour/vendor_db_discovery.hpp"
#include "protocols/nft/gateway_firewall.hpp"
#include "protocols/upnp/upnp_discovery.hpp"
#include "protocols/upnp/upnp_fetcher.hpp"
#include "storage/device_registry.hpp"
#include "storage/rogue_registry.hpp"

namespace kagami {

namespace {

using onboarding::admitted_device;
using onboarding::match_summary;

void say(const std::string& line) {
  std::cerr << "kagamid: onboarding: " << line << std::endl;
}

const config::allowed_device* entry_named(const config::design_info& design,
                                          const std::string& name) {
  for (auto& e : design.allowed)
    if (e.name == name)
      return &e;
  return nullptr;
}

match_summary summarize(const onboarding::match_result& r) {
  match_summary out;
  out.admitted = r.admitted();
  out.reason = r.reason();
  out.mac_claimed = r.outcome == onboarding::match_result::verdict::spoofed;
  if (r.entry) {
    out.entry = r.entry->name;
    // A pinned entry stands for one device: its thing id is fixed.
    if (!r.entry->thing_id.empty())
      out.fixed_thing_id = r.entry->thing_id;
    else if (r.entry->match.pinned())
      out.fixed_thing_id = r.entry->name;
  }
  return out;
}

/// The device the gateway serves for an admitted device: model, port,
/// title and tags come from its design entry, the address from discovery.
caf::expected<config::device_config>
served_device(const config::site_config& site, const admitted_device& d) {
  auto entry = entry_named(site.design, d.entry);
  if (!entry)
    return make_error(ec::config_invalid,
                      "design entry '" + d.entry + "' is gone from the site config");
  auto model = site.models.find(entry->model);
  if (model == site.models.end())
    return make_error(ec::config_invalid, "design entry '" + d.entry
                                            + "' names unknown model '"
                                            + entry->model + "'");
  config::device_config dev;
  dev.id = d.thing_id;
  dev.title = entry->title.empty() ? d.thing_id : entry->title;
  dev.model = entry->model;
  dev.unit_id = entry->unit_id;
  dev.tags = entry->tags;
  auto endpoint = config::to_string(config::host_port{d.address, entry->port});
  switch (model->second.protocol) {
    case config::device_protocol::modbus_tcp:
      if (d.address.empty())
        return make_error(ec::invalid_value, "no IP address for " + d.identity);
      dev.address = endpoint;
      break;
    case config::device_protocol::http_json:
      if (d.address.empty())
        return make_error(ec::invalid_value, "no IP address for " + d.identity);
      dev.address = "http://" + endpoint;
      break;
    case config::device_protocol::ble_gatt:
      dev.address = d.mac;
      break;
  }
  return dev;
}

/// True if `address` is an IPv4 address in a subnet of interface `iface`
/// (read now: addresses may change while kagamid runs).
bool on_interface_subnet(const std::string& iface, const std::string& address) {
  in_addr target{};
  if (inet_pton(AF_INET, address.c_str(), &target) != 1)
    return false;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return false;
  bool found = false;
  for (auto* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != AF_INET
        || iface != i->ifa_name)
      continue;
    auto addr = reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr;
    auto mask = reinterpret_cast<sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr;
    found = (addr & mask) == (target.s_addr & mask);
  }
  freeifaddrs(list);
  return found;
}

storage::timestamp now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
}

/// Onboarding's records over the device and rogue registries.
class store_records : public onboarding::onboarding_records {
public:
  /// `changed` (its target may be empty) learns of every stored change.
  store_records(storage::kv_store& store,
                std::shared_ptr<const config::site_config> site,
                std::shared_ptr<std::function<void(const std::string&)>> changed)
    : devices_(store), rogues_(store), site_(std::move(site)), changed_(std::move(changed)) {
    // nop
  }

  caf::error save_admitted(const admitted_device& dev,
                           const config::device_config& served) override {
    storage::device_record rec;
    rec.device = served;
    rec.origin = storage::device_origin::onboarded;
    storage::onboarding_facts facts;
    facts.identity = dev.identity;
    facts.mac = dev.mac;
    facts.address = dev.address;
    facts.source = dev.source;
    facts.seen_on = dev.seen_on;
    facts.profile = dev.profile;
    facts.design_entry = dev.entry;
    if (auto entry = entry_named(site_->design, dev.entry))
      facts.criticality = entry->criticality;
    facts.admitted_at = now_ms();
    rec.onboarding = std::move(facts);
    return notify(devices_.save(rec), "device onboarded");
  }

  caf::error remove_admitted(const admitted_device& dev) override {
    return notify(devices_.remove(dev.thing_id), "device withdrawn");
  }

  caf::error save_rogue(const onboarding::rogue_evidence& ev) override {
    storage::rogue_record rec;
    rec.identity = ev.identity;
    rec.mac = ev.mac;
    rec.address = ev.address;
    rec.source = ev.source;
    rec.seen_on = ev.seen_on;
    rec.profile = ev.profile;
    rec.reasons = {ev.reason};
    rec.withdrawn_thing = ev.withdrawn_thing;
    rec.first_seen = rec.last_seen = now_ms();
    auto stored = rogues_.note(rec);
    return notify(stored ? caf::error{} : stored.error(), "rogue device");
  }

private:
  caf::error notify(caf::error err, const char* cause) {
    if (!err && changed_ && *changed_)
      (*changed_)(cause);
    return err;
  }

  storage::device_registry devices_;
  storage::rogue_registry rogues_;
  std::shared_ptr<const config::site_config> site_;
  std::shared_ptr<std::function<void(const std::string&)>> changed_;
};

} // namespace

struct onboarding_service::impl {
  std::shared_ptr<const config::site_config> site;
  std::shared_ptr<protocols::nft::gateway_firewall> firewall;
  std::vector<std::unique_ptr<protocols::discovery_source>> sources;
  onboarding::onboarding_supervisor_config cfg;
  std::shared_ptr<std::function<void(const std::string&)>> changed
    = std::make_shared<std::function<void(const std::string&)>>();
  std::shared_ptr<std::function<void(const protocols::lldp_htip::lldp_frame&)>>
    link_information
    = std::make_shared<std::function<void(const protocols::lldp_htip::lldp_frame&)>>();
  std::function<void(std::string, std::string, bool)> device_link;
};

onboarding_service::onboarding_service(std::unique_ptr<impl> p)
  : impl_(std::move(p)) {
  // nop
}

onboarding_service::~onboarding_service() {
  stop();
}

void onboarding_service::on_records_changed(std::function<void(const std::string&)> fn) {
  *impl_->changed = std::move(fn);
}

void onboarding_service::on_htip_link_information(
  std::function<void(const protocols::lldp_htip::lldp_frame&)> fn) {
  *impl_->link_information = std::move(fn);
}

caf::expected<std::unique_ptr<onboarding_service>>
onboarding_service::prepare(std::shared_ptr<const config::site_config> site,
                            storage::kv_store& store,
                            std::shared_ptr<protocols::ble::ble_activity> ble_activity) {
  auto p = std::make_unique<impl>();
  p->site = site;
  auto& disc = site->discovery;
  std::vector<config::device_config> restored;

  // Devices admitted before: served again only if the design still admits
  // the profile they were admitted with.
  storage::device_registry devices{store};
  auto onboarded = devices.load_onboarded();
  if (!onboarded)
    return onboarded.error();
  std::set<std::string> admitted_macs;
  std::set<std::string> admitted_addresses;
  for (auto& rec : *onboarded) {
    auto& facts = *rec.onboarding;
    protocols::device_sighting s;
    s.source = facts.source;
    s.mac = facts.mac;
    s.address = facts.address;
    s.seen_on = facts.seen_on;
    auto verdict = summarize(onboarding::match(site->design, s, facts.profile));
    if (!verdict.admitted) {
      say("thing " + rec.device.id + " no longer matches the design ("
          + verdict.reason + "): not served, record removed");
      if (auto err = devices.remove(rec.device.id))
        return err;
      continue;
    }
    admitted_device dev;
    dev.identity = facts.identity;
    dev.thing_id = rec.device.id;
    dev.entry = verdict.entry;
    dev.mac = facts.mac;
    dev.address = facts.address;
    dev.source = facts.source;
    dev.seen_on = facts.seen_on;
    dev.profile = facts.profile;
    auto served = served_device(*site, dev);
    if (!served) {
      say("thing " + rec.device.id + ": " + detail_of(served.error()));
      continue;
    }
    if (!dev.mac.empty())
      admitted_macs.insert(dev.mac);
    if (!dev.address.empty())
      admitted_addresses.insert(dev.address);
    p->cfg.restored.push_back(dev);
    restored.push_back(*served);
  }

  // Rogues stay refused across restarts (fail closed).
  storage::rogue_registry rogues{store};
  auto rogue_records = rogues.load_all();
  if (!rogue_records)
    return rogue_records.error();
  protocols::nft::refused_entries refused;
  // A MAC the design pins to a device is that device's, even when a spoofer
  // used it: refusing it would cut the legitimate device off.
  for (auto& entry : site->design.allowed)
    if (!entry.match.mac.empty())
      admitted_macs.insert(entry.match.mac);
  for (auto& r : *rogue_records) {
    p->cfg.restored_rogues.push_back(r.identity);
    // BlueZ keeps a blocked BLE device blocked; it has no IP path anyway.
    if (r.source == protocols::discovery_kind::ble)
      continue;
    // A spoofed MAC is also a legitimate device's: refuse the address only.
    if (!r.mac.empty() && admitted_macs.count(r.mac) == 0)
      if (auto mac = protocols::nft::parse_mac(r.mac))
        refused.macs.push_back(*mac);
    // The first address and the latest one, unless a legitimate device
    // answers there.
    for (auto* a : {&r.address, &r.last_address})
      if (!a->empty() && admitted_addresses.count(*a) == 0)
        if (auto ip = protocols::nft::parse_ip(*a);
            ip && std::find(refused.addresses.begin(), refused.addresses.end(), *ip)
                    == refused.addresses.end())
          refused.addresses.push_back(*ip);
  }
  // The firewall refuses IP devices; BLE devices are blocked in BlueZ.
  if (disc.htip.enabled || disc.upnp.enabled || disc.neighbours.enabled) {
    auto fw = protocols::nft::gateway_firewall::open();
    if (!fw)
      return fw.error();
    if (auto err = (*fw)->install(refused))
      return err;
    p->firewall = std::move(*fw);
    say("gateway firewall: " + std::to_string(refused.macs.size()) + " MACs and "
        + std::to_string(refused.addresses.size()) + " addresses refused from "
        + std::to_string(rogue_records->size()) + " rogue records");
  }

  // The supervisor's tools.
  auto tools = std::make_shared<onboarding::gathering_tools>();
  tools->fetch_timeout = std::chrono::milliseconds(disc.profile_timeout_ms);
  tools->fetchers[protocols::discovery_kind::upnp]
    = std::make_shared<protocols::upnp::upnp_fetcher>();
  protocols::ble::ble_config ble_cfg;
  ble_cfg.bus_address = disc.ble.bus;
  ble_cfg.rematch_interval = std::chrono::seconds(disc.rematch_interval_s);
  ble_cfg.activity = std::move(ble_activity);
  tools->fetchers[protocols::discovery_kind::ble]
    = std::make_shared<protocols::ble::ble_dis_fetcher>(ble_cfg);
  tools->match = [site](const protocols::device_sighting& s,
                        const protocols::device_profile& prof) {
    return summarize(onboarding::match(site->design, s, prof));
  };
  if (!disc.interface.empty()) {
    auto table = std::make_shared<protocols::neighbour_table_reader>();
    tools->mac_of = [table, iface = disc.interface](const std::string& ip) {
      auto mac = table->mac_of(ip, iface);
      return mac ? *mac : std::string{};
    };
  }
  // Only OT-side addresses (and the routed devices the config names) are
  // fetched from, refused or served: a forged announcement cannot point the
  // gateway at, or make it refuse, anything on the app side.
  if (!disc.interface.empty()) {
    std::set<std::string> routed(disc.upnp.unicast_targets.begin(),
                                 disc.upnp.unicast_targets.end());
    tools->address_allowed = [iface = disc.interface,
                              routed = std::move(routed)](const std::string& a) {
      return routed.count(a) > 0 || on_interface_subnet(iface, a);
    };
    tools->on_link = [iface = disc.interface](const std::string& a) {
      return on_interface_subnet(iface, a);
    };
  }
  p->cfg.tools = tools;
  p->cfg.ledger.rematch_interval = std::chrono::seconds(disc.rematch_interval_s);
  p->cfg.ledger.confirm_change = std::chrono::seconds(disc.confirm_change_s);
  p->cfg.records = std::make_shared<store_records>(store, site, p->changed);
  p->cfg.device_for = [site](const admitted_device& d) {
    return served_device(*site, d);
  };
  p->cfg.refuse = [fw = p->firewall, bus = ble_cfg.bus_address](
                    const protocols::device_sighting& s, bool by_mac,
                    bool by_address) -> caf::error {
    // A BLE device has no IP path: BlueZ blocks it.
    if (s.source == protocols::discovery_kind::ble)
      return protocols::ble::block_device(bus, s.locator);
    if (!fw)
      return make_error(ec::unavailable, "no gateway firewall");
    auto mac = by_mac ? s.mac : std::string{};
    auto address = by_address ? s.address : std::string{};
    if (mac.empty() && address.empty())
      return make_error(ec::invalid_value,
                        "nothing to refuse that no legitimate device needs");
    return fw->refuse(mac, address);
  };
  for (auto& dev : site->devices)
    p->cfg.reserved_ids.push_back(dev.id);

  // The sources the site enables.
  if (disc.htip.enabled) {
    protocols::lldp_htip::htip_discovery_options o;
    o.interface = disc.interface;
    o.on_link_information = [hook = p->link_information](
                              const protocols::lldp_htip::lldp_frame& frame) {
      if (*hook)
        (*hook)(frame);
    };
    p->sources.push_back(std::make_unique<protocols::lldp_htip::htip_discovery>(o));
  }
  if (disc.upnp.enabled) {
    protocols::upnp::upnp_discovery_options o;
    o.local_address = disc.local_address;
    o.interface_name = disc.interface;
    o.search_interval = std::chrono::seconds(disc.upnp.search_interval_s);
    o.unicast_targets = disc.upnp.unicast_targets;
    p->sources.push_back(std::make_unique<protocols::upnp::upnp_discovery>(o));
  }
  if (disc.neighbours.enabled) {
    protocols::vendor_db_discovery_config o;
    o.interface = disc.interface;
    o.interval = std::chrono::seconds(disc.neighbours.interval_s);
    o.rematch_interval = std::chrono::seconds(disc.rematch_interval_s);
    o.db = std::make_shared<const config::vendor_db>(site->vendor_db);
    p->sources.push_back(std::make_unique<protocols::vendor_db_discovery>(o));
  }
  if (disc.ble.enabled)
    p->sources.push_back(std::make_unique<protocols::ble::bluez_discovery>(ble_cfg));

  auto out = std::unique_ptr<onboarding_service>{new onboarding_service(std::move(p))};
  out->restored_devices_ = std::move(restored);
  return out;
}

void onboarding_service::on_device_link(
  std::function<void(std::string mac, std::string seen_on, bool up)> fn) {
  impl_->device_link = std::move(fn);
}

void onboarding_service::set_isolation(caf::actor isolation) {
  impl_->cfg.isolation = std::move(isolation);
}

caf::error onboarding_service::start(caf::actor_system& sys,
                                     gateway_supervisor_actor gateway,
                                     directory_actor directory) {
  // Detached: it writes synced records and calls nftables, both blocking.
  supervisor_ = sys.spawn<caf::detached>(onboarding::onboarding_supervisor,
                                         impl_->cfg, std::move(gateway),
                                         std::move(directory));
  auto sup = supervisor_;
  for (auto& src : impl_->sources) {
    protocols::discovery_sink sink;
    sink.seen = [sup](protocols::device_sighting s) {
      caf::anon_send(sup, seen_atom::value, std::move(s));
    };
    sink.rejected = [sup](protocols::discovery_kind k, std::string from,
                          std::string reason) {
      caf::anon_send(sup, rejected_atom::value, std::string{protocols::to_string(k)},
                     std::move(from), std::move(reason));
    };
    sink.link = impl_->device_link;
    if (auto err = src->start(std::move(sink)))
      return make_error(code_of(err), std::string{protocols::to_string(src->kind())}
                                        + " discovery: " + detail_of(err));
    say(std::string{protocols::to_string(src->kind())} + " discovery started");
  }
  return caf::none;
}

void onboarding_service::stop() {
  if (!impl_)
    return;
  for (auto& src : impl_->sources)
    src->stop();
  // The sources' sinks hold the supervisor: a detached actor that is still
  // referenced keeps the actor system from shutting down.
  impl_->sources.clear();
  // So does the isolation supervisor's handle kept for the next start.
  impl_->cfg.isolation = caf::actor{};
  if (supervisor_) {
    caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
    supervisor_ = nullptr;
  }
}

} // namespace kagami
