#include "protocols/ble/bluez_discovery.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <optional>
#include <set>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include "actors/core/error.hpp"
#include "protocols/ble/bluez_objects.hpp"
#include "protocols/ble/bus_connection.hpp"
#include "protocols/discovery/internal_error.hpp"

namespace kagami::protocols::ble {

namespace {

/// The Device1 properties a sighting is built from; the cache keeps only these.
/// Connected is not part of the sighting; it is reported as a link.
const std::set<std::string> used_properties{"Address", "ServicesResolved",
                                            "UUIDs", "Connected"};

const std::string root_source = "org.bluez /";

bool is_absent_service(const sdbus::Error& e) {
  return e.getName() == "org.freedesktop.DBus.Error.ServiceUnknown"
         || e.getName() == "org.freedesktop.DBus.Error.NameHasNoOwner";
}

} // namespace

/// Everything the source's thread owns. Only `stopping_`, `refresh_wanted_`
/// and the eventfd are touched by other threads.
struct bluez_discovery::loop {
  using clock = std::chrono::steady_clock;

  struct tracked {
    property_map props;      ///< Only used_properties.
    std::string fingerprint; ///< Of the last sighting; "" after a rejection.
    /// The last sighting delivered, for the rematch; empty after a rejection.
    std::optional<device_sighting> last;
    clock::time_point reported; ///< When `last` was delivered.
    bool connected = false;     ///< Connected as last reported to sink.link.
  };

  ble_config cfg;
  discovery_sink sink;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  std::atomic<bool> refresh_wanted{false};

  std::unique_ptr<sdbus::IConnection> conn;
  std::unique_ptr<sdbus::IProxy> root;
  sdbus::Slot properties_slot;
  sdbus::Slot owner_slot;
  std::map<std::string, tracked> devices;
  uint64_t list_generation = 0;
  internal_error_reporter internal_errors{discovery_kind::ble, root_source};

  explicit loop(ble_config c) : cfg(std::move(c)) {
    wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  }

  ~loop() {
    drop_connection();
    if (wake_fd >= 0)
      close(wake_fd);
  }

  void wake() {
    uint64_t one = 1;
    [[maybe_unused]] auto n = write(wake_fd, &one, sizeof(one));
  }

  void drain_wake() {
    uint64_t v;
    [[maybe_unused]] auto n = read(wake_fd, &v, sizeof(v));
  }

  /// Never throws: a throwing sink becomes an internal error.
  void reject(const std::string& from, std::string reason) noexcept {
    if (!sink.rejected)
      return;
    try {
      sink.rejected(discovery_kind::ble, bounded_for_log(from), std::move(reason));
    } catch (...) {
      internal_errors.report(sink);
    }
  }

  /// Runs a D-Bus callback: nothing may unwind into sd-bus's C frames.
  template <class F>
  void guarded(F&& f) noexcept {
    try {
      f();
    } catch (...) {
      internal_errors.report(sink);
    }
  }

  /// Hands `s` to the sink and makes it the device's last report. Only a
  /// delivery that returned records the fingerprint, so one that threw is
  /// made again at the next listing or change, or at the rematch.
  void deliver(tracked& entry, device_sighting s) noexcept {
    try {
      entry.last = s;
      entry.reported = clock::now();
      if (sink.seen)
        sink.seen(std::move(s));
      entry.fingerprint = entry.last->fingerprint;
    } catch (...) {
      internal_errors.report(sink);
    }
  }

  /// Reports again every valid device whose last report is rematch_interval
  /// old; returns the time until the next one is due (or -1 ms: none).
  std::chrono::milliseconds rematch_due() noexcept {
    if (cfg.rematch_interval.count() <= 0)
      return std::chrono::milliseconds{-1};
    auto now = clock::now();
    auto next = clock::time_point::max();
    for (auto& [path, entry] : devices) {
      if (stopping)
        break;
      if (!entry.last)
        continue;
      if (now - entry.reported >= cfg.rematch_interval) {
        try {
          deliver(entry, *entry.last);
        } catch (...) {
          internal_errors.report(sink); // the copy's std::bad_alloc
          entry.reported = now;         // retry an interval later
        }
      }
      next = std::min(next, entry.reported + cfg.rematch_interval);
    }
    if (next == clock::time_point::max())
      return std::chrono::milliseconds{-1};
    return std::chrono::ceil<std::chrono::milliseconds>(
      std::max(next - now, clock::duration::zero()));
  }

  void drop_connection() {
    root.reset();
    properties_slot.reset();
    owner_slot.reset();
    conn.reset();
  }

