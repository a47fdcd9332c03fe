#pragma once

// SSDP (UPnP Device Architecture 1.1, section 1): the HTTP-over-UDP
// datagrams of UPnP discovery. Pure: no I/O. The parser reads untrusted
// datagrams; it never throws and never crashes on any input.
//
// Parsed: an M-SEARCH response ("HTTP/1.1 200 OK"), a NOTIFY
// ("NOTIFY * HTTP/1.1" with NTS ssdp:alive, ssdp:update or ssdp:byebye) and an
// M-SEARCH request ("M-SEARCH * HTTP/1.1", which the device simulator
// answers). The encoder writes the same three kinds.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace kagami::protocols::upnp {

/// The limits of one SSDP datagram. Input beyond any of them is rejected.
struct ssdp_limits {
  /// The largest datagram (UDA 1.1 asks senders to stay below one MTU).
  static constexpr size_t max_datagram = 8 * 1024;
  /// Header fields, known and unknown, after the start line.
  static constexpr size_t max_headers = 32;
  /// The longest line, start line included, without its line break.
  static constexpr size_t max_line = 1024;
  /// The longest header value (LOCATION, USN, SERVER, ...).
  static constexpr size_t max_value = 512;
  /// The largest BOOTID.UPNP.ORG / CONFIGID.UPNP.ORG (UDA 1.1: 0..2^31-1;
  /// CONFIGID values above 16777215 are reserved but still numbers).
  static constexpr uint32_t max_id = 0x7FFFFFFF;
  /// The largest MX the parser accepts (UDA 1.1 devices clamp to 5).
  static constexpr uint32_t max_mx = 120;
};

enum class ssdp_kind : uint8_t {
  search_request,  ///< "M-SEARCH * HTTP/1.1"
  search_response, ///< "HTTP/1.1 200 OK"
  notify           ///< "NOTIFY * HTTP/1.1"
};

/// The NTS of a NOTIFY; `none` for the other kinds.
enum class notify_subtype : uint8_t { none, alive, update, byebye };

const char* to_string(ssdp_kind k);
const char* to_string(notify_subtype s);

/// One SSDP datagram. Empty strings and nullopt are absent header fields.
/// Every string is at most ssdp_limits::max_value bytes without control
/// characters (HTAB excepted); surrounding whitespace is trimmed.
struct ssdp_message {
  ssdp_kind kind = ssdp_kind::search_response;
  notify_subtype nts = notify_subtype::none;
  std::string host;          ///< HOST (requests and NOTIFY)
  std::string location;      ///< LOCATION: the description URL
  std::string usn;           ///< USN
  std::string target;        ///< ST (search request/response) or NT (NOTIFY)
  std::string cache_control; ///< CACHE-CONTROL, e.g. "max-age=1800"
  std::string server;        ///< SERVER
  std::string man;           ///< MAN, e.g. "\"ssdp:discover\""
  std::optional<uint32_t> mx;        ///< MX (search request)
  std::optional<uint32_t> boot_id;   ///< BOOTID.UPNP.ORG
  std::optional<uint32_t> config_id; ///< CONFIGID.UPNP.ORG

  friend bool operator==(const ssdp_message&, const ssdp_message&) = default;
};

/// Parses one datagram. Lines end in CRLF (a bare LF is accepted); header
/// names are case-insensitive; unknown header fields are skipped (they count
/// towards max_headers). The header block ends at an empty line or at the end
/// of the datagram; an SSDP message has no body, so any byte after the empty
/// line is an error.
///
/// Fails with ec::device_bad_reply and a reason for: a datagram, line, value
/// or header count beyond ssdp_limits; an unknown start line or a status
/// other than 200; a malformed header line (no colon, a name that is not an
/// HTTP token, obsolete line folding); a control character in a value; a
/// duplicate known header; a BOOTID/CONFIGID/MX that is not a decimal number
/// within its limit; an NTS other than ssdp:alive/update/byebye; and a
/// missing required field: ST, USN, LOCATION (response); NT, NTS, USN, and
/// LOCATION unless byebye (NOTIFY); ST and MAN "ssdp:discover" (M-SEARCH).
caf::expected<ssdp_message> parse_ssdp(std::string_view datagram);

/// Writes `m` as a datagram of its kind with the fields that are set. A
/// response and a NOTIFY get "CACHE-CONTROL: max-age=1800" when none is set;
/// a response also gets "EXT:". Fails with ec::invalid_value when a field
/// holds a control character or is longer than ssdp_limits::max_value, or
/// when the result would not parse back with parse_ssdp (a required field is
/// missing).
caf::expected<std::string> encode_ssdp(const ssdp_message& m);

/// The UUID part of a USN ("uuid:X" of "uuid:X::upnp:rootdevice"), or "" when
/// the USN does not start with "uuid:".
std::string_view usn_uuid(std::string_view usn);

} // namespace kagami::protocols::upnp
