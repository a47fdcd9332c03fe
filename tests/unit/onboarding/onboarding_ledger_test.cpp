// The onboarding ledger's decisions, table by table: what happens to a
// device for each (history, sighting, match) combination.

#include "actors/onboarding/onboarding_ledger.hpp"

#include <gtest/gtest.h>

using namespace kagami;
using namespace kagami::onboarding;
using namespace std::chrono_literals;
using protocols::device_profile;
using protocols::device_sighting;
using protocols::discovery_kind;
using kind = onboarding_decision::kind;

namespace {

const clock::time_point t0 = clock::time_point{} + 1000h;

device_sighting sighting(std::string mac, std::string address,
                         std::string fingerprint = "f1",
                         discovery_kind source = discovery_kind::htip) {
  device_sighting s;
  s.source = source;
  s.mac = std::move(mac);
  s.address = std::move(address);
  s.seen_on = "pcap:ot0";
  s.fingerprint = std::move(fingerprint);
  return s;
}

device_profile profile(std::string product, std::string firmware = "1.0") {
  device_profile p;
  p.vendor = "KAGAMI";
  p.product = std::move(product);
  p.firmware = std::move(firmware);
  return p;
}

match_summary allowed(std::string entry, std::string fixed = "") {
  return {true, std::move(entry), std::move(fixed), ""};
}

match_summary refused(std::string why) {
  return {false, "", "", std::move(why)};
}

/// Runs begin + decide as the supervisor does.
onboarding_decision onboard(onboarding_ledger& l, const device_sighting& s,
                            const device_profile& p, const match_summary& m,
                            clock::time_point now = t0) {
  EXPECT_TRUE(l.begin(s, now)) << "the sighting was not due for onboarding";
  return l.decide(s, s.mac, p, m, now);
}

} // namespace

TEST(identity, is_mac_at_address_or_the_address_alone) {
  EXPECT_EQ(identity_of(sighting("02:99:00:00:00:11", "10.99.1.11")),
            "02:99:00:00:00:11@10.99.1.11");
  EXPECT_EQ(identity_of(sighting("", "10.99.2.11")), "ip:10.99.2.11");
  EXPECT_EQ(identity_of(sighting("aa:bb:cc:dd:ee:ff", "")), "aa:bb:cc:dd:ee:ff");
}

TEST(onboarding_ledger, a_new_matching_device_is_admitted_with_an_allocated_id) {
  onboarding_ledger l;
  auto d = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11"),
                   profile("KS-PLC200"), allowed("press-plc"));
  EXPECT_EQ(d.what, kind::admit);
  EXPECT_EQ(d.device.thing_id, "press-plc-1");
  EXPECT_EQ(d.device.address, "10.99.1.11");
  auto d2 = onboard(l, sighting("02:99:00:00:00:12", "10.99.1.12"),
                    profile("KS-PLC200"), allowed("press-plc"));
  EXPECT_EQ(d2.what, kind::admit);
  EXPECT_EQ(d2.device.thing_id, "press-plc-2");
  EXPECT_EQ(l.admitted().size(), 2u);
}

TEST(onboarding_ledger, a_fixed_thing_id_is_used_and_never_given_twice) {
  onboarding_ledger l;
  auto a = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11"),
                   profile("KS-PLC200"), allowed("press", "press-1"));
  EXPECT_EQ(a.what, kind::admit);
  EXPECT_EQ(a.device.thing_id, "press-1");
  auto b = onboard(l, sighting("02:99:00:00:00:12", "10.99.1.12"),
                   profile("KS-PLC200"), allowed("press", "press-1"));
  EXPECT_EQ(b.what, kind::refuse);
  EXPECT_NE(b.reason.find("already serves"), std::string::npos) << b.reason;
}

TEST(onboarding_ledger, reserved_ids_are_skipped) {
  onboarding_ledger l;
  l.reserve("plc-1");
  auto d = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11"),
                   profile("KS-PLC200"), allowed("plc"));
  EXPECT_EQ(d.device.thing_id, "plc-2");
}

