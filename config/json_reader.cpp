#include "config/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "config/syntax.hpp"

namespace kagami::config {

namespace {

/// Tracks where the parser is, to name duplicate keys by their pointer.
class duplicate_finder {
 public:
  using event = nlohmann::detail::parse_event_t;

  bool operator()(int, event ev, const json_value& parsed) {
    switch (ev) {
      case event::object_start:
        begin_element();
        stack_.push_back(frame{false, npos, {}, {}});
        break;
      case event::array_start:
        begin_element();
        stack_.push_back(frame{true, npos, {}, {}});
        break;
      case event::key: {
        auto& top = stack_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second && first_.empty())
          first_ = current_path();
        break;
      }
      case event::value:
        begin_element();
        break;
      case event::object_end:
      case event::array_end:
        stack_.pop_back();
        break;
    }
    return true;
  }

  /// The pointer of the first duplicate key, or "".
  const std::string& first() const { return first_; }

 private:
  static constexpr size_t npos = static_cast<size_t>(-1);

  struct frame {
    bool is_array;
    size_t index;
    std::string key;
    std::set<std::string> keys;
  };

  void begin_element() {
    if (!stack_.empty() && stack_.back().is_array)
      ++stack_.back().index; // npos + 1 == 0
  }

  std::string current_path() const {
    std::string result;
    for (auto& f : stack_)
      result += "/" + (f.is_array ? std::to_string(f.index)
                                  : pointer_token(f.key));
    return result;
  }

  std::vector<frame> stack_;
  std::string first_;
};

/// Levenshtein distance, case-insensitive.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      auto up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1]))
                  == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// Names a wrong value in a message: "a string", "null", "1.5", ...
std::string type_name(const json_value& v) {
  switch (v.type()) {
    case json_value::value_t::null: return "null";
    case json_value::value_t::object: return "an object";
    case json_value::value_t::array: return "an array";
    case json_value::value_t::string: return "a string";
    case json_value::value_t::boolean: return v.get<bool>() ? "true" : "false";
    default: return v.dump();
  }
}

} // namespace

std::string pointer_token(std::string_view key) {
  std::string result;
  result.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      result += "~0";
    else if (c == '/')
      result += "~1";
    else
      result += c;
  }
  return result;
}

bool is_json_pointer(std::string_view p) {
  if (p.empty())
    return true;
  if (p.front() != '/')
    return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] == '~'
        && (i + 1 == p.size() || (p[i + 1] != '0' && p[i + 1] != '1')))
      return false;
  return true;
}

std::string format_number(double x) {
  char buf[32];
  if (std::isfinite(x) && x == std::trunc(x) && std::fabs(x) < 1e15)
    std::snprintf(buf, sizeof(buf), "%.0f", x);
  else
    std::snprintf(buf, sizeof(buf), "%.15g", x);
  return buf;
}

std::variant<json_value, config_error> parse_json(const std::string& text,
                                                  const std::string& file) {
  duplicate_finder finder;
  try {
    auto cb = [&finder](int depth, duplicate_finder::event ev,
                        json_value& parsed) {
      return finder(depth, ev, parsed);
    };
    auto result = json_value::parse(text, cb);
    if (!finder.first().empty())
      return config_error{file, finder.first(), "duplicate key"};
    return result;
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, ...".
    std::string what = e.what();
    auto pos = what.find("parse error at ");
    if (pos != std::string::npos)
      what = what.substr(pos + 15);
    return config_error{file, "", "invalid JSON at " + what};
  } catch (const nlohmann::json::exception& e) {
    // For example "[json.exception.out_of_range.406] number overflow ...".
    std::string what = e.what();
    auto pos = what.find("] ");
    if (pos != std::string::npos)
      what = what.substr(pos + 2);
    return config_error{file, "", "invalid JSON: " + what};
  }
}

// -- error_sink ---------------------------------------------------------------

error_sink::error_sink(std::string file) : file_(std::move(file)) {
  // nop
}

bool error_sink::fail(std::string field, std::string reason) {
  if (!error_)
    error_ = config_error{file_, std::move(field), std::move(reason)};
  return false;
}

bool error_sink::fail(config_error err) {
  if (!error_)
    error_ = std::move(err);
  return false;
}

// -- object_reader ------------------------------------------------------------

