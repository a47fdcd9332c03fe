#include "actors/security/authz/acl_policy.hpp"

#include <algorithm>
#include <array>

#include "actors/core/error.hpp"
#include "config/json_depth.hpp"

namespace kagami::security::authz {

namespace {

constexpr std::array<const char*, 4> op_names{
  "readproperty", "writeproperty", "invokeaction", "subscribeevent"};
constexpr std::array<const char*, 7> day_names{"mon", "tue", "wed", "thu",
                                                "fri", "sat", "sun"};
constexpr std::array<const char*, 7> day_titles{"Mon", "Tue", "Wed", "Thu",
                                                 "Fri", "Sat", "Sun"};
constexpr uint8_t all_ops = 0x0f;

// Floor division for possibly negative seconds.
int64_t floor_div(int64_t a, int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string two_digits(int v) {
  std::string s(2, '0');
  s[0] = static_cast<char>('0' + v / 10);
  s[1] = static_cast<char>('0' + v % 10);
  return s;
}

std::string hh_mm(int minutes) {
  return two_digits(minutes / 60) + ":" + two_digits(minutes % 60);
}

// Parses "HH:MM" with HH 00..24 and MM 00..59; 24 only as "24:00".
std::optional<int> parse_hh_mm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':')
    return std::nullopt;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9')
      return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0))
    return std::nullopt;
  return h * 60 + m;
}

// A quoted copy of untrusted text for error details, cut to 64 bytes.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 64))
    out += (static_cast<unsigned char>(c) < 0x20 || c == '"') ? '?' : c;
  if (s.size() > 64)
    out += "...";
  return out + "\"";
}

// Parses "Z", "+HH:MM" or "-HH:MM" into minutes east of UTC.
std::optional<int> parse_offset(std::string_view s) {
  if (s == "Z")
    return 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-'))
    return std::nullopt;
  auto m = parse_hh_mm(s.substr(1));
  if (!m || *m >= 1440)
    return std::nullopt;
  return s[0] == '-' ? -*m : *m;
}

class rule_reader {
public:
  rule_reader(const acl_limits& limits, std::string pointer)
    : limits_(limits), base_(std::move(pointer)) {
  }

  caf::expected<std::vector<acl_rule>> read(const nlohmann::json& doc) {
    const nlohmann::json* list = &doc;
    std::string at = base_;
    if (doc.is_object()) {
      for (auto& [key, _] : doc.items())
        if (key != "rules")
          return fail(at + "/" + key, "unknown key");
      auto it = doc.find("rules");
      if (it == doc.end())
        return fail(at, "missing \"rules\"");
      list = &*it;
      at += "/rules";
    }
    if (!list->is_array())
      return fail(at, "expected an array of rules");
    if (list->size() > limits_.max_rules)
      return fail(at, "more than " + std::to_string(limits_.max_rules)
                        + " rules");
    std::vector<acl_rule> out;
    out.reserve(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
      auto rule = read_rule((*list)[i], at + "/" + std::to_string(i));
      if (!rule)
        return std::move(rule.error());
      out.push_back(std::move(*rule));
    }
    return out;
  }

private:
  static caf::error fail(const std::string& at, const std::string& what) {
    return make_error(ec::config_invalid, (at.empty() ? "/" : at) + ": " + what);
  }

  caf::expected<std::string> read_name(const nlohmann::json& v,
                                       const std::string& at) {
    if (!v.is_string())
      return fail(at, "expected a string");
    auto& s = v.get_ref<const std::string&>();
    if (s.empty())
      return fail(at, "empty");
    if (s.size() > limits_.max_name)
      return fail(at, "longer than " + std::to_string(limits_.max_name)
                        + " bytes");
    for (unsigned char c : s)
      if (c < 0x20 || c == 0x7f)
        return fail(at, "control character in " + quote(s));
    return s;
  }

