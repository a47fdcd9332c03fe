#include "protocols/lldp_htip/lldp_parser.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include <arpa/inet.h>

#include "actors/core/error.hpp"

namespace kagami::protocols::lldp_htip {

namespace {

using bytes = std::span<const uint8_t>;

caf::error bad(std::string reason) {
  return make_error(ec::device_bad_reply, std::move(reason));
}

uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

mac_address get_mac(const uint8_t* p) {
  mac_address m;
  std::copy(p, p + 6, m.begin());
  return m;
}

/// Where a TLV is, for error reasons: "Port ID TLV at offset 24".
std::string where(uint8_t type, size_t offset) {
  return tlv_name(type) + " TLV at offset " + std::to_string(offset);
}

/// Text without control characters, at most `max` bytes; `what` names the
/// field in the reason.
caf::expected<std::string> text(bytes value, size_t max, const std::string& what) {
  if (value.size() > max)
    return bad(what + ": " + std::to_string(value.size()) + " bytes exceed the limit of "
               + std::to_string(max));
  for (size_t i = 0; i < value.size(); ++i)
    if (value[i] < 0x20 || value[i] == 0x7f)
      return bad(what + ": control character 0x" + [&] {
               char buf[3];
               std::snprintf(buf, sizeof buf, "%02x", value[i]);
               return std::string{buf};
             }() + " at byte " + std::to_string(i));
  return std::string(reinterpret_cast<const char*>(value.data()), value.size());
}

/// An address whose first byte is the IANA family (1 IPv4, 2 IPv6), as text;
/// nullopt for other families or lengths.
std::optional<management_address> ip_address(bytes family_and_addr) {
  if (family_and_addr.empty())
    return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  auto addr = family_and_addr.subspan(1);
  if (family_and_addr[0] == 1 && addr.size() == 4) {
    inet_ntop(AF_INET, addr.data(), buf, sizeof buf);
    return management_address{management_address::ipv4, buf};
  }
  if (family_and_addr[0] == 2 && addr.size() == 16) {
    inet_ntop(AF_INET6, addr.data(), buf, sizeof buf);
    return management_address{management_address::ipv6, buf};
  }
  return std::nullopt;
}

/// Chassis ID / Port ID: [subtype][value 1..255].
caf::expected<lldp_id> parse_id(uint8_t type, bytes value, size_t offset,
                                const lldp_limits& limits) {
  auto w = where(type, offset);
  if (value.size() < 2)
    return bad(w + ": length " + std::to_string(value.size()) + " below the minimum of 2");
  lldp_id id;
  id.subtype = value[0];
  auto v = value.subspan(1);
  bool is_chassis = type == static_cast<uint8_t>(tlv_type::chassis_id);
  uint8_t mac_subtype = is_chassis ? chassis_subtype_mac : port_subtype_mac;
  uint8_t net_subtype = is_chassis ? chassis_subtype_network_address
                                   : port_subtype_network_address;
  if (id.subtype == mac_subtype) {
    if (v.size() != 6)
      return bad(w + ": MAC address of " + std::to_string(v.size()) + " bytes");
    id.value = format_mac(get_mac(v.data()));
    return id;
  }
  if (id.subtype == net_subtype) {
    auto ip = ip_address(v);
    if (!ip)
      return bad(w + ": network address is neither IPv4 nor IPv6");
    id.value = std::move(ip->address);
    return id;
  }
  auto t = text(v, limits.max_text, w);
  if (!t)
    return std::move(t.error());
  id.value = std::move(*t);
  return id;
}

/// Management address: [len][family][addr][if subtype][if number 4][oid len][oid].
caf::expected<std::optional<management_address>> parse_management(bytes value,
                                                                  const std::string& w) {
  if (value.size() < 9)
    return bad(w + ": length " + std::to_string(value.size()) + " below the minimum of 9");
  size_t addr_len = value[0];
  if (addr_len < 2 || addr_len > 32)
    return bad(w + ": address string length " + std::to_string(addr_len)
               + " outside 2..32");
  if (1 + addr_len + 5 + 1 > value.size())
    return bad(w + ": address string length " + std::to_string(addr_len)
               + " runs past the TLV");
  size_t oid_len = value[1 + addr_len + 5];
  if (1 + addr_len + 5 + 1 + oid_len != value.size())
    return bad(w + ": OID length " + std::to_string(oid_len) + " does not match the TLV");
  return ip_address(value.subspan(1, addr_len));
}

/// Big-endian unsigned of 1..4 bytes.
std::optional<uint32_t> be_uint(bytes v) {
  if (v.empty() || v.size() > 4)
    return std::nullopt;
  uint32_t x = 0;
  for (auto b : v)
    x = (x << 8) | b;
  return x;
}

class htip_decoder {
public:
  htip_decoder(lldp_frame& out, const lldp_limits& limits) : out_(out), limits_(limits) {
  }

