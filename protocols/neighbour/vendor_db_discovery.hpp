#pragma once

// The vendor-database discovery source: devices that announce no profile
// are seen on the OT side in the kernel's neighbour table (ARP); a row whose
// MAC is in the vendor database (config/vendor_db.hpp) becomes a sighting
// whose profile is the database entry.
//
// Mechanism only: the database says what such a device is; the design
// matcher decides whether it may join. An attacker who copies a listed MAC
// gets that profile, which is why the matcher's MAC pinning and the flow
// monitor matter (config/README.md, "Vendor database").

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/vendor_db.hpp"
#include "protocols/discovery/discovery.hpp"
#include "protocols/discovery/internal_error.hpp"
#include "protocols/neighbour/neighbour_table_parser.hpp"

namespace kagami::protocols {

/// Reads and parses the neighbour table file. Stateless: every call reads
/// the file anew, so it is thread-safe and always current.
class neighbour_table_reader {
public:
  explicit neighbour_table_reader(std::string path = "/proc/net/arp",
                                  neighbour_table_limits limits = {});

  /// The complete rows now (at most limits.max_rows; the rest counted in
  /// `truncated`). Fails with ec::unavailable when the file cannot be read,
  /// and like parse_neighbour_table when it does not parse.
  caf::expected<neighbour_table> read() const;

  /// The MAC of `ip` now (on `interface`, unless empty), or "" when the
  /// kept rows have no complete entry for it (in a table truncated at
  /// max_rows, an entry past the limit is not found). Used to fill in the
  /// MAC of a sighting that carries only an address (UPnP).
  caf::expected<std::string> mac_of(std::string_view ip,
                                    std::string_view interface = "") const;

  const std::string& path() const noexcept {
    return path_;
  }

private:
  std::string path_;
  neighbour_table_limits limits_;
};

struct vendor_db_discovery_config {
  /// Only rows on this interface count ("ot0"); required.
  std::string interface;
  /// The table to read; a fixture file in tests.
  std::string table_path = "/proc/net/arp";
  /// How often the table is read (refresh() reads it at once).
  std::chrono::milliseconds interval{5000};
  /// An unchanged device is reported again after this long.
  std::chrono::milliseconds rematch_interval{300'000};
  /// The database; required, shared read-only.
  std::shared_ptr<const config::vendor_db> db;
  neighbour_table_limits limits;
};

/// See the file comment. Sightings: {source vendor_db, mac, address = the
/// row's IP, seen_on "neigh:IFACE", profile = the database entry,
/// fingerprint over MAC, IP and entry}. A device is reported when it
/// appears, when its fingerprint changes (new IP, edited entry) and every
/// rematch_interval; a device that leaves the table and comes back is new
/// again. A table that cannot be read or parsed is reported through
/// sink.rejected(vendor_db, table_path, reason) once per distinct reason. A
/// table with more than limits.max_rows complete rows is used up to the
/// limit and reported once (sink.rejected(vendor_db, table_path, "... rows
/// beyond ...")) until a poll sees it within the limit again. An exception
/// out of a poll (std::bad_alloc, a throwing sink) is reported as
/// sink.rejected(vendor_db, "neigh:IFACE", "internal error: ...") at most
/// every 10 s, and the source keeps polling.
class vendor_db_discovery : public discovery_source {
public:
  explicit vendor_db_discovery(vendor_db_discovery_config cfg);

  ~vendor_db_discovery() override;

  discovery_kind kind() const override {
    return discovery_kind::vendor_db;
  }

  /// Fails with ec::invalid_value without an interface, a database or a
  /// positive interval, and when called twice.
  caf::error start(discovery_sink sink) override;

  void stop() override;

  /// Reads the table at once (asynchronously, on the source's thread).
  void refresh() override;

private:
  void run();
  void poll(std::chrono::steady_clock::time_point now);

  struct known {
    std::string fingerprint;
    std::chrono::steady_clock::time_point reported;
  };

  vendor_db_discovery_config cfg_;
  neighbour_table_reader reader_;
  discovery_sink sink_;
  /// Touched by the source thread only.
  std::map<std::string, known> known_;
  std::string last_error_;
  bool truncation_reported_ = false;
  std::unique_ptr<internal_error_reporter> internal_errors_;
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool refresh_ = false;
  bool started_ = false;
  std::thread thread_;
};

/// The fingerprint of a vendor-database sighting: 16 hex digits of a 64-bit
/// FNV-1a hash over MAC, IP and every profile field.
std::string vendor_db_fingerprint(const neighbour_row& row,
                                  const device_profile& profile);

} // namespace kagami::protocols