object_reader::object_reader(error_sink& sink, const json_value& value,
                             std::string pointer)
  : sink_(&sink), obj_(&value), pointer_(std::move(pointer)) {
  if (!value.is_object()) {
    obj_ = nullptr;
    sink.fail(pointer_, "must be an object, not " + type_name(value));
  }
}

std::string object_reader::path(std::string_view key) const {
  return pointer_ + "/" + pointer_token(key);
}

bool object_reader::fail(std::string_view key, std::string reason) const {
  return sink_->fail(path(key), std::move(reason));
}

bool object_reader::known_keys(
  std::initializer_list<std::string_view> known) const {
  if (!obj_)
    return false;
  for (auto& [key, value] : obj_->items()) {
    if (std::find(known.begin(), known.end(), key) != known.end())
      continue;
    std::string reason = "unknown key \"" + key + "\"";
    std::string_view best;
    size_t best_distance = 3;
    for (auto k : known) {
      auto d = edit_distance(key, k);
      if (d < best_distance) {
        best = k;
        best_distance = d;
      }
    }
    if (!best.empty())
      reason += " (did you mean \"" + std::string{best} + "\"?)";
    return fail(key, std::move(reason));
  }
  return true;
}

bool object_reader::has(std::string_view key) const {
  return obj_ && obj_->contains(key);
}

const json_value* object_reader::get(std::string_view key, need n) const {
  if (obj_) {
    auto i = obj_->find(key);
    if (i != obj_->end())
      return &*i;
  }
  if (n == need::required)
    fail(key, "missing required field");
  return nullptr;
}

bool object_reader::read(std::string_view key, std::string& out,
                         need n) const {
  auto v = get(key, n);
  if (!v)
    return false;
  if (!v->is_string())
    return fail(key, "must be a string, not " + type_name(*v));
  out = v->get<std::string>();
  return true;
}

bool object_reader::read(std::string_view key, bool& out, need n) const {
  auto v = get(key, n);
  if (!v)
    return false;
  if (!v->is_boolean())
    return fail(key, "must be true or false, not " + type_name(*v));
  out = v->get<bool>();
  return true;
}

bool object_reader::read(std::string_view key, double& out, need n) const {
  auto v = get(key, n);
  if (!v)
    return false;
  if (!v->is_number())
    return fail(key, "must be a number, not " + type_name(*v));
  auto x = v->get<double>();
  if (!std::isfinite(x))
    return fail(key, "must be a finite number");
  out = x;
  return true;
}

bool object_reader::read(std::string_view key,
                         std::optional<double>& out) const {
  double x = 0;
  if (!read(key, x))
    return false;
  out = x;
  return true;
}

bool object_reader::read_int(std::string_view key, int64_t& out, int64_t lo,
                             int64_t hi, need n) const {
  auto v = get(key, n);
  if (!v)
    return false;
  auto range = [&] {
    return "must be an integer from " + std::to_string(lo) + " to "
           + std::to_string(hi);
  };
  if (!v->is_number_integer())
    return fail(key, range() + ", not " + type_name(*v));
  if (v->is_number_unsigned()
      && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return fail(key, range());
  auto x = v->get<int64_t>();
  if (x < lo || x > hi)
    return fail(key, range());
  out = x;
  return true;
}

const json_value* object_reader::get_object(std::string_view key,
                                            need n) const {
  auto v = get(key, n);
  if (v && !v->is_object()) {
    fail(key, "must be an object, not " + type_name(*v));
    return nullptr;
  }
  return v;
}

const json_value* object_reader::get_array(std::string_view key,
                                           need n) const {
  auto v = get(key, n);
  if (v && !v->is_array()) {
    fail(key, "must be an array, not " + type_name(*v));
    return nullptr;
  }
  return v;
}

void read_tags(const object_reader& r, std::vector<std::string>& out) {
  auto& sink = r.sink();
  auto tags = r.get_array("tags");
  if (!tags)
    return;
  std::set<std::string> seen;
  for (size_t i = 0; i < tags->size() && sink.ok(); ++i) {
    auto& t = (*tags)[i];
    auto field = r.path("tags") + "/" + std::to_string(i);
    if (!t.is_string() || !is_tag(t.get<std::string>()))
      sink.fail(field, "must be a string of 1 to 64 printable characters "
                       "without spaces");
    else if (!seen.insert(t.get<std::string>()).second)
      sink.fail(field, "duplicate tag \"" + t.get<std::string>() + "\"");
    else
      out.push_back(t.get<std::string>());
  }
}

} // namespace kagami::config