  caf::error device_information(bytes info, const std::string& w) {
    if (!out_.htip_device)
      out_.htip_device.emplace();
    auto& dev = *out_.htip_device;
    if (info.empty())
      return bad(w + ": HTIP device information without an item");
    dev.raw.insert(dev.raw.end(), info.begin(), info.end());
    size_t pos = 0;
    while (pos < info.size()) {
      if (info.size() - pos < 2)
        return bad(w + ": HTIP device information item header truncated at byte "
                   + std::to_string(pos));
      uint8_t id = info[pos];
      size_t len = info[pos + 1];
      if (len > info.size() - pos - 2)
        return bad(w + ": HTIP item " + std::to_string(id) + " length "
                   + std::to_string(len) + " runs past the TLV");
      if (++items_ > limits_.max_htip_items)
        return bad(w + ": more than " + std::to_string(limits_.max_htip_items)
                   + " HTIP device information items");
      auto value = info.subspan(pos + 2, len);
      if (auto err = item(dev, id, value, w + ": HTIP item " + std::to_string(id)))
        return err;
      pos += 2 + len;
    }
    return caf::none;
  }

  caf::error link_information(bytes info, const std::string& w) {
    if (info.empty())
      return bad(w + ": HTIP link information without an entry");
    size_t pos = 0;
    while (pos < info.size()) {
      if (out_.htip_links.size() >= limits_.max_link_entries)
        return bad(w + ": more than " + std::to_string(limits_.max_link_entries)
                   + " HTIP link information entries");
      htip_link_entry entry;
      for (auto* field : {&entry.iftype, &entry.port_number}) {
        const char* name = field == &entry.iftype ? "interface type" : "port number";
        if (pos >= info.size())
          return bad(w + ": HTIP link information " + name + " truncated");
        size_t len = info[pos];
        if (len > info.size() - pos - 1)
          return bad(w + ": HTIP link information " + name + " length "
                     + std::to_string(len) + " runs past the TLV");
        auto v = be_uint(info.subspan(pos + 1, len));
        if (!v)
          return bad(w + ": HTIP link information " + name + " of "
                     + std::to_string(len) + " bytes (1..4 allowed)");
        *field = *v;
        pos += 1 + len;
      }
      if (pos >= info.size())
        return bad(w + ": HTIP link information MAC count truncated");
      size_t count = info[pos++];
      if (count > limits_.max_macs_per_link)
        return bad(w + ": HTIP link information with " + std::to_string(count)
                   + " MACs exceeds the limit of "
                   + std::to_string(limits_.max_macs_per_link));
      if (count * 6 > info.size() - pos)
        return bad(w + ": HTIP link information MAC count " + std::to_string(count)
                   + " runs past the TLV");
      entry.macs.reserve(count);
      for (size_t i = 0; i < count; ++i, pos += 6)
        entry.macs.push_back(get_mac(info.data() + pos));
      out_.htip_links.push_back(std::move(entry));
    }
    return caf::none;
  }

