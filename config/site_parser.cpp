// Loading and validation of the site config (format: config/README.md).

#include <array>
#include <cctype>
#include <filesystem>

#include "config/design_parser.hpp"
#include "config/isolation_parser.hpp"
#include "config/json_reader.hpp"
#include "config/model_parser.hpp"
#include "config/network_parser.hpp"
#include "config/network_address.hpp"
#include "config/site_config.hpp"
#include "config/syntax.hpp"

#include "actors/core/error.hpp"

namespace kagami::config {

namespace {

namespace fs = std::filesystem;


std::string resolve(const std::string& base_dir, const std::string& path) {
  fs::path p{path};
  if (p.is_absolute() || base_dir.empty())
    return p.lexically_normal().string();
  return (fs::path{base_dir} / p).lexically_normal().string();
}

void read_timeouts(const object_reader& r, timeout_config& t) {
  if (!r.known_keys({"deviceMs", "requestMs", "httpReadMs"}))
    return;
  r.read_int("deviceMs", t.device_ms, 1, 60'000);
  r.read_int("requestMs", t.request_ms, 1, 300'000);
  r.read_int("httpReadMs", t.http_read_ms, 1, 300'000);
  if (r.sink().ok() && t.request_ms < t.device_ms)
    r.fail("requestMs", "must be at least deviceMs ("
                          + std::to_string(t.device_ms)
                          + "): a request includes the device round trip");
}

void read_http_limits(const object_reader& r, http_limits_config& h) {
  if (!r.known_keys({"headerLimit", "bodyLimit", "maxConnections"}))
    return;
  r.read_int("headerLimit", h.header_limit, 1024, 1024 * 1024);
  r.read_int("bodyLimit", h.body_limit, 1024, 64 * 1024 * 1024);
  r.read_int("maxConnections", h.max_connections, 1, 100'000);
}

constexpr std::array<std::pair<std::string_view, scheduler_policy>, 2>
  scheduler_names{{{"sharing", scheduler_policy::sharing},
                   {"stealing", scheduler_policy::stealing}}};

/// Reads the "models" array: paths to model files or inline models.
void read_models(const object_reader& r, const std::string& base_dir,
                 const read_file_fn& read, site_config& site) {
  auto& sink = r.sink();
  auto models = r.get_array("models");
  if (!models)
    return;
  std::map<std::string, std::string> seen; // id -> pointer of its entry
  for (size_t i = 0; i < models->size() && sink.ok(); ++i) {
    auto& entry = (*models)[i];
    auto pointer = r.path("models") + "/" + std::to_string(i);
    device_model m;
    if (entry.is_string()) {
      auto rel = entry.get<std::string>();
      if (rel.empty()) {
        sink.fail(pointer, "the model path is empty");
        return;
      }
      auto path = resolve(base_dir, rel);
      std::string why;
      auto text = read(path, why);
      if (!text) {
        sink.fail(pointer, "cannot read model file " + path + ": " + why);
        return;
      }
      auto parsed = parse_device_model(*text, path);
      if (auto err = std::get_if<config_error>(&parsed)) {
        sink.fail(std::move(*err)); // names the model file
        return;
      }
      m = std::move(std::get<device_model>(parsed));
    } else if (entry.is_object()) {
      m = read_device_model(sink, entry, pointer);
      if (!sink.ok())
        return;
    } else {
      sink.fail(pointer, "must be a model file path or a model object");
      return;
    }
    if (auto [it, added] = seen.emplace(m.id, pointer); !added) {
      sink.fail(pointer, "duplicate model id \"" + m.id + "\" (also "
                           + it->second + ")");
      return;
    }
    site.models.emplace(m.id, std::move(m));
  }
}

void read_device(const object_reader& r, const site_config& site,
                 device_config& d) {
  auto& sink = r.sink();
  if (!r.known_keys({"id", "title", "model", "address", "unitId", "tags"}))
    return;
  if (r.read("id", d.id, need::required) && !is_id(d.id))
    r.fail("id", "invalid id \"" + d.id + "\": ids match [A-Za-z0-9._-]{1,64}");
  if (r.read("title", d.title) && !is_text(d.title, 128))
    r.fail("title", "must be 1 to 128 characters without control characters");
  r.read("model", d.model, need::required);
  if (!sink.ok())
    return;
  if (d.title.empty())
    d.title = d.id;
  auto model = site.model_of(d);
  if (!model) {
    r.fail("model", "unknown device model \"" + d.model + "\"");
    return;
  }
  auto modbus = model->protocol == device_protocol::modbus_tcp;
  if (model->protocol == device_protocol::ble_gatt) {
    // A BLE device is reached through BlueZ by its BD address.
    if (r.read("address", d.address, need::required) && !is_colon_hex_address(d.address))
      r.fail("address", "\"" + d.address + "\": not a BD address "
                          "(AA:BB:CC:DD:EE:FF) (model " + model->id
                          + " is ble-gatt)");
  } else if (r.read("address", d.address, need::required)) {
    auto addr = modbus ? parse_host_port(d.address)
                       : parse_http_address(d.address);
    if (!addr)
      r.fail("address", "\"" + d.address + "\": " + detail_of(addr.error())
                          + " (model " + model->id + " is "
                          + to_string(model->protocol) + ")");
  }
  if (r.has("unitId") && !modbus)
    r.fail("unitId", "applies only to modbus-tcp devices");
  r.read_int("unitId", d.unit_id, 0, 247);
  read_tags(r, d.tags);
}

void read_devices(const object_reader& r, site_config& site) {
  auto& sink = r.sink();
  auto devices = r.get_array("devices");
  if (!devices)
    return;
  std::map<std::string, std::string> seen; // id -> pointer of its entry
  for (size_t i = 0; i < devices->size() && sink.ok(); ++i) {
    auto pointer = r.path("devices") + "/" + std::to_string(i);
    object_reader dr{sink, (*devices)[i], pointer};
    if (!dr.valid())
      return;
    device_config d;
    read_device(dr, site, d);
    if (!sink.ok())
      return;
    if (auto [it, added] = seen.emplace(d.id, pointer); !added) {
      dr.fail("id", "duplicate device id \"" + d.id + "\" (also "
                      + it->second + ")");
      return;
    }
    site.devices.push_back(std::move(d));
  }
}

/// Reads "design", "vendorDb" and "discovery" (after models and devices).
void read_onboarding(const object_reader& r, const std::string& base_dir,
                     const read_file_fn& read, site_config& site) {
  auto& sink = r.sink();
  if (auto d = r.get_object("design"))
    read_design(object_reader{sink, *d, r.path("design")}, site, site.design);
  if (sink.ok() && r.read("vendorDb", site.vendor_db_file)) {
    if (site.vendor_db_file.empty())
      return (void) r.fail("vendorDb", "the vendor database path is empty");
    auto path = resolve(base_dir, site.vendor_db_file);
    std::string why;
    auto text = read(path, why);
    if (!text)
      return (void) r.fail("vendorDb", "cannot read vendor database " + path
                                         + ": " + why);
    auto parsed = parse_vendor_db(*text, path);
    if (auto err = std::get_if<config_error>(&parsed))
      return (void) sink.fail(std::move(*err)); // names the database file
    site.vendor_db = std::move(std::get<vendor_db>(parsed));
  }
  if (auto d = r.get_object("discovery"))
    read_discovery(object_reader{sink, *d, r.path("discovery")},
                   site.discovery);
  if (sink.ok() && site.discovery.neighbours.enabled
      && site.vendor_db_file.empty())
    sink.fail(r.path("discovery") + "/neighbours/enabled",
              "needs a vendorDb: "
              "the neighbour source reports only devices in the vendor "
              "database");
}

site_config read_site(error_sink& sink, const json_value& doc,
                      const std::string& base_dir, const read_file_fn& read) {
  site_config site;
  object_reader r{sink, doc, ""};
  if (!r.known_keys({"$schema", "site", "listen", "dataDir", "publicBaseUrl",
                     "timeouts", "http", "scheduler", "models", "devices",
                     "design", "vendorDb", "discovery", "network", "isolation",
                     "security"}))
    return site;
  std::string schema;
  r.read("$schema", schema);
  if (r.read("site", site.site_name) && !is_text(site.site_name, 128))
    r.fail("site", "must be 1 to 128 characters without control characters");
  if (r.read("listen", site.listen))
    if (auto addr = parse_host_port(site.listen); !addr)
      r.fail("listen", "\"" + site.listen + "\": " + detail_of(addr.error()));
  if (r.read("dataDir", site.data_dir) && !is_text(site.data_dir, 4096))
    r.fail("dataDir", "must be a non-empty path");
  if (r.read("publicBaseUrl", site.public_base_url)) {
    while (!site.public_base_url.empty() && site.public_base_url.back() == '/')
      site.public_base_url.pop_back();
    if (!site.public_base_url.empty())
      if (auto err = check_base_url(site.public_base_url))
        r.fail("publicBaseUrl",
               "\"" + site.public_base_url + "\": " + detail_of(err));
  }
  if (auto t = r.get_object("timeouts"))
    read_timeouts(object_reader{sink, *t, r.path("timeouts")}, site.timeouts);
  if (auto h = r.get_object("http"))
    read_http_limits(object_reader{sink, *h, r.path("http")}, site.http);
  r.read_enum("scheduler", site.scheduler, scheduler_names);
  if (!sink.ok())
    return site;
  read_models(r, base_dir, read, site);
  if (sink.ok())
    read_devices(r, site);
  if (sink.ok())
    read_onboarding(r, base_dir, read, site);
  if (sink.ok())
    if (auto n = r.get_object("network"))
      read_network(object_reader{sink, *n, r.path("network")}, site.network);
  if (sink.ok() && site.network.htip_agents.enabled && !site.discovery.htip.enabled)
    sink.fail(r.path("network") + "/htipAgents/enabled",
              "needs discovery.htip: HTIP agents are heard by its LLDP capture");
  if (sink.ok())
    if (auto i = r.get_object("isolation"))
      read_isolation(object_reader{sink, *i, r.path("isolation")}, site.network,
                     site.isolation);
  if (auto sec = r.get_object("security"))
    site.security = nlohmann::json::parse(sec->dump());
  site.base_dir = base_dir;
  return site;
}

} // namespace

std::variant<site_config, config_error>
parse_site_config(const std::string& text, const std::string& file,
                  const std::string& base_dir, const read_file_fn& read) {
  try {
    auto doc = parse_json(text, file);
    if (auto err = std::get_if<config_error>(&doc))
      return std::move(*err);
    error_sink sink{file};
    auto site = read_site(sink, std::get<json_value>(doc), base_dir, read);
    if (!sink.ok())
      return sink.error();
    return site;
  } catch (const std::exception& e) {
    return config_error{file, "", std::string{"cannot load: "} + e.what()};
  }
}

std::variant<site_config, config_error>
parse_site_config(const std::string& text, const std::string& file,
                  const std::string& base_dir) {
  return parse_site_config(text, file, base_dir, read_file);
}

std::variant<site_config, config_error>
load_site_config(const std::string& path) {
  std::string why;
  auto text = read_file(path, why);
  if (!text)
    return config_error{path, "", "cannot read: " + why};
  auto base_dir = std::filesystem::path{path}.parent_path().string();
  return parse_site_config(*text, path, base_dir, read_file);
}

} // namespace kagami::config
