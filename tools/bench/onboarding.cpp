// kagami-bench-onboarding: the onboarding rate. For N synthetic devices
// (default 1000) against a realistic design (50 allowed entries, 10 block
// entries), each onboarding is one design match plus one durable record:
// an admitted device's record through the device_registry, a refused
// device's evidence through the rogue_registry (a read and a write), all
// synced RocksDB writes. Two ways to write:
//   - one synced write per device (device_registry::save, rogue_registry::note);
//   - group commit: the decisions of up to B devices (default 100) in one
//     synced batch (save_all, note_all).
// Each is printed as devices/s (median of several rounds) next to its
// baseline measured in the same run: synced raw RocksDB writes of the same
// encoded records (one put per record, or one batch per B records). Also
// prints the match alone.
//
//   kagami-bench-onboarding [--devices N] [--rounds R] [--batch B] [--dir DIR]
//
// DIR (default: a fresh directory under /tmp) holds the RocksDB database;
// put it on the disk the gateway's data directory will use.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "actors/core/error.hpp"
#include "actors/onboarding/design_matcher.hpp"
#include "storage/device_registry.hpp"
#include "storage/rocksdb_store.hpp"
#include "storage/rogue_registry.hpp"

using namespace kagami;
using clock_type = std::chrono::steady_clock;