  /// [count][MAC×count]; a bare sequence of MACs (length a multiple of 6) is
  /// accepted as well, since JJ-300.00 implementations differ.
  caf::error mac_list(bytes info, const std::string& w) {
    size_t count = 0;
    size_t pos = 0;
    if (info.size() % 6 == 1 && info[0] == info.size() / 6) {
      count = info[0];
      pos = 1;
    } else if (info.size() % 6 == 0) {
      count = info.size() / 6;
    } else {
      return bad(w + ": HTIP MAC address list of " + std::to_string(info.size())
                 + " bytes is not [count][MAC x count]");
    }
    if (out_.htip_macs.size() + count > limits_.max_mac_list)
      return bad(w + ": HTIP MAC address list exceeds the limit of "
                 + std::to_string(limits_.max_mac_list) + " MACs");
    for (size_t i = 0; i < count; ++i, pos += 6)
      out_.htip_macs.push_back(get_mac(info.data() + pos));
    return caf::none;
  }

private:
  caf::error item(htip_device_info& dev, uint8_t id, bytes value, const std::string& w) {
    auto once = [&](uint8_t bit) -> caf::error {
      if (seen_ & (1u << bit))
        return bad(w + " repeated");
      seen_ |= 1u << bit;
      return caf::none;
    };
    auto set_text = [&](std::string& field, bytes v, size_t max, uint8_t bit) -> caf::error {
      if (auto err = once(bit))
        return err;
      auto t = text(v, max, w);
      if (!t)
        return std::move(t.error());
      field = std::move(*t);
      return caf::none;
    };
    auto raw_ok = [&](bytes v) -> caf::error {
      if (v.size() > limits_.max_raw_item)
        return bad(w + ": " + std::to_string(v.size()) + " bytes exceed the limit of "
                   + std::to_string(limits_.max_raw_item));
      return caf::none;
    };
    switch (static_cast<htip_item>(id)) {
      case htip_item::category:
        return set_text(dev.category, value, limits_.max_text, 0);
      case htip_item::manufacturer_code: {
        // Fixed 6 bytes, padded with NULs or spaces.
        while (!value.empty() && (value.back() == 0 || value.back() == ' '))
          value = value.first(value.size() - 1);
        return set_text(dev.manufacturer_code, value, limits_.max_manufacturer_code, 1);
      }
      case htip_item::model_name:
        return set_text(dev.model_name, value, limits_.max_model_name, 2);
      case htip_item::model_number:
        return set_text(dev.model_number, value, limits_.max_model_number, 3);
      case htip_item::status:
        if (auto err = once(4))
          return err;
        if (auto err = raw_ok(value))
          return err;
        dev.status.assign(value.begin(), value.end());
        return caf::none;
      case htip_item::vendor_extension:
        if (auto err = raw_ok(value))
          return err;
        dev.vendor_extensions.emplace_back(value.begin(), value.end());
        return caf::none;
    }
    if (auto err = raw_ok(value))
      return err;
    dev.other_items.emplace_back(id, std::vector<uint8_t>(value.begin(), value.end()));
    return caf::none;
  }

