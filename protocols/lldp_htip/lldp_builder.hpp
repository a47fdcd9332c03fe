#pragma once

// Encodes LLDP frames with HTIP TLVs, for tests, fuzz seeds and simulated
// devices. Pure. The builder writes exactly what it is told, in the order it
// is told: it can build well-formed frames and, through tlv() and raw(),
// malformed ones. It does not validate.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/lldp_htip/lldp_frame.hpp"

namespace kagami::protocols::lldp_htip {

/// The largest value of one TLV: its length has 9 bits.
inline constexpr size_t max_tlv_value = 511;

/// One HTIP device information item: [id][len][value].
struct htip_item_bytes {
  uint8_t id = 0;
  std::string_view value;
};

class lldp_builder {
public:
  /// Starts a frame: destination, source, and EtherType 0x88CC (after a
  /// 802.1Q tag when `vlan_tci` is set).
  explicit lldp_builder(mac_address src, mac_address dst = lldp_nearest_bridge,
                        std::optional<uint16_t> vlan_tci = std::nullopt);

  /// Starts a frame with an arbitrary EtherType and no LLDP meaning.
  static lldp_builder with_ethertype(mac_address src, mac_address dst, uint16_t ethertype);

  /// Appends one TLV: the header packs the 7-bit type and the 9-bit length
  /// (big endian); a value longer than max_tlv_value is cut to it.
  lldp_builder& tlv(uint8_t type, std::span<const uint8_t> value);
  lldp_builder& tlv(uint8_t type, std::string_view value);
  /// Appends a TLV header only, with any length: for malformed frames.
  lldp_builder& tlv_header(uint8_t type, uint16_t length);
  /// Appends raw bytes.
  lldp_builder& raw(std::span<const uint8_t> bytes);

  /// Chassis ID subtype 4 (MAC).
  lldp_builder& chassis_mac(const mac_address& mac);
  /// Chassis ID with any subtype and a text value.
  lldp_builder& chassis_id(uint8_t subtype, std::string_view value);
  /// Port ID subtype 5 (interface name).
  lldp_builder& port_name(std::string_view ifname);
  lldp_builder& port_id(uint8_t subtype, std::string_view value);
  lldp_builder& ttl(uint16_t seconds);
  lldp_builder& port_description(std::string_view text);
  lldp_builder& system_name(std::string_view text);
  lldp_builder& system_description(std::string_view text);
  /// Management address with interface numbering ifIndex and no OID.
  lldp_builder& management_ipv4(const std::array<uint8_t, 4>& addr, uint32_t if_index = 0);
  lldp_builder& management_ipv6(const std::array<uint8_t, 16>& addr, uint32_t if_index = 0);
  /// Organizationally specific TLV: OUI, subtype, information string.
  lldp_builder& org(const oui& id, uint8_t subtype, std::span<const uint8_t> info);
  /// One HTIP device information TLV holding `items` in order (lldpd's
  /// custom-tlv layout is one item per TLV).
  lldp_builder& htip_device_items(std::span<const htip_item_bytes> items);
  lldp_builder& htip_device_item(uint8_t id, std::string_view value);
  /// One HTIP link information TLV: [1][iftype][1][port][count][MAC×count]
  /// (iftype and port number one byte each when below 256, else 4 bytes).
  lldp_builder& htip_link(uint32_t iftype, uint32_t port_number,
                          std::span<const mac_address> macs);
  /// One HTIP MAC address list TLV: [count][MAC×count].
  lldp_builder& htip_mac_list(std::span<const mac_address> macs);
  /// The End TLV (type 0, length 0).
  lldp_builder& end();

  /// The frame so far, padded with zeros to the Ethernet minimum of 60 bytes
  /// (without FCS) unless `pad` is false.
  std::vector<uint8_t> bytes(bool pad = true) const;

private:
  lldp_builder() = default;
  void put16(uint16_t x);

  std::vector<uint8_t> buf_;
};

/// A complete frame as a device running lldpd with HTIP custom TLVs sends it:
/// Chassis ID (MAC), Port ID (ifname), TTL 120, System Name, an IPv4
/// management address when `ipv4` is set, one HTIP TLV per non-empty item
/// (manufacturer code, model name, model number, category), End.
struct htip_device_announcement {
  mac_address mac{};
  std::string_view ifname = "eth0";
  std::string_view system_name;
  std::optional<std::array<uint8_t, 4>> ipv4;
  std::string_view manufacturer_code;
  std::string_view model_name;
  std::string_view model_number;
  std::string_view category;
};
std::vector<uint8_t> build_htip_announcement(const htip_device_announcement& a);

} // namespace kagami::protocols::lldp_htip
