#include "protocols/neighbour/vendor_db_discovery.hpp"

#include <fstream>

#include "actors/core/error.hpp"
#include "protocols/discovery/fingerprint.hpp"

namespace kagami::protocols {

neighbour_table_reader::neighbour_table_reader(std::string path,
                                               neighbour_table_limits limits)
  : path_(std::move(path)), limits_(limits) {
  // nop
}

caf::expected<neighbour_table> neighbour_table_reader::read() const {
  std::ifstream in{path_, std::ios::binary};
  if (!in)
    return make_error(ec::unavailable, "cannot open " + path_);
  // Read one byte past the limit, so that the parser sees the overflow.
  std::string text(limits_.max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad())
    return make_error(ec::unavailable, "cannot read " + path_);
  text.resize(static_cast<size_t>(in.gcount()));
  return parse_neighbour_table(text, limits_);
}

caf::expected<std::string>
neighbour_table_reader::mac_of(std::string_view ip,
                               std::string_view interface) const {
  auto table = read();
  if (!table)
    return std::move(table.error());
  for (auto& r : table->rows)
    if (r.ip == ip && (interface.empty() || r.device == interface))
      return r.mac;
  return std::string{};
}

std::string vendor_db_fingerprint(const neighbour_row& row,
                                  const device_profile& p) {
  return fields_fingerprint({row.mac, row.ip, p.vendor, p.product,
                             p.model_number, p.firmware, p.hardware, p.serial,
                             p.category, p.udn});
}

vendor_db_discovery::vendor_db_discovery(vendor_db_discovery_config cfg)
  : cfg_(std::move(cfg)), reader_(cfg_.table_path, cfg_.limits) {
  // nop
}

vendor_db_discovery::~vendor_db_discovery() {
  stop();
}

caf::error vendor_db_discovery::start(discovery_sink sink) {
  if (cfg_.interface.empty())
    return make_error(ec::invalid_value, "vendor_db discovery needs an interface");
  if (!cfg_.db)
    return make_error(ec::invalid_value, "vendor_db discovery needs a database");
  if (cfg_.interval.count() <= 0)
    return make_error(ec::invalid_value,
                      "vendor_db discovery needs a positive interval");
  std::lock_guard guard{mtx_};
  if (started_)
    return make_error(ec::invalid_value, "vendor_db discovery started twice");
  started_ = true;
  sink_ = std::move(sink);
  internal_errors_ = std::make_unique<internal_error_reporter>(
    discovery_kind::vendor_db, "neigh:" + cfg_.interface);
  thread_ = std::thread{[this] { run(); }};
  return {};
}

void vendor_db_discovery::stop() {
  {
    std::lock_guard guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void vendor_db_discovery::refresh() {
  {
    std::lock_guard guard{mtx_};
    refresh_ = true;
  }
  cv_.notify_all();
}

void vendor_db_discovery::run() {
  for (;;) {
    try {
      poll(std::chrono::steady_clock::now());
    } catch (...) {
      // What poll() had learnt this round is lost; the next poll starts
      // from the devices known before it.
      internal_errors_->report(sink_);
    }
    std::unique_lock lock{mtx_};
    cv_.wait_for(lock, cfg_.interval, [this] { return stopping_ || refresh_; });
    if (stopping_)
      return;
    refresh_ = false;
  }
}

void vendor_db_discovery::poll(std::chrono::steady_clock::time_point now) {
  auto table = reader_.read();
  if (!table) {
    auto why = detail_of(table.error());
    if (why != last_error_) {
      last_error_ = why;
      if (sink_.rejected)
        sink_.rejected(discovery_kind::vendor_db, reader_.path(), std::move(why));
    }
    return;
  }
  last_error_.clear();
  if (table->truncated == 0) {
    truncation_reported_ = false;
  } else if (!truncation_reported_) {
    truncation_reported_ = true;
    if (sink_.rejected)
      sink_.rejected(discovery_kind::vendor_db, reader_.path(),
                     std::to_string(table->truncated)
                       + " complete rows beyond the limit of "
                       + std::to_string(cfg_.limits.max_rows)
                       + " ignored; only the first rows are used");
  }
  std::map<std::string, known> present;
  for (auto& row : table->rows) {
    if (row.device != cfg_.interface)
      continue;
    auto profile = cfg_.db->find(row.mac);
    if (!profile || present.count(row.mac))
      continue; // not ours, or a second IP of one MAC (first row wins)
    auto fp = vendor_db_fingerprint(row, *profile);
    auto old = known_.find(row.mac);
    bool due = old == known_.end() || old->second.fingerprint != fp
               || now - old->second.reported >= cfg_.rematch_interval;
    present[row.mac] = due ? known{fp, now} : old->second;
    if (!due || !sink_.seen)
      continue;
    device_sighting s;
    s.source = discovery_kind::vendor_db;
    s.mac = row.mac;
    s.address = row.ip;
    s.seen_on = "neigh:" + row.device;
    s.profile = *profile;
    s.fingerprint = std::move(fp);
    sink_.seen(std::move(s));
  }
  known_ = std::move(present);
}

} // namespace kagami::protocols
