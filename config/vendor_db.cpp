// Loading and validation of the vendor device database (format:
// config/README.md, "Vendor database").

#include "config/vendor_db.hpp"

#include "config/design_info.hpp"
#include "config/json_reader.hpp"
#include "config/syntax.hpp"

namespace kagami::config {

const protocols::device_profile* vendor_db::find(std::string_view mac) const {
  auto norm = normalize_mac(mac);
  if (!norm)
    return nullptr;
  auto i = entries.find(*norm);
  return i == entries.end() ? nullptr : &i->second;
}

namespace {

void read_entry(const object_reader& r, std::string& mac,
                protocols::device_profile& p) {
  if (!r.known_keys({"mac", "vendor", "product", "modelNumber", "firmware",
                     "hardware", "serial", "category"}))
    return;
  if (r.read("mac", mac, need::required)) {
    if (auto norm = normalize_mac(mac))
      mac = *norm;
    else
      r.fail("mac", "\"" + mac + "\" is not a MAC or BD address "
                                 "(xx:xx:xx:xx:xx:xx); OUI prefixes are not "
                                 "accepted");
  }
  struct field {
    const char* key;
    std::string protocols::device_profile::*member;
    need n;
  };
  static constexpr field fields[] = {
    {"vendor", &protocols::device_profile::vendor, need::required},
    {"product", &protocols::device_profile::product, need::required},
    {"modelNumber", &protocols::device_profile::model_number, need::optional},
    {"firmware", &protocols::device_profile::firmware, need::optional},
    {"hardware", &protocols::device_profile::hardware, need::optional},
    {"serial", &protocols::device_profile::serial, need::optional},
    {"category", &protocols::device_profile::category, need::optional},
  };
  for (auto& f : fields) {
    auto& out = p.*f.member;
    if (r.read(f.key, out, f.n) && !is_text(out, protocols::max_profile_field))
      r.fail(f.key, "must be 1 to "
                      + std::to_string(protocols::max_profile_field)
                      + " characters without control characters");
  }
}

} // namespace

std::variant<vendor_db, config_error> parse_vendor_db(const std::string& text,
                                                      const std::string& file) {
  try {
    auto doc = parse_json(text, file);
    if (auto err = std::get_if<config_error>(&doc))
      return std::move(*err);
    auto& arr = std::get<json_value>(doc);
    if (!arr.is_array())
      return config_error{file, "", "must be a JSON array of entries"};
    if (arr.size() > vendor_db::max_entries)
      return config_error{file, "",
                          "has " + std::to_string(arr.size())
                            + " entries; at most "
                            + std::to_string(vendor_db::max_entries)};
    error_sink sink{file};
    vendor_db db;
    std::map<std::string, size_t, std::less<>> seen; // mac -> index
    for (size_t i = 0; i < arr.size() && sink.ok(); ++i) {
      auto pointer = "/" + std::to_string(i);
      object_reader r{sink, arr[i], pointer};
      if (!r.valid())
        break;
      std::string mac;
      protocols::device_profile p;
      read_entry(r, mac, p);
      if (!sink.ok())
        break;
      if (auto [it, added] = seen.emplace(mac, i); !added) {
        r.fail("mac", "duplicate MAC " + mac + " (also /"
                        + std::to_string(it->second) + ")");
        break;
      }
      db.entries.emplace(std::move(mac), std::move(p));
    }
    if (!sink.ok())
      return sink.error();
    return db;
  } catch (const std::exception& e) {
    return config_error{file, "", std::string{"cannot load: "} + e.what()};
  }
}

} // namespace kagami::config