  /// Opens the bus and subscribes; an error leaves no connection behind.
  caf::error connect() {
    auto c = open_bus(cfg.bus_address);
    if (!c)
      return std::move(c.error());
    conn = std::move(*c);
    try {
      root = sdbus::createProxy(*conn, bluez_service, "/");
      root->registerSignalHandler(object_manager_interface, "InterfacesAdded",
                                  [this](sdbus::Signal& s) {
                                    guarded([&] { on_added(s); });
                                  });
      root->registerSignalHandler(object_manager_interface, "InterfacesRemoved",
                                  [this](sdbus::Signal& s) {
                                    guarded([&] { on_removed(s); });
                                  });
      root->finishRegistration();
      properties_slot = conn->addMatch(
        "type='signal',sender='org.bluez',"
        "interface='org.freedesktop.DBus.Properties',"
        "member='PropertiesChanged',path_namespace='/org/bluez',"
        "arg0='org.bluez.Device1'",
        [this](sdbus::Message& m) { guarded([&] { on_properties_changed(m); }); });
      owner_slot = conn->addMatch(
        "type='signal',sender='org.freedesktop.DBus',"
        "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='org.bluez'",
        [this](sdbus::Message& m) { guarded([&] { on_owner_changed(m); }); });
    } catch (const sdbus::Error& e) {
      drop_connection();
      return make_error(ec::unavailable, "cannot subscribe to BlueZ signals: "
                                           + e.getName() + ": "
                                           + e.getMessage());
    }
    list_objects();
    return caf::none;
  }

  /// Asks for GetManagedObjects; the reply arrives in the loop.
  void list_objects() {
    if (!root)
      return;
    auto gen = ++list_generation;
    try {
      auto call = root->createMethodCall(object_manager_interface,
                                         "GetManagedObjects");
      root->callMethod(
        call,
        [this, gen](sdbus::MethodReply& reply, const sdbus::Error* err) {
          guarded([&] { on_listed(reply, err, gen); });
        },
        cfg.call_timeout);
    } catch (const sdbus::Error& e) {
      reject(root_source, "GetManagedObjects not sent: " + e.getMessage());
    }
  }

  void on_listed(sdbus::MethodReply& reply, const sdbus::Error* err,
                 uint64_t gen) {
    if (gen != list_generation || stopping)
      return; // a newer listing is under way
    if (err) {
      if (!is_absent_service(*err))
        reject(root_source, "GetManagedObjects failed: " + err->getName()
                              + ": " + bounded_for_log(err->getMessage()));
      return; // BlueZ absent: NameOwnerChanged will bring it
    }
    try {
      auto objects = read_managed_objects(reply, cfg.limits);
      if (!objects) {
        reject(root_source, detail_of(objects.error()));
        return;
      }
      std::set<std::string> present;
      for (auto& [path, interfaces] : *objects) {
        auto i = interfaces.find(device_interface);
        if (i == interfaces.end())
          continue;
        present.insert(path);
        update_device(path, i->second);
      }
      for (auto i = devices.begin(); i != devices.end();) {
        if (present.count(i->first) == 0)
          i = devices.erase(i);
        else
          ++i;
      }
    } catch (const std::exception& e) {
      reject(root_source, std::string{"GetManagedObjects reply: "} + e.what());
    }
  }

  void on_added(sdbus::Signal& s) {
    try {
      sdbus::ObjectPath path;
      interface_map interfaces;
      s >> path >> interfaces;
      auto i = interfaces.find(device_interface);
      if (i != interfaces.end())
        update_device(path, i->second);
    } catch (const sdbus::Error& e) {
      reject(root_source, "InterfacesAdded is not (oa{sa{sv}}): "
                            + e.getMessage());
    } catch (const std::exception& e) {
      reject(root_source, std::string{"InterfacesAdded: "} + e.what());
    }
  }

  void on_removed(sdbus::Signal& s) {
    try {
      sdbus::ObjectPath path;
      std::vector<std::string> interfaces;
      s >> path >> interfaces;
      for (auto& name : interfaces)
        if (name == device_interface)
          devices.erase(path);
    } catch (const sdbus::Error& e) {
      reject(root_source, "InterfacesRemoved is not (oas): " + e.getMessage());
    }
  }

  void on_properties_changed(sdbus::Message& m) {
    std::string path;
    try {
      path = m.getPath();
      auto i = devices.find(path);
      if (i == devices.end())
        return; // not a device we track (or one we never listed)
      std::string interface;
      property_map changed;
      std::vector<std::string> invalidated;
      m >> interface >> changed >> invalidated;
      if (interface != device_interface)
        return;
      auto props = i->second.props;
      for (auto& name : invalidated)
        props.erase(name);
      for (auto& [name, value] : changed)
        if (used_properties.count(name) > 0)
          props[name] = value;
      update_device(path, props);
    } catch (const sdbus::Error& e) {
      reject(path.empty() ? root_source : path,
             "PropertiesChanged is not (sa{sv}as): " + e.getMessage());
    } catch (const std::exception& e) {
      reject(path.empty() ? root_source : path,
             std::string{"PropertiesChanged: "} + e.what());
    }
  }

  void on_owner_changed(sdbus::Message& m) {
    try {
      std::string name, old_owner, new_owner;
      m >> name >> old_owner >> new_owner;
      if (name != bluez_service)
        return;
      devices.clear(); // a restarted BlueZ starts from nothing
      if (!new_owner.empty())
        list_objects();
    } catch (const sdbus::Error&) {
      // The bus daemon itself sent it; a malformed one is ignored.
    }
  }

