#include "actors/security/validation/expected_use_config.hpp"

#include <cmath>
#include <cstdint>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "actors/core/error.hpp"
#include "actors/security/validation/rule_error.hpp"
#include "config/json_reader.hpp"

namespace kagami::security {

namespace {

using nlohmann::json;

caf::error bad(const std::string& pointer, std::string what) {
  return rule_error(pointer, std::move(what));
}

/// A number as an operator reads it: integral values without a fraction
/// ("40", not "40.0"), others in JSON's shortest round-trip form.
std::string text(double x) {
  if (std::trunc(x) == x && std::fabs(x) < 9007199254740992.0)
    return std::to_string(static_cast<int64_t>(x));
  return nlohmann::json(x).dump();
}

caf::error only_keys(const json& j, const std::string& at,
                     std::initializer_list<std::string_view> keys) {
  for (auto& [key, _] : j.items()) {
    bool known = false;
    for (auto k : keys)
      known = known || key == k;
    if (!known)
      return bad(at + "/" + config::pointer_token(key), "unknown key");
  }
  return {};
}

caf::error read_name(const json& j, const std::string& at,
                     const expected_use_limits& limits, std::string& out) {
  if (!j.is_string())
    return bad(at, "expected a string");
  out = j.get<std::string>();
  if (out.empty() || out.size() > limits.max_name_length)
    return bad(at, "length must be 1.." + std::to_string(limits.max_name_length));
  return {};
}

caf::error read_number(const json& j, const std::string& at, double& out) {
  if (!j.is_number())
    return bad(at, "expected a number");
  out = j.get<double>();
  if (!std::isfinite(out))
    return bad(at, "expected a finite number");
  return {};
}

caf::error read_count(const json& j, const std::string& at, size_t& out) {
  if (!j.is_number_unsigned() || j.get<uint64_t>() < 1)
    return bad(at, "expected an integer >= 1");
  out = static_cast<size_t>(j.get<uint64_t>());
  return {};
}

caf::error read_interval(const json& j, const std::string& at,
                         const expected_use_limits& limits,
                         std::chrono::milliseconds& out) {
  if (!j.is_number_unsigned() || j.get<uint64_t>()
                                   > static_cast<uint64_t>(limits.max_interval_ms))
    return bad(at, "expected an integer number of milliseconds 0.."
                     + std::to_string(limits.max_interval_ms));
  out = std::chrono::milliseconds{static_cast<int64_t>(j.get<uint64_t>())};
  return {};
}

caf::expected<property_envelope>
parse_envelope(const json& j, const std::string& at,
               const expected_use_limits& limits) {
  if (!j.is_object())
    return bad(at, "expected an object");
  if (auto err = only_keys(j, at, {"thing", "property", "minimum", "maximum",
                                   "max_step", "unknown_previous"}))
    return err;
  property_envelope result;
  auto thing = j.find("thing");
  if (thing == j.end())
    return bad(at + "/thing", "missing");
  if (auto err = read_name(*thing, at + "/thing", limits, result.thing))
    return err;
  auto property = j.find("property");
  if (property == j.end())
    return bad(at + "/property", "missing");
  if (auto err = read_name(*property, at + "/property", limits, result.property))
    return err;
  auto optional_number = [&](const char* key, std::optional<double>& out)
    -> caf::error {
    auto i = j.find(key);
    if (i == j.end())
      return {};
    double x = 0;
    if (auto err = read_number(*i, at + "/" + key, x))
      return err;
    out = x;
    return {};
  };
  if (auto err = optional_number("minimum", result.minimum))
    return err;
  if (auto err = optional_number("maximum", result.maximum))
    return err;
  if (auto err = optional_number("max_step", result.max_step))
    return err;
  if (result.minimum && result.maximum && *result.maximum < *result.minimum)
    return bad(at + "/maximum",
               "below minimum " + text(*result.minimum));
  if (result.max_step && !(*result.max_step > 0))
    return bad(at + "/max_step", "must be > 0");
  if (!result.minimum && !result.maximum && !result.max_step)
    return bad(at, "needs at least one of minimum, maximum, max_step");
  if (auto i = j.find("unknown_previous"); i != j.end()) {
    if (*i == "reject")
      result.reject_unknown_previous = true;
    else if (*i == "allow")
      result.reject_unknown_previous = false;
    else
      return bad(at + "/unknown_previous", "expected one of reject, allow");
  }
  return result;
}

caf::expected<rate_limit_config> parse_rate_limit(const json& j,
                                                  const std::string& at) {
  if (!j.is_object())
    return bad(at, "expected an object");
  if (auto err = only_keys(j, at, {"requests_per_second", "burst",
                                   "max_subjects"}))
    return err;
  rate_limit_config result;
  auto rps = j.find("requests_per_second");
  if (rps == j.end())
    return bad(at + "/requests_per_second", "missing");
  if (auto err = read_number(*rps, at + "/requests_per_second",
                             result.requests_per_second))
    return err;
  if (!(result.requests_per_second > 0) || result.requests_per_second > 1e9)
    return bad(at + "/requests_per_second", "must be > 0 and <= 1e9");
  auto burst = j.find("burst");
  if (burst == j.end())
    return bad(at + "/burst", "missing");
  if (auto err = read_number(*burst, at + "/burst", result.burst))
    return err;
  if (!(result.burst >= 1) || result.burst > 1e9)
    return bad(at + "/burst", "must be >= 1 and <= 1e9");
  if (auto i = j.find("max_subjects"); i != j.end())
    if (auto err = read_count(*i, at + "/max_subjects", result.max_subjects))
      return err;
  return result;
}

caf::expected<write_interval_config>
parse_write_interval(const json& j, const std::string& at,
                     const expected_use_limits& limits) {
  if (!j.is_object())
    return bad(at, "expected an object");
  if (auto err = only_keys(j, at, {"default_ms", "devices", "max_devices"}))
    return err;
  write_interval_config result;
  if (auto i = j.find("default_ms"); i != j.end())
    if (auto err = read_interval(*i, at + "/default_ms", limits,
                                 result.default_interval))
      return err;
  if (auto i = j.find("max_devices"); i != j.end())
    if (auto err = read_count(*i, at + "/max_devices", result.max_devices))
      return err;
  if (auto devices = j.find("devices"); devices != j.end()) {
    if (!devices->is_object())
      return bad(at + "/devices", "expected an object");
    if (devices->size() > limits.max_devices)
      return bad(at + "/devices",
                 "more than " + std::to_string(limits.max_devices) + " devices");
    for (auto& [name, value] : devices->items()) {
      auto dat = at + "/devices/" + config::pointer_token(name);
      if (name.empty() || name.size() > limits.max_name_length)
        return bad(dat, "device id length must be 1.."
                          + std::to_string(limits.max_name_length));
      std::chrono::milliseconds interval{0};
      if (auto err = read_interval(value, dat, limits, interval))
        return err;
      result.devices.emplace(name, interval);
    }
  }
  return result;
}

} // namespace

caf::expected<expected_use_config>
parse_expected_use_config(const nlohmann::json& section,
                          const std::string& pointer,
                          const expected_use_limits& limits) {
  if (!section.is_object())
    return bad(pointer, "expected an object");
  if (auto err = only_keys(section, pointer,
                           {"envelopes", "rate_limit", "write_interval"}))
    return err;
  expected_use_config result;
  if (auto envelopes = section.find("envelopes"); envelopes != section.end()) {
    auto at = pointer + "/envelopes";
    if (!envelopes->is_array())
      return bad(at, "expected an array");
    if (envelopes->size() > limits.max_envelopes)
      return bad(at, "more than " + std::to_string(limits.max_envelopes)
                       + " envelopes");
    std::set<std::pair<std::string, std::string>> seen;
    for (size_t i = 0; i < envelopes->size(); ++i) {
      auto eat = at + "/" + std::to_string(i);
      auto envelope = parse_envelope((*envelopes)[i], eat, limits);
      if (!envelope)
        return std::move(envelope.error());
      if (!seen.emplace(envelope->thing, envelope->property).second)
        return bad(eat, "duplicate envelope for " + envelope->thing + "/"
                          + envelope->property);
      result.envelopes.push_back(std::move(*envelope));
    }
  }
  if (auto rate = section.find("rate_limit"); rate != section.end()) {
    auto parsed = parse_rate_limit(*rate, pointer + "/rate_limit");
    if (!parsed)
      return std::move(parsed.error());
    result.rate_limit = *parsed;
  }
  if (auto interval = section.find("write_interval");
      interval != section.end()) {
    auto parsed = parse_write_interval(*interval, pointer + "/write_interval",
                                       limits);
    if (!parsed)
      return std::move(parsed.error());
    result.write_interval = std::move(*parsed);
  }
  return result;
}

caf::expected<expected_use_config>
parse_expected_use_config(std::string_view text,
                          const expected_use_limits& limits) {
  if (text.size() > limits.max_file_bytes)
    return bad("", "larger than " + std::to_string(limits.max_file_bytes)
                     + " bytes");
  auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded())
    return bad("", "not valid JSON");
  return parse_expected_use_config(doc, "", limits);
}

} // namespace kagami::security