  // "prefix:value" -> value, with prefix one of `prefixes`.
  template <size_t N>
  caf::expected<std::pair<size_t, std::string>>
  read_prefixed(const nlohmann::json& v, const std::string& at,
                const std::array<const char*, N>& prefixes) {
    auto s = read_name(v, at);
    if (!s)
      return std::move(s.error());
    auto colon = s->find(':');
    if (colon != std::string::npos) {
      auto prefix = std::string_view{*s}.substr(0, colon);
      for (size_t i = 0; i < N; ++i)
        if (prefix == prefixes[i]) {
          if (colon + 1 == s->size())
            return fail(at, "empty name after " + quote(prefix));
          return std::pair{i, s->substr(colon + 1)};
        }
    }
    std::string expected;
    for (size_t i = 0; i < N; ++i)
      expected += std::string(i ? ", " : "") + prefixes[i] + ":NAME";
    return fail(at, "expected " + expected + ", got " + quote(*s));
  }

  caf::expected<acl_rule> read_rule(const nlohmann::json& v,
                                    const std::string& at) {
    if (!v.is_object())
      return fail(at, "expected an object");
    acl_rule r;
    bool have_subject = false, have_thing = false, have_op = false;
    for (auto& [key, value] : v.items()) {
      auto here = at + "/" + key;
      if (key == "subject") {
        auto s = read_prefixed(value, here,
                               std::array<const char*, 3>{"app", "user", "role"});
        if (!s)
          return std::move(s.error());
        r.subject = static_cast<acl_rule::subject_type>(s->first);
        r.subject_name = std::move(s->second);
        have_subject = true;
      } else if (key == "thing") {
        if (value == "*") {
          r.thing = acl_rule::thing_type::any;
        } else {
          auto s = read_prefixed(
            value, here, std::array<const char*, 3>{"id", "model", "tag"});
          if (!s)
            return std::move(s.error());
          r.thing = static_cast<acl_rule::thing_type>(s->first + 1);
          r.thing_value = std::move(s->second);
        }
        have_thing = true;
      } else if (key == "affordance") {
        auto s = read_name(value, here);
        if (!s)
          return std::move(s.error());
        r.affordance = std::move(*s);
      } else if (key == "op") {
        auto ops = read_ops(value, here);
        if (!ops)
          return std::move(ops.error());
        r.ops = *ops;
        have_op = true;
      } else if (key == "effect") {
        if (value == "allow")
          r.deny = false;
        else if (value == "deny")
          r.deny = true;
        else
          return fail(here, "expected \"allow\" or \"deny\"");
      } else if (key == "window") {
        auto w = parse_time_window(value, here);
        if (!w)
          return std::move(w.error());
        r.window = *w;
      } else {
        return fail(here, "unknown key");
      }
    }
    if (!have_subject)
      return fail(at, "missing \"subject\"");
    if (!have_thing)
      return fail(at, "missing \"thing\"");
    if (!have_op)
      return fail(at, "missing \"op\"");
    return r;
  }

  caf::expected<uint8_t> read_ops(const nlohmann::json& v,
                                  const std::string& at) {
    auto one = [&](const nlohmann::json& x,
                   const std::string& here) -> caf::expected<uint8_t> {
      if (!x.is_string())
        return fail(here, "expected an op name");
      auto& s = x.get_ref<const std::string&>();
      if (s == "*")
        return all_ops;
      auto op = parse_operation(s);
      if (!op)
        return fail(here, "unknown op " + quote(s));
      return static_cast<uint8_t>(1u << static_cast<unsigned>(*op));
    };
    if (!v.is_array())
      return one(v, at);
    if (v.empty())
      return fail(at, "empty op list");
    if (v.size() > 8)
      return fail(at, "more than 8 ops");
    uint8_t ops = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      auto bit = one(v[i], at + "/" + std::to_string(i));
      if (!bit)
        return std::move(bit.error());
      ops |= *bit;
    }
    return ops;
  }

  const acl_limits& limits_;
  std::string base_;
};

std::string subject_text(acl_rule::subject_type t, std::string_view name) {
  static constexpr std::array<const char*, 3> names{"app", "user", "role"};
  return std::string(names[static_cast<size_t>(t)]) + " " + std::string(name);
}

