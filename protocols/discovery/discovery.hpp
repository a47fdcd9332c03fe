#pragma once

// What every discovery source (HTIP/LLDP, UPnP, BLE, the vendor device
// database) hands to onboarding, and the two interfaces a source implements.
//
// Mechanism only: a source reports what it saw and a fetcher reads a
// profile. Neither judges a device; the design matcher does that.
//
// Every string in a sighting or a profile comes from untrusted bytes. The
// parser that produced it bounded its length (at most `max_profile_field`
// bytes) and replaced control characters; consumers may log it as is.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace kagami::protocols {

/// The longest string a profile field may hold; longer input is rejected by
/// the parser, never truncated into a match.
inline constexpr size_t max_profile_field = 128;

enum class discovery_kind : uint8_t {
  htip,     ///< LLDP frames with TTC OUI E0-27-1A, captured with libpcap.
  upnp,     ///< SSDP M-SEARCH replies and NOTIFYs, then the description XML.
  ble,      ///< BlueZ over D-Bus; the Device Information Service 0x180A.
  vendor_db ///< A neighbour-table entry whose MAC is in the vendor database.
};

/// "htip", "upnp", "ble" or "vendor_db".
const char* to_string(discovery_kind k);

/// Who a device says it is. Empty fields are unknown.
struct device_profile {
  std::string vendor;       ///< HTIP manufacturer code, UPnP manufacturer, DIS 0x2A29, DB vendor.
  std::string product;      ///< HTIP model name, UPnP modelName, DIS 0x2A24, DB product.
  std::string model_number; ///< HTIP model number, UPnP modelNumber.
  std::string firmware;     ///< UPnP <firmwareVersion>, DIS 0x2A26, DB firmware.
  std::string hardware;     ///< DIS 0x2A27.
  std::string serial;       ///< UPnP serialNumber, DIS 0x2A25, DB serial.
  std::string category;     ///< HTIP device category.
  std::string udn;          ///< UPnP UDN ("uuid:...").

  friend bool operator==(const device_profile&, const device_profile&) = default;
};

/// One observation of a device by one source.
struct device_sighting {
  discovery_kind source = discovery_kind::htip;
  /// The device's MAC ("02:99:00:00:00:11", lower case) or BLE BD address
  /// ("aa:bb:cc:dd:ee:ff"); empty when the source cannot tell.
  std::string mac;
  /// An IPv4/IPv6 literal where the device answers; empty for BLE.
  std::string address;
  /// Where it was seen, for the evidence: "pcap:ot0", "ssdp:ot0",
  /// "bluez:/org/bluez/hci0/dev_AA_BB", "neigh:ot0".
  std::string seen_on;
  /// What a profile_fetcher needs: the description URL (UPnP), the D-Bus
  /// object path (BLE); empty when `profile` is inline.
  std::string locator;
  /// Set when the announcement itself carries the profile (HTIP, vendor DB).
  std::optional<device_profile> profile;
  /// Changes whenever the device may have changed what it announces
  /// (UPnP CONFIGID/BOOTID, a hash of the HTIP TLVs). Onboarding re-reads
  /// and re-matches a device whose fingerprint changed.
  std::string fingerprint;

  friend bool operator==(const device_sighting&, const device_sighting&) = default;
};

/// Receives what a source learns. Called on the source's own thread; the
/// callee must not block for long (the onboarding side only enqueues).
struct discovery_sink {
  std::function<void(device_sighting)> seen;
  /// Malformed or oversized input was dropped: (source, where it came from,
  /// e.g. "10.99.1.5:1900" or "02:99:..", and why). Never admits anything.
  std::function<void(discovery_kind, std::string from, std::string reason)> rejected;
  /// A device's link to the gateway came up (true) or went down: (its MAC,
  /// where, e.g. "bluez:/org/bluez/hci0/dev_..", up). Only sources that see
  /// links call it (BLE: Device1.Connected). May be empty.
  std::function<void(std::string mac, std::string seen_on, bool up)> link;
};

/// A source of sightings with its own thread (pcap, a UDP socket, a D-Bus
/// connection, a neighbour-table poll).
class discovery_source {
public:
  virtual ~discovery_source() = default;

  virtual discovery_kind kind() const = 0;

  /// Starts the source's thread. Fails with a clear reason (no permission,
  /// no such interface, no bus) and never throws. Called at most once.
  virtual caf::error start(discovery_sink sink) = 0;

  /// Stops and joins the thread. Idempotent; after it returns the sink is
  /// never called again.
  virtual void stop() = 0;

  /// Asks for an active search now (M-SEARCH, a neighbour-table read).
  /// Passive sources ignore it. Thread-safe.
  virtual void refresh() {
    // nop
  }
};

/// Reads the profile behind a sighting whose profile is not inline. Blocks
/// for at most `timeout`; runs on an onboarding actor's own thread.
class profile_fetcher {
public:
  virtual ~profile_fetcher() = default;

  /// The profile, or ec::device_timeout (no answer in time),
  /// ec::device_bad_reply (malformed or oversized, with the reason) or
  /// ec::invalid_value (a locator this fetcher does not accept).
  virtual caf::expected<device_profile>
  fetch(const device_sighting& s, std::chrono::milliseconds timeout) = 0;
};

} // namespace kagami::protocols