TEST(onboarding_ledger, the_same_sighting_is_not_onboarded_again_until_due) {
  onboarding_ledger_config cfg;
  cfg.rematch_interval = 300s;
  cfg.retry_after = 30s;
  onboarding_ledger l{cfg};
  auto s = sighting("02:99:00:00:00:11", "10.99.1.11", "f1");
  ASSERT_TRUE(l.begin(s, t0));
  EXPECT_FALSE(l.begin(s, t0 + 1s)) << "in flight";
  l.decide(s, s.mac, profile("KS-PLC200"), allowed("plc"), t0 + 1s);
  struct row {
    const char* fingerprint;
    std::chrono::seconds after;
    bool due;
  };
  for (auto r : {row{"f1", 10s, false}, row{"f1", 299s, false},
                 row{"f2", 2s, true}}) {
    onboarding_ledger copy = l;
    EXPECT_EQ(copy.begin(sighting("02:99:00:00:00:11", "10.99.1.11", r.fingerprint),
                         t0 + 1s + r.after),
              r.due)
      << r.fingerprint << " after " << r.after.count() << " s";
  }
  EXPECT_TRUE(l.begin(s, t0 + 1s + 301s)) << "re-matched after the interval";
}

TEST(onboarding_ledger, a_mac_found_while_gathering_names_the_device_but_not_the_sighting) {
  onboarding_ledger l;
  auto s = sighting("", "10.99.1.14", "c1", discovery_kind::upnp);
  ASSERT_TRUE(l.begin(s, t0));
  auto d = l.decide(s, "02:99:00:00:00:14", profile("KS-CAM30"), allowed("camera"), t0);
  EXPECT_EQ(d.identity, "02:99:00:00:00:14@10.99.1.14");
  EXPECT_EQ(d.device.mac, "02:99:00:00:00:14");
  // The sighting as the source reports it is settled: a new fingerprint is
  // due at once, the same one is not.
  EXPECT_FALSE(l.begin(s, t0 + 1s));
  EXPECT_TRUE(l.begin(sighting("", "10.99.1.14", "c2", discovery_kind::upnp), t0 + 1s));
}

TEST(onboarding_ledger, a_failed_fetch_is_retried_only_after_the_back_off) {
  onboarding_ledger l;
  auto s = sighting("", "10.99.1.14", "c1", discovery_kind::upnp);
  ASSERT_TRUE(l.begin(s, t0));
  l.failed(s, t0);
  EXPECT_FALSE(l.begin(s, t0 + 5s));
  EXPECT_TRUE(l.begin(s, t0 + 31s));
}

TEST(onboarding_ledger, an_allowed_profile_change_keeps_the_thing_and_reports_the_change) {
  onboarding_ledger l;
  onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c1"),
          profile("KS-CAM30", "3.2.0"), allowed("camera"));
  auto d = onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c2"),
                   profile("KS-CAM30", "3.3.0"), allowed("camera"), t0 + 1s);
  EXPECT_EQ(d.what, kind::keep);
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.device.thing_id, "camera-1");
  EXPECT_EQ(d.device.profile.firmware, "3.3.0");
  auto same = onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c3"),
                      profile("KS-CAM30", "3.3.0"), allowed("camera"), t0 + 2s);
  EXPECT_EQ(same.what, kind::keep);
  EXPECT_FALSE(same.changed);
}

