#include "actors/security/schema_validator.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "actors/core/error.hpp"

namespace kagami::security {

namespace {

using nlohmann::json;

/// Longest quoted value in an error detail.
constexpr size_t max_quote = 64;

/// The JSON Schema name of the type of `v`.
const char* json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    case json::value_t::binary: return "binary";
    case json::value_t::discarded: return "discarded";
  }
  return "unknown";
}

/// `v` as JSON text for a message, cut to max_quote characters.
std::string quote(const json& v) {
  auto text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > max_quote) {
    text.resize(max_quote);
    text += "...";
  }
  return text;
}

/// A limit as people write it: 120 rather than 120.0.
std::string quote_limit(double x) {
  if (std::isfinite(x) && std::trunc(x) == x && std::fabs(x) < 9.2e18)
    return std::to_string(static_cast<int64_t>(x));
  return quote(json(x));
}

/// Whether `v` is a finite JSON number.
bool is_finite_number(const json& v) {
  if (v.is_number_float())
    return std::isfinite(v.get<double>());
  return v.is_number();
}

/// Whether `v` is a number without a fractional part.
bool is_integral(const json& v) {
  if (v.is_number_integer()) // Includes unsigned.
    return true;
  if (!v.is_number_float())
    return false;
  auto x = v.get<double>();
  return std::isfinite(x) && std::trunc(x) == x;
}

caf::error invalid(std::string reason) {
  return make_error(ec::invalid_value, std::move(reason));
}

caf::error check_type(const config::data_schema& s, const json& v) {
  bool ok = false;
  switch (s.type) {
    case config::value_type::boolean: ok = v.is_boolean(); break;
    case config::value_type::string: ok = v.is_string(); break;
    case config::value_type::number: ok = is_finite_number(v); break;
    case config::value_type::integer: ok = is_integral(v); break;
  }
  if (ok)
    return caf::none;
  std::string got = json_type_name(v);
  if (v.is_number_float()) {
    auto x = v.get<double>();
    if (!std::isfinite(x))
      got = "a non-finite number";
    else
      got = "number " + quote(v);
  }
  return invalid(std::string{"expected "} + config::to_string(s.type) + ", got "
                 + got);
}

/// `v` (a number) as a long double: exact for every 64-bit integer and every
/// double on x86-64, so that large integers do not round before comparing.
long double to_wide(const json& v) {
  if (v.is_number_unsigned())
    return static_cast<long double>(v.get<uint64_t>());
  if (v.is_number_integer())
    return static_cast<long double>(v.get<int64_t>());
  return static_cast<long double>(v.get<double>());
}

caf::error check_range(const config::data_schema& s, const json& v) {
  if (!v.is_number())
    return caf::none;
  auto x = to_wide(v);
  if (s.minimum && x < static_cast<long double>(*s.minimum))
    return invalid("value " + quote(v) + " is below the minimum "
                   + quote_limit(*s.minimum));
  if (s.maximum && x > static_cast<long double>(*s.maximum))
    return invalid("value " + quote(v) + " is above the maximum "
                   + quote_limit(*s.maximum));
  return caf::none;
}

caf::error check_enum(const config::data_schema& s, const json& v) {
  if (s.enumeration.empty())
    return caf::none;
  for (const auto& allowed : s.enumeration)
    if (allowed == v)
      return caf::none;
  return invalid("value " + quote(v) + " is not one of "
                 + quote(json(s.enumeration)));
}

} // namespace

caf::error validate_value(const config::data_schema& schema,
                          const nlohmann::json& value) noexcept {
  try {
    if (auto err = check_type(schema, value))
      return err;
    if (auto err = check_range(schema, value))
      return err;
    return check_enum(schema, value);
  } catch (const std::exception& ex) {
    // Not expected (dump() replaces bad UTF-8); keep the no-throw promise.
    return invalid(std::string{"value cannot be checked: "} + ex.what());
  } catch (...) {
    return invalid("value cannot be checked");
  }
}

} // namespace kagami::security
