#include "protocols/lldp_htip/lldp_builder.hpp"

#include <algorithm>

namespace kagami::protocols::lldp_htip {

namespace {

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

/// 1 byte when x < 256, else 4 bytes, big endian.
std::vector<uint8_t> be_min(uint32_t x) {
  if (x < 256)
    return {static_cast<uint8_t>(x)};
  return {static_cast<uint8_t>(x >> 24), static_cast<uint8_t>(x >> 16),
          static_cast<uint8_t>(x >> 8), static_cast<uint8_t>(x)};
}

} // namespace

lldp_builder::lldp_builder(mac_address src, mac_address dst,
                           std::optional<uint16_t> vlan_tci) {
  buf_.insert(buf_.end(), dst.begin(), dst.end());
  buf_.insert(buf_.end(), src.begin(), src.end());
  if (vlan_tci) {
    put16(vlan_ethertype);
    put16(*vlan_tci);
  }
  put16(lldp_ethertype);
}

lldp_builder lldp_builder::with_ethertype(mac_address src, mac_address dst,
                                          uint16_t ethertype) {
  lldp_builder b;
  b.buf_.insert(b.buf_.end(), dst.begin(), dst.end());
  b.buf_.insert(b.buf_.end(), src.begin(), src.end());
  b.put16(ethertype);
  return b;
}

void lldp_builder::put16(uint16_t x) {
  buf_.push_back(static_cast<uint8_t>(x >> 8));
  buf_.push_back(static_cast<uint8_t>(x));
}

lldp_builder& lldp_builder::tlv_header(uint8_t type, uint16_t length) {
  // 7-bit type, 9-bit length, packed by hand: no bitfields.
  put16(static_cast<uint16_t>(((type & 0x7F) << 9) | (length & 0x1FF)));
  return *this;
}

lldp_builder& lldp_builder::tlv(uint8_t type, std::span<const uint8_t> value) {
  if (value.size() > max_tlv_value)
    value = value.first(max_tlv_value);
  tlv_header(type, static_cast<uint16_t>(value.size()));
  return raw(value);
}

lldp_builder& lldp_builder::tlv(uint8_t type, std::string_view value) {
  return tlv(type, as_bytes(value));
}

lldp_builder& lldp_builder::raw(std::span<const uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  return *this;
}

lldp_builder& lldp_builder::chassis_mac(const mac_address& mac) {
  std::vector<uint8_t> v{chassis_subtype_mac};
  v.insert(v.end(), mac.begin(), mac.end());
  return tlv(static_cast<uint8_t>(tlv_type::chassis_id), v);
}

lldp_builder& lldp_builder::chassis_id(uint8_t subtype, std::string_view value) {
  std::vector<uint8_t> v{subtype};
  v.insert(v.end(), value.begin(), value.end());
  return tlv(static_cast<uint8_t>(tlv_type::chassis_id), v);
}

lldp_builder& lldp_builder::port_name(std::string_view ifname) {
  return port_id(5, ifname);
}

lldp_builder& lldp_builder::port_id(uint8_t subtype, std::string_view value) {
  std::vector<uint8_t> v{subtype};
  v.insert(v.end(), value.begin(), value.end());
  return tlv(static_cast<uint8_t>(tlv_type::port_id), v);
}

lldp_builder& lldp_builder::ttl(uint16_t seconds) {
  uint8_t v[2] = {static_cast<uint8_t>(seconds >> 8), static_cast<uint8_t>(seconds)};
  return tlv(static_cast<uint8_t>(tlv_type::ttl), v);
}

lldp_builder& lldp_builder::port_description(std::string_view text) {
  return tlv(static_cast<uint8_t>(tlv_type::port_description), text);
}

lldp_builder& lldp_builder::system_name(std::string_view text) {
  return tlv(static_cast<uint8_t>(tlv_type::system_name), text);
}

lldp_builder& lldp_builder::system_description(std::string_view text) {
  return tlv(static_cast<uint8_t>(tlv_type::system_description), text);
}

namespace {

std::vector<uint8_t> management_value(uint8_t family, std::span<const uint8_t> addr,
                                      uint32_t if_index) {
  std::vector<uint8_t> v{static_cast<uint8_t>(1 + addr.size()), family};
  v.insert(v.end(), addr.begin(), addr.end());
  v.push_back(2); // interface numbering: ifIndex
  for (int shift = 24; shift >= 0; shift -= 8)
    v.push_back(static_cast<uint8_t>(if_index >> shift));
  v.push_back(0); // no OID
  return v;
}

} // namespace

lldp_builder& lldp_builder::management_ipv4(const std::array<uint8_t, 4>& addr,
                                            uint32_t if_index) {
  return tlv(static_cast<uint8_t>(tlv_type::management_address),
             management_value(1, addr, if_index));
}

lldp_builder& lldp_builder::management_ipv6(const std::array<uint8_t, 16>& addr,
                                            uint32_t if_index) {
  return tlv(static_cast<uint8_t>(tlv_type::management_address),
             management_value(2, addr, if_index));
}

lldp_builder& lldp_builder::org(const oui& id, uint8_t subtype,
                                std::span<const uint8_t> info) {
  std::vector<uint8_t> v(id.begin(), id.end());
  v.push_back(subtype);
  v.insert(v.end(), info.begin(), info.end());
  return tlv(static_cast<uint8_t>(tlv_type::org_specific), v);
}

lldp_builder& lldp_builder::htip_device_items(std::span<const htip_item_bytes> items) {
  std::vector<uint8_t> info;
  for (const auto& item : items) {
    info.push_back(item.id);
    info.push_back(static_cast<uint8_t>(std::min<size_t>(item.value.size(), 255)));
    auto v = as_bytes(item.value).first(std::min<size_t>(item.value.size(), 255));
    info.insert(info.end(), v.begin(), v.end());
  }
  return org(htip_oui, static_cast<uint8_t>(htip_subtype::device_information), info);
}

lldp_builder& lldp_builder::htip_device_item(uint8_t id, std::string_view value) {
  htip_item_bytes item{id, value};
  return htip_device_items(std::span<const htip_item_bytes>{&item, 1});
}

lldp_builder& lldp_builder::htip_link(uint32_t iftype, uint32_t port_number,
                                      std::span<const mac_address> macs) {
  std::vector<uint8_t> info;
  for (uint32_t x : {iftype, port_number}) {
    auto v = be_min(x);
    info.push_back(static_cast<uint8_t>(v.size()));
    info.insert(info.end(), v.begin(), v.end());
  }
  info.push_back(static_cast<uint8_t>(std::min<size_t>(macs.size(), 255)));
  for (const auto& m : macs)
    info.insert(info.end(), m.begin(), m.end());
  return org(htip_oui, static_cast<uint8_t>(htip_subtype::link_information), info);
}

lldp_builder& lldp_builder::htip_mac_list(std::span<const mac_address> macs) {
  std::vector<uint8_t> info{static_cast<uint8_t>(std::min<size_t>(macs.size(), 255))};
  for (const auto& m : macs)
    info.insert(info.end(), m.begin(), m.end());
  return org(htip_oui, static_cast<uint8_t>(htip_subtype::mac_address_list), info);
}

lldp_builder& lldp_builder::end() {
  return tlv_header(0, 0);
}

std::vector<uint8_t> lldp_builder::bytes(bool pad) const {
  auto out = buf_;
  if (pad && out.size() < 60)
    out.resize(60, 0);
  return out;
}

std::vector<uint8_t> build_htip_announcement(const htip_device_announcement& a) {
  lldp_builder b{a.mac};
  b.chassis_mac(a.mac).port_name(a.ifname).ttl(120);
  if (!a.system_name.empty())
    b.system_name(a.system_name);
  if (a.ipv4)
    b.management_ipv4(*a.ipv4, 2);
  std::pair<htip_item, std::string_view> items[] = {
    {htip_item::manufacturer_code, a.manufacturer_code},
    {htip_item::model_name, a.model_name},
    {htip_item::model_number, a.model_number},
    {htip_item::category, a.category},
  };
  for (auto& [id, value] : items)
    if (!value.empty())
      b.htip_device_item(static_cast<uint8_t>(id), value);
  return b.end().bytes();
}

} // namespace kagami::protocols::lldp_htip
