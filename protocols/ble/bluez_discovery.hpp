#pragma once

// Discovery of BLE devices through BlueZ over D-Bus (sdbus-c++).

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "protocols/ble/ble_activity.hpp"
#include "protocols/ble/ble_values.hpp"
#include "protocols/discovery/discovery.hpp"

namespace kagami::protocols::ble {

/// Where and how bluez_discovery and ble_dis_fetcher reach BlueZ.
struct ble_config {
  /// "system" (bluetoothd's bus), "session", or a D-Bus address such as
  /// "unix:path=/tmp/x/bus" (a private bus in tests).
  std::string bus_address = "system";
  ble_limits limits;
  /// The longest wait for one BlueZ reply (GetManagedObjects) in discovery.
  std::chrono::milliseconds call_timeout{5000};
  /// Discovery reports every tracked, valid device again this long after
  /// its last report, unchanged, so that onboarding re-reads and re-matches
  /// what the fingerprint does not cover (a DIS firmware change). Zero:
  /// never; negative: start() fails.
  std::chrono::milliseconds rematch_interval{300'000};
  /// Where the GATT adapters and the DIS fetcher note that the gateway is
  /// about to talk to a device (a link coming up without that is not the
  /// gateway's doing). May be null.
  std::shared_ptr<ble_activity> activity;
};

/// A discovery_source of kind ble. Its thread owns one D-Bus connection and
/// runs its event loop: it lists org.bluez's objects (GetManagedObjects on
/// "/"), then follows InterfacesAdded, InterfacesRemoved and
/// PropertiesChanged, and lists again whenever org.bluez gets a new owner.
///
/// Each org.bluez.Device1 becomes a device_sighting {source ble, mac = its
/// Address in lower case, address "", seen_on "bluez:<path>", locator =
/// <path>, fingerprint over (Address, ServicesResolved, UUIDs)}. A device is
/// reported when first seen, again whenever its fingerprint changes (so
/// ServicesResolved becoming true re-reports it), and again, unchanged,
/// every cfg.rematch_interval after its last report (the DIS values are not
/// in the fingerprint: onboarding reads them anew). When a tracked device's
/// Connected turns true or false (a device first seen connected counts as
/// turning true), sink.link(address, "bluez:<path>", connected) is called,
/// if set.
///
/// A Device1 whose properties have the wrong D-Bus type or size, a reply or
/// signal that does not decode, and objects beyond limits.max_objects or
/// limits.max_devices are reported through sink.rejected(ble, <object path or
/// "org.bluez /">, reason) and never reported as seen. Nothing throws out of
/// the thread: an exception from the sink or the thread's own work
/// (std::bad_alloc) is reported as sink.rejected(ble, "org.bluez /",
/// "internal error: ...") at most every 10 s; a sighting whose delivery
/// threw is delivered again at the next change, listing or rematch.
class bluez_discovery final : public discovery_source {
public:
  explicit bluez_discovery(ble_config cfg);
  ~bluez_discovery() override;

  bluez_discovery(const bluez_discovery&) = delete;
  bluez_discovery& operator=(const bluez_discovery&) = delete;

  discovery_kind kind() const override {
    return discovery_kind::ble;
  }

  /// Opens the bus on the new thread and returns once it is open. Fails with
  /// ec::unavailable when the bus cannot be reached, ec::invalid_value for a
  /// malformed bus address or a negative rematch_interval, ec::internal when
  /// called twice. BlueZ itself need
  /// not run yet: the source waits for org.bluez to appear.
  caf::error start(discovery_sink sink) override;

  /// Wakes the loop, joins the thread. Idempotent; returns within one
  /// dispatch of a message.
  void stop() override;

  /// Lists org.bluez's objects again (reports only what changed). Thread-safe.
  void refresh() override;

private:
  struct loop;
  ble_config cfg_;
  std::unique_ptr<loop> loop_;
  std::thread thread_;
  bool started_ = false;
};

} // namespace kagami::protocols::ble