bool matches(const acl_rule& r, const access_request& req) {
  if (!(r.ops & (1u << static_cast<unsigned>(req.op))))
    return false;
  switch (r.subject) {
    case acl_rule::subject_type::app:
      if (req.kind != subject_kind::app || req.subject != r.subject_name)
        return false;
      break;
    case acl_rule::subject_type::user:
      if (req.kind != subject_kind::user || req.subject != r.subject_name)
        return false;
      break;
    case acl_rule::subject_type::role:
      if (std::find(req.roles.begin(), req.roles.end(), r.subject_name)
          == req.roles.end())
        return false;
      break;
  }
  switch (r.thing) {
    case acl_rule::thing_type::any:
      break;
    case acl_rule::thing_type::id:
      if (req.thing_id != r.thing_value)
        return false;
      break;
    case acl_rule::thing_type::model:
      if (req.model != r.thing_value)
        return false;
      break;
    case acl_rule::thing_type::tag:
      if (std::find(req.tags.begin(), req.tags.end(), r.thing_value)
          == req.tags.end())
        return false;
      break;
  }
  return r.affordance == "*" || r.affordance == req.affordance;
}

// "user alice (roles operator, viewer)" / "role operator" / "app hmi".
std::string describe_subject(const access_request& req) {
  std::string out = req.kind == subject_kind::app ? "app " : "user ";
  out += req.subject;
  if (!req.roles.empty()) {
    out += req.roles.size() == 1 ? " (role " : " (roles ";
    for (size_t i = 0; i < req.roles.size(); ++i)
      out += (i ? ", " : "") + req.roles[i];
    out += ")";
  }
  return out;
}

std::string describe_action(const access_request& req) {
  return std::string(to_string(req.op)) + " " + std::string(req.affordance)
         + " of " + std::string(req.thing_id);
}

} // namespace

const char* to_string(operation x) {
  auto i = static_cast<size_t>(x);
  return i < op_names.size() ? op_names[i] : "unknown";
}

std::optional<operation> parse_operation(std::string_view name) {
  for (size_t i = 0; i < op_names.size(); ++i)
    if (name == op_names[i])
      return static_cast<operation>(i);
  return std::nullopt;
}

caf::expected<time_window> parse_time_window(const nlohmann::json& v,
                                            const std::string& at,
                                            std::string_view offset_key) {
  auto fail = [](const std::string& where, const std::string& what) {
    return make_error(ec::config_invalid,
                      (where.empty() ? "/" : where) + ": " + what);
  };
  if (!v.is_object())
    return fail(at, "expected an object");
  time_window w;
  bool have_from = false, have_to = false;
  for (auto& [key, value] : v.items()) {
    auto here = at + "/" + key;
    if (key == "days") {
      if (!value.is_array() || value.empty() || value.size() > 7)
        return fail(here, "expected an array of 1 to 7 weekdays");
      w.days = 0;
      for (size_t i = 0; i < value.size(); ++i) {
        auto& d = value[i];
        auto dp = here + "/" + std::to_string(i);
        if (!d.is_string())
          return fail(dp, "expected a weekday");
        auto& s = d.get_ref<const std::string&>();
        auto it = std::find_if(day_names.begin(), day_names.end(),
                               [&](const char* n) { return s == n; });
        if (it == day_names.end())
          return fail(dp, "expected mon, tue, wed, thu, fri, sat or sun, got "
                            + quote(s));
        auto bit = static_cast<uint8_t>(1u << (it - day_names.begin()));
        if (w.days & bit)
          return fail(dp, "duplicate weekday " + quote(s));
        w.days |= bit;
      }
    } else if (key == "from" || key == "to") {
      auto m = value.is_string()
                 ? parse_hh_mm(value.get_ref<const std::string&>())
                 : std::nullopt;
      if (!m)
        return fail(here, "expected \"HH:MM\"");
      if (key == "from") {
        if (*m == 1440)
          return fail(here, "\"from\" cannot be 24:00");
        w.from = static_cast<uint16_t>(*m);
        have_from = true;
      } else {
        if (*m == 0)
          *m = 1440;
        w.to = static_cast<uint16_t>(*m);
        have_to = true;
      }
    } else if (key == offset_key) {
      auto off = value.is_string() ? parse_offset(value.get_ref<const std::string&>())
                                   : std::nullopt;
      if (!off)
        return fail(here, "expected \"Z\", \"+HH:MM\" or \"-HH:MM\"");
      w.offset_minutes = static_cast<int16_t>(*off);
    } else {
      return fail(here, "unknown key");
    }
  }
  if (!have_from || !have_to)
    return fail(at, "a window needs \"from\" and \"to\"");
  if (w.from == w.to || (w.from == 0 && w.to == 1440))
    return fail(at, "\"from\" and \"to\" must differ (omit the window for "
                    "all day)");
  return w;
}