TEST(onboarding_ledger, a_profile_that_stays_unmatched_for_the_confirmation_time_withdraws_the_thing) {
  onboarding_ledger_config cfg;
  cfg.confirm_change = 10s;
  onboarding_ledger l{cfg};
  onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c1"),
          profile("KS-CAM30", "3.2.0"), allowed("camera"));
  auto bad = refused("camera: firmware 9.9.9 not in >=3 <4");
  auto first = onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c2"),
                       profile("KS-CAM30", "9.9.9"), bad, t0 + 1s);
  EXPECT_EQ(first.what, kind::keep);
  EXPECT_TRUE(first.pending);
  EXPECT_EQ(l.admitted().size(), 1u) << "one announcement took the thing away";
  // The supervisor's re-read before the time is up changes nothing yet.
  auto early = l.begin(sighting("02:99:00:00:00:14", "10.99.1.14", "c2"), t0 + 5s, true);
  ASSERT_TRUE(early);
  EXPECT_EQ(l.decide(sighting("02:99:00:00:00:14", "10.99.1.14", "c2"), "02:99:00:00:00:14",
                     profile("KS-CAM30", "9.9.9"), bad, t0 + 5s).what,
            kind::keep);
  ASSERT_TRUE(l.begin(sighting("02:99:00:00:00:14", "10.99.1.14", "c2"), t0 + 12s, true));
  auto d = l.decide(sighting("02:99:00:00:00:14", "10.99.1.14", "c2"), "02:99:00:00:00:14",
                    profile("KS-CAM30", "9.9.9"), bad, t0 + 12s);
  EXPECT_EQ(d.what, kind::withdraw);
  EXPECT_EQ(d.device.thing_id, "camera-1");
  EXPECT_TRUE(d.refuse_mac);
  EXPECT_NE(d.reason.find("firmware 9.9.9"), std::string::npos) << d.reason;
  EXPECT_TRUE(l.admitted().empty());
  // Back to an allowed firmware: still refused until an operator releases it.
  auto back = onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c3"),
                      profile("KS-CAM30", "3.2.0"), allowed("camera"), t0 + 13s);
  EXPECT_EQ(back.what, kind::refuse);
}

TEST(onboarding_ledger, the_admitted_profile_seen_again_during_confirmation_is_a_conflict) {
  onboarding_ledger_config cfg;
  cfg.confirm_change = 10s;
  onboarding_ledger l{cfg};
  auto good = sighting("02:99:00:00:00:11", "10.99.1.11", "genuine");
  auto forged = sighting("02:99:00:00:00:11", "10.99.1.11", "forged");
  onboard(l, good, profile("KS-PLC200"), allowed("plc"));
  auto p = onboard(l, forged, profile("X-1000"), refused("plc: product X-1000"), t0 + 1s);
  EXPECT_TRUE(p.pending);
  auto c = onboard(l, good, profile("KS-PLC200"), allowed("plc"), t0 + 3s);
  EXPECT_EQ(c.what, kind::keep);
  EXPECT_TRUE(c.conflict);
  EXPECT_NE(c.reason.find("X-1000"), std::string::npos) << c.reason;
  // The forger again, well after the first try: a new confirmation starts.
  auto again = onboard(l, forged, profile("X-1000"), refused("plc: product X-1000"), t0 + 30s);
  EXPECT_EQ(again.what, kind::keep);
  EXPECT_TRUE(again.pending);
  EXPECT_EQ(l.admitted().size(), 1u);
}

TEST(onboarding_ledger, no_confirmation_time_withdraws_at_once) {
  onboarding_ledger_config cfg;
  cfg.confirm_change = 0s;
  onboarding_ledger l{cfg};
  onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c1"), profile("KS-CAM30"),
          allowed("camera"));
  auto d = onboard(l, sighting("02:99:00:00:00:14", "10.99.1.14", "c2"),
                   profile("KS-CAM30", "9"), refused("firmware"), t0 + 1s);
  EXPECT_EQ(d.what, kind::withdraw);
}

TEST(onboarding_ledger, another_source_cannot_withdraw_or_change_an_admitted_device) {
  onboarding_ledger_config cfg;
  cfg.confirm_change = 0s;
  onboarding_ledger l{cfg};
  onboard(l, sighting("02:99:00:00:00:15", "10.99.1.15", "db", discovery_kind::vendor_db),
          profile("KS-PLC100", "1.8.2"), allowed("plc-3", "plc-3"));
  auto partial = onboard(l, sighting("02:99:00:00:00:15", "10.99.1.15", "h"),
                         profile("KS-PLC100", ""), refused("plc-3: firmware unknown"),
                         t0 + 1s);
  EXPECT_EQ(partial.what, kind::keep);
  EXPECT_FALSE(partial.changed);
  EXPECT_EQ(l.admitted().size(), 1u);
  auto fine = onboard(l, sighting("02:99:00:00:00:15", "10.99.1.15", "h2"),
                      profile("KS-PLC100", "1.8.2"), allowed("plc-3", "plc-3"), t0 + 2s);
  EXPECT_EQ(fine.what, kind::keep);
  EXPECT_FALSE(fine.changed);
  EXPECT_EQ(l.admitted().begin()->second.source, discovery_kind::vendor_db);
}