  lldp_frame& out_;
  const lldp_limits& limits_;
  size_t items_ = 0;
  uint32_t seen_ = 0;
};

} // namespace

caf::expected<lldp_frame> parse_lldp_frame(bytes frame, const lldp_limits& limits) {
  if (frame.size() > limits.max_frame)
    return bad("frame of " + std::to_string(frame.size()) + " bytes exceeds the limit of "
               + std::to_string(limits.max_frame));
  if (frame.size() < 14)
    return bad("frame of " + std::to_string(frame.size())
               + " bytes is shorter than an Ethernet header");
  lldp_frame out;
  out.dst_mac = get_mac(frame.data());
  out.src_mac = get_mac(frame.data() + 6);
  size_t pos = 12;
  uint16_t ethertype = get16(frame.data() + pos);
  pos += 2;
  if (ethertype == vlan_ethertype) {
    if (frame.size() < pos + 4)
      return bad("802.1Q tag truncated");
    out.vlan_tci = get16(frame.data() + pos);
    ethertype = get16(frame.data() + pos + 2);
    pos += 4;
  }
  if (ethertype != lldp_ethertype) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04x", ethertype);
    return bad(std::string{"not LLDP: EtherType 0x"} + buf);
  }
  htip_decoder htip{out, limits};
  size_t count = 0;
  bool have_system_name = false;
  bool have_port_description = false;
  for (;;) {
    size_t offset = pos - (out.vlan_tci ? 18 : 14);
    if (frame.size() - pos < 2)
      return bad(frame.size() == pos ? "missing End TLV"
                                     : "TLV header truncated at offset "
                                         + std::to_string(offset));
    uint16_t header = get16(frame.data() + pos);
    uint8_t type = static_cast<uint8_t>(header >> 9);
    size_t len = header & 0x1FF;
    pos += 2;
    auto w = where(type, offset);
    if (len > frame.size() - pos)
      return bad(w + ": length " + std::to_string(len) + " runs past the frame end");
    auto value = frame.subspan(pos, len);
    pos += len;
    if (++count > limits.max_tlvs)
      return bad("more than " + std::to_string(limits.max_tlvs) + " TLVs");
    // 802.1AB: Chassis ID, Port ID and TTL come first, in this order.
    static constexpr tlv_type mandatory[] = {tlv_type::chassis_id, tlv_type::port_id,
                                             tlv_type::ttl};
    if (count <= 3 && type != static_cast<uint8_t>(mandatory[count - 1]))
      return bad(w + " where " + tlv_name(static_cast<uint8_t>(mandatory[count - 1]))
                 + " TLV must be (TLV " + std::to_string(count) + ")");
    switch (static_cast<tlv_type>(type)) {
      case tlv_type::end:
        if (len != 0)
          return bad(w + ": End TLV with length " + std::to_string(len));
        return out;
      case tlv_type::chassis_id:
      case tlv_type::port_id: {
        if (count > 2)
          return bad(w + " repeated");
        auto id = parse_id(type, value, offset, limits);
        if (!id)
          return std::move(id.error());
        (count == 1 ? out.chassis_id : out.port_id) = std::move(*id);
        break;
      }
      case tlv_type::ttl:
        if (count != 3)
          return bad(w + " repeated");
        if (len != 2)
          return bad(w + ": length " + std::to_string(len) + " instead of 2");
        out.ttl = get16(value.data());
        break;
      case tlv_type::port_description:
      case tlv_type::system_name: {
        bool is_name = type == static_cast<uint8_t>(tlv_type::system_name);
        bool& seen = is_name ? have_system_name : have_port_description;
        if (seen)
          return bad(w + " repeated");
        seen = true;
        auto t = text(value, limits.max_text, w);
        if (!t)
          return std::move(t.error());
        (is_name ? out.system_name : out.port_description) = std::move(*t);
        break;
      }
      case tlv_type::system_description:
      case tlv_type::system_capabilities:
        // Not kept: free text of any length (a kernel version string) and
        // capability bits nothing here uses.
        break;
      case tlv_type::management_address: {
        auto m = parse_management(value, w);
        if (!m)
          return std::move(m.error());
        if (*m) {
          if (out.management_addresses.size() >= limits.max_management_addresses)
            return bad(w + ": more than "
                       + std::to_string(limits.max_management_addresses)
                       + " management addresses");
          out.management_addresses.push_back(std::move(**m));
        }
        break;
      }
      case tlv_type::org_specific: {
        if (len < 4)
          return bad(w + ": length " + std::to_string(len) + " below the minimum of 4");
        if (out.org_tlvs.size() >= limits.max_org_tlvs)
          return bad(w + ": more than " + std::to_string(limits.max_org_tlvs)
                     + " organizationally specific TLVs");
        org_tlv org;
        std::copy(value.begin(), value.begin() + 3, org.id.begin());
        org.subtype = value[3];
        auto info = value.subspan(4);
        org.info.assign(info.begin(), info.end());
        if (org.id == htip_oui) {
          caf::error err;
          switch (static_cast<htip_subtype>(org.subtype)) {
            case htip_subtype::device_information:
              err = htip.device_information(info, w);
              break;
            case htip_subtype::link_information:
              err = htip.link_information(info, w);
              break;
            case htip_subtype::mac_address_list:
              err = htip.mac_list(info, w);
              break;
          }
          if (err)
            return err;
        }
        out.org_tlvs.push_back(std::move(org));
        break;
      }
      default:
        // Reserved types 9..126: skipped, as 802.1AB says.
        break;
    }
  }
}

} // namespace kagami::protocols::lldp_htip