bool time_window::contains(std::chrono::system_clock::time_point t) const noexcept {
  using namespace std::chrono;
  auto secs = duration_cast<seconds>(t.time_since_epoch()).count()
              + int64_t{offset_minutes} * 60;
  auto day = floor_div(secs, 86400);
  auto minute = static_cast<int>((secs - day * 86400) / 60);
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  auto weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);
  auto on = [&](int d) { return (days >> d) & 1; };
  if (from < to)
    return on(weekday) && minute >= from && minute < to;
  // Spans midnight: [from, 24:00) on a listed day, [00:00, to) the day after.
  return (on(weekday) && minute >= from)
         || (on((weekday + 6) % 7) && minute < to);
}

std::string to_string(const time_window& x) {
  std::string days;
  if (x.days == 0x7f) {
    days = "daily";
  } else {
    // Runs of consecutive days: "Mon-Fri", "Mon,Wed,Fri", "Sat-Sun".
    for (int d = 0; d < 7;) {
      if (!((x.days >> d) & 1)) {
        ++d;
        continue;
      }
      int end = d;
      while (end + 1 < 7 && ((x.days >> (end + 1)) & 1))
        ++end;
      if (!days.empty())
        days += ",";
      days += day_titles[d];
      if (end > d)
        days += std::string(end > d + 1 ? "-" : ",") + day_titles[end];
      d = end + 1;
    }
  }
  std::string zone = "UTC";
  if (x.offset_minutes != 0) {
    int off = x.offset_minutes;
    zone += off < 0 ? "-" : "+";
    zone += hh_mm(off < 0 ? -off : off);
  }
  return days + " " + hh_mm(x.from) + "-" + hh_mm(x.to) + " " + zone;
}

caf::expected<std::vector<acl_rule>>
parse_acl_rules(std::string_view text, const acl_limits& limits) {
  if (text.size() > limits.max_bytes)
    return make_error(ec::config_invalid,
                      "/: rules file larger than "
                        + std::to_string(limits.max_bytes) + " bytes");
  if (config::json_nesting_depth(text, limits.max_depth + 1) > limits.max_depth)
    return make_error(ec::config_invalid,
                      "/: nested deeper than "
                        + std::to_string(limits.max_depth) + " levels");
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return make_error(ec::config_invalid, "/: not valid JSON");
  return parse_acl_section(doc, limits, "");
}

caf::expected<std::vector<acl_rule>>
parse_acl_section(const nlohmann::json& section, const acl_limits& limits,
                  std::string_view pointer) {
  return rule_reader{limits, std::string(pointer)}.read(section);
}

acl_policy::acl_policy(std::vector<acl_rule> rules) : rules_(std::move(rules)) {
}

verdict acl_policy::decide(const access_request& req) const {
  std::optional<size_t> allow, outside;
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto& r = rules_[i];
    if (!matches(r, req))
      continue;
    bool inside = !r.window || r.window->contains(req.time);
    if (r.deny) {
      if (inside)
        return {false, i,
                "rule " + std::to_string(i) + " denies "
                  + subject_text(r.subject, r.subject_name) + " to "
                  + describe_action(req)};
      continue;
    }
    if (inside) {
      if (!allow)
        allow = i;
    } else if (!outside) {
      outside = i;
    }
  }
  if (allow)
    return {true, allow, "rule " + std::to_string(*allow) + " allows it"};
  if (outside)
    return {false, std::nullopt,
            "rule " + std::to_string(*outside) + " allows "
              + describe_action(req) + " only "
              + to_string(*rules_[*outside].window)};
  return {false, std::nullopt,
          "no rule allows " + describe_subject(req) + " to "
            + describe_action(req)};
}

} // namespace kagami::security::authz
