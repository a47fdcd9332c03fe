#pragma once

// Pure decoding of LLDP frames (IEEE 802.1AB) with HTIP (TTC JJ-300.00)
// device information, link information and MAC lists. No I/O. The input is
// untrusted bytes from the OT network: parsing never throws, never reads past
// the span and never allocates more than the limits allow.

#include <cstddef>
#include <cstdint>
#include <span>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "protocols/discovery/discovery.hpp"
#include "protocols/lldp_htip/lldp_frame.hpp"

namespace kagami::protocols::lldp_htip {

/// The limits of one frame. A frame beyond any limit is rejected whole, never
/// truncated.
struct lldp_limits {
  /// The largest Ethernet frame (without FCS). 1518 for standard frames; set
  /// 9000 for jumbo frames.
  size_t max_frame = 1518;
  /// The most TLVs in one LLDPDU, End included.
  size_t max_tlvs = 64;
  /// The most organizationally specific TLVs kept in lldp_frame::org_tlvs.
  size_t max_org_tlvs = 32;
  /// The most management addresses (IPv4/IPv6) kept.
  size_t max_management_addresses = 8;
  /// The most HTIP device information items in one frame, over all TLVs.
  size_t max_htip_items = 32;
  /// The most HTIP link information entries in one frame.
  size_t max_link_entries = 32;
  /// The most MACs in one HTIP link information entry.
  size_t max_macs_per_link = 64;
  /// The most MACs in the HTIP MAC address list.
  size_t max_mac_list = 64;
  /// The longest text field (system name, port description, chassis/port ID,
  /// HTIP category). At most max_profile_field.
  size_t max_text = max_profile_field;
  /// HTIP maxima (JJ-300.00): manufacturer code 6 bytes, model name and
  /// model number 31 bytes.
  size_t max_manufacturer_code = 6;
  size_t max_model_name = 31;
  size_t max_model_number = 31;
  /// The longest raw HTIP status or vendor extension item.
  size_t max_raw_item = 255;
};

/// Decodes one Ethernet frame: destination and source MAC, at most one
/// 802.1Q tag, EtherType 0x88CC, then the LLDPDU. The LLDPDU must start with
/// Chassis ID, Port ID and TTL in this order, hold each of those once and end
/// with an End TLV (bytes after End are Ethernet padding and ignored).
///
/// Errors are ec::device_bad_reply with a reason that names the TLV and the
/// offset, e.g. "Port ID TLV at offset 24: length 300 runs past the frame
/// end", "not LLDP: EtherType 0x0800", "missing End TLV". Strings with
/// control characters, strings beyond their limit, too many TLVs, MACs or
/// items, repeated singleton TLVs and repeated HTIP items are errors too.
caf::expected<lldp_frame> parse_lldp_frame(std::span<const uint8_t> frame,
                                           const lldp_limits& limits = {});

} // namespace kagami::protocols::lldp_htip