  /// Checks a Device1 (its full property set, or the cached one merged with
  /// a PropertiesChanged) and reports it when its fingerprint changed.
  void update_device(const std::string& path, const property_map& all) {
    if (!is_object_path(path, cfg.limits.max_path)) {
      reject(path, "Device1 object path longer than "
                     + std::to_string(cfg.limits.max_path) + " bytes");
      return;
    }
    auto known = devices.find(path);
    if (known == devices.end() && devices.size() >= cfg.limits.max_devices) {
      reject(path, "more than " + std::to_string(cfg.limits.max_devices)
                     + " BLE devices; this one is ignored");
      return;
    }
    property_map props;
    for (auto& [name, value] : all)
      if (used_properties.count(name) > 0)
        props.emplace(name, value);
    auto& entry = known != devices.end() ? known->second : devices[path];
    entry.props = props;
    auto dev = read_device(path, props, cfg.limits);
    if (!dev) {
      entry.fingerprint.clear();
      entry.last.reset();
      reject(path, std::string{device_interface} + ": "
                     + detail_of(dev.error()));
      return;
    }
    if (dev->connected != entry.connected) {
      entry.connected = dev->connected;
      if (sink.link)
        sink.link(dev->address, "bluez:" + path, dev->connected);
    }
    auto fp = device_fingerprint(dev->address, dev->services_resolved,
                                 dev->uuids);
    if (fp == entry.fingerprint)
      return;
    device_sighting s;
    s.source = discovery_kind::ble;
    s.mac = dev->address;
    s.seen_on = "bluez:" + path;
    s.locator = path;
    s.fingerprint = std::move(fp);
    deliver(entry, std::move(s));
  }

  /// Waits up to `ms` for the wake fd; false when stopping.
  bool pause(int ms) {
    pollfd p{wake_fd, POLLIN, 0};
    poll(&p, 1, ms);
    drain_wake();
    return !stopping;
  }

  void run() noexcept {
    while (!stopping) {
      try {
        if (!conn) {
          if (connect()) {
            if (!pause(1000))
              return;
            continue;
          }
        }
        while (!stopping) {
          if (refresh_wanted.exchange(false))
            list_objects();
          while (!stopping && conn->processPendingRequest()) {
            // dispatch everything that is queued
          }
          if (stopping)
            break;
          auto until_rematch = rematch_due();
          auto pd = conn->getEventLoopPollData();
          int timeout = pd.getPollTimeout();
          if (until_rematch.count() >= 0
              && (timeout < 0 || until_rematch.count() < timeout))
            timeout = static_cast<int>(std::min<int64_t>(until_rematch.count(), 60'000));
          pollfd fds[2] = {{pd.fd, pd.events, 0}, {wake_fd, POLLIN, 0}};
          poll(fds, 2, timeout);
          if (fds[1].revents & POLLIN)
            drain_wake();
        }
      } catch (const std::exception& e) {
        // The bus went away (or sd-bus failed): start over after a pause.
        reject(root_source, std::string{"D-Bus connection lost: "} + e.what());
        drop_connection();
        devices.clear();
        if (!pause(1000))
          return;
      } catch (...) {
        internal_errors.report(sink);
        drop_connection();
        devices.clear();
        if (!pause(1000))
          return;
      }
    }
  }
};

bluez_discovery::bluez_discovery(ble_config cfg) : cfg_(std::move(cfg)) {
  // nop
}

bluez_discovery::~bluez_discovery() {
  stop();
  loop_.reset();
}

caf::error bluez_discovery::start(discovery_sink sink) {
  if (started_)
    return make_error(ec::internal, "bluez_discovery started twice");
  if (cfg_.rematch_interval.count() < 0)
    return make_error(ec::invalid_value, "bluez_discovery: negative rematch_interval");
  started_ = true;
  loop_ = std::make_unique<loop>(cfg_);
  if (loop_->wake_fd < 0)
    return make_error(ec::unavailable, "eventfd failed");
  loop_->sink = std::move(sink);
  std::promise<caf::error> opened;
  auto result = opened.get_future();
  auto* l = loop_.get();
  thread_ = std::thread{[l, opened = std::move(opened)]() mutable {
    caf::error err;
    try {
      err = l->connect();
    } catch (...) {
      l->drop_connection();
      err = make_error(ec::unavailable,
                       "cannot open the bus: internal error: "
                         + describe_exception(std::current_exception()));
    }
    bool ok = !err;
    opened.set_value(std::move(err));
    if (ok)
      l->run();
  }};
  auto err = result.get();
  if (err) {
    thread_.join();
    loop_.reset();
  }
  return err;
}

void bluez_discovery::stop() {
  if (!loop_)
    return;
  loop_->stopping = true;
  loop_->wake();
  if (thread_.joinable())
    thread_.join();
  // loop_ lives until the destructor, so a late refresh() stays harmless.
}

void bluez_discovery::refresh() {
  // Only atomics and the eventfd; loop_ is set before start() returns and
  // lives until the destructor.
  if (auto* l = loop_.get()) {
    l->refresh_wanted = true;
    l->wake();
  }
}

} // namespace kagami::protocols::ble
