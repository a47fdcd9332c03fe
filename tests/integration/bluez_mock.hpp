#pragma once

// Test fixture: BlueZ as python3-dbusmock (template bluez5) on a private
// dbus-daemon, plus the GATT Device Information Service objects the template
// lacks. Everything runs as the test user; nothing touches the system bus.
//
// The mock is driven over D-Bus with sdbus-c++: org.bluez.Mock.AddAdapter /
// AddDevice (which emit InterfacesAdded themselves), and
// org.freedesktop.DBus.Mock.AddObject + EmitSignal for everything else
// (AddObject emits nothing). Linux only; needs /usr/bin/dbus-daemon and
// /usr/bin/python3 with dbusmock.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>

namespace kagami::test {

class bluez_mock {
public:
  using properties = std::map<std::string, sdbus::Variant>;
  /// (name, in signature, out signature, python code) as dbusmock wants it.
  using method = sdbus::Struct<std::string, std::string, std::string, std::string>;

  bluez_mock() = default;
  bluez_mock(const bluez_mock&) = delete;
  bluez_mock& operator=(const bluez_mock&) = delete;
  ~bluez_mock() { shut_down(); }

  /// Starts dbus-daemon and the mock; "" on success, else the reason.
  std::string start() {
    char tmpl[] = "/tmp/kagami-bluez-XXXXXX";
    if (!mkdtemp(tmpl))
      return "mkdtemp failed";
    dir_ = tmpl;
    address_ = "unix:path=" + dir_ + "/bus";
    int out[2];
    if (pipe(out) != 0)
      return "pipe failed";
    daemon_ = spawn({"/usr/bin/dbus-daemon",
                     "--config-file=/usr/share/dbus-1/session.conf",
                     "--address=" + address_, "--print-address", "--nofork"},
                    {}, out[1]);
    close(out[1]);
    auto line = read_line(out[0], std::chrono::seconds(10));
    close(out[0]);
    if (line.find("unix:path=") == std::string::npos)
      return "dbus-daemon did not print its address";
    mock_ = spawn({"/usr/bin/python3", "-m", "dbusmock", "--template", "bluez5",
                   "--session"},
                  {"DBUS_SESSION_BUS_ADDRESS=" + address_}, -1);
    try {
      conn_ = sdbus::createSessionBusConnectionWithAddress(address_);
      auto bus = sdbus::createProxy(*conn_, "org.freedesktop.DBus",
                                    "/org/freedesktop/DBus");
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
      for (;;) {
        bool has = false;
        bus->callMethod("NameHasOwner")
          .onInterface("org.freedesktop.DBus")
          .withArguments(std::string{"org.bluez"})
          .storeResultsTo(has);
        if (has)
          break;
        if (std::chrono::steady_clock::now() > deadline)
          return "dbusmock did not claim org.bluez";
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      root_ = sdbus::createProxy(*conn_, "org.bluez", "/");
    } catch (const sdbus::Error& e) {
      return "cannot reach the private bus: " + e.getMessage();
    }
    return "";
  }

  /// The private bus, for ble_config::bus_address.
  const std::string& address() const { return address_; }

  /// org.bluez.Mock.AddAdapter; returns the adapter path.
  std::string add_adapter(const std::string& name = "hci0") {
    std::string path;
    root_->callMethod("AddAdapter")
      .onInterface("org.bluez.Mock")
      .withArguments(name, std::string{"kagami-test"})
      .storeResultsTo(path);
    return path;
  }

  /// org.bluez.Mock.AddDevice (emits InterfacesAdded); returns its path.
  std::string add_device(const std::string& address,
                         const std::string& adapter = "hci0") {
    std::string path;
    root_->callMethod("AddDevice")
      .onInterface("org.bluez.Mock")
      .withArguments(adapter, address, std::string{"sensor"})
      .storeResultsTo(path);
    return path;
  }

  /// AddObject, then InterfacesAdded for it unless `announce` is false.
  void add_object(const std::string& path, const std::string& interface,
                  const properties& props, const std::vector<method>& methods,
                  bool announce = true) {
    root_->callMethod("AddObject")
      .onInterface("org.freedesktop.DBus.Mock")
      .withArguments(path, interface, props, methods);
    if (announce)
      emit_interfaces_added(path, interface, props);
  }

  void emit_interfaces_added(const std::string& path,
                             const std::string& interface,
                             const properties& props) {
    std::map<std::string, properties> ifaces{{interface, props}};
    std::vector<sdbus::Variant> args{sdbus::Variant{sdbus::ObjectPath{path}},
                                     sdbus::Variant{ifaces}};
    root_->callMethod("EmitSignal")
      .onInterface("org.freedesktop.DBus.Mock")
      .withArguments(std::string{"org.freedesktop.DBus.ObjectManager"},
                     std::string{"InterfacesAdded"},
                     std::string{"oa{sa{sv}}"}, args);
  }

  /// org.freedesktop.DBus.Properties.Set on a mock object (emits
  /// PropertiesChanged).
  void set_property(const std::string& path, const std::string& interface,
                    const std::string& name, const sdbus::Variant& value) {
    auto obj = sdbus::createProxy(*conn_, "org.bluez", path);
    obj->callMethod("Set")
      .onInterface("org.freedesktop.DBus.Properties")
      .withArguments(interface, name, value);
  }

  /// A ReadValue(a{sv}) → ay method returning `bytes`.
  static method read_value(const std::string& bytes) {
    return method{"ReadValue", "a{sv}", "ay",
                  "ret = bytes.fromhex('" + hex(bytes) + "')"};
  }

  /// Adds a GattService1 with `service_uuid` to `device_path` and one
  /// GattCharacteristic1 per (uuid, method) pair, BlueZ-style paths, each
  /// announced with InterfacesAdded. Returns the service path.
  std::string add_gatt_service(
    const std::string& device_path, const std::string& service_uuid,
    const std::vector<std::pair<std::string, method>>& characteristics,
    int handle = 0x0a) {
    char svc[16];
    std::snprintf(svc, sizeof(svc), "/service%04x", handle);
    auto service_path = device_path + svc;
    add_object(service_path, "org.bluez.GattService1",
               {{"UUID", sdbus::Variant{service_uuid}},
                {"Device", sdbus::Variant{sdbus::ObjectPath{device_path}}},
                {"Primary", sdbus::Variant{true}}},
               {});
    int h = handle;
    for (auto& [uuid, m] : characteristics) {
      char chr[16];
      std::snprintf(chr, sizeof(chr), "/char%04x", ++h);
      add_object(service_path + chr, "org.bluez.GattCharacteristic1",
                 {{"UUID", sdbus::Variant{uuid}},
                  {"Service", sdbus::Variant{sdbus::ObjectPath{service_path}}},
                  {"Flags", sdbus::Variant{std::vector<std::string>{"read"}}}},
                 {m});
    }
    return service_path;
  }

  /// The full 128-bit form of a 16-bit SIG UUID ("2a29").
  static std::string sig_uuid(const std::string& short_uuid) {
    return "0000" + short_uuid + "-0000-1000-8000-00805f9b34fb";
  }

  /// A Device Information Service with the five characteristics a profile
  /// is read from, each returning the given raw bytes.
  std::string add_dis(const std::string& device_path,
                      const std::string& manufacturer, const std::string& model,
                      const std::string& serial, const std::string& firmware,
                      const std::string& hardware) {
    return add_gatt_service(device_path, sig_uuid("180a"),
                            {{sig_uuid("2a29"), read_value(manufacturer)},
                             {sig_uuid("2a24"), read_value(model)},
                             {sig_uuid("2a25"), read_value(serial)},
                             {sig_uuid("2a26"), read_value(firmware)},
                             {sig_uuid("2a27"), read_value(hardware)}});
  }

  /// Stops the mock and the bus daemon and removes the socket directory.
  void shut_down() {
    root_.reset();
    conn_.reset();
    stop(mock_);
    stop(daemon_);
    if (!dir_.empty()) {
      ::unlink((dir_ + "/bus").c_str());
      ::rmdir(dir_.c_str());
      dir_.clear();
    }
  }

private:
  static std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
      out += digits[c >> 4];
      out += digits[c & 15];
    }
    return out;
  }

