// Onboarding end to end in the netns factory lab (tools/kagami-lab): kagamid
// runs in the gateway namespace with the lab's design information
// (config/lab/site.json) and finds the devices itself, through HTIP, UPnP and
// the vendor database. Apps read them from the app namespace. The rogue and
// the spoofed device are refused; a firmware change is matched again; a
// restart keeps what was decided.
//
// The ground truth is the lab's own lab.json: which device is legitimate,
// where it is and how it announces itself.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocols/lldp_htip/lldp_builder.hpp"
#include "storage/device_registry.hpp"
#include "storage/rocksdb_store.hpp"
#include "storage/rogue_registry.hpp"
#include "tests/lab/lab_fixture.hpp"
#include "tests/lab/lab_gateway.hpp"
#include "tests/lab/wot_app_client.hpp"

using namespace std::chrono_literals;
using namespace kagami;
using kagami::lab::app_get;
using kagami::lab::eventually;
using kagami::lab::factory_lab;
using kagami::lab::listed_things;
using kagami::lab::shell_quote;

namespace {

class onboarding_lab : public kagami::lab::lab_test {
protected:
  /// Starts kagamid in the lab's gateway namespace; false if it never said
  /// READY.
  bool start_gateway(const factory_lab& lab) {
    return gateway_.start(lab);
  }

  /// Stops kagamid and returns its exit code.
  int stop_gateway() {
    return gateway_.stop();
  }

  /// Changes what a UPnP device announces, through its simulator.
  static void set_firmware(const factory_lab& lab, const std::string& device,
                           const std::string& firmware) {
    auto ip = lab.device(device)["ip"].get<std::string>();
    auto r = lab.exec(device, "curl -s -m 5 -o /dev/null -w '%{http_code}' -X PUT "
                                "-H 'Content-Type: application/json' -d "
                                + shell_quote(R"({"firmwareVersion":")" + firmware + "\"}")
                                + " http://" + ip + ":8082/sim/profile");
    ASSERT_EQ(r.out, "204") << r.err;
  }

  struct stored {
    std::map<std::string, storage::device_record> onboarded; // by identity
    std::map<std::string, storage::rogue_record> rogues;     // by identity
  };

  /// What kagamid persisted (it must be stopped: the store is locked).
  stored read_store() {
    stored out;
    auto db = storage::rocksdb_store::open(gateway_.data_dir());
    EXPECT_TRUE(db) << (db ? "" : to_string(db.error()));
    if (!db)
      return out;
    storage::device_registry devices{**db};
    auto recs = devices.load_onboarded();
    EXPECT_TRUE(recs);
    if (recs)
      for (auto& r : *recs)
        out.onboarded[r.onboarding->identity] = r;
    storage::rogue_registry rogues{**db};
    auto rs = rogues.load_all();
    EXPECT_TRUE(rs);
    if (rs)
      for (auto& r : *rs)
        out.rogues[r.identity] = r;
    return out;
  }

  /// The identity onboarding gives a lab device: MAC@IP on the gateway's
  /// own segment; behind the router the gateway cannot see the MAC.
  static std::string identity_of(const nlohmann::json& dev) {
    auto ip = dev["ip"].get<std::string>();
    if (ip.rfind("10.99.1.", 0) != 0)
      return "ip:" + ip;
    return dev["mac"].get<std::string>() + "@" + ip;
  }

  kagami::lab::lab_gateway gateway_{"onboarding-lab"};
};

/// The thing ids kagamid gives the legitimate lab devices.
const std::multiset<std::string> expected_things{
  "press-plc-1", "press-plc-2", "env-sensor-1", "line-camera-1", "line-camera-2", "plc-3"};

/// Sends raw Ethernet frames from the eth0 of a lab namespace (an AF_PACKET
/// socket opened by a thread that entered the namespace).
bool send_frames(const factory_lab& lab, const std::string& name,
                 const std::vector<std::vector<uint8_t>>& frames) {
  bool ok = false;
  std::thread t{[&] {
    int target = ::open(("/run/netns/" + lab.ns(name)).c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0)
      return;
    bool entered = ::unshare(CLONE_FS) == 0 && ::setns(target, CLONE_NEWNET) == 0;
    ::close(target);
    if (!entered)
      return;
    int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    int ifindex = static_cast<int>(if_nametoindex("eth0"));
    if (fd < 0 || ifindex == 0)
      return;
    ok = true;
    for (auto& frame : frames) {
      sockaddr_ll to{};
      to.sll_family = AF_PACKET;
      to.sll_ifindex = ifindex;
      to.sll_halen = 6;
      std::copy(frame.begin(), frame.begin() + 6, to.sll_addr);
      ok = ok
           && ::sendto(fd, frame.data(), frame.size(), 0,
                       reinterpret_cast<sockaddr*>(&to), sizeof to)
                == static_cast<ssize_t>(frame.size());
    }
    ::close(fd);
  }};
  t.join();
  return ok;
}

