// The neighbour table parser, row by row, and the vendor-database source
// over a fixture table file that the test rewrites.

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/core/error.hpp"
#include "protocols/neighbour/neighbour_table_parser.hpp"
#include "protocols/neighbour/vendor_db_discovery.hpp"

using namespace kagami;
using namespace kagami::protocols;

namespace {

const std::string header
  = "IP address       HW type     Flags       HW address            Mask     "
    "Device\n";

std::string line(const std::string& ip, const std::string& flags,
                 const std::string& mac, const std::string& dev) {
  return ip + "       0x1         " + flags + "         " + mac
         + "     *        " + dev + "\n";
}

TEST(neighbour_table_parser, reads_complete_rows) {
  auto text = header + line("10.99.1.11", "0x2", "02:99:00:00:00:11", "ot0")
              + line("10.99.1.12", "0x0", "00:00:00:00:00:00", "ot0")
              + line("10.99.1.13", "0x6", "02:99:00:00:00:AB", "ot0")
              + line("192.168.0.1", "0x2", "aa:bb:cc:dd:ee:ff", "eth0")
              + line("10.99.1.14", "0x2", "00:00:00:00:00:00", "ot0") + "\n";
  auto rows = parse_neighbour_table(text);
  ASSERT_TRUE(rows) << detail_of(rows.error());
  EXPECT_EQ(rows->truncated, 0u);
  EXPECT_EQ(rows->rows, (std::vector<neighbour_row>{
                     {"10.99.1.11", "02:99:00:00:00:11", "ot0"},
                     {"10.99.1.13", "02:99:00:00:00:ab", "ot0"},
                     {"192.168.0.1", "aa:bb:cc:dd:ee:ff", "eth0"}}));
  auto empty = parse_neighbour_table(header);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->rows.empty());
}

TEST(neighbour_table_parser, rejects_malformed_input) {
  std::vector<std::pair<std::string, std::string>> rows{
    {"", "line 1: not a neighbour table (no \"IP address\" header)"},
    {"hello\n", "line 1: not a neighbour table (no \"IP address\" header)"},
    {header + "10.99.1.11 0x1 0x2 02:99:00:00:00:11 *\n",
     "line 2: expected 6 fields, got 5"},
    {header + line("10.99.1.256", "0x2", "02:99:00:00:00:11", "ot0"),
     "line 2: not an IPv4 address"},
    {header + line("fe80::1", "0x2", "02:99:00:00:00:11", "ot0"),
     "line 2: not an IPv4 address"},
    {header + line("10.99.1.1", "2", "02:99:00:00:00:11", "ot0"),
     "line 2: flags are not 0x followed by hex digits"},
    {header + line("10.99.1.1", "0xZ", "02:99:00:00:00:11", "ot0"),
     "line 2: flags are not 0x followed by hex digits"},
    {header + line("10.99.1.1", "0x2", "02:99:00:00:00", "ot0"),
     "line 2: not a MAC address"},
    {header + line("10.99.1.1", "0x2", "02-99-00-00-00-11", "ot0"),
     "line 2: not a MAC address"},
    {header + line("10.99.1.1", "0x2", "02:99:00:00:00:11", "a-very-long-ifname"),
     "line 2: not an interface name"},
  };
  for (auto& [text, reason] : rows) {
    auto r = parse_neighbour_table(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(code_of(r.error()), ec::invalid_value);
    EXPECT_EQ(detail_of(r.error()), reason);
  }
}

TEST(neighbour_table_parser, keeps_the_first_max_rows_complete_rows) {
  // An ARP flood: more complete rows than max_rows. The first ones are kept
  // (incomplete entries do not count), the rest counted.
  std::string text = header + line("10.0.0.100", "0x0", "00:00:00:00:00:00", "ot0");
  for (int i = 0; i < 7; ++i)
    text += line("10.0.0." + std::to_string(i + 1), "0x2",
                 "02:00:00:00:00:0" + std::to_string(i + 1), "ot0");
  neighbour_table_limits rows_limit;
  rows_limit.max_rows = 4;
  auto r = parse_neighbour_table(text, rows_limit);
  ASSERT_TRUE(r) << detail_of(r.error());
  ASSERT_EQ(r->rows.size(), 4u);
  EXPECT_EQ(r->rows.front(), (neighbour_row{"10.0.0.1", "02:00:00:00:00:01", "ot0"}));
  EXPECT_EQ(r->rows.back(), (neighbour_row{"10.0.0.4", "02:00:00:00:00:04", "ot0"}));
  EXPECT_EQ(r->truncated, 3u);
  // Exactly at the limit: nothing truncated.
  rows_limit.max_rows = 7;
  r = parse_neighbour_table(text, rows_limit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rows.size(), 7u);
  EXPECT_EQ(r->truncated, 0u);
  // Lines past the limit are still checked.
  rows_limit.max_rows = 2;
  r = parse_neighbour_table(text + "10.0.0.9 0x1 0x2 02:00:00:00:00:09 *\n", rows_limit);
  ASSERT_FALSE(r);
  EXPECT_EQ(detail_of(r.error()), "line 10: expected 6 fields, got 5");
}

TEST(neighbour_table_parser, enforces_the_byte_limit) {
  std::string text = header;
  for (int i = 0; i < 5; ++i)
    text += line("10.0.0." + std::to_string(i + 1), "0x2", "02:00:00:00:00:01", "ot0");
  neighbour_table_limits bytes_limit;
  bytes_limit.max_bytes = text.size() - 1;
  auto r = parse_neighbour_table(text, bytes_limit);
  ASSERT_FALSE(r);
  EXPECT_EQ(detail_of(r.error()),
            "the table has more than " + std::to_string(text.size() - 1)
              + " bytes");
  // 4096 rows of the widest real format fit the default byte limit.
  std::string full = header;
  for (int i = 0; i < 4096; ++i)
    full += line("255.255.255.255", "0x2", "02:00:00:00:00:01", "abcdefghijklmno");
  auto all = parse_neighbour_table(full);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->rows.size(), 4096u);
  EXPECT_EQ(all->truncated, 0u);
}

