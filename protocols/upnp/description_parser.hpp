#pragma once

// The UPnP device description (UDA 1.1, section 2.3): the XML document behind
// an SSDP LOCATION, read into a device_profile. Pure: no I/O. The document is
// untrusted bytes; the parser never throws and never crashes on any input.
//
// Read from the root device's <device> (embedded devices are ignored):
//   manufacturer -> vendor, modelName -> product, modelNumber -> model_number,
//   serialNumber -> serial, UDN -> udn, firmwareVersion -> firmware.
// <firmwareVersion> is not part of UDA: it is a common vendor extension
// element directly inside <device>, read when present.

#include <cstddef>
#include <string_view>

#include <caf/expected.hpp>

#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols::upnp {

struct description_limits {
  /// The largest document (the fetcher's body limit is the same).
  static constexpr size_t max_document = 64 * 1024;
  /// The deepest element nesting; <root> is depth 1.
  static constexpr size_t max_depth = 16;
};

/// The root element's namespace that UDA 1.0 and 1.1 both use.
inline constexpr std::string_view device_namespace = "urn:schemas-upnp-org:device-1-0";

/// Parses a description. Fails with ec::device_bad_reply and the reason for:
/// a document larger than max_document; a DOCTYPE anywhere (no DTD, so no
/// entity can be declared or expanded; pugixml never fetches anything
/// either); malformed XML or not UTF-8; elements nested deeper than
/// max_depth; a document element other than <root
/// xmlns="urn:schemas-upnp-org:device-1-0"> or a root without exactly one
/// <device>; and for each profile field: a duplicate, child elements, a
/// value (with surrounding XML whitespace trimmed) longer than
/// max_profile_field bytes (never truncated), a control character (C0, DEL
/// or C1) or invalid UTF-8, and a UDN that does not start with "uuid:".
/// Missing fields stay empty.
caf::expected<device_profile> parse_description(std::string_view xml);

} // namespace kagami::protocols::upnp