  static pid_t spawn(const std::vector<std::string>& argv,
                     const std::vector<std::string>& extra_env, int out_fd) {
    // Build everything before fork(): the child only dups and execs.
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view entry{*e};
      bool replaced = false;
      for (auto& kv : extra_env)
        replaced |= entry.substr(0, entry.find('=') + 1)
                    == std::string_view{kv}.substr(0, kv.find('=') + 1);
      if (!replaced)
        env.push_back(*e);
    }
    for (auto& kv : extra_env)
      env.push_back(const_cast<char*>(kv.c_str()));
    env.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      if (out_fd >= 0) {
        dup2(out_fd, STDOUT_FILENO);
      } else { // dbusmock logs every call on stdout
        int null_fd = open("/dev/null", O_WRONLY);
        dup2(null_fd, STDOUT_FILENO);
      }
      execve(args[0], args.data(), env.data());
      _exit(127);
    }
    return pid;
  }

  static std::string read_line(int fd, std::chrono::milliseconds timeout) {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0)
        continue;
      char c;
      if (read(fd, &c, 1) <= 0 || c == '\n')
        break;
      line += c;
    }
    return line;
  }

  static void stop(pid_t& pid) {
    if (pid <= 0)
      return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 300; ++i) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }

  std::string dir_;
  std::string address_;
  pid_t daemon_ = -1;
  pid_t mock_ = -1;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::unique_ptr<sdbus::IProxy> root_;
};

} // namespace kagami::test