/// An HTIP announcement as a device would send it, with any MAC and address.
std::vector<uint8_t> forged_htip(const std::string& mac, std::array<uint8_t, 4> ip,
                                 std::string_view vendor, std::string_view product) {
  protocols::lldp_htip::htip_device_announcement a;
  for (size_t i = 0; i < 6; ++i)
    a.mac[i] = static_cast<uint8_t>(std::stoul(mac.substr(i * 3, 2), nullptr, 16));
  a.system_name = "forged";
  a.ipv4 = ip;
  a.manufacturer_code = vendor;
  a.model_name = product;
  a.model_number = "6.6";
  a.category = "PLC";
  return protocols::lldp_htip::build_htip_announcement(a);
}

} // namespace

TEST_F(onboarding_lab, admits_each_legitimate_device_once_and_refuses_rogue_and_spoofed) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  ASSERT_TRUE(start_gateway(lab));

  // 1. Every legitimate device becomes exactly one thing, and no more.
  ASSERT_TRUE(eventually([&] { return listed_things(lab) == expected_things; }, 60s))
    << "listed: " << nlohmann::json(listed_things(lab)).dump();
  std::this_thread::sleep_for(5s); // later sightings add nothing
  EXPECT_EQ(listed_things(lab), expected_things);

  // 2. Apps read them from the app namespace.
  for (auto& id : expected_things) {
    auto [status, body] = app_get(lab, "/things/" + id + "/properties");
    ASSERT_EQ(status, 200) << id << ": " << body;
    auto j = nlohmann::json::parse(body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << id << ": " << body;
    if (id.rfind("press-plc", 0) == 0 || id == "plc-3")
      EXPECT_EQ(j.value("setpoint", 0.0), 75.0) << id << ": " << body;
    else
      EXPECT_EQ(j.value("reportIntervalS", 0), 60) << id << ": " << body;
  }

  // 3. The gateway refuses the rogue and the spoofer itself, but not the
  //    legitimate owner of the spoofed MAC.
  auto ping = [&](const char* device) {
    auto ip = lab.device(device)["ip"].get<std::string>();
    return lab.exec("gw", "ping -c1 -W1 " + ip).exit_code == 0;
  };
  EXPECT_FALSE(ping("rogue-1"));
  EXPECT_FALSE(ping("spoof-1"));
  EXPECT_TRUE(ping("plc-3"));
  EXPECT_TRUE(ping("plc-1"));

  // 4. A firmware update inside the design's range is matched again and
  //    keeps the thing.
  ASSERT_NO_FATAL_FAILURE(set_firmware(lab, "upnp-1", "3.3.0"));
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(listed_things(lab), expected_things);
  ASSERT_EQ(stop_gateway(), 0);

  auto first = read_store();
  for (auto& dev : lab.truth()["devices"]) {
    auto name = dev["name"].get<std::string>();
    auto role = dev["role"].get<std::string>();
    auto identity = identity_of(dev);
    if (role == "legit") {
      ASSERT_EQ(first.onboarded.count(identity), 1u) << name << " (" << identity << ")";
      auto& rec = first.onboarded.at(identity);
      EXPECT_EQ(protocols::to_string(rec.onboarding->source),
                dev["discovery"].get<std::string>())
        << name << " was admitted through another discovery path";
      EXPECT_EQ(first.rogues.count(identity), 0u) << name;
    } else {
      EXPECT_EQ(first.onboarded.count(identity), 0u) << name << " was virtualized";
      ASSERT_EQ(first.rogues.count(identity), 1u) << name << " has no rogue record";
      auto& rogue = first.rogues.at(identity);
      EXPECT_EQ(rogue.mac, dev["mac"].get<std::string>()) << name;
      EXPECT_EQ(rogue.seen_on, "pcap:ot0") << name;
      ASSERT_TRUE(rogue.profile) << name;
      EXPECT_FALSE(rogue.reasons.empty()) << name;
    }
  }
  auto upnp1 = identity_of(lab.device("upnp-1"));
  EXPECT_EQ(first.onboarded.at(upnp1).onboarding->profile.firmware, "3.3.0")
    << "the new firmware was not matched again";
  EXPECT_NE(first.rogues.at(identity_of(lab.device("spoof-1"))).reasons.front().find(
              "02:99:00:00:00:15"),
            std::string::npos);
  EXPECT_NE(first.rogues.at(identity_of(lab.device("rogue-1"))).reasons.front().find("EVIL"),
            std::string::npos);

  // 5. A restart serves the admitted devices at once, from the store.
  ASSERT_TRUE(start_gateway(lab));
  EXPECT_EQ(listed_things(lab), expected_things);
  auto camera = first.onboarded.at(upnp1).device.id;
  EXPECT_EQ(app_get(lab, "/things/" + camera + "/properties").first, 200);

  // 6. A firmware outside the design's range withdraws the thing: apps get
  //    503 with the reason, and the device becomes a rogue.
  ASSERT_NO_FATAL_FAILURE(set_firmware(lab, "upnp-1", "9.9.9"));
  ASSERT_TRUE(eventually([&] {
    return app_get(lab, "/things/" + camera + "/properties").first == 503;
  }, 30s));
  auto [status, body] = app_get(lab, "/things/" + camera + "/properties");
  EXPECT_NE(body.find("no longer matches the design information"), std::string::npos)
    << body;
  // Apps learn nothing of the device itself: not its firmware, not its vendor.
  EXPECT_EQ(body.find("9.9.9"), std::string::npos) << body;
  EXPECT_EQ(body.find("Kagami Sim Works"), std::string::npos) << body;
  auto rest = expected_things;
  rest.erase(camera);
  EXPECT_EQ(listed_things(lab), rest);
  EXPECT_FALSE(ping("upnp-1"));
  ASSERT_EQ(stop_gateway(), 0);

  // 7. After another restart the decisions stand: the admitted devices come
  //    back, every rogue record remains, the withdrawn camera stays out.
  auto second = read_store();
  EXPECT_EQ(second.onboarded.count(upnp1), 0u);
  ASSERT_EQ(second.rogues.count(upnp1), 1u);
  EXPECT_EQ(second.rogues.at(upnp1).withdrawn_thing, camera);
  ASSERT_TRUE(second.rogues.at(upnp1).profile);
  EXPECT_EQ(second.rogues.at(upnp1).profile->firmware, "9.9.9");
  EXPECT_NE(second.rogues.at(upnp1).reasons.front().find("firmware 9.9.9"),
            std::string::npos);
  ASSERT_TRUE(start_gateway(lab));
  EXPECT_EQ(listed_things(lab), rest);
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(listed_things(lab), rest);
  EXPECT_FALSE(ping("rogue-1"));
  EXPECT_FALSE(ping("upnp-1"));
  ASSERT_EQ(stop_gateway(), 0);
  auto third = read_store();
  for (auto& [identity, rogue] : second.rogues)
    EXPECT_EQ(third.rogues.count(identity), 1u) << identity;
  EXPECT_EQ(third.onboarded.size(), second.onboarded.size());
}

