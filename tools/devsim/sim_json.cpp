#include "tools/devsim/sim_json.hpp"

#include <cmath>

namespace kagami::devsim::detail {

nlohmann::json parse_json_limited(std::string_view text, int max_depth) {
  using nlohmann::json;
  // `depth` counts the containers around the one that starts here.
  auto limit_depth = [max_depth](int depth, json::parse_event_t event, json&) {
    bool starts = event == json::parse_event_t::object_start
                  || event == json::parse_event_t::array_start;
    if (starts && depth >= max_depth)
      throw sim_json_failure{
        "", "nests deeper than " + std::to_string(max_depth) + " levels"};
    return true;
  };
  return json::parse(text.begin(), text.end(), limit_depth);
}

void node::fail(const std::string& reason) const {
  throw sim_json_failure{path, reason};
}

void node::require_object() const {
  if (!value.is_object())
    fail("must be an object");
}

void node::require_array() const {
  if (!value.is_array())
    fail("must be an array");
}

std::optional<node> node::get(const std::string& key) const {
  require_object();
  auto i = value.find(key);
  if (i == value.end())
    return std::nullopt;
  return node{*i, path + "/" + pointer_token(key)};
}

node node::at(const std::string& key) const {
  auto x = get(key);
  if (!x)
    fail("missing required field \"" + key + "\"");
  return *x;
}

node node::at(size_t index) const {
  return node{value.at(index), path + "/" + std::to_string(index)};
}

void node::allow_only(std::initializer_list<const char*> keys) const {
  require_object();
  for (const auto& [k, v] : value.items()) {
    if (k == "comment" || (!k.empty() && k.front() == '_'))
      continue;
    bool known = false;
    for (const char* allowed : keys)
      known = known || k == allowed;
    if (!known)
      node{v, path + "/" + pointer_token(k)}.fail("unknown field");
  }
}

double node::number() const {
  if (!value.is_number())
    fail("must be a number");
  return value.get<double>();
}

int64_t node::integer(int64_t lo, int64_t hi) const {
  if (!value.is_number_integer())
    fail("must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  auto x = value.is_number_unsigned()
             ? (value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                  ? INT64_MAX
                  : static_cast<int64_t>(value.get<uint64_t>()))
             : value.get<int64_t>();
  if (x < lo || x > hi)
    fail("must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return x;
}

std::string node::string() const {
  if (!value.is_string())
    fail("must be a string");
  return value.get<std::string>();
}

bool node::boolean() const {
  if (!value.is_boolean())
    fail("must be true or false");
  return value.get<bool>();
}

} // namespace kagami::devsim::detail