namespace {

std::string mac_of(int i) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "02:99:%02x:%02x:%02x:%02x", (i >> 24) & 0xff,
                (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  return buf;
}

/// 20 entries pinned by MAC, 30 product families (glob product, firmware
/// range, category), 10 block entries (vendor globs, MACs, old firmware).
config::design_info make_design() {
  using config::value_pattern;
  config::design_info d;
  for (int i = 0; i < 50; ++i) {
    config::allowed_device e;
    e.name = "entry-" + std::to_string(i);
    e.model = "line-plc";
    e.port = 502;
    e.match.vendor = value_pattern::exact("VENDOR-" + std::to_string(i % 7));
    if (i < 20) {
      e.match.product = value_pattern::exact("PLC-" + std::to_string(i));
      e.match.mac = mac_of(0x1000 + i);
      e.criticality = config::criticality::high;
    } else {
      e.match.product = value_pattern::glob("SENS-" + std::to_string(i) + "-*");
      e.match.firmware = *value_pattern::range(">=2.0 <3.0");
      e.match.category = value_pattern::exact("sensor");
    }
    d.allowed.push_back(std::move(e));
  }
  for (int i = 0; i < 10; ++i) {
    config::identity_rule r;
    if (i < 4)
      r.vendor = value_pattern::glob("EVIL" + std::to_string(i) + "*");
    else if (i < 8)
      r.mac = mac_of(0x6600 + i);
    else {
      r.vendor = value_pattern::exact("VENDOR-" + std::to_string(i % 7));
      r.firmware = *value_pattern::range("<1.0");
    }
    d.blocked.push_back(std::move(r));
  }
  return d;
}

struct device {
  protocols::device_sighting sighting;
  protocols::device_profile profile;
};

/// Four in five devices fit an entry; the rest are blocked, spoofed or
/// unknown.
std::vector<device> make_devices(int n) {
  std::vector<device> result;
  for (int i = 0; i < n; ++i) {
    device d;
    d.sighting.source = protocols::discovery_kind::htip;
    d.sighting.address = "10.99." + std::to_string(i / 250) + "."
                         + std::to_string(i % 250 + 1);
    d.sighting.seen_on = "pcap:ot0";
    auto& p = d.profile;
    int entry = i % 50;
    p.vendor = "VENDOR-" + std::to_string(entry % 7);
    p.serial = "SN-" + std::to_string(100000 + i);
    switch (i % 5) {
      case 0: // unknown product
        p.product = "GADGET-" + std::to_string(i);
        p.firmware = "2.1";
        d.sighting.mac = mac_of(0x200000 + i);
        break;
      default:
        if (entry < 20) {
          p.product = "PLC-" + std::to_string(entry);
          p.firmware = "2.4.1";
          // Pinned entries: the first device with the MAC is genuine; any
          // later one with the same entry claims a foreign product (spoof).
          d.sighting.mac = mac_of(0x1000 + entry);
          if (i >= 50)
            p.product = "PLC-X";
        } else {
          p.product = "SENS-" + std::to_string(entry) + "-rev"
                      + std::to_string(i % 3);
          p.firmware = "2." + std::to_string(i % 9) + ".0";
          p.category = "sensor";
          d.sighting.mac = mac_of(0x300000 + i);
        }
    }
    d.sighting.fingerprint = std::to_string(i);
    result.push_back(std::move(d));
  }
  return result;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// What onboarding writes for one device.
struct decision {
  std::optional<storage::device_record> admitted;
  std::optional<storage::rogue_record> refused;
};

decision decide(const config::design_info& design, const device& d,
                storage::timestamp now) {
  auto m = onboarding::match(design, d.sighting, d.profile);
  decision out;
  if (m.admitted()) {
    storage::device_record rec;
    rec.device.id = m.entry->name + "-" + d.sighting.fingerprint;
    rec.device.model = m.entry->model;
    rec.device.address = d.sighting.address + ":" + std::to_string(m.entry->port);
    rec.origin = storage::device_origin::onboarded;
    storage::onboarding_facts f;
    f.identity = "mac:" + d.sighting.mac;
    f.mac = d.sighting.mac;
    f.address = d.sighting.address;
    f.source = d.sighting.source;
    f.seen_on = d.sighting.seen_on;
    f.profile = d.profile;
    f.design_entry = m.entry->name;
    f.criticality = m.entry->criticality;
    f.admitted_at = now;
    rec.onboarding = std::move(f);
    out.admitted = std::move(rec);
  } else {
    storage::rogue_record r;
    r.identity = "mac:" + d.sighting.mac;
    r.mac = d.sighting.mac;
    r.address = d.sighting.address;
    r.source = d.sighting.source;
    r.seen_on = d.sighting.seen_on;
    r.profile = d.profile;
    r.reasons = std::move(m.reasons);
    r.first_seen = r.last_seen = now;
    out.refused = std::move(r);
  }
  return out;
}

[[noreturn]] void fail(const char* what, const caf::error& err) {
  std::fprintf(stderr, "%s failed: %s\n", what, detail_of(err).c_str());
  std::exit(1);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"kagami onboarding rate: design match + durable record"};
  int n = 1000;
  int rounds = 5;
  int batch_size = 100;
  std::string dir;
  app.add_option("--devices", n, "synthetic devices per round")->check(CLI::Range(1, 1'000'000));
  app.add_option("--rounds", rounds, "rounds (the median is reported)")->check(CLI::Range(1, 100));
  app.add_option("--batch", batch_size, "devices per synced batch (group commit)")->check(CLI::Range(1, 10'000));
  app.add_option("--dir", dir, "directory for the RocksDB database");
  CLI11_PARSE(app, argc, argv);
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string tmpl = "/tmp/kagami-bench-onboarding-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
  }
  auto store = storage::rocksdb_store::open(dir + "/db");
  if (!store) {
    std::fprintf(stderr, "cannot open store: %s\n", detail_of(store.error()).c_str());
    return 1;
  }
  auto design = make_design();
  auto devices = make_devices(n);
  storage::device_registry devices_reg{**store};
  storage::rogue_registry rogues_reg{**store};
  auto now = storage::timestamp{std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now().time_since_epoch())};

  // The baselines write the same bytes: the encoded record of each device.
  std::vector<std::string> encoded;
  std::vector<bool> is_admitted;
  size_t admitted = 0;
  for (auto& d : devices) {
    auto out = decide(design, d, now);
    admitted += out.admitted.has_value();
    is_admitted.push_back(out.admitted.has_value());
    encoded.push_back(out.admitted ? storage::encode_device_record(*out.admitted)
                                   : storage::encode_rogue_record(*out.refused));
  }
  size_t bytes = 0;
  for (auto& e : encoded)
    bytes += e.size();

  std::vector<double> match_rate, single_rate, single_raw, batch_rate, batch_raw;
  for (int round = 0; round < rounds; ++round) {
    // 1. The match alone.
    auto t0 = clock_type::now();
    size_t ok = 0;
    for (auto& d : devices)
      ok += onboarding::match(design, d.sighting, d.profile).admitted();
    match_rate.push_back(n / seconds_since(t0));
    if (ok != admitted)
      return 2; // the matcher is deterministic
    // 2. Match + one synced write per device.
    t0 = clock_type::now();
    for (auto& d : devices) {
      auto out = decide(design, d, now);
      if (out.admitted) {
        if (auto err = devices_reg.save(*out.admitted))
          fail("save", err);
      } else if (auto stored = rogues_reg.note(*out.refused); !stored) {
        fail("note", stored.error());
      }
    }
    single_rate.push_back(n / seconds_since(t0));
    // 3. Its baseline: one synced raw put per record.
    t0 = clock_type::now();
    for (size_t i = 0; i < encoded.size(); ++i)
      if (auto err = (*store)->put(storage::cf::meta, "bench-" + std::to_string(i),
                                   encoded[i], storage::write_options{.sync = true}))
        fail("put", err);
    single_raw.push_back(n / seconds_since(t0));
    // 4. Match + group commit: B decisions per synced batch (two batches,
    //    devices and rogues, when a group holds both).
    t0 = clock_type::now();
    for (size_t first = 0; first < devices.size(); first += batch_size) {
      std::vector<storage::device_record> admit;
      std::vector<storage::rogue_record> refuse;
      auto last = std::min(devices.size(), first + batch_size);
      for (size_t i = first; i < last; ++i) {
        auto out = decide(design, devices[i], now);
        if (out.admitted)
          admit.push_back(std::move(*out.admitted));
        else
          refuse.push_back(std::move(*out.refused));
      }
      if (auto err = devices_reg.save_all(admit))
        fail("save_all", err);
      if (auto stored = rogues_reg.note_all(refuse); !stored)
        fail("note_all", stored.error());
    }
    batch_rate.push_back(n / seconds_since(t0));
    // 5. Its baseline: the same records in the same synced raw batches
    //    (per group, one for the admitted and one for the refused).
    t0 = clock_type::now();
    for (size_t first = 0; first < encoded.size(); first += batch_size) {
      storage::write_batch b[2];
      auto last = std::min(encoded.size(), first + batch_size);
      for (size_t i = first; i < last; ++i)
        b[is_admitted[i]].put(storage::cf::meta, "bench-" + std::to_string(i),
                              encoded[i]);
      for (auto& one : b)
        if (!one.empty())
          if (auto err = (*store)->write(one, storage::write_options{.sync = true}))
            fail("write", err);
    }
    batch_raw.push_back(n / seconds_since(t0));
  }
  std::printf("devices: %d per round, %d rounds (medians); design: %zu allowed, "
              "%zu blocked; %zu admitted, %zu refused; mean record %zu bytes\n",
              n, rounds, design.allowed.size(), design.blocked.size(), admitted,
              n - admitted, bytes / encoded.size());
  auto row = [](const char* name, double x, const char* unit) {
    std::printf("%-46s %10.0f %s\n", name, x, unit);
  };
  row("match only", median(match_rate), "devices/s");
  row("onboarding, one synced write per device", median(single_rate), "devices/s");
  row("  baseline: one synced raw put per record", median(single_raw), "records/s");
  std::string batched = "onboarding, group commit of " + std::to_string(batch_size);
  row(batched.c_str(), median(batch_rate), "devices/s");
  row("  baseline: the same synced raw batches", median(batch_raw), "records/s");
  std::printf("onboarding / baseline: one write per device %.2f, group commit "
              "%.2f (goal: >= 1000 devices/s)\n",
              median(single_rate) / median(single_raw),
              median(batch_rate) / median(batch_raw));
  store->reset();
  if (own_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  return 0;
}