TEST_F(onboarding_lab, forged_announcements_take_no_device_away_and_refuse_nothing_legitimate) {
  factory_lab lab;
  ASSERT_TRUE(lab.is_up()) << lab.up_result().out << lab.up_result().err;
  ASSERT_TRUE(start_gateway(lab));
  ASSERT_TRUE(eventually([&] { return listed_things(lab) == expected_things; }, 60s))
    << "listed: " << nlohmann::json(listed_things(lab)).dump();
  for (auto& id : expected_things)
    ASSERT_EQ(app_get(lab, "/things/" + id + "/properties").first, 200) << id;

  // From the attacker's port, for longer than the confirmation time (12 s):
  // - plc-1's own MAC and address with a refused profile (a forged change);
  // - the attacker's MAC with plc-2's address (taking plc-2's address);
  // - the attacker's MAC with the app host's address (a blackhole attempt).
  auto plc1_mac = lab.device("plc-1")["mac"].get<std::string>();
  auto atk_mac = lab.truth()["attacker"]["mac"].get<std::string>();
  std::vector<std::vector<uint8_t>> frames{
    forged_htip(plc1_mac, {10, 99, 1, 11}, "EVILCO", "X-1000"),
    forged_htip(atk_mac, {10, 99, 1, 12}, "EVILCO", "X-1000"),
    forged_htip(atk_mac, {10, 99, 100, 2}, "KAGAMI", "KS-PLC900")};
  auto end = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < end) {
    ASSERT_TRUE(send_frames(lab, "atk", frames));
    std::this_thread::sleep_for(1s);
  }

  // Every device is still served and answers; nothing legitimate is refused.
  // The forged frames also taught sw1 that plc-1's MAC sits on the
  // attacker's port (the switch's MAC table is poisoned, which no gateway
  // can prevent), so plc-1 answers again once it sent a frame of its own:
  // its LLDP goes out every 5 s.
  EXPECT_EQ(listed_things(lab), expected_things);
  for (auto& id : expected_things)
    EXPECT_TRUE(eventually(
      [&] { return app_get(lab, "/things/" + id + "/properties").first == 200; }, 12s))
      << id;
  auto refused = lab.exec("gw", "nft list set inet kagami refused_v4; "
                                "nft list set inet kagami refused_mac");
  for (auto* kept : {"10.99.1.11", "10.99.1.12", "10.99.100.2",
                     "02:99:00:00:00:11", "02:99:00:00:00:12"})
    EXPECT_EQ(refused.out.find(kept), std::string::npos) << kept << " was refused:\n"
                                                          << refused.out;
  ASSERT_EQ(stop_gateway(), 0);
  auto store = read_store();
  EXPECT_EQ(store.onboarded.count(identity_of(lab.device("plc-1"))), 1u);
  EXPECT_EQ(store.onboarded.count(identity_of(lab.device("plc-2"))), 1u);
}