TEST(onboarding_ledger, an_address_an_admitted_device_answers_on_is_never_refused) {
  onboarding_ledger l;
  onboard(l, sighting("02:99:00:00:00:12", "10.99.1.12"), profile("KS-PLC200"),
          allowed("plc"));
  auto d = onboard(l, sighting("02:99:00:00:00:66", "10.99.1.12"), profile("X-1000"),
                   refused("no entry"));
  EXPECT_EQ(d.what, kind::refuse);
  EXPECT_TRUE(d.refuse_mac);
  EXPECT_FALSE(d.refuse_address);
}

TEST(onboarding_ledger, a_failed_admission_is_forgotten_and_admitted_again_later) {
  onboarding_ledger l;
  auto s = sighting("02:99:00:00:00:11", "10.99.1.11", "a");
  auto d = onboard(l, s, profile("KS-PLC200"), allowed("plc"));
  ASSERT_EQ(d.what, kind::admit);
  l.forget(d.identity);
  l.failed(s, t0);
  EXPECT_TRUE(l.admitted().empty());
  auto again = onboard(l, s, profile("KS-PLC200"), allowed("plc"), t0 + 31s);
  EXPECT_EQ(again.what, kind::admit);
  EXPECT_EQ(again.device.thing_id, "plc-1");
}

TEST(onboarding_ledger, a_non_matching_device_is_refused_by_mac_and_address) {
  onboarding_ledger l;
  auto d = onboard(l, sighting("02:99:00:00:00:66", "10.99.1.66"),
                   profile("X-1000"), refused("no design entry for EVILCO X-1000"));
  EXPECT_EQ(d.what, kind::refuse);
  EXPECT_TRUE(d.refuse_mac);
  EXPECT_EQ(d.identity, "02:99:00:00:00:66@10.99.1.66");
  EXPECT_TRUE(l.is_rogue(d.identity));
}

TEST(onboarding_ledger, a_second_device_with_an_admitted_mac_is_a_spoof_refused_by_address) {
  onboarding_ledger l;
  onboard(l, sighting("02:99:00:00:00:15", "10.99.1.15", "db", discovery_kind::vendor_db),
          profile("KS-PLC200", "2.0"), allowed("plc-3", "plc-3"));
  struct row {
    const char* name;
    device_profile p;
    match_summary m;
  };
  for (auto& r : {row{"announces a refused profile", profile("KS-PLC900", "9.9"),
                      refused("plc-3: product KS-PLC900 != KS-PLC200")},
                  row{"announces another allowed profile", profile("KS-PLC200", "2.5"),
                      allowed("plc-3", "plc-3")}}) {
    onboarding_ledger copy = l;
    auto d = onboard(copy, sighting("02:99:00:00:00:15", "10.99.1.67"), r.p, r.m);
    EXPECT_EQ(d.what, kind::refuse) << r.name;
    EXPECT_FALSE(d.refuse_mac) << r.name << ": the legitimate device would be cut off";
    EXPECT_NE(d.reason.find("thing plc-3"), std::string::npos)
      << r.name << ": " << d.reason;
    EXPECT_EQ(copy.admitted().size(), 1u) << r.name;
  }
}