/// A table file in a fresh temporary directory.
class table_file {
public:
  table_file() {
    auto tmpl = (std::filesystem::temp_directory_path() / "kagami-neigh-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~table_file() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const {
    return (dir_ / "arp").string();
  }
  /// Replaces the file atomically (as the kernel's view changes at once).
  void write(const std::string& text) const {
    auto tmp = (dir_ / "arp.tmp").string();
    std::ofstream{tmp} << text;
    std::filesystem::rename(tmp, path());
  }

private:
  std::filesystem::path dir_;
};

/// Collects what a source reports; waits for the n-th report.
struct collector {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<device_sighting> seen;
  std::vector<std::string> rejected;

  discovery_sink sink() {
    return {[this](device_sighting s) {
              std::lock_guard g{mtx};
              seen.push_back(std::move(s));
              cv.notify_all();
            },
            [this](discovery_kind, std::string from, std::string why) {
              std::lock_guard g{mtx};
              rejected.push_back(from + ": " + why);
              cv.notify_all();
            }};
  }

  bool wait_seen(size_t n) {
    std::unique_lock l{mtx};
    return cv.wait_for(l, std::chrono::seconds{5}, [&] { return seen.size() >= n; });
  }
  bool wait_rejected(size_t n) {
    std::unique_lock l{mtx};
    return cv.wait_for(l, std::chrono::seconds{5}, [&] { return rejected.size() >= n; });
  }
  size_t seen_count() {
    std::lock_guard g{mtx};
    return seen.size();
  }
};

std::shared_ptr<config::vendor_db> test_db() {
  auto db = std::make_shared<config::vendor_db>();
  device_profile valve{"ACME", "Valve-7", "", "1.4", "", "V7-0001", "actuator"};
  db->entries.emplace("02:99:00:00:00:21", valve);
  db->entries.emplace("02:99:00:00:00:22", device_profile{"ACME", "Beacon"});
  return db;
}

TEST(vendor_db_discovery, reports_database_devices_on_the_interface) {
  table_file table;
  table.write(header + line("10.99.1.21", "0x2", "02:99:00:00:00:21", "ot0")
              + line("10.99.1.30", "0x2", "02:99:00:00:00:30", "ot0") // unknown
              + line("10.99.9.22", "0x2", "02:99:00:00:00:22", "eth9")); // elsewhere
  vendor_db_discovery_config cfg;
  cfg.interface = "ot0";
  cfg.table_path = table.path();
  cfg.interval = std::chrono::hours{1}; // only refresh() polls again
  cfg.db = test_db();
  vendor_db_discovery source{cfg};
  collector c;
  ASSERT_FALSE(source.start(c.sink()));
  ASSERT_TRUE(c.wait_seen(1));
  {
    std::lock_guard g{c.mtx};
    auto& s = c.seen[0];
    EXPECT_EQ(s.source, discovery_kind::vendor_db);
    EXPECT_EQ(s.mac, "02:99:00:00:00:21");
    EXPECT_EQ(s.address, "10.99.1.21");
    EXPECT_EQ(s.seen_on, "neigh:ot0");
    ASSERT_TRUE(s.profile);
    EXPECT_EQ(*s.profile, *cfg.db->find("02:99:00:00:00:21"));
    EXPECT_EQ(s.fingerprint.size(), 16u);
  }
  // Unchanged: nothing new.
  source.refresh();
  // The same device at a new address: reported again, new fingerprint.
  table.write(header + line("10.99.1.99", "0x2", "02:99:00:00:00:21", "ot0"));
  source.refresh();
  ASSERT_TRUE(c.wait_seen(2));
  {
    std::lock_guard g{c.mtx};
    EXPECT_EQ(c.seen[1].address, "10.99.1.99");
    EXPECT_NE(c.seen[1].fingerprint, c.seen[0].fingerprint);
  }
  // Gone, then back: new again. The source polls within microseconds of a
  // refresh; 200 ms leaves ample time for the empty table to be seen.
  table.write(header);
  source.refresh();
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  table.write(header + line("10.99.1.99", "0x2", "02:99:00:00:00:21", "ot0")
              + line("10.99.1.22", "0x2", "02:99:00:00:00:22", "ot0"));
  source.refresh();
  ASSERT_TRUE(c.wait_seen(4));
  source.refresh(); // unchanged: must not report anything
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  source.stop();
  std::lock_guard g{c.mtx};
  std::vector<std::string> macs;
  for (auto& s : c.seen)
    macs.push_back(s.mac);
  EXPECT_EQ(macs, (std::vector<std::string>{"02:99:00:00:00:21",
                                            "02:99:00:00:00:21",
                                            "02:99:00:00:00:21",
                                            "02:99:00:00:00:22"}));
  EXPECT_EQ(c.seen[3].profile->product, "Beacon");
  EXPECT_TRUE(c.rejected.empty());
}

TEST(vendor_db_discovery, rematch_interval_reports_unchanged_devices_again) {
  table_file table;
  table.write(header + line("10.99.1.21", "0x2", "02:99:00:00:00:21", "ot0"));
  vendor_db_discovery_config cfg;
  cfg.interface = "ot0";
  cfg.table_path = table.path();
  cfg.interval = std::chrono::milliseconds{10};
  cfg.rematch_interval = std::chrono::milliseconds{50};
  cfg.db = test_db();
  vendor_db_discovery source{cfg};
  collector c;
  ASSERT_FALSE(source.start(c.sink()));
  ASSERT_TRUE(c.wait_seen(3));
  source.stop();
  std::lock_guard g{c.mtx};
  EXPECT_EQ(c.seen[0], c.seen[1]);
  EXPECT_EQ(c.seen[1], c.seen[2]);
}

TEST(vendor_db_discovery, unreadable_table_is_rejected_once) {
  table_file table; // never written: the file does not exist
  vendor_db_discovery_config cfg;
  cfg.interface = "ot0";
  cfg.table_path = table.path();
  cfg.interval = std::chrono::milliseconds{5};
  cfg.db = test_db();
  vendor_db_discovery source{cfg};
  collector c;
  ASSERT_FALSE(source.start(c.sink()));
  ASSERT_TRUE(c.wait_rejected(1));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  // A garbled table is a new reason.
  table.write("garbage\n");
  ASSERT_TRUE(c.wait_rejected(2));
  source.stop();
  std::lock_guard g{c.mtx};
  ASSERT_EQ(c.rejected.size(), 2u);
  EXPECT_EQ(c.rejected[0], table.path() + ": cannot open " + table.path());
  EXPECT_EQ(c.rejected[1], table.path()
                             + ": line 1: not a neighbour table (no \"IP "
                               "address\" header)");
  EXPECT_TRUE(c.seen.empty());
}

TEST(vendor_db_discovery, a_flooded_table_is_used_up_to_the_limit) {
  // Rows of unknown MACs first (the flood), the database device after them
  // but within the limit; then a flood that pushes it past the limit.
  std::string flood = header;
  for (int i = 0; i < 5; ++i)
    flood += line("10.99.1." + std::to_string(100 + i), "0x2",
                  "02:66:00:00:00:0" + std::to_string(i), "ot0");
  table_file table;
  table.write(flood + line("10.99.1.21", "0x2", "02:99:00:00:00:21", "ot0"));
  vendor_db_discovery_config cfg;
  cfg.interface = "ot0";
  cfg.table_path = table.path();
  cfg.interval = std::chrono::hours{1};
  cfg.limits.max_rows = 6;
  cfg.db = test_db();
  vendor_db_discovery source{cfg};
  collector c;
  ASSERT_FALSE(source.start(c.sink()));
  ASSERT_TRUE(c.wait_seen(1));
  // Seven complete rows: the device (6th) is kept, one row truncated and
  // reported once, however many polls see it.
  table.write(flood + line("10.99.1.21", "0x2", "02:99:00:00:00:21", "ot0")
              + line("10.99.1.22", "0x2", "02:99:00:00:00:22", "ot0"));
  source.refresh();
  ASSERT_TRUE(c.wait_rejected(1));
  source.refresh();
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  neighbour_table_reader reader{table.path(), cfg.limits};
  EXPECT_EQ(*reader.mac_of("10.99.1.21"), "02:99:00:00:00:21");
  EXPECT_EQ(*reader.mac_of("10.99.1.22"), ""); // past the limit
  source.stop();
  std::lock_guard g{c.mtx};
  ASSERT_EQ(c.rejected.size(), 1u);
  EXPECT_EQ(c.rejected[0], table.path()
                             + ": 1 complete rows beyond the limit of 6 ignored; only "
                               "the first rows are used");
  ASSERT_EQ(c.seen.size(), 1u);
  EXPECT_EQ(c.seen[0].mac, "02:99:00:00:00:21");
}

TEST(vendor_db_discovery, a_throwing_sink_does_not_end_the_source) {
  table_file table;
  table.write(header + line("10.99.1.21", "0x2", "02:99:00:00:00:21", "ot0"));
  vendor_db_discovery_config cfg;
  cfg.interface = "ot0";
  cfg.table_path = table.path();
  cfg.interval = std::chrono::hours{1};
  cfg.db = test_db();
  vendor_db_discovery source{cfg};
  collector c;
  auto sink = c.sink();
  int calls = 0; // the source thread only
  auto seen = sink.seen;
  sink.seen = [&calls, seen](device_sighting s) {
    if (++calls == 1)
      throw std::runtime_error{"onboarding queue gone"};
    seen(std::move(s));
  };
  ASSERT_FALSE(source.start(sink));
  ASSERT_TRUE(c.wait_rejected(1));
  // Still polling: the device whose report failed is reported again.
  source.refresh();
  ASSERT_TRUE(c.wait_seen(1));
  source.stop();
  std::lock_guard g{c.mtx};
  ASSERT_EQ(c.rejected.size(), 1u);
  EXPECT_EQ(c.rejected[0], "neigh:ot0: internal error: onboarding queue gone");
  EXPECT_EQ(c.seen[0].mac, "02:99:00:00:00:21");
}

TEST(vendor_db_discovery, start_checks_its_config) {
  vendor_db_discovery_config cfg;
  cfg.db = test_db();
  EXPECT_EQ(code_of(vendor_db_discovery{cfg}.start({})), ec::invalid_value);
  cfg.interface = "ot0";
  cfg.db.reset();
  EXPECT_EQ(code_of(vendor_db_discovery{cfg}.start({})), ec::invalid_value);
  cfg.db = test_db();
  cfg.table_path = "/nonexistent/arp";
  vendor_db_discovery twice{cfg};
  EXPECT_FALSE(twice.start({}));
  EXPECT_EQ(code_of(twice.start({})), ec::invalid_value);
  twice.stop();
  twice.stop(); // idempotent
}

TEST(neighbour_table_reader, mac_of_reads_the_table_now) {
  table_file table;
  neighbour_table_reader reader{table.path()};
  EXPECT_EQ(code_of(reader.mac_of("10.99.1.21").error()), ec::unavailable);
  table.write(header + line("10.99.1.21", "0x2", "02:99:00:00:00:21", "ot0")
              + line("10.99.1.22", "0x0", "00:00:00:00:00:00", "ot0"));
  EXPECT_EQ(*reader.mac_of("10.99.1.21"), "02:99:00:00:00:21");
  EXPECT_EQ(*reader.mac_of("10.99.1.21", "ot0"), "02:99:00:00:00:21");
  EXPECT_EQ(*reader.mac_of("10.99.1.21", "eth0"), "");
  EXPECT_EQ(*reader.mac_of("10.99.1.22"), ""); // incomplete
  table.write(header + line("10.99.1.21", "0x2", "02:99:00:00:00:77", "ot0"));
  EXPECT_EQ(*reader.mac_of("10.99.1.21"), "02:99:00:00:00:77");
}

} // namespace
