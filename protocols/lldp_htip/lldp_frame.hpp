#pragma once

// What one LLDP frame (IEEE 802.1AB) says, with the HTIP parts (TTC
// JJ-300.00: organizationally specific TLVs with OUI E0-27-1A) decoded.
// Produced by parse_lldp_frame (lldp_parser.hpp) from untrusted bytes: every
// string here has been bounded by lldp_limits and holds no control character.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagami::protocols::lldp_htip {

using mac_address = std::array<uint8_t, 6>;
using oui = std::array<uint8_t, 3>;

/// EtherType of LLDP.
inline constexpr uint16_t lldp_ethertype = 0x88CC;
/// EtherType of an IEEE 802.1Q tag (one tag is accepted before 0x88CC).
inline constexpr uint16_t vlan_ethertype = 0x8100;
/// The LLDP "nearest bridge" group address, where lldpd sends by default.
inline constexpr mac_address lldp_nearest_bridge = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E};
/// The OUI of TTC, the owner of HTIP.
inline constexpr oui htip_oui = {0xE0, 0x27, 0x1A};

/// LLDP TLV types (the 7 high bits of a TLV header).
enum class tlv_type : uint8_t {
  end = 0,
  chassis_id = 1,
  port_id = 2,
  ttl = 3,
  port_description = 4,
  system_name = 5,
  system_description = 6,
  system_capabilities = 7,
  management_address = 8,
  org_specific = 127,
};

/// "Chassis ID", "Port ID", ..., "Organizationally Specific", or "type N"
/// for types that 802.1AB reserves. Used in error reasons.
std::string tlv_name(uint8_t type);

/// HTIP subtypes of an organizationally specific TLV with OUI E0-27-1A.
enum class htip_subtype : uint8_t {
  device_information = 1,
  link_information = 2,
  mac_address_list = 3,
};

/// Item IDs inside HTIP device information ([id][len][value]).
enum class htip_item : uint8_t {
  category = 1,
  manufacturer_code = 2,
  model_name = 3,
  model_number = 4,
  status = 50,
  vendor_extension = 255,
};

/// Chassis ID subtype 4 and Port ID subtype 3 carry a MAC address.
inline constexpr uint8_t chassis_subtype_mac = 4;
inline constexpr uint8_t chassis_subtype_network_address = 5;
inline constexpr uint8_t port_subtype_mac = 3;
inline constexpr uint8_t port_subtype_network_address = 4;

/// A Chassis ID or Port ID: the 802.1AB subtype and the value as text. A MAC
/// value is "aa:bb:cc:dd:ee:ff" (lower case), a network address is an
/// IPv4/IPv6 literal, every other subtype is the value's bytes (which must be
/// text without control characters).
struct lldp_id {
  uint8_t subtype = 0;
  std::string value;

  friend bool operator==(const lldp_id&, const lldp_id&) = default;
};

/// A management address TLV with an IPv4 or IPv6 address. Addresses of other
/// families are skipped by the parser.
struct management_address {
  enum family_t : uint8_t { ipv4 = 1, ipv6 = 2 };
  family_t family = ipv4;
  /// "10.99.1.5" or "fd00::5" (inet_ntop form).
  std::string address;

  friend bool operator==(const management_address&, const management_address&) = default;
};

/// An organizationally specific TLV (type 127) as it came, HTIP ones included.
struct org_tlv {
  oui id{};
  uint8_t subtype = 0;
  /// The information string after OUI and subtype (at most 507 bytes).
  std::vector<uint8_t> info;

  friend bool operator==(const org_tlv&, const org_tlv&) = default;
};

/// HTIP device information (subtype 1), merged over every subtype-1 TLV of
/// the frame. Each item appears at most once per frame (a repeated item
/// rejects the frame), except vendor extensions, which may repeat.
struct htip_device_info {
  /// Item 1.
  std::string category;
  /// Item 2: the 6-byte manufacturer code with trailing NUL and space padding
  /// removed.
  std::string manufacturer_code;
  /// Item 3 (at most 31 bytes).
  std::string model_name;
  /// Item 4 (at most 31 bytes).
  std::string model_number;
  /// Item 50, raw.
  std::vector<uint8_t> status;
  /// Item 255, raw, one entry per item.
  std::vector<std::vector<uint8_t>> vendor_extensions;
  /// Items with other IDs: (id, raw value).
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> other_items;
  /// The item bytes of every subtype-1 TLV, concatenated in frame order: what
  /// the device announced, for fingerprints.
  std::vector<uint8_t> raw;

  friend bool operator==(const htip_device_info&, const htip_device_info&) = default;
};

/// One HTIP link information entry (subtype 2): the MACs an L2 agent (a
/// switch) learned on one of its ports.
struct htip_link_entry {
  /// IANA ifType of the port (6 = ethernetCsmacd), big endian, 1..4 bytes.
  uint32_t iftype = 0;
  /// The port number, big endian, 1..4 bytes.
  uint32_t port_number = 0;
  std::vector<mac_address> macs;

  friend bool operator==(const htip_link_entry&, const htip_link_entry&) = default;
};

/// One parsed LLDP frame.
struct lldp_frame {
  mac_address dst_mac{};
  /// The Ethernet source: the port of the device that sent the frame.
  mac_address src_mac{};
  /// The 802.1Q TCI when the frame carried one tag.
  std::optional<uint16_t> vlan_tci;
  lldp_id chassis_id;
  lldp_id port_id;
  /// Seconds; 0 means "forget this neighbour".
  uint16_t ttl = 0;
  std::string system_name;
  std::string port_description;
  /// In frame order; IPv4 and IPv6 only.
  std::vector<management_address> management_addresses;
  /// Every organizationally specific TLV in frame order, HTIP ones included.
  std::vector<org_tlv> org_tlvs;
  /// Set when the frame has at least one HTIP device information TLV.
  std::optional<htip_device_info> htip_device;
  /// HTIP link information entries of every subtype-2 TLV, in frame order.
  std::vector<htip_link_entry> htip_links;
  /// HTIP MAC address list (subtype 3), in frame order.
  std::vector<mac_address> htip_macs;

  friend bool operator==(const lldp_frame&, const lldp_frame&) = default;
};

/// "aa:bb:cc:dd:ee:ff", lower case.
std::string format_mac(const mac_address& mac);

} // namespace kagami::protocols::lldp_htip