TEST(onboarding_ledger, a_mac_the_design_pins_to_another_device_is_never_refused) {
  onboarding_ledger l;
  auto claim = refused("MAC 02:99:00:00:00:15 belongs to entry plc-3, but product KS-PLC900");
  claim.mac_claimed = true;
  // The legitimate plc-3 is not admitted yet: still only the address goes.
  auto d = onboard(l, sighting("02:99:00:00:00:15", "10.99.1.67"),
                   profile("KS-PLC900"), claim);
  EXPECT_EQ(d.what, kind::refuse);
  EXPECT_FALSE(d.refuse_mac);
}

TEST(onboarding_ledger, an_admitted_mac_at_a_second_address_is_refused_by_that_address_only) {
  onboarding_ledger l;
  onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11"), profile("KS-PLC200"),
          allowed("plc"));
  auto d = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.21"),
                   profile("KS-PLC200"), allowed("plc"));
  EXPECT_EQ(d.what, kind::refuse);
  EXPECT_FALSE(d.refuse_mac);
  EXPECT_TRUE(d.refuse_address);
  ASSERT_EQ(l.admitted().size(), 1u);
  EXPECT_EQ(l.admitted().begin()->second.address, "10.99.1.11");
}

TEST(onboarding_ledger, a_new_entry_for_an_admitted_device_restarts_it_under_the_same_id) {
  onboarding_ledger l;
  onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11", "a"), profile("KS-PLC200", "1.0"),
          allowed("plc-v1"));
  auto d = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11", "b"),
                   profile("KS-PLC200", "2.0"), allowed("plc-v2"));
  EXPECT_EQ(d.what, kind::admit);
  EXPECT_EQ(d.device.thing_id, "plc-v1-1");
  EXPECT_EQ(d.device.entry, "plc-v2");
  EXPECT_EQ(d.replaced_thing_id, "");
  // An entry with a fixed id: the old thing is replaced.
  auto e = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11", "c"),
                   profile("KS-PLC200", "3.0"), allowed("plc-v3", "press-7"));
  EXPECT_EQ(e.what, kind::admit);
  EXPECT_EQ(e.device.thing_id, "press-7");
  EXPECT_EQ(e.replaced_thing_id, "plc-v1-1");
}

TEST(onboarding_ledger, restored_devices_and_rogues_survive_a_restart) {
  onboarding_ledger l;
  admitted_device dev;
  dev.identity = "02:99:00:00:00:11@10.99.1.11";
  dev.thing_id = "plc-1";
  dev.entry = "plc";
  dev.mac = "02:99:00:00:00:11";
  dev.address = "10.99.1.11";
  dev.profile = profile("KS-PLC200");
  l.restore(dev);
  l.restore_rogue("02:99:00:00:00:66@10.99.1.66");
  auto again = onboard(l, sighting("02:99:00:00:00:11", "10.99.1.11"),
                       profile("KS-PLC200"), allowed("plc"));
  EXPECT_EQ(again.what, kind::keep);
  EXPECT_EQ(again.device.thing_id, "plc-1");
  auto next = onboard(l, sighting("02:99:00:00:00:12", "10.99.1.12"),
                      profile("KS-PLC200"), allowed("plc"));
  EXPECT_EQ(next.device.thing_id, "plc-2");
  auto rogue = onboard(l, sighting("02:99:00:00:00:66", "10.99.1.66"),
                       profile("X-1000"), allowed("plc"));
  EXPECT_EQ(rogue.what, kind::refuse);
}

TEST(onboarding_ledger, tracking_is_bounded) {
  onboarding_ledger_config cfg;
  cfg.max_tracked = 3;
  onboarding_ledger l{cfg};
  for (int i = 0; i < 10; ++i) {
    auto s = sighting("", "10.99.3." + std::to_string(i), "f");
    ASSERT_TRUE(l.begin(s, t0 + std::chrono::seconds(i)));
    l.failed(s, t0 + std::chrono::seconds(i));
  }
  // The oldest were forgotten, so they are due at once again.
  EXPECT_TRUE(l.begin(sighting("", "10.99.3.0", "f"), t0 + 10s));
  EXPECT_FALSE(l.begin(sighting("", "10.99.3.9", "f"), t0 + 10s));
}
